#include "model/mail/mailbox_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace konvert::mail {
namespace {

using Ids = std::vector<std::string>;

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

MailboxSummary Mailbox(std::string id, std::optional<std::string> parent, std::string name,
                       std::optional<std::string> role, uint32_t sort_order, bool subscribed) {
  return MailboxSummary{std::move(id),   std::move(parent), std::move(name),
                        std::move(role), sort_order,        subscribed};
}

// inbox
//   projects (Проекты)
//     alpha
//     beta (unsubscribed)
// sent, trash, archive (sortOrder 10), "Входящие от Пети" (no role)
class MailboxQuery : public ::testing::Test {
 protected:
  std::vector<MailboxSummary> mailboxes_ = {
      Mailbox("trash", std::nullopt, "Trash", "trash", 5, true),
      Mailbox("beta", "projects", "beta", std::nullopt, 0, false),
      Mailbox("inbox", std::nullopt, "Inbox", "inbox", 1, true),
      Mailbox("alpha", "projects", "Alpha", std::nullopt, 0, true),
      Mailbox("sent", std::nullopt, "Sent", "sent", 3, true),
      Mailbox("projects", "inbox", "Проекты", std::nullopt, 0, true),
      Mailbox("archive", std::nullopt, "Archive", "archive", 10, true),
      Mailbox("petya", std::nullopt, "Входящие от Пети", std::nullopt, 0, true),
  };

  Result<QueryResultIds> Run(const std::string& args_json) {
    Result<MailboxQueryArgs> args = ParseMailboxQueryArgs(Json(args_json));
    if (!args.ok()) return args.status();
    return RunMailboxQuery(mailboxes_, *args);
  }

  Ids QueryIds(const std::string& args_json) {
    Result<QueryResultIds> result = Run(args_json);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? result->ids : Ids{};
  }
};

struct QueryCase {
  const char* args;
  Ids ids;
};

TEST_F(MailboxQuery, FiltersAndSorts) {
  const std::vector<QueryCase> cases = {
      // Default: sortOrder, then name.
      {R"({})", {"alpha", "beta", "petya", "projects", "inbox", "sent", "trash", "archive"}},
      {R"({"filter": {"parentId": null}})", {"petya", "inbox", "sent", "trash", "archive"}},
      {R"({"filter": {"parentId": "projects"}})", {"alpha", "beta"}},
      {R"({"filter": {"name": "ВХОДЯЩ"}})", {"petya"}},
      {R"({"filter": {"name": "a"}})", {"alpha", "beta", "trash", "archive"}},
      {R"({"filter": {"role": "Inbox"}})", {"inbox"}},
      {R"({"filter": {"role": null, "parentId": null}})", {"petya"}},
      {R"({"filter": {"hasAnyRole": true}})", {"inbox", "sent", "trash", "archive"}},
      {R"({"filter": {"isSubscribed": false}})", {"beta"}},
      {R"({"filter": {"operator": "OR", "conditions": [{"role": "sent"}, {"role": "trash"}]}})",
       {"sent", "trash"}},
      {R"({"filter": {"operator": "NOT", "conditions": [{"hasAnyRole": false}]}})",
       {"inbox", "sent", "trash", "archive"}},
      {R"({"filter": {"operator": "AND", "conditions": [{"hasAnyRole": false},
          {"isSubscribed": true}, {"parentId": "projects"}]}})",
       {"alpha"}},
      {R"({"sort": [{"property": "name"}]})",
       {"alpha", "archive", "beta", "inbox", "sent", "trash", "petya", "projects"}},
      {R"({"sort": [{"property": "name", "isAscending": false}]})",
       {"projects", "petya", "trash", "sent", "inbox", "beta", "archive", "alpha"}},
      {R"({"sort": [{"property": "sortOrder", "isAscending": false}]})",
       {"archive", "trash", "sent", "inbox", "alpha", "beta", "petya", "projects"}},
  };
  for (const QueryCase& c : cases) {
    SCOPED_TRACE(c.args);
    EXPECT_EQ(QueryIds(c.args), c.ids);
  }
}

TEST_F(MailboxQuery, SortsAsTree) {
  EXPECT_EQ(QueryIds(R"({"sortAsTree": true})"),
            (Ids{"petya", "inbox", "projects", "alpha", "beta", "sent", "trash", "archive"}));
  EXPECT_EQ(QueryIds(R"({"sortAsTree": true, "sort": [{"property": "name"}]})"),
            (Ids{"archive", "inbox", "projects", "alpha", "beta", "sent", "trash", "petya"}));
  // Excluded mailboxes still give the included ones their place.
  EXPECT_EQ(QueryIds(R"({"sortAsTree": true, "filter": {"hasAnyRole": false}})"),
            (Ids{"petya", "projects", "alpha", "beta"}));
}

