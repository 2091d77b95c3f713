#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/mail/email_query.h"

namespace konvert::mail {
namespace {

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

Result<EmailQueryArgs> Parse(const std::string& text) { return ParseEmailQueryArgs(Json(text)); }

struct ErrorCase {
  const char* args;
  ErrorKind kind;
  const char* message;
};

TEST(EmailQueryArgs, RejectsBadArgumentsNamingTheField) {
  const std::vector<ErrorCase> cases = {
      {R"([])", ErrorKind::kInvalidArguments, "arguments: not an object"},
      {R"({"bogus": 1})", ErrorKind::kInvalidArguments, "bogus: unknown argument"},
      {R"({"accountId": 5})", ErrorKind::kInvalidArguments, "accountId: not an Id"},
      {R"({"position": "1"})", ErrorKind::kInvalidArguments, "position: not an Int"},
      {R"({"position": 1.5})", ErrorKind::kInvalidArguments, "position: not an Int"},
      {R"({"position": 9007199254740992})", ErrorKind::kInvalidArguments, "position: out of range"},
      {R"({"limit": -1})", ErrorKind::kInvalidArguments, "limit: negative"},
      {R"({"limit": true})", ErrorKind::kInvalidArguments, "limit: not an UnsignedInt"},
      {R"({"anchor": "a b"})", ErrorKind::kInvalidArguments, "anchor: not an Id"},
      {R"({"anchorOffset": "x"})", ErrorKind::kInvalidArguments, "anchorOffset: not an Int"},
      {R"({"calculateTotal": 1})", ErrorKind::kInvalidArguments, "calculateTotal: not a boolean"},
      {R"({"collapseThreads": "yes"})", ErrorKind::kInvalidArguments,
       "collapseThreads: not a boolean"},
      {R"({"filter": []})", ErrorKind::kInvalidArguments,
       "filter: not a FilterOperator or FilterCondition"},
      {R"({"filter": {"inMailbox": 3}})", ErrorKind::kInvalidArguments,
       "filter/inMailbox: not an Id"},
      {R"({"filter": {"inMailboxOtherThan": "a"}})", ErrorKind::kInvalidArguments,
       "filter/inMailboxOtherThan: not an array of Ids"},
      {R"({"filter": {"inMailboxOtherThan": ["a", ""]}})", ErrorKind::kInvalidArguments,
       "filter/inMailboxOtherThan/1: not an Id"},
      {R"({"filter": {"operator": "AND", "conditions": [{}, {"before": "2024-01-02"}]}})",
       ErrorKind::kInvalidArguments, "filter/conditions/1/before: not a UTCDate"},
      {R"({"filter": {"after": "2024-01-02T03:04:05+01:00"}})", ErrorKind::kInvalidArguments,
       "filter/after: not a UTCDate (time zone must be \"Z\")"},
      {R"({"filter": {"minSize": -3}})", ErrorKind::kInvalidArguments, "filter/minSize: negative"},
      {R"({"filter": {"maxSize": "big"}})", ErrorKind::kInvalidArguments,
       "filter/maxSize: not an UnsignedInt"},
      {R"({"filter": {"hasKeyword": "a b"}})", ErrorKind::kInvalidArguments,
       "filter/hasKeyword: not a valid keyword"},
      {R"({"filter": {"notKeyword": 1}})", ErrorKind::kInvalidArguments,
       "filter/notKeyword: not a string"},
      {R"({"filter": {"hasAttachment": "true"}})", ErrorKind::kInvalidArguments,
       "filter/hasAttachment: not a boolean"},
      {R"({"filter": {"operator": "XOR", "conditions": []}})", ErrorKind::kInvalidArguments,
       "filter/operator: not \"AND\", \"OR\" or \"NOT\""},
      {R"({"filter": {"operator": "AND"}})", ErrorKind::kInvalidArguments,
       "filter/conditions: not an array"},
      {R"({"filter": {"operator": "AND", "conditions": [], "inMailbox": "a"}})",
       ErrorKind::kInvalidArguments, "filter/inMailbox: not allowed in an operator"},
      {R"({"filter": {"subject": "hello"}})", ErrorKind::kUnsupportedFilter,
       "filter/subject: text search is not supported yet"},
      {R"({"filter": {"operator": "OR", "conditions": [{"text": "x"}]}})",
       ErrorKind::kUnsupportedFilter, "filter/conditions/0/text: text search is not supported yet"},
      {R"({"filter": {"header": ["X-Spam"]}})", ErrorKind::kUnsupportedFilter,
       "filter/header: text search is not supported yet"},
      {R"({"filter": {"color": "red"}})", ErrorKind::kUnsupportedFilter,
       "filter/color: unknown filter property"},
      {R"({"sort": {}})", ErrorKind::kInvalidArguments, "sort: not an array of Comparators"},
      {R"({"sort": [1]})", ErrorKind::kInvalidArguments, "sort/0: not a Comparator"},
      {R"({"sort": [{"isAscending": true}]})", ErrorKind::kInvalidArguments,
       "sort/0/property: not a string"},
      {R"({"sort": [{"property": "size"}, {"property": "color"}]})", ErrorKind::kUnsupportedSort,
       "sort/1/property: \"color\" is not supported"},
      {R"({"sort": [{"property": "subject", "collation": "i;octet"}]})",
       ErrorKind::kUnsupportedSort, "sort/0/collation: \"i;octet\" is not supported"},
      {R"({"sort": [{"property": "size", "isAscending": "no"}]})", ErrorKind::kInvalidArguments,
       "sort/0/isAscending: not a boolean"},
      {R"({"sort": [{"property": "hasKeyword"}]})", ErrorKind::kInvalidArguments,
       "sort/0/keyword: required for \"hasKeyword\""},
      {R"({"sort": [{"property": "hasKeyword", "keyword": "a%"}]})", ErrorKind::kInvalidArguments,
       "sort/0/keyword: not a valid keyword"},
      {R"({"sort": [{"property": "size", "keyword": "$seen"}]})", ErrorKind::kInvalidArguments,
       "sort/0/keyword: not a Comparator property for \"size\""},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.args);
    Result<EmailQueryArgs> args = Parse(c.args);
    ASSERT_FALSE(args.ok());
    EXPECT_EQ(args.status().kind(), c.kind);
    EXPECT_EQ(args.status().message(), c.message);
  }
}

TEST(EmailQueryArgs, RefusesFiltersNestedTooDeeply) {
  std::string filter = "{}";
  for (int i = 0; i <= kMaxFilterDepth; ++i) {
    filter = R"({"operator": "NOT", "conditions": [)" + filter + "]}";
  }
  Result<EmailQueryArgs> args = Parse(R"({"filter": )" + filter + "}");
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().kind(), ErrorKind::kUnsupportedFilter);
}

