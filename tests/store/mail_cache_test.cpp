// MailCache: format versions and damage. The cache only ever holds what IMAP
// has, so a damaged one is thrown away and rebuilt, never a dead end.
#include "store/index/mail_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace konvert {
namespace {

class MailCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("konvert-cache-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<MailCache> Open() {
    Result<std::unique_ptr<MailCache>> cache = MailCache::Open(dir_.string(), log::Context());
    EXPECT_TRUE(cache.ok()) << cache.status().message();
    return cache.ok() ? std::move(*cache) : nullptr;
  }

  // Overwrites 64 bytes a third into every table file: a data block, past
  // the first (which holds the format mark) and before the index and footer.
  void Damage() {
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path().extension() != ".sst") continue;
      std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(entry.path()) / 3));
      file.write(std::string(64, '\x5a').data(), 64);
    }
  }

  std::filesystem::path dir_;
};

TEST_F(MailCacheTest, DamageFoundWhileReadingRebuildsTheCache) {
  {
    std::unique_ptr<MailCache> cache = Open();
    CacheBatch batch;
    for (int i = 0; i < 2000; ++i) {
      std::string value;
      for (int j = 0; j < 100; ++j) value.push_back(static_cast<char>((i * 31 + j * 7) % 251));
      batch.Put("key" + std::to_string(i), value);
    }
    ASSERT_TRUE(cache->Write(batch).ok());
    ASSERT_TRUE(cache->Flush().ok());
  }
  // The table's footer and index stay whole, so the damage shows only when
  // the keys are read.
  Damage();

  std::unique_ptr<MailCache> cache = Open();
  ASSERT_NE(cache, nullptr);
  size_t seen = 0;
  Status scanned = cache->Scan("key", [&](std::string_view, std::string_view) {
    ++seen;
    return true;
  });
  ASSERT_FALSE(scanned.ok()) << seen;
  EXPECT_EQ(scanned.kind(), ErrorKind::kServerUnavailable);
  EXPECT_EQ(scanned.message().find(dir_.string()), std::string::npos) << "no paths to clients";
  EXPECT_EQ(cache->generation(), 1u);

  // Empty and working again.
  Result<std::optional<std::string>> got = cache->Get("key1");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  CacheBatch batch;
  batch.Put("fresh", "1");
  ASSERT_TRUE(cache->Write(batch).ok());
  EXPECT_EQ(**cache->Get("fresh"), "1");
}

TEST_F(MailCacheTest, DeletePrefixRemovesOnlyThatPrefix) {
  std::unique_ptr<MailCache> cache = Open();
  CacheBatch batch;
  for (const char* key : {"Aa\0x", "Aa\0y", "Ab\0x", "Aa"}) batch.Put(key, "v");
  batch.Put(std::string("Aa\xff", 3), "v");
  ASSERT_TRUE(cache->Write(batch).ok());
  ASSERT_TRUE(cache->DeletePrefix("Aa").ok());
  size_t left = 0;
  ASSERT_TRUE(cache
                  ->Scan("A",
                         [&](std::string_view key, std::string_view) {
                           EXPECT_EQ(key.substr(0, 2), "Ab");
                           ++left;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(left, 1u);
}

}  // namespace
}  // namespace konvert
