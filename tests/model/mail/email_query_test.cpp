#include "model/mail/email_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/mail/collation.h"
#include "model/mail/query_changes.h"

namespace konvert::mail {
namespace {

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

EmailSummary Email(std::string id, std::string thread, std::vector<std::string> mailboxes,
                   int64_t received, uint64_t size, std::vector<std::string> keywords = {},
                   std::string subject = "", std::string from = "") {
  EmailSummary email;
  email.id = std::move(id);
  email.thread_id = std::move(thread);
  email.mailbox_ids = std::move(mailboxes);
  email.keywords = std::move(keywords);
  email.received_at = received;
  email.sent_at = received;
  email.size = size;
  email.subject_key = SortKey(BaseSubject(subject));
  email.from_key = SortKey(from);
  return email;
}

// A small account: two threads (t1: a, b, c; t2: d, e) and a lone f.
class EmailQuery : public ::testing::Test {
 protected:
  EmailQuery() {
    emails_ = {
        Email("a", "t1", {"inbox"}, 100, 500, {"$seen"}, "Hello", "Zoe"),
        Email("b", "t1", {"inbox"}, 200, 1500, {"$seen", "$flagged"}, "Re: Hello", "adam"),
        Email("c", "t1", {"sent"}, 300, 800, {"$seen"}, "RE: hello", "Bob"),
        Email("d", "t2", {"inbox", "work"}, 150, 100, {}, "Budget", "carl"),
        Email("e", "t2", {"archive"}, 250, 2500, {"$flagged"}, "Re: Budget", "Dora"),
        Email("f", "t3", {"inbox"}, 50, 100, {"$label1"}, "Альфа", "Ёжик"),
    };
    emails_[5].has_attachment = true;
    for (const EmailSummary& email : emails_) pointers_.push_back(&email);
  }

  std::vector<std::string> QueryIds(const std::string& args_json) {
    Result<EmailQueryResult> result = Run(args_json);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? result->ids : std::vector<std::string>{};
  }

  Result<EmailQueryResult> Run(const std::string& args_json) {
    Result<EmailQueryArgs> args = ParseEmailQueryArgs(Json(args_json));
    if (!args.ok()) return args.status();
    return RunEmailQuery(pointers_, *args);
  }

  std::vector<EmailSummary> emails_;
  std::vector<const EmailSummary*> pointers_;
};

using Ids = std::vector<std::string>;

struct QueryCase {
  const char* args;
  Ids ids;
};

TEST_F(EmailQuery, Filters) {
  const std::vector<QueryCase> cases = {
      {R"({})", {"c", "e", "b", "d", "a", "f"}},
      {R"({"filter": {}})", {"c", "e", "b", "d", "a", "f"}},
      {R"({"filter": {"inMailbox": "inbox"}})", {"b", "d", "a", "f"}},
      {R"({"filter": {"inMailbox": "nowhere"}})", {}},
      {R"({"filter": {"inMailboxOtherThan": ["inbox"]}})", {"c", "e", "d"}},
      {R"({"filter": {"inMailboxOtherThan": []}})", {"c", "e", "b", "d", "a", "f"}},
      {R"({"filter": {"before": "1970-01-01T00:02:30Z"}})", {"a", "f"}},
      {R"({"filter": {"after": "1970-01-01T00:02:30Z"}})", {"c", "e", "b", "d"}},
      {R"({"filter": {"minSize": 800}})", {"c", "e", "b"}},
      {R"({"filter": {"maxSize": 800}})", {"d", "a", "f"}},
      {R"({"filter": {"hasKeyword": "$Flagged"}})", {"e", "b"}},
      {R"({"filter": {"notKeyword": "$seen"}})", {"e", "d", "f"}},
      {R"({"filter": {"hasAttachment": true}})", {"f"}},
      {R"({"filter": {"hasAttachment": false}})", {"c", "e", "b", "d", "a"}},
      {R"({"filter": {"allInThreadHaveKeyword": "$seen"}})", {"c", "b", "a"}},
      {R"({"filter": {"someInThreadHaveKeyword": "$flagged"}})", {"c", "e", "b", "d", "a"}},
      {R"({"filter": {"noneInThreadHaveKeyword": "$flagged"}})", {"f"}},
      {R"({"filter": {"operator": "OR", "conditions": [{"allInThreadHaveKeyword": "$seen"},
          {"someInThreadHaveKeyword": "$label1"}, {"noneInThreadHaveKeyword": "$seen"}]}})",
       {"c", "e", "b", "d", "a", "f"}},
      {R"({"filter": {"allInThreadHaveKeyword": "$seen", "noneInThreadHaveKeyword": "$label1"}})",
       {"c", "b", "a"}},
      {R"({"filter": {"inMailbox": "inbox", "hasKeyword": "$seen"}})", {"b", "a"}},
      {R"({"filter": {"operator": "AND", "conditions": [
          {"inMailbox": "inbox"}, {"notKeyword": "$seen"}]}})",
       {"d", "f"}},
      {R"({"filter": {"operator": "OR", "conditions": [
          {"inMailbox": "sent"}, {"inMailbox": "archive"}]}})",
       {"c", "e"}},
      {R"({"filter": {"operator": "NOT", "conditions": [
          {"inMailbox": "inbox"}, {"hasKeyword": "$flagged"}]}})",
       {"c"}},
      {R"({"filter": {"operator": "AND", "conditions": []}})", {"c", "e", "b", "d", "a", "f"}},
      {R"({"filter": {"operator": "OR", "conditions": []}})", {}},
      {R"({"filter": {"operator": "NOT", "conditions": [{"operator": "OR", "conditions": [
          {"minSize": 1000}, {"maxSize": 200}]}]}})",
       {"c", "a"}},
  };
  for (const QueryCase& c : cases) {
    SCOPED_TRACE(c.args);
    EXPECT_EQ(QueryIds(c.args), c.ids);
  }
}

