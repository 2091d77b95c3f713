#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "model/jmap/created_ids.h"
#include "model/jmap/problem.h"
#include "model/jmap/request.h"
#include "tests/support/json_text.h"

namespace konvert::jmap {
namespace {

std::string Nested(char open, char close, size_t depth) {
  return std::string(depth, open) + std::string(depth, close);
}

std::string NestedObjects(size_t depth) {
  std::string body;
  for (size_t i = 0; i < depth; ++i) body += "{\"a\":";
  body += "1";
  body += std::string(depth, '}');
  return body;
}

// A request whose single Core/echo call carries `value` as argument "v".
std::string EchoWith(const std::string& value) {
  return R"({"using":[],"methodCalls":[["Core/echo",{"v":)" + value + R"(},"c1"]]})";
}

struct Refusal {
  const char* test;
  std::string body;
  ErrorKind kind;
  std::string message;
};

void PrintTo(const Refusal& refusal, std::ostream* out) { *out << refusal.test; }

class JmapRequestRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(JmapRequestRefusal, NamesKindAndPlace) {
  const Refusal& refusal = GetParam();
  Limits limits;
  limits.max_calls_in_request = 2;

  Result<Request> request = ParseRequest(refusal.body, limits);

  ASSERT_FALSE(request.ok());
  EXPECT_EQ(ErrorKindName(request.status().kind()), ErrorKindName(refusal.kind));
  EXPECT_EQ(request.status().message(), refusal.message);
}

const std::string kCall = R"(["Core/echo",{},"c"])";

INSTANTIATE_TEST_SUITE_P(
    NotJson, JmapRequestRefusal,
    ::testing::Values(
        Refusal{"Empty", "", ErrorKind::kNotJson, "body: The document is empty. (at byte 0)"},
        Refusal{"Text", "hello", ErrorKind::kNotJson, "body: Invalid value. (at byte 0)"},
        Refusal{"Truncated", R"({"using":)", ErrorKind::kNotJson,
                "body: Invalid value. (at byte 9)"},
        Refusal{"TrailingValue", "{} {}", ErrorKind::kNotJson,
                "body: The document root must not be followed by other values. (at byte 3)"},
        Refusal{"NaN", EchoWith("NaN"), ErrorKind::kNotJson, "body: Invalid value. (at byte 45)"},
        Refusal{"InvalidUtf8Byte", EchoWith("\"\xff\""), ErrorKind::kNotJson,
                "body: Invalid encoding in string. (at byte 46)"},
        Refusal{"OverlongUtf8", EchoWith("\"\xc0\xaf\""), ErrorKind::kNotJson,
                "body: Invalid encoding in string. (at byte 46)"},
        Refusal{"RawSurrogateUtf8", EchoWith("\"\xed\xa0\x80\""), ErrorKind::kNotJson,
                "body: Invalid encoding in string. (at byte 46)"},
        Refusal{"LoneSurrogateEscape", EchoWith(R"("a\udc00")"), ErrorKind::kNotJson,
                "body: a string holds a lone UTF-16 surrogate (at byte 54)"},
        Refusal{"InvalidUtf8InKey", "{\"\xfe\":1}", ErrorKind::kNotJson,
                "body: Invalid encoding in string. (at byte 2)"},
        Refusal{"NulByte", std::string("{\"using\":[]\0}", 13), ErrorKind::kNotJson,
                "body: a raw NUL byte, which JSON text never holds (at byte 11)"},
        Refusal{"NulOnly", std::string(1, '\0'), ErrorKind::kNotJson,
                "body: a raw NUL byte, which JSON text never holds (at byte 0)"},
        Refusal{"NulInString", EchoWith(std::string("\"a\0b\"", 5)), ErrorKind::kNotJson,
                "body: a raw NUL byte, which JSON text never holds (at byte 47)"},
        // Found by a tester: RapidJSON stopped at the NUL and took the request.
        Refusal{"NulAfterRequest", EchoWith("1") + std::string("\0garbage", 8), ErrorKind::kNotJson,
                "body: a raw NUL byte, which JSON text never holds (at byte 55)"}),
    [](const auto& info) { return info.param.test; });

INSTANTIATE_TEST_SUITE_P(
    NotRequest, JmapRequestRefusal,
    ::testing::Values(
        Refusal{"Array", "[]", ErrorKind::kNotRequest, "request: must be a JSON object"},
        Refusal{"String", "\"x\"", ErrorKind::kNotRequest, "request: must be a JSON object"},
        Refusal{"UsingMissing", R"({"methodCalls":[]})", ErrorKind::kNotRequest, "using: missing"},
        Refusal{"UsingString", R"({"using":"urn:ietf:params:jmap:core","methodCalls":[]})",
                ErrorKind::kNotRequest, "using: must be an array of capability URNs"},
        Refusal{"UsingNumber", R"({"using":["a",7],"methodCalls":[]})", ErrorKind::kNotRequest,
                "using[1]: must be a string"},
        Refusal{"CallsMissing", R"({"using":[]})", ErrorKind::kNotRequest, "methodCalls: missing"},
        Refusal{"CallsObject", R"({"using":[],"methodCalls":{}})", ErrorKind::kNotRequest,
                "methodCalls: must be an array of invocations"},
        Refusal{"CallNotArray", R"({"using":[],"methodCalls":["Core/echo"]})",
                ErrorKind::kNotRequest,
                "methodCalls[0]: must be an array [name, arguments, callId]"},
        Refusal{"CallTooShort", R"({"using":[],"methodCalls":[["Core/echo",{}]]})",
                ErrorKind::kNotRequest,
                "methodCalls[0]: must be an array [name, arguments, callId]"},
        Refusal{"CallTooLong", R"({"using":[],"methodCalls":[["Core/echo",{},"c","d"]]})",
                ErrorKind::kNotRequest,
                "methodCalls[0]: must be an array [name, arguments, callId]"},
        Refusal{"NameNumber", R"({"using":[],"methodCalls":[[1,{},"c"]]})", ErrorKind::kNotRequest,
                "methodCalls[0][0]: method name must be a string"},
        Refusal{"ArgumentsArray", R"({"using":[],"methodCalls":[["Core/echo",[],"c"]]})",
                ErrorKind::kNotRequest, "methodCalls[0][1]: arguments must be an object"},
        Refusal{"ArgumentsNull", R"({"using":[],"methodCalls":[["Core/echo",null,"c"]]})",
                ErrorKind::kNotRequest, "methodCalls[0][1]: arguments must be an object"},
        Refusal{"CallIdNumber", R"({"using":[],"methodCalls":[["Core/echo",{},1]]})",
                ErrorKind::kNotRequest, "methodCalls[0][2]: call id must be a string"},
        Refusal{"SecondCallBad", R"({"using":[],"methodCalls":[)" + kCall + R"(,["x",{},null]]})",
                ErrorKind::kNotRequest, "methodCalls[1][2]: call id must be a string"},
        Refusal{"CreatedIdsArray", R"({"using":[],"methodCalls":[],"createdIds":[]})",
                ErrorKind::kNotRequest, "createdIds: must be an object of ids"},
        Refusal{"CreatedIdNumber", R"({"using":[],"methodCalls":[],"createdIds":{"k1":5}})",
                ErrorKind::kNotRequest, "createdIds.k1: must be a string"}),
    [](const auto& info) { return info.param.test; });

INSTANTIATE_TEST_SUITE_P(
    Limit, JmapRequestRefusal,
    ::testing::Values(
        Refusal{"TooManyCalls",
                R"({"using":[],"methodCalls":[)" + kCall + "," + kCall + "," + kCall + "]}",
                ErrorKind::kLimit, "maxCallsInRequest: 3 method calls, at most 2 allowed"},
        Refusal{"DeepArrays", Nested('[', ']', 100'000), ErrorKind::kLimit,
                "maxJsonDepth: nesting deeper than 64 levels (at byte 64)"},
        Refusal{"DeepObjects", NestedObjects(100'000), ErrorKind::kLimit,
                "maxJsonDepth: nesting deeper than 64 levels (at byte 320)"},
        Refusal{"DeepArgument", EchoWith(Nested('[', ']', 61)), ErrorKind::kLimit,
                "maxJsonDepth: nesting deeper than 64 levels (at byte 105)"},
        Refusal{"HugeString", EchoWith("\"" + std::string(50'000'000, 'a') + "\""),
                ErrorKind::kLimit,
                "maxSizeRequest: body of 50000056 bytes, at most 10000000 allowed"}),
    [](const auto& info) { return info.param.test; });

TEST(JmapRequest, ReadsUsingCallsAndCreatedIds) {
  std::string body = R"({
    "using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"],
    "methodCalls": [
      ["Mailbox/get", {"accountId": "a1", "ids": null}, "c0"],
      ["Email/query", {"filter": {"text": "\u043f\u0440\u0438\u0432\u0435\u0442"}}, "c1"]
    ],
    "createdIds": {"k1": "M7", "k2": "M8"},
    "somethingElse": true
  })";

