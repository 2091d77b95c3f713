#include "model/mail/query_changes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace konvert::mail {
namespace {

using Ids = std::vector<std::string>;
using Added = std::vector<std::pair<std::string, uint64_t>>;

// What a client does with a queryChanges answer (RFC 8620 §5.6): drop every
// removed id, then insert each added id at its index, lowest first.
Ids Replay(Ids old_ids, const QueryChanges& changes) {
  std::erase_if(old_ids, [&](const std::string& id) {
    return std::find(changes.removed.begin(), changes.removed.end(), id) != changes.removed.end();
  });
  for (const auto& [id, index] : changes.added) {
    old_ids.insert(
        old_ids.begin() + static_cast<ptrdiff_t>(std::min<size_t>(index, old_ids.size())), id);
  }
  return old_ids;
}

TEST(QueryChanges, ReportsRemovedAndAdded) {
  Ids current = {"a", "x", "c", "y"};
  Result<QueryChanges> changes =
      ComputeQueryChanges(current, {"x", "b", "y", "gone"}, std::nullopt, std::nullopt);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->removed, (Ids{"b", "gone", "x", "y"}));
  EXPECT_EQ(changes->added, (Added{{"x", 1}, {"y", 3}}));
  EXPECT_EQ(Replay({"a", "b", "c", "y"}, *changes), current);
}

TEST(QueryChanges, NothingChanged) {
  Result<QueryChanges> changes = ComputeQueryChanges({"a", "b"}, {}, std::nullopt, 0);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->removed.empty());
  EXPECT_TRUE(changes->added.empty());
}

TEST(QueryChanges, StopsAfterUpToId) {
  Ids current = {"a", "x", "c", "y", "z"};
  Result<QueryChanges> changes =
      ComputeQueryChanges(current, {"x", "y", "z"}, std::string("c"), std::nullopt);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->removed, (Ids{"x", "y", "z"}));
  EXPECT_EQ(changes->added, (Added{{"x", 1}}));
  // The client had cached up to "c"; it now has the new list up to "c".
  EXPECT_EQ(Replay({"a", "c"}, *changes), (Ids{"a", "x", "c"}));
}

TEST(QueryChanges, IgnoresAnUpToIdNoLongerInTheResults) {
  Result<QueryChanges> changes =
      ComputeQueryChanges({"a", "b"}, {"b", "q"}, std::string("q"), std::nullopt);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->added, (Added{{"b", 1}}));
}

TEST(QueryChanges, RefusesMoreThanMaxChanges) {
  Result<QueryChanges> ok = ComputeQueryChanges({"a", "b"}, {"a", "b"}, std::nullopt, 2);
  EXPECT_TRUE(ok.ok());
  Result<QueryChanges> changes = ComputeQueryChanges({"a", "b"}, {"a", "b", "c"}, std::nullopt, 2);
  ASSERT_FALSE(changes.ok());
  EXPECT_EQ(changes.status().kind(), ErrorKind::kTooManyChanges);
  EXPECT_EQ(changes.status().message(), "maxChanges: 3 changes, more than 2");
}

// Property test: after random creations, destructions and moves, replaying
// the answer on the old list gives the new one.
TEST(QueryChanges, ReplayGivesTheNewListAfterRandomEdits) {
  std::mt19937 random(5);
  for (int round = 0; round < 500; ++round) {
    SCOPED_TRACE(round);
    Ids old_ids;
    int size = std::uniform_int_distribution<int>(0, 30)(random);
    for (int i = 0; i < size; ++i) old_ids.push_back("e" + std::to_string(i));

    Ids current = old_ids;
    std::unordered_set<std::string> changed;
    int edits = std::uniform_int_distribution<int>(0, 10)(random);
    for (int i = 0; i < edits; ++i) {
      int kind = std::uniform_int_distribution<int>(0, 2)(random);
      if (kind == 0 || current.empty()) {  // created (or newly matching)
        std::string id = "n" + std::to_string(round) + "_" + std::to_string(i);
        current.insert(current.begin() + random() % (current.size() + 1), id);
        changed.insert(id);
      } else if (kind == 1) {  // destroyed (or no longer matching)
        size_t at = random() % current.size();
        changed.insert(current[at]);
        current.erase(current.begin() + static_cast<ptrdiff_t>(at));
      } else {  // updated, and moved by the sort
        size_t at = random() % current.size();
        std::string id = current[at];
        current.erase(current.begin() + static_cast<ptrdiff_t>(at));
        current.insert(current.begin() + random() % (current.size() + 1), id);
        changed.insert(id);
      }
    }

    Result<QueryChanges> changes =
        ComputeQueryChanges(current, changed, std::nullopt, std::nullopt);
    ASSERT_TRUE(changes.ok());
    EXPECT_EQ(Replay(old_ids, *changes), current);
    EXPECT_TRUE(std::is_sorted(changes->added.begin(), changes->added.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; }));
  }
}

}  // namespace
}  // namespace konvert::mail