TEST_F(EmailQuery, Sorts) {
  const std::vector<QueryCase> cases = {
      {R"({"sort": [{"property": "receivedAt"}]})", {"f", "a", "d", "b", "e", "c"}},
      {R"({"sort": [{"property": "receivedAt", "isAscending": false}]})",
       {"c", "e", "b", "d", "a", "f"}},
      {R"({"sort": [{"property": "sentAt"}]})", {"f", "a", "d", "b", "e", "c"}},
      // Equal sizes (d, f: 100) fall back to receivedAt descending.
      {R"({"sort": [{"property": "size"}]})", {"d", "f", "a", "c", "b", "e"}},
      {R"({"sort": [{"property": "size", "isAscending": false}]})", {"e", "b", "c", "a", "d", "f"}},
      // Case-insensitive, Cyrillic after Latin.
      {R"({"sort": [{"property": "from"}]})", {"b", "c", "d", "e", "a", "f"}},
      // Subjects compare without "Re:": "budget" (e, d), "hello" (c, b, a).
      {R"({"sort": [{"property": "subject"}]})", {"e", "d", "c", "b", "a", "f"}},
      {R"({"sort": [{"property": "subject", "isAscending": false},
                    {"property": "receivedAt"}]})",
       {"f", "a", "b", "c", "d", "e"}},
      {R"({"sort": [{"property": "hasKeyword", "keyword": "$flagged", "isAscending": false}]})",
       {"e", "b", "c", "d", "a", "f"}},
      {R"({"sort": [{"property": "allInThreadHaveKeyword", "keyword": "$seen"}]})",
       {"e", "d", "f", "c", "b", "a"}},
      {R"({"sort": [{"property": "someInThreadHaveKeyword", "keyword": "$label1",
                     "isAscending": false}]})",
       {"f", "c", "e", "b", "d", "a"}},
  };
  for (const QueryCase& c : cases) {
    SCOPED_TRACE(c.args);
    EXPECT_EQ(QueryIds(c.args), c.ids);
  }
}

TEST_F(EmailQuery, CollapsesThreadsToTheirFirstEmailInSortOrder) {
  EXPECT_EQ(QueryIds(R"({"collapseThreads": true})"), (Ids{"c", "e", "f"}));
  EXPECT_EQ(QueryIds(R"({"collapseThreads": true, "sort": [{"property": "receivedAt"}]})"),
            (Ids{"f", "a", "d"}));
  EXPECT_EQ(QueryIds(R"({"collapseThreads": true, "filter": {"inMailbox": "inbox"}})"),
            (Ids{"b", "d", "f"}));
  Result<EmailQueryResult> result = Run(R"({"collapseThreads": true, "calculateTotal": true})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->total, 3u);
}

TEST_F(EmailQuery, Windows) {
  struct WindowCase {
    const char* args;
    Ids ids;
    uint64_t position;
  };
  // All results, newest first: c e b d a f.
  const std::vector<WindowCase> cases = {
      {R"({"position": 0, "limit": 2})", {"c", "e"}, 0},
      {R"({"position": 2, "limit": 2})", {"b", "d"}, 2},
      {R"({"position": 4})", {"a", "f"}, 4},
      {R"({"position": 6})", {}, 6},
      {R"({"position": 100, "limit": 5})", {}, 100},
      {R"({"position": -2})", {"a", "f"}, 4},
      {R"({"position": -2, "limit": 1})", {"a"}, 4},
      {R"({"position": -100, "limit": 2})", {"c", "e"}, 0},
      {R"({"limit": 0})", {}, 0},
      {R"({"anchor": "b"})", {"b", "d", "a", "f"}, 2},
      {R"({"anchor": "b", "anchorOffset": -1, "limit": 2})", {"e", "b"}, 1},
      {R"({"anchor": "b", "anchorOffset": -10, "limit": 2})", {"c", "e"}, 0},
      {R"({"anchor": "b", "anchorOffset": 3})", {"f"}, 5},
      {R"({"anchor": "b", "anchorOffset": 10})", {}, 12},
      {R"({"anchor": "b", "position": 5, "limit": 1})", {"b"}, 2},  // anchor wins
  };
  for (const WindowCase& c : cases) {
    SCOPED_TRACE(c.args);
    Result<EmailQueryResult> result = Run(c.args);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->ids, c.ids);
    EXPECT_EQ(result->position, c.position);
    EXPECT_FALSE(result->total);
  }
}