  Result<Request> request = ParseRequest(body, Limits());

  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->using_capabilities,
            (std::set<std::string, std::less<>>{"urn:ietf:params:jmap:core",
                                                "urn:ietf:params:jmap:mail"}));
  ASSERT_EQ(request->method_calls.size(), 2u);
  EXPECT_EQ(request->method_calls[0].name, "Mailbox/get");
  EXPECT_EQ(testing::JsonText(request->method_calls[0].arguments),
            R"({"accountId":"a1","ids":null})");
  EXPECT_EQ(request->method_calls[0].call_id, "c0");
  EXPECT_EQ(testing::JsonText(request->method_calls[1].arguments),
            R"({"filter":{"text":"привет"}})");
  ASSERT_TRUE(request->created_ids.has_value());
  EXPECT_EQ(request->created_ids->entries(),
            (std::map<std::string, std::string, std::less<>>{{"k1", "M7"}, {"k2", "M8"}}));
}

TEST(JmapRequest, LeavesCreatedIdsUnsetWhenAbsentOrNull) {
  Result<Request> absent = ParseRequest(R"({"using":[],"methodCalls":[]})", Limits());
  Result<Request> null =
      ParseRequest(R"({"using":[],"methodCalls":[],"createdIds":null})", Limits());

  ASSERT_TRUE(absent.ok());
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(absent->created_ids.has_value());
  EXPECT_FALSE(null->created_ids.has_value());
}