TEST(EmailQueryArgs, DefaultsFollowTheRfc) {
  Result<EmailQueryArgs> args = Parse(R"({"accountId": "a1"})");
  ASSERT_TRUE(args.ok()) << args.status().message();
  EXPECT_EQ(args->account_id, "a1");
  EXPECT_FALSE(args->filter);
  EXPECT_EQ(args->position, 0);
  EXPECT_FALSE(args->anchor);
  EXPECT_EQ(args->anchor_offset, 0);
  EXPECT_FALSE(args->limit);
  EXPECT_FALSE(args->calculate_total);
  EXPECT_FALSE(args->collapse_threads);
  ASSERT_EQ(args->sort.size(), 1u);
  EXPECT_EQ(args->sort[0].property, EmailSortProperty::kReceivedAt);
  EXPECT_FALSE(args->sort[0].is_ascending);
}

TEST(EmailQueryArgs, NullMeansDefault) {
  Result<EmailQueryArgs> args = Parse(
      R"({"filter": null, "sort": null, "position": null, "anchor": null, "anchorOffset": null,
          "limit": null, "calculateTotal": null, "collapseThreads": null})");
  ASSERT_TRUE(args.ok()) << args.status().message();
  EXPECT_FALSE(args->filter);
  EXPECT_EQ(args->sort.size(), 1u);
}

TEST(EmailQueryArgs, ParsesEveryArgument) {
  Result<EmailQueryArgs> args = Parse(R"({
    "accountId": "u1",
    "filter": {"operator": "AND", "conditions": [
      {"inMailbox": "m1", "before": "2024-01-02T03:04:05Z", "after": "1970-01-01T00:00:00Z",
       "minSize": 10, "maxSize": 1000, "hasKeyword": "$Label1", "notKeyword": "$seen",
       "hasAttachment": true, "allInThreadHaveKeyword": "$flagged",
       "someInThreadHaveKeyword": "a", "noneInThreadHaveKeyword": "B"},
      {"operator": "NOT", "conditions": [{"inMailboxOtherThan": ["m2", "m3"]}]},
      {"operator": "OR", "conditions": [{"inMailbox": "m2"}, {"inMailbox": "m1"}]}]},
    "sort": [{"property": "subject", "isAscending": false, "collation": "i;ascii-casemap"},
             {"property": "hasKeyword", "keyword": "$Seen"}],
    "position": -5, "anchor": "e1", "anchorOffset": -2, "limit": 20,
    "calculateTotal": true, "collapseThreads": true})");
  ASSERT_TRUE(args.ok()) << args.status().message();

  ASSERT_TRUE(args->filter);
  ASSERT_EQ(args->filter->op, EmailFilter::Operator::kAnd);
  ASSERT_EQ(args->filter->operands.size(), 3u);
  const EmailCondition& c = args->filter->operands[0].condition;
  EXPECT_EQ(c.in_mailbox, "m1");
  EXPECT_EQ(c.before, 1704164645);
  EXPECT_EQ(c.after, 0);
  EXPECT_EQ(c.min_size, 10u);
  EXPECT_EQ(c.max_size, 1000u);
  EXPECT_EQ(c.has_keyword, "$label1");
  EXPECT_EQ(c.not_keyword, "$seen");
  EXPECT_EQ(c.has_attachment, true);
  EXPECT_EQ(c.all_in_thread_have_keyword, "$flagged");
  EXPECT_EQ(c.some_in_thread_have_keyword, "a");
  EXPECT_EQ(c.none_in_thread_have_keyword, "b");
  EXPECT_EQ(args->filter->operands[1].op, EmailFilter::Operator::kNot);
  EXPECT_EQ(args->filter->operands[1].operands[0].condition.in_mailbox_other_than,
            (std::vector<std::string>{"m2", "m3"}));

  ASSERT_EQ(args->sort.size(), 2u);
  EXPECT_EQ(args->sort[0].property, EmailSortProperty::kSubject);
  EXPECT_FALSE(args->sort[0].is_ascending);
  EXPECT_EQ(args->sort[1].property, EmailSortProperty::kHasKeyword);
  EXPECT_EQ(args->sort[1].keyword, "$seen");
  EXPECT_TRUE(args->sort[1].is_ascending);

  EXPECT_EQ(args->position, -5);
  EXPECT_EQ(args->anchor, "e1");
  EXPECT_EQ(args->anchor_offset, -2);
  EXPECT_EQ(args->limit, 20u);
  EXPECT_TRUE(args->calculate_total);
  EXPECT_TRUE(args->collapse_threads);
  EXPECT_EQ(MailboxesNamed(*args), (std::vector<std::string>{"m1", "m2"}));
}

