#include "store/secrets/server_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/konvert_process.h"

namespace konvert {
namespace {

class ServerKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("konvert-key") + "/data"; }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
  }
  std::string dir_;
};

TEST_F(ServerKeyTest, CreatesAPrivateKeyOnceAndReadsItBack) {
  Result<std::string> first = LoadOrCreateServerKey(dir_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->size(), kServerKeySize);

  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  Result<std::string> second = LoadOrCreateServerKey(dir_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
}

TEST_F(ServerKeyTest, RefusesAKeyOthersCanRead) {
  ASSERT_TRUE(LoadOrCreateServerKey(dir_).ok());
  chmod((dir_ + "/server.key").c_str(), 0644);
  Result<std::string> key = LoadOrCreateServerKey(dir_);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(ServerKeyTest, RefusesAKeyOfTheWrongSize) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/server.key") << "short";
  chmod((dir_ + "/server.key").c_str(), 0600);
  EXPECT_FALSE(LoadOrCreateServerKey(dir_).ok());
}

}  // namespace
}  // namespace konvert