TEST_F(MailboxQuery, FiltersAsTree) {
  // beta is unsubscribed, so with filterAsTree nothing below it could show;
  // alpha shows because all its ancestors are subscribed.
  EXPECT_EQ(QueryIds(R"({"filterAsTree": true, "sortAsTree": true,
                         "filter": {"isSubscribed": true}})"),
            (Ids{"petya", "inbox", "projects", "alpha", "sent", "trash", "archive"}));
  // Children of inbox match "hasAnyRole: false" but inbox does not.
  EXPECT_EQ(QueryIds(R"({"filterAsTree": true, "filter": {"hasAnyRole": false}})"), (Ids{"petya"}));
  EXPECT_EQ(QueryIds(R"({"filterAsTree": false, "filter": {"hasAnyRole": false}})"),
            (Ids{"alpha", "beta", "petya", "projects"}));
}

TEST_F(MailboxQuery, Windows) {
  Result<QueryResultIds> result = Run(R"({"position": 1, "limit": 2, "calculateTotal": true})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->ids, (Ids{"beta", "petya"}));
  EXPECT_EQ(result->position, 1u);
  EXPECT_EQ(result->total, 8u);

  result = Run(R"({"anchor": "inbox", "anchorOffset": -1, "limit": 3})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->ids, (Ids{"projects", "inbox", "sent"}));
  EXPECT_EQ(result->position, 3u);
  EXPECT_FALSE(result->total);

  result = Run(R"({"position": -1})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->ids, (Ids{"archive"}));

  result = Run(R"({"anchor": "beta", "filter": {"isSubscribed": true}})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kAnchorNotFound);
}

TEST_F(MailboxQuery, SurvivesOrphansAndCycles) {
  mailboxes_ = {
      Mailbox("orphan", "missing", "Orphan", std::nullopt, 0, true),
      Mailbox("a", "b", "A", std::nullopt, 0, true),
      Mailbox("b", "a", "B", std::nullopt, 0, true),
      Mailbox("self", "self", "Self", std::nullopt, 0, true),
      Mailbox("c", "b", "C", std::nullopt, 0, true),
  };
  Ids ids = QueryIds(R"({"sortAsTree": true, "filterAsTree": true})");
  EXPECT_EQ(ids.size(), 5u);
  // The cycle a <-> b is cut at a, which becomes top level.
  EXPECT_EQ(ids, (Ids{"a", "b", "c", "orphan", "self"}));
}

struct ErrorCase {
  const char* args;
  ErrorKind kind;
  const char* message;
};

TEST(MailboxQueryArgs, RejectsBadArgumentsNamingTheField) {
  const std::vector<ErrorCase> cases = {
      {R"(1)", ErrorKind::kInvalidArguments, "arguments: not an object"},
      {R"({"collapseThreads": true})", ErrorKind::kInvalidArguments,
       "collapseThreads: unknown argument"},
      {R"({"filter": {"parentId": 1}})", ErrorKind::kInvalidArguments,
       "filter/parentId: not an Id"},
      {R"({"filter": {"name": true}})", ErrorKind::kInvalidArguments, "filter/name: not a string"},
      {R"({"filter": {"operator": "OR", "conditions": [{"isSubscribed": "yes"}]}})",
       ErrorKind::kInvalidArguments, "filter/conditions/0/isSubscribed: not a boolean"},
      {R"({"filter": {"totalEmails": 3}})", ErrorKind::kUnsupportedFilter,
       "filter/totalEmails: unknown filter property"},
      {R"({"sort": [{"property": "totalEmails"}]})", ErrorKind::kUnsupportedSort,
       "sort/0/property: \"totalEmails\" is not supported"},
      {R"({"sort": [{"property": "name", "collation": "i;basic"}]})", ErrorKind::kUnsupportedSort,
       "sort/0/collation: \"i;basic\" is not supported"},
      {R"({"sortAsTree": 1})", ErrorKind::kInvalidArguments, "sortAsTree: not a boolean"},
      {R"({"limit": -5})", ErrorKind::kInvalidArguments, "limit: negative"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.args);
    Result<MailboxQueryArgs> args = ParseMailboxQueryArgs(Json(c.args));
    ASSERT_FALSE(args.ok());
    EXPECT_EQ(args.status().kind(), c.kind);
    EXPECT_EQ(args.status().message(), c.message);
  }
}

}  // namespace
}  // namespace konvert::mail