TEST(EmailQueryArgs, ParsesUtcDates) {
  const std::vector<std::pair<std::string, int64_t>> ok = {
      {"1970-01-01T00:00:00Z", 0},
      {"2024-01-02T03:04:05Z", 1704164645},
      {"2024-02-29T00:00:00Z", 1709164800},
      {"2000-03-01T00:00:00Z", 951868800},
      {"1969-12-31T23:59:59Z", -1},
      {"2024-01-02T03:04:05.000Z", 1704164645},
      {"2024-01-02T03:04:05.25Z", 1704164646},  // a fraction rounds up
  };
  for (const auto& [date, seconds] : ok) {
    SCOPED_TRACE(date);
    Result<EmailQueryArgs> args = Parse(R"({"filter": {"after": ")" + date + R"("}})");
    ASSERT_TRUE(args.ok()) << args.status().message();
    EXPECT_EQ(args->filter->condition.after, seconds);
  }

  const std::vector<std::string> bad = {
      "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",  "2024-00-01T00:00:00Z",
      "2024-01-32T00:00:00Z", "2024-01-01T24:00:00Z",  "2024-01-01T00:60:00Z",
      "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",   "2024-01-01T00:00:00.Z",
      "2024-1-01T00:00:00Z",  "2024-01-01T00:00:00Zx", "",
  };
  for (const std::string& date : bad) {
    SCOPED_TRACE(date);
    Result<EmailQueryArgs> args = Parse(R"({"filter": {"before": ")" + date + R"("}})");
    ASSERT_FALSE(args.ok());
    EXPECT_EQ(args.status().kind(), ErrorKind::kInvalidArguments);
  }
}

TEST(EmailQueryChangesArgs, ParsesItsOwnArguments) {
  Result<EmailQueryChangesArgs> args = ParseEmailQueryChangesArgs(Json(
      R"({"accountId": "u1", "filter": {"inMailbox": "m1"}, "sort": [{"property": "size"}],
          "sinceQueryState": "s42", "maxChanges": 100, "upToId": "e9",
          "calculateTotal": true, "collapseThreads": true})"));
  ASSERT_TRUE(args.ok()) << args.status().message();
  EXPECT_EQ(args->since_query_state, "s42");
  EXPECT_EQ(args->max_changes, 100u);
  EXPECT_EQ(args->up_to_id, "e9");
  EXPECT_TRUE(args->query.calculate_total);
  EXPECT_TRUE(args->query.collapse_threads);
  EXPECT_EQ(args->query.sort[0].property, EmailSortProperty::kSize);
  EXPECT_EQ(args->query.position, 0);
  EXPECT_FALSE(args->query.limit);
}

TEST(EmailQueryChangesArgs, RejectsBadArgumentsNamingTheField) {
  const std::vector<ErrorCase> cases = {
      {R"({})", ErrorKind::kInvalidArguments, "sinceQueryState: required"},
      {R"({"sinceQueryState": 1})", ErrorKind::kInvalidArguments, "sinceQueryState: not a string"},
      {R"({"sinceQueryState": "s", "maxChanges": -1})", ErrorKind::kInvalidArguments,
       "maxChanges: negative"},
      {R"({"sinceQueryState": "s", "upToId": ""})", ErrorKind::kInvalidArguments,
       "upToId: not an Id"},
      {R"({"sinceQueryState": "s", "position": 0})", ErrorKind::kInvalidArguments,
       "position: unknown argument"},
      {R"({"sinceQueryState": "s", "filter": {"body": "x"}})", ErrorKind::kUnsupportedFilter,
       "filter/body: text search is not supported yet"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.args);
    Result<EmailQueryChangesArgs> args = ParseEmailQueryChangesArgs(Json(c.args));
    ASSERT_FALSE(args.ok());
    EXPECT_EQ(args.status().kind(), c.kind);
    EXPECT_EQ(args.status().message(), c.message);
  }
}

}  // namespace
}  // namespace konvert::mail