TEST(JmapRequest, KeepsEmptyCreatedIds) {
  Result<Request> request =
      ParseRequest(R"({"using":[],"methodCalls":[],"createdIds":{}})", Limits());

  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(request->created_ids.has_value());
  EXPECT_TRUE(request->created_ids->entries().empty());
}

TEST(JmapRequest, KeepsNulCharactersInStrings) {
  Result<Request> request =
      ParseRequest(R"({"using":[],"methodCalls":[["a\u0000b",{},"c\u0000"]]})", Limits());

  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->method_calls[0].name, std::string("a\0b", 3));
  EXPECT_EQ(request->method_calls[0].call_id, std::string("c\0", 2));
}

TEST(JmapRequest, AcceptsNestingUpToTheLimit) {
  // The arguments object is the fourth level, so 61 arrays inside it reach 65.
  std::string body = EchoWith(Nested('[', ']', 61));
  Limits limits;
  limits.max_json_depth = 65;

  EXPECT_TRUE(ParseRequest(body, limits).ok());
  limits.max_json_depth = 64;
  EXPECT_FALSE(ParseRequest(body, limits).ok());
}

TEST(JmapRequest, AcceptsExactlyMaxCallsAndMaxSize) {
  std::string body = R"({"using":[],"methodCalls":[)" + kCall + "," + kCall + "]}";
  Limits limits;
  limits.max_calls_in_request = 2;
  limits.max_size_request = body.size();

  EXPECT_TRUE(ParseRequest(body, limits).ok());
  limits.max_size_request = body.size() - 1;
  EXPECT_EQ(ParseRequest(body, limits).status().kind(), ErrorKind::kLimit);
}

TEST(JmapRequest, LimitNameComesFromLimitStatusOnly) {
  EXPECT_EQ(LimitName(Status(ErrorKind::kLimit, "maxCallsInRequest: 40 calls")),
            "maxCallsInRequest");
  EXPECT_EQ(LimitName(Status(ErrorKind::kNotRequest, "using: missing")), "");
  EXPECT_EQ(LimitName(Status(ErrorKind::kLimit, "no name here")), "");
}

TEST(CreatedIds, ResolvesReferencesAndPassesPlainIds) {
  CreatedIds ids;
  ids.Add("k1", "M1");
  ids.Add("k1", "M2");

  EXPECT_EQ(*ids.Find("k1"), "M2");
  EXPECT_EQ(ids.Find("k2"), nullptr);
  EXPECT_EQ(ids.ResolveId("#k1").value(), "M2");
  EXPECT_EQ(ids.ResolveId("M9").value(), "M9");

  Result<std::string> missing = ids.ResolveId("#k2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.status().message(), "#k2: no record was created with this creation id");
}

TEST(Problem, DescribesRequestErrors) {
  EXPECT_EQ(ProblemDetails(Status(ErrorKind::kNotRequest, "using: missing")),
            R"({"type":"urn:ietf:params:jmap:error:notRequest","status":400,)"
            R"("detail":"using: missing"})");
  EXPECT_EQ(ProblemDetails(Status(ErrorKind::kNotJson, "body: bad \"x\"")),
            R"({"type":"urn:ietf:params:jmap:error:notJSON","status":400,)"
            R"("detail":"body: bad \"x\""})");
  EXPECT_EQ(ProblemDetails(Status(ErrorKind::kLimit, "maxCallsInRequest: 3 method calls")),
            R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
            R"("detail":"maxCallsInRequest: 3 method calls","limit":"maxCallsInRequest"})");
  EXPECT_EQ(ProblemDetails(Status(ErrorKind::kServerFail, "boom"), 500),
            R"({"type":"urn:ietf:params:jmap:error:serverFail","status":500,"detail":"boom"})");
}

TEST(Problem, BuildsMethodErrorInvocation) {
  rapidjson::Document document;

  rapidjson::Value with = MethodError(Status(ErrorKind::kInvalidArguments, "ids: must be an array"),
                                      "c4", document.GetAllocator());
  rapidjson::Value without =
      MethodError(Status(ErrorKind::kServerFail, ""), "c5", document.GetAllocator());

  EXPECT_EQ(testing::JsonText(with),
            R"(["error",{"type":"invalidArguments","description":"ids: must be an array"},"c4"])");
  EXPECT_EQ(testing::JsonText(without), R"(["error",{"type":"serverFail"},"c5"])");
}

}  // namespace
}  // namespace konvert::jmap