TEST_F(EmailQuery, CalculatesTotalOnlyWhenAsked) {
  Result<EmailQueryResult> result =
      Run(R"({"calculateTotal": true, "limit": 1, "filter": {"inMailbox": "inbox"}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->ids, (Ids{"b"}));
  EXPECT_EQ(result->total, 4u);
}

TEST_F(EmailQuery, AnchorNotInResultsFails) {
  for (const char* args :
       {R"({"anchor": "zzz"})", R"({"anchor": "c", "filter": {"inMailbox": "inbox"}})",
        R"({"anchor": "a", "collapseThreads": true})"}) {
    SCOPED_TRACE(args);
    Result<EmailQueryResult> result = Run(args);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kAnchorNotFound);
    EXPECT_EQ(result.status().message().rfind("anchor: ", 0), 0u);
  }
}

TEST_F(EmailQuery, ThreadConditionsSeeEmailsOutsideTheQueriedList) {
  // The store queries one mailbox's Emails but knows the whole thread: b
  // (flagged) is not in the list, yet a's thread has a flagged Email.
  std::vector<const EmailSummary*> all = pointers_;
  ThreadIndex index(all);
  ThreadView view = index.View();
  std::vector<const EmailSummary*> some = {&emails_[0], &emails_[5]};

  Result<EmailQueryArgs> args =
      ParseEmailQueryArgs(Json(R"({"filter": {"someInThreadHaveKeyword": "$flagged"}})"));
  ASSERT_TRUE(args.ok());
  Result<EmailQueryResult> with_view = RunEmailQuery(some, *args, &view);
  ASSERT_TRUE(with_view.ok());
  EXPECT_EQ(with_view->ids, (Ids{"a"}));

  // Without a view only the listed Emails count.
  Result<EmailQueryResult> without = RunEmailQuery(some, *args);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->ids, Ids{});
}

TEST_F(EmailQuery, AnUnknownThreadIsTheEmailAlone) {
  ThreadView empty{[](std::string_view) { return std::span<const EmailSummary* const>(); }};
  Result<EmailQueryArgs> args =
      ParseEmailQueryArgs(Json(R"({"filter": {"allInThreadHaveKeyword": "$seen"}})"));
  ASSERT_TRUE(args.ok());
  Result<EmailQueryResult> result = RunEmailQuery(pointers_, *args, &empty);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->ids, (Ids{"c", "b", "a"}));
}

TEST_F(EmailQuery, QueryChangesFollowANewFirstEmailOfACollapsedThread) {
  Result<EmailQueryChangesArgs> args =
      ParseEmailQueryChangesArgs(Json(R"({"sinceQueryState": "s1", "collapseThreads": true})"));
  ASSERT_TRUE(args.ok());
  Result<EmailQueryResult> before = RunEmailQuery(pointers_, args->query);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->ids, (Ids{"c", "e", "f"}));

  // A newer reply "g" joins t2: t2 is now shown by g, not e, yet e itself
  // did not change. The change log only says "g was created".
  emails_.push_back(Email("g", "t2", {"inbox"}, 400, 10));
  std::vector<const EmailSummary*> now;
  for (const EmailSummary& email : emails_) now.push_back(&email);
  ThreadIndex threads(now);
  Result<EmailQueryResult> after = RunEmailQuery(now, args->query, nullptr);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->ids, (Ids{"g", "c", "f"}));

  std::unordered_set<std::string> changed = {"g"};
  AddThreadMembers({"t2"}, threads.View(), &changed);
  EXPECT_EQ(changed, (std::unordered_set<std::string>{"d", "e", "g"}));
  Result<QueryChanges> changes =
      ComputeQueryChanges(after->ids, changed, args->up_to_id, args->max_changes);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->removed, (Ids{"d", "e", "g"}));
  EXPECT_EQ(changes->added, (std::vector<std::pair<std::string, uint64_t>>{{"g", 0}}));
}

