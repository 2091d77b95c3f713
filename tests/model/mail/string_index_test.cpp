#include "model/mail/string_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace konvert::mail {
namespace {

TEST(StringIndex, NumbersStringsInTheOrderFirstSeen) {
  StringIndex index;
  bool added = false;
  EXPECT_EQ(index.Insert("t1", &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(index.Insert("t2", &added), 1u);
  EXPECT_TRUE(added);
  EXPECT_EQ(index.Insert("t1", &added), 0u);
  EXPECT_FALSE(added);
  EXPECT_EQ(index.Insert("", &added), 2u);
  EXPECT_TRUE(added);
  EXPECT_EQ(index.size(), 3u);
}

TEST(StringIndex, KeepsNumbersWhileGrowing) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("thread-" + std::to_string(i));
  StringIndex index;  // starts small and doubles many times
  bool added = false;
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(index.Insert(keys[i], &added), i);
    ASSERT_TRUE(added);
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(index.Insert(keys[i], &added), i);
    ASSERT_FALSE(added);
  }
}

}  // namespace
}  // namespace konvert::mail
