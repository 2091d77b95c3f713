#include "model/jmap/result_reference.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "tests/support/json_text.h"

namespace konvert::jmap {
namespace {

rapidjson::Document Json(const char* text) {
  rapidjson::Document document;
  document.Parse(text);
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

const char* const kTarget = R"({
  "list": [{"id": "a", "ids": ["x", "y"]}, {"id": "b", "ids": ["z"]}],
  "nested": [[1, 2], [3], []],
  "empty": [],
  "a/b": 1, "m~n": 2, "": 3, "*": 4, "0": "zero", "~1": 5
})";

struct PointerCase {
  const char* test;
  const char* path;
  const char* expected;  // JSON of the value, or the error message.
  bool ok;
};

void PrintTo(const PointerCase& c, std::ostream* out) { *out << c.test << " " << c.path; }

class ResultReferencePointer : public ::testing::TestWithParam<PointerCase> {};

TEST_P(ResultReferencePointer, Evaluates) {
  const PointerCase& c = GetParam();
  rapidjson::Document target = Json(kTarget);
  rapidjson::Document out;

  Result<rapidjson::Value> value = EvaluatePointer(target, c.path, out.GetAllocator());

  if (c.ok) {
    ASSERT_TRUE(value.ok()) << value.status().message();
    EXPECT_EQ(testing::JsonText(*value), c.expected);
    return;
  }
  ASSERT_FALSE(value.ok()) << testing::JsonText(*value);
  EXPECT_EQ(value.status().kind(), ErrorKind::kInvalidResultReference);
  EXPECT_EQ(value.status().message(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Resolves, ResultReferencePointer,
    ::testing::Values(PointerCase{"Member", "/list/0/id", R"("a")", true},
                      PointerCase{"StarMapsArray", "/list/*/id", R"(["a","b"])", true},
                      PointerCase{"StarFlattensArrays", "/list/*/ids", R"(["x","y","z"])", true},
                      PointerCase{"StarAtEnd", "/nested/*", R"([1,2,3])", true},
                      PointerCase{"StarTwice", "/nested/*/*", R"([1,2,3])", true},
                      PointerCase{"StarOfEmpty", "/empty/*", "[]", true},
                      PointerCase{"StarOnObjectIsKey", "/*", "4", true},
                      PointerCase{"EscapedSlash", "/a~1b", "1", true},
                      PointerCase{"EscapedTilde", "/m~0n", "2", true},
                      PointerCase{"EscapesInOrder", "/~01", "5", true},
                      PointerCase{"EmptyKey", "/", "3", true},
                      PointerCase{"DigitKeyOnObject", "/0", R"("zero")", true}),
    [](const auto& info) { return info.param.test; });

INSTANTIATE_TEST_SUITE_P(
    Fails, ResultReferencePointer,
    ::testing::Values(
        PointerCase{"NoLeadingSlash", "list", R"(path "list": must start with '/')", false},
        PointerCase{"BadEscape", "/a~2b", R"(path "/a~2b": '~' must be followed by '0' or '1')",
                    false},
        PointerCase{"TildeAtEnd", "/a~", R"(path "/a~": '~' must be followed by '0' or '1')",
                    false},
        PointerCase{"MissingMember", "/list/0/name", R"(path "/list/0/name": no property "name")",
                    false},
        PointerCase{"MissingUnderStar", "/list/*/name",
                    R"(path "/list/*/name": no property "name")", false},
        PointerCase{"IndexPastEnd", "/list/2/id",
                    R"(path "/list/2/id": index 2 is past the end of an array of 2)", false},
        PointerCase{"DashIndex", "/list/-", R"(path "/list/-": "-" is not an array index)", false},
        PointerCase{"LeadingZero", "/list/01", R"(path "/list/01": "01" is not an array index)",
                    false},
        PointerCase{
            "IntoString", "/list/0/id/x",
            R"(path "/list/0/id/x": "x" applied to a value that is neither object nor array)",
            false}),
    [](const auto& info) { return info.param.test; });

TEST(ResultReference, EmptyPathIsTheWholeValue) {
  rapidjson::Document target = Json(R"({"x":1})");
  rapidjson::Document out;

  Result<rapidjson::Value> value = EvaluatePointer(target, "", out.GetAllocator());

  ASSERT_TRUE(value.ok());
  EXPECT_EQ(testing::JsonText(*value), R"({"x":1})");
}

TEST(ResultReference, ParsesOnlyCompleteReferenceObjects) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"([])", "#ids: must be a ResultReference object"},
      {R"({"name":"A/b","path":"/ids"})", "#ids: resultOf must be a string"},
      {R"({"resultOf":"c0","path":"/ids"})", "#ids: name must be a string"},
      {R"({"resultOf":"c0","name":"A/b","path":7})", "#ids: path must be a string"},
  };
  for (const Case& c : cases) {
    Result<ResultReference> reference = ParseResultReference("#ids", Json(c.json));
    ASSERT_FALSE(reference.ok()) << c.json;
    EXPECT_EQ(reference.status().kind(), ErrorKind::kInvalidResultReference) << c.json;
    EXPECT_EQ(reference.status().message(), c.message);
  }

  Result<ResultReference> good =
      ParseResultReference("#ids", Json(R"({"resultOf":"c0","name":"A/b","path":"/ids"})"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->result_of, "c0");
  EXPECT_EQ(good->name, "A/b");
  EXPECT_EQ(good->path, "/ids");
}

const char* const kResponses = R"([
  ["Foo/query", {"ids": ["1", "2"]}, "c0"],
  ["error", {"type": "unknownMethod"}, "c1"],
  ["Foo/query", {"ids": ["3"]}, "c0"]
])";

TEST(ResultReference, EvaluatesAgainstFirstResponseWithCallId) {
  rapidjson::Document responses = Json(kResponses);
  rapidjson::Document out;

  Result<rapidjson::Value> value =
      EvaluateResultReference({"c0", "Foo/query", "/ids"}, responses, out.GetAllocator());

  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(testing::JsonText(*value), R"(["1","2"])");
}

TEST(ResultReference, FailsForMissingCallWrongNameOrFailedCall) {
  struct Case {
    ResultReference reference;
    const char* message;
  };
  const Case cases[] = {
      {{"c9", "Foo/query", "/ids"}, R"(no earlier response has call id "c9")"},
      {{"c0", "Foo/get", "/ids"}, R"(call "c0" answered "Foo/query", not "Foo/get")"},
      {{"c1", "Foo/query", "/ids"}, R"(call "c1" answered "error", not "Foo/query")"},
      {{"c0", "Foo/query", "/list"}, R"(path "/list": no property "list")"},
  };
  rapidjson::Document responses = Json(kResponses);
  rapidjson::Document out;

  for (const Case& c : cases) {
    Result<rapidjson::Value> value =
        EvaluateResultReference(c.reference, responses, out.GetAllocator());
    ASSERT_FALSE(value.ok()) << c.message;
    EXPECT_EQ(value.status().kind(), ErrorKind::kInvalidResultReference);
    EXPECT_EQ(value.status().message(), c.message);
  }
}

TEST(ResultReference, ReplacesReferencedArguments) {
  rapidjson::Document responses = Json(kResponses);
  rapidjson::Document arguments =
      Json(R"({"accountId":"a1","#ids":{"resultOf":"c0","name":"Foo/query","path":"/ids/*"}})");
  rapidjson::Document out;

  ASSERT_TRUE(HasResultReferences(arguments));
  Result<rapidjson::Value> resolved =
      ResolveResultReferences(arguments, responses, out.GetAllocator());

  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(testing::JsonText(*resolved), R"({"accountId":"a1","ids":["1","2"]})");
  EXPECT_FALSE(HasResultReferences(*resolved));
}

TEST(ResultReference, RefusesArgumentGivenInBothForms) {
  rapidjson::Document responses = Json(kResponses);
  rapidjson::Document arguments =
      Json(R"({"#ids":{"resultOf":"c0","name":"Foo/query","path":"/ids"},"ids":[]})");
  rapidjson::Document out;

  Result<rapidjson::Value> resolved =
      ResolveResultReferences(arguments, responses, out.GetAllocator());

  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().kind(), ErrorKind::kInvalidArguments);
  EXPECT_EQ(resolved.status().message(), R"(ids: given both plainly and as "#ids")");
}

TEST(ResultReference, NamesArgumentWhenReferenceFails) {
  rapidjson::Document responses = Json(kResponses);
  rapidjson::Document missing_call =
      Json(R"({"#ids":{"resultOf":"c7","name":"Foo/query","path":"/ids"}})");
  rapidjson::Document malformed = Json(R"({"#ids":{"resultOf":"c0","name":"Foo/query"}})");
  rapidjson::Document out;

  Result<rapidjson::Value> first =
      ResolveResultReferences(missing_call, responses, out.GetAllocator());
  Result<rapidjson::Value> second =
      ResolveResultReferences(malformed, responses, out.GetAllocator());

  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().kind(), ErrorKind::kInvalidResultReference);
  EXPECT_EQ(first.status().message(), R"(#ids: no earlier response has call id "c7")");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().kind(), ErrorKind::kInvalidResultReference);
  EXPECT_EQ(second.status().message(), "#ids: path must be a string");
}

TEST(ResultReference, PlainArgumentsHaveNoReferences) {
  EXPECT_FALSE(HasResultReferences(Json(R"({"ids":["#x"],"":1})")));
  EXPECT_FALSE(HasResultReferences(Json("[]")));
}

}  // namespace
}  // namespace konvert::jmap