// Property test: over random accounts and windows, RunEmailQuery (which
// selects and partially sorts) agrees with sorting everything and slicing.
TEST(EmailQueryProperty, AgreesWithAFullSort) {
  std::mt19937 random(20261204);
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE(round);
    std::uniform_int_distribution<int> small(0, 5);
    std::vector<EmailSummary> emails(std::uniform_int_distribution<int>(0, 60)(random));
    for (size_t i = 0; i < emails.size(); ++i) {
      EmailSummary& email = emails[i];
      email.id = "e" + std::to_string(i);
      email.thread_id = "t" + std::to_string(small(random));
      email.received_at = small(random) * 10;
      email.sent_at = small(random);
      email.size = static_cast<uint64_t>(small(random));
      email.subject_key = std::string(static_cast<size_t>(small(random)), 'x') + "subjectprefix";
      if (small(random) < 2) email.keywords.push_back("$seen");
    }
    std::vector<const EmailSummary*> pointers;
    for (const EmailSummary& email : emails) pointers.push_back(&email);

    EmailQueryArgs args;
    int sort_kind = small(random);
    bool ascending = small(random) < 3;
    if (sort_kind == 1) args.sort = {{EmailSortProperty::kSize, "", ascending}};
    if (sort_kind == 2) args.sort = {{EmailSortProperty::kSubject, "", ascending}};
    if (sort_kind == 3) {
      args.sort = {{EmailSortProperty::kHasKeyword, "$seen", ascending},
                   {EmailSortProperty::kSentAt, "", !ascending}};
    }
    args.collapse_threads = small(random) < 2;
    args.position = std::uniform_int_distribution<int>(-70, 70)(random);
    if (small(random) < 4) args.limit = static_cast<uint64_t>(small(random) * 3);
    if (!emails.empty() && small(random) < 2) {
      args.anchor = emails[static_cast<size_t>(random() % emails.size())].id;
      args.anchor_offset = std::uniform_int_distribution<int>(-8, 8)(random);
    }

    // The reference: a full, slow sort under the same rules.
    EmailQueryArgs everything = args;
    static_cast<QueryWindow&>(everything) = QueryWindow{};
    EmailQueryArgs uncollapsed = everything;
    uncollapsed.collapse_threads = false;
    Result<EmailQueryResult> sorted = RunEmailQuery(pointers, uncollapsed);
    ASSERT_TRUE(sorted.ok());
    std::vector<std::string> full;
    std::unordered_map<std::string, bool> seen_thread;
    for (const std::string& id : sorted->ids) {
      const EmailSummary& email = emails[std::stoul(id.substr(1))];
      if (args.collapse_threads && !seen_thread.emplace(email.thread_id, true).second) continue;
      full.push_back(id);
    }
    // And check the uncollapsed sort really is sorted by the first key.
    for (size_t i = 0; i + 1 < sorted->ids.size() && sort_kind == 0; ++i) {
      EXPECT_GE(emails[std::stoul(sorted->ids[i].substr(1))].received_at,
                emails[std::stoul(sorted->ids[i + 1].substr(1))].received_at);
    }

    int64_t start =
        args.position < 0 ? args.position + static_cast<int64_t>(full.size()) : args.position;
    bool anchor_missing = false;
    if (args.anchor) {
      auto it = std::find(full.begin(), full.end(), *args.anchor);
      anchor_missing = it == full.end();
      start = (it - full.begin()) + args.anchor_offset;
    }
    start = std::max<int64_t>(start, 0);

    Result<EmailQueryResult> result = RunEmailQuery(pointers, args);
    if (anchor_missing) {
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.status().kind(), ErrorKind::kAnchorNotFound);
      continue;
    }
    ASSERT_TRUE(result.ok());
    std::vector<std::string> expected;
    for (int64_t i = start; i < static_cast<int64_t>(full.size()); ++i) {
      if (args.limit && expected.size() >= *args.limit) break;
      expected.push_back(full[static_cast<size_t>(i)]);
    }
    EXPECT_EQ(result->ids, expected);
    EXPECT_EQ(result->position, static_cast<uint64_t>(start));
  }
}

}  // namespace
}  // namespace konvert::mail
