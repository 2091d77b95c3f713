#include "api/jmap/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <string>

#include "api/core/echo.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace konvert::api {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr const char* kUsingCore = R"("using":["urn:ietf:params:jmap:core"])";

std::string Dump(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Request(const std::string& calls, const std::string& extra = "") {
  return std::string("{") + kUsingCore + R"(,"methodCalls":[)" + calls + "]" + extra + "}";
}

Value Text(std::string_view text, Allocator& alloc) {
  return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

// Methods with known behaviour, registered beside the real core methods.
void RegisterTestMethods(MethodRegistry& registry) {
  registry.Register("Test/query", kCoreCapability, [](MethodContext&, const Value&, Allocator& a) {
    Value answer(rapidjson::kObjectType);
    Value ids(rapidjson::kArrayType);
    ids.PushBack("m1", a).PushBack("m2", a);
    answer.AddMember("ids", ids, a);
    return Result<Value>(std::move(answer));
  });
  registry.Register("Test/fail", kCoreCapability, [](MethodContext&, const Value&, Allocator&) {
    return Result<Value>(Status(ErrorKind::kNotFound, "ids[0]: no such record"));
  });
  registry.Register("Test/throw", kCoreCapability,
                    [](MethodContext&, const Value&, Allocator&) -> Result<Value> {
                      throw std::runtime_error("bug in Test/throw");
                    });
  registry.Register("Test/number", kCoreCapability, [](MethodContext&, const Value&, Allocator&) {
    return Result<Value>(Value(5));
  });
  registry.Register("Test/badUtf8", kCoreCapability,
                    [](MethodContext&, const Value&, Allocator& a) {
                      Value answer(rapidjson::kObjectType);
                      answer.AddMember("subject", Text("caf\xe9", a), a);
                      return Result<Value>(std::move(answer));
                    });
  // Creates one record per creation id in "create", as Foo/set would.
  registry.Register("Test/create", kCoreCapability,
                    [](MethodContext& ctx, const Value& args, Allocator& a) {
                      Value created(rapidjson::kObjectType);
                      for (const auto& member : args["create"].GetObject()) {
                        std::string creation_id = member.name.GetString();
                        std::string id = "M-" + creation_id;
                        ctx.created_ids.Add(creation_id, id);
                        Value record(rapidjson::kObjectType);
                        record.AddMember("id", Text(id, a), a);
                        created.AddMember(Text(creation_id, a), record, a);
                      }
                      Value answer(rapidjson::kObjectType);
                      answer.AddMember("created", created, a);
                      return Result<Value>(std::move(answer));
                    });
  registry.Register("Test/lookup", kCoreCapability,
                    [](MethodContext& ctx, const Value& args, Allocator& a) -> Result<Value> {
                      Result<std::string> id = ctx.created_ids.ResolveId(args["id"].GetString());
                      if (!id.ok()) return id.status();
                      Value answer(rapidjson::kObjectType);
                      answer.AddMember("id", Text(*id, a), a);
                      return answer;
                    });
  registry.Register("Test/whoami", kCoreCapability,
                    [](MethodContext& ctx, const Value&, Allocator& a) {
                      Value answer(rapidjson::kObjectType);
                      answer.AddMember("accountId", Text(ctx.account_id, a), a);
                      answer.AddMember("login", Text(ctx.login, a), a);
                      return Result<Value>(std::move(answer));
                    });
  // Queues a Core/echo, as Email/copy queues Email/set for onSuccessDestroyOriginal.
  registry.Register("Test/copy", kCoreCapability,
                    [](MethodContext& ctx, const Value&, Allocator& a) {
                      Value follow_up(rapidjson::kObjectType);
                      follow_up.AddMember("destroyed", true, a);
                      ctx.implicit_calls.push_back(ImplicitCall{"Core/echo", std::move(follow_up)});
                      return Result<Value>(Value(rapidjson::kObjectType));
                    });
  registry.Register("Mail/thing", kMailCapability, [](MethodContext&, const Value&, Allocator&) {
    return Result<Value>(Value(rapidjson::kObjectType));
  });
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : dispatcher_(limits_, registry_) {
    RegisterCoreMethods(registry_);
    RegisterTestMethods(registry_);
    ctx_.account_id = "a1";
    ctx_.login = "anna@example.org";
    ctx_.session_state = "s42";
  }

  // Runs `body` and parses the reply, which must be JSON.
  rapidjson::Document Run(const std::string& body, int expected_status = 200) {
    reply_ = dispatcher_.Handle(body, ctx_);
    EXPECT_EQ(reply_.http_status, expected_status) << reply_.body;
    rapidjson::Document document;
    document.Parse(reply_.body.data(), reply_.body.size());
    EXPECT_FALSE(document.HasParseError()) << reply_.body;
    return document;
  }

  // The methodResponses of a successful request, as compact JSON.
  std::string Responses(const std::string& body) {
    rapidjson::Document document = Run(body);
    if (!document.IsObject() || !document.HasMember("methodResponses")) return reply_.body;
    return Dump(document["methodResponses"]);
  }

  jmap::Limits limits_;
  MethodRegistry registry_;
  Dispatcher dispatcher_;
  MethodContext ctx_;
  ApiReply reply_;
};

TEST_F(DispatcherTest, EchoRoundTripsArguments) {
  std::string arguments =
      R"({"hello":true,"high":[1,-2,3.5,"\u0444",null,{"deep":{"x":[]}}],"nul":"a\u0000b"})";

  rapidjson::Document reply = Run(Request(R"(["Core/echo",)" + arguments + R"(,"c1"])"));

  EXPECT_EQ(Dump(reply["methodResponses"]),
            R"([["Core/echo",)" +
                std::string(R"({"hello":true,"high":[1,-2,3.5,"ф",null,)"
                            R"({"deep":{"x":[]}}],"nul":"a\u0000b"})") +
                R"(,"c1"]])");
  EXPECT_EQ(Dump(reply["sessionState"]), R"("s42")");
  EXPECT_FALSE(reply.HasMember("createdIds"));
}

struct RequestRefusal {
  const char* test;
  std::string body;
  std::string problem;
};

void PrintTo(const RequestRefusal& refusal, std::ostream* out) { *out << refusal.test; }

class DispatcherRefusal : public DispatcherTest,
                          public ::testing::WithParamInterface<RequestRefusal> {};

TEST_P(DispatcherRefusal, AnswersProblemDetails) {
  Dispatcher dispatcher(jmap::Limits{.max_size_request = 300'000, .max_calls_in_request = 2},
                        registry_);

  ApiReply reply = dispatcher.Handle(GetParam().body, ctx_);

  EXPECT_EQ(reply.http_status, 400);
  EXPECT_EQ(reply.body, GetParam().problem);
}

const std::string kEcho = R"(["Core/echo",{},"c"])";

INSTANTIATE_TEST_SUITE_P(
    RequestLevel, DispatcherRefusal,
    ::testing::Values(
        RequestRefusal{"NotJson", "{",
                       R"({"type":"urn:ietf:params:jmap:error:notJSON","status":400,)"
                       R"j("detail":"body: Missing a name for object member. (at byte 1)"})j"},
        RequestRefusal{"InvalidUtf8", "{\"using\":[\"\xc3\x28\"],\"methodCalls\":[]}",
                       R"({"type":"urn:ietf:params:jmap:error:notJSON","status":400,)"
                       R"j("detail":"body: Invalid encoding in string. (at byte 11)"})j"},
        // Found by a tester: RapidJSON stopped at the NUL and ran the request.
        RequestRefusal{"NulAfterRequest", Request(kEcho) + std::string("\0garbage", 8),
                       R"({"type":"urn:ietf:params:jmap:error:notJSON","status":400,)"
                       R"("detail":"body: a raw NUL byte, which JSON text never holds )"
                       R"j((at byte 76)"})j"},
        RequestRefusal{"NotRequest", R"({"using":["urn:ietf:params:jmap:core"]})",
                       R"({"type":"urn:ietf:params:jmap:error:notRequest","status":400,)"
                       R"("detail":"methodCalls: missing"})"},
        RequestRefusal{"ArgumentsNotObject", Request(R"(["Core/echo","x","c"])"),
                       R"({"type":"urn:ietf:params:jmap:error:notRequest","status":400,)"
                       R"("detail":"methodCalls[0][1]: arguments must be an object"})"},
        RequestRefusal{"UnknownCapability",
                       R"({"using":["urn:ietf:params:jmap:core","urn:example:nope"],)"
                       R"("methodCalls":[]})",
                       R"({"type":"urn:ietf:params:jmap:error:unknownCapability","status":400,)"
                       R"("detail":"using: unknown capability \"urn:example:nope\""})"},
        RequestRefusal{"TooManyCalls", Request(kEcho + "," + kEcho + "," + kEcho),
                       R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                       R"("detail":"maxCallsInRequest: 3 method calls, at most 2 allowed",)"
                       R"("limit":"maxCallsInRequest"})"},
        RequestRefusal{"TooLarge", Request(kEcho, R"(,"pad":")" + std::string(300'000, ' ') + "\""),
                       R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                       R"("detail":"maxSizeRequest: body of 300085 bytes, at most 300000 allowed",)"
                       R"("limit":"maxSizeRequest"})"},
        RequestRefusal{"TooDeep", std::string(100'000, '[') + std::string(100'000, ']'),
                       R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                       R"j("detail":"maxJsonDepth: nesting deeper than 64 levels (at byte 64)",)j"
                       R"("limit":"maxJsonDepth"})"}),
    [](const auto& info) { return info.param.test; });

TEST_F(DispatcherTest, UnknownMethodFailsOnlyItsCall) {
  std::string responses = Responses(
      Request(R"(["Foo/bar",{},"c0"],["Mail/thing",{},"c1"],["Core/echo",{"x":1},"c2"])"));

  EXPECT_EQ(responses,
            R"([["error",{"type":"unknownMethod","description":"Foo/bar: no such method"},"c0"],)"
            R"(["error",{"type":"unknownMethod","description":)"
            R"("Mail/thing: needs \"urn:ietf:params:jmap:mail\" in using"},"c1"],)"
            R"(["Core/echo",{"x":1},"c2"]])");
}

TEST_F(DispatcherTest, CoreMethodNeedsCoreInUsing) {
  std::string responses =
      Responses(R"({"using":["urn:ietf:params:jmap:mail"],"methodCalls":[["Core/echo",{},"c0"],)"
                R"(["Mail/thing",{},"c1"]]})");

  EXPECT_EQ(responses, R"([["error",{"type":"unknownMethod","description":)"
                       R"("Core/echo: needs \"urn:ietf:params:jmap:core\" in using"},"c0"],)"
                       R"(["Mail/thing",{},"c1"]])");
}

TEST_F(DispatcherTest, ResolvesResultReferences) {
  std::string responses = Responses(
      Request(R"(["Test/query",{},"q"],)"
              R"(["Core/echo",{"#ids":{"resultOf":"q","name":"Test/query","path":"/ids"}},"e1"],)"
              R"(["Core/echo",{"#list":{"resultOf":"e1","name":"Core/echo","path":"/ids/*"},)"
              R"("a":1},"e2"])"));

  EXPECT_EQ(responses, R"([["Test/query",{"ids":["m1","m2"]},"q"],)"
                       R"(["Core/echo",{"ids":["m1","m2"]},"e1"],)"
                       R"(["Core/echo",{"list":["m1","m2"],"a":1},"e2"]])");
}

TEST_F(DispatcherTest, RefusesBrokenResultReferences) {
  struct Case {
    const char* reference;
    const char* type;
    const char* description;
  };
  const Case cases[] = {
      {R"("#ids":{"resultOf":"nope","name":"Test/query","path":"/ids"})", "invalidResultReference",
       R"(#ids: no earlier response has call id \"nope\")"},
      {R"("#ids":{"resultOf":"f","name":"Test/fail","path":"/ids"})", "invalidResultReference",
       R"(#ids: call \"f\" answered \"error\", not \"Test/fail\")"},
      {R"("#ids":{"resultOf":"q","name":"Test/query","path":"/missing"})", "invalidResultReference",
       R"(#ids: path \"/missing\": no property \"missing\")"},
      {R"("#ids":{"resultOf":"q","name":"Test/query"})", "invalidResultReference",
       "#ids: path must be a string"},
      {R"("#ids":{"resultOf":"q","name":"Test/query","path":"/ids"},"ids":[])", "invalidArguments",
       R"(ids: given both plainly and as \"#ids\")"},
  };

  for (const Case& c : cases) {
    std::string responses =
        Responses(Request(R"(["Test/query",{},"q"],["Test/fail",{},"f"],["Core/echo",{)" +
                          std::string(c.reference) + R"(},"e"],["Core/echo",{},"after"])"));

    EXPECT_EQ(responses,
              R"([["Test/query",{"ids":["m1","m2"]},"q"],)"
              R"(["error",{"type":"notFound","description":"ids[0]: no such record"},"f"],)"
              R"(["error",{"type":")" +
                  std::string(c.type) + R"(","description":")" + c.description +
                  R"("},"e"],["Core/echo",{},"after"]])")
        << c.reference;
  }
}

// The request a tester sent: 3.4 KB in which each call echoes the whole
// answer of the one before twice, so the answers double sixteen times over.
std::string AmplifyingRequest() {
  std::string calls = R"(["Core/echo",{"s":")" + std::string(1'100, 'x') + R"("},"c0"])";
  for (int i = 1; i < 16; ++i) {
    std::string previous =
        R"({"resultOf":"c)" + std::to_string(i - 1) + R"(","name":"Core/echo","path":""})";
    calls += R"(,["Core/echo",{"#a":)" + previous + R"(,"#b":)" + previous + R"(},"c)" +
             std::to_string(i) + R"("])";
  }
  return Request(calls);
}

TEST_F(DispatcherTest, RefusesResponseAmplifiedByResultReferences) {
  std::string body = AmplifyingRequest();
  ASSERT_LT(body.size(), 3'500u);

  rapidjson::Document problem = Run(body, 400);

  EXPECT_EQ(Dump(problem["limit"]), R"("maxSizeResponse")");
  EXPECT_EQ(Dump(problem["detail"]).rfind(R"("maxSizeResponse: )", 0), 0u) << reply_.body;
  // Refused part way: the calls after the one that met the limit never ran.
  EXPECT_LT(std::count(reply_.methods.begin(), reply_.methods.end(), ','), 15) << reply_.methods;
}

TEST_F(DispatcherTest, EchoesAMegabyteWithinTheLimit) {
  std::string text(1'000'000, 'x');

  std::string responses = Responses(
      Request(R"(["Core/echo",{"s":")" + text +
              R"("},"c0"],)"
              R"(["Core/echo",{"#s":{"resultOf":"c0","name":"Core/echo","path":"/s"}},"c1"])"));

  EXPECT_EQ(responses, R"([["Core/echo",{"s":")" + text + R"("},"c0"],)" +
                           R"(["Core/echo",{"s":")" + text + R"("},"c1"]])");
}

// An empty echo, then an echo of `length` bytes, and the body answering them.
std::string TwoEchoes(size_t length) {
  return Request(R"(["Core/echo",{},"c0"],["Core/echo",{"s":")" + std::string(length, 'x') +
                 R"("},"c1"])");
}

std::string TwoEchoesAnswer(size_t length) {
  return R"({"methodResponses":[["Core/echo",{},"c0"],["Core/echo",{"s":")" +
         std::string(length, 'x') + R"("},"c1"]],"sessionState":"s42"})";
}

TEST_F(DispatcherTest, AllowsAResponseOfExactlyMaxSize) {
  Dispatcher dispatcher(jmap::Limits{.max_size_response = 1'000}, registry_);
  size_t fits = 1'000 - TwoEchoesAnswer(0).size();

  ApiReply exact = dispatcher.Handle(TwoEchoes(fits), ctx_);
  ApiReply over = dispatcher.Handle(TwoEchoes(fits + 1), ctx_);

  EXPECT_EQ(exact.http_status, 200);
  EXPECT_EQ(exact.body, TwoEchoesAnswer(fits));
  EXPECT_EQ(exact.body.size(), 1'000u);
  EXPECT_EQ(over.http_status, 400);
  EXPECT_EQ(over.body, R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                       R"("detail":"maxSizeResponse: methodCalls[1] makes the response )"
                       R"(at least 1001 bytes, at most 1000 allowed","limit":"maxSizeResponse"})");
  EXPECT_EQ(over.methods, "Core/echo,Core/echo");
}

TEST_F(DispatcherTest, CountsCreatedIdsInTheResponseSize) {
  std::string body =
      Request(R"(["Test/create",{"create":{"k1":{},"k2":{}}},"c0"])", R"(,"createdIds":{})");
  size_t size = dispatcher_.Handle(body, ctx_).body.size();
  Dispatcher exact(jmap::Limits{.max_size_response = size}, registry_);
  Dispatcher below(jmap::Limits{.max_size_response = size - 1}, registry_);

  EXPECT_EQ(exact.Handle(body, ctx_).http_status, 200);
  ApiReply refused = below.Handle(body, ctx_);

  EXPECT_EQ(refused.http_status, 400);
  EXPECT_EQ(refused.body, R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                          R"("detail":"maxSizeResponse: response of )" +
                              std::to_string(size) + " bytes, at most " + std::to_string(size - 1) +
                              R"( allowed","limit":"maxSizeResponse"})");
}

TEST_F(DispatcherTest, BoundsWhatResultReferencesCopy) {
  Dispatcher dispatcher(jmap::Limits{.max_size_response = 1'000}, registry_);
  std::string first = R"(["Core/echo",{"s":")" + std::string(400, 'x') + R"("},"c0"])";
  std::string whole = R"({"resultOf":"c0","name":"Core/echo","path":""})";
  // Test/whoami ignores its arguments and answers little, so only what the
  // references copy can be too large.
  std::string once = Request(first + R"(,["Test/whoami",{"#a":)" + whole + R"(},"c1"])");
  std::string twice =
      Request(first + R"(,["Test/whoami",{"#a":)" + whole + R"(,"#b":)" + whole + R"(},"c1"])");
  size_t left =
      1'000 - std::string(R"({"methodResponses":[],"sessionState":"s42"})").size() - first.size();

  EXPECT_EQ(dispatcher.Handle(once, ctx_).http_status, 200);
  ApiReply refused = dispatcher.Handle(twice, ctx_);

  EXPECT_EQ(refused.http_status, 400);
  EXPECT_EQ(refused.body, R"({"type":"urn:ietf:params:jmap:error:limit","status":400,)"
                          R"("detail":"maxSizeResponse: result references in methodCalls[1] )"
                          R"(resolve to more than the )" +
                              std::to_string(left) +
                              R"( bytes left of 1000 allowed","limit":"maxSizeResponse"})");
}

TEST_F(DispatcherTest, EchoesCreatedIdsWithAdditions) {
  rapidjson::Document reply =
      Run(Request(R"(["Test/create",{"create":{"k2":{}}},"c0"],["Test/lookup",{"id":"#k1"},"c1"],)"
                  R"(["Test/lookup",{"id":"#k2"},"c2"],["Test/lookup",{"id":"#k3"},"c3"])",
                  R"(,"createdIds":{"k1":"M-old"})"));

  EXPECT_EQ(Dump(reply["createdIds"]), R"({"k1":"M-old","k2":"M-k2"})");
  EXPECT_EQ(Dump(reply["methodResponses"]),
            R"([["Test/create",{"created":{"k2":{"id":"M-k2"}}},"c0"],)"
            R"(["Test/lookup",{"id":"M-old"},"c1"],["Test/lookup",{"id":"M-k2"},"c2"],)"
            R"(["error",{"type":"notFound","description":)"
            R"("#k3: no record was created with this creation id"},"c3"]])");
}

TEST_F(DispatcherTest, ResolvesCreationIdsWithoutEchoingThem) {
  rapidjson::Document reply = Run(
      Request(R"(["Test/create",{"create":{"k1":{}}},"c0"],["Test/lookup",{"id":"#k1"},"c1"])"));

  EXPECT_FALSE(reply.HasMember("createdIds"));
  EXPECT_EQ(Dump(reply["methodResponses"][1]), R"(["Test/lookup",{"id":"M-k1"},"c1"])");
}

TEST_F(DispatcherTest, StartsEachRequestWithOnlyItsOwnCreatedIds) {
  Run(Request(R"(["Test/create",{"create":{"k1":{}}},"c0"])"));

  rapidjson::Document reply =
      Run(Request(R"(["Test/lookup",{"id":"#k1"},"c1"])", R"(,"createdIds":{})"));

  EXPECT_EQ(Dump(reply["createdIds"]), "{}");
  EXPECT_EQ(Dump(reply["methodResponses"][0][1]["type"]), R"("notFound")");
}

uint64_t MethodExceptions() {
  for (const auto& [name, value] : log::CounterSnapshot()) {
    if (name == "jmap_method_exceptions") return value;
  }
  return 0;
}

TEST_F(DispatcherTest, ThrowingHandlerBecomesServerFail) {
  uint64_t before = MethodExceptions();

  std::string responses =
      Responses(Request(R"(["Test/throw",{},"c0"],["Core/echo",{"still":"here"},"c1"])"));

  EXPECT_EQ(responses, R"([["error",{"type":"serverFail","description":)"
                       R"("Test/throw: the server failed to run the method"},"c0"],)"
                       R"(["Core/echo",{"still":"here"},"c1"]])");
  EXPECT_EQ(MethodExceptions(), before + 1);
}

TEST_F(DispatcherTest, NonObjectAnswerBecomesServerFail) {
  EXPECT_EQ(Responses(Request(R"(["Test/number",{},"c0"])")),
            R"([["error",{"type":"serverFail","description":)"
            R"("Test/number: the method gave no arguments object"},"c0"]])");
}

TEST_F(DispatcherTest, UnwritableAnswerBecomesServerFail) {
  EXPECT_EQ(Responses(Request(R"(["Core/echo",{"a":1},"c0"],["Test/badUtf8",{},"c1"])")),
            R"([["Core/echo",{"a":1},"c0"],)"
            R"(["error",{"type":"serverFail","description":)"
            R"("Test/badUtf8: the response could not be written"},"c1"]])");
}

TEST_F(DispatcherTest, RunsImplicitCallsUnderTheSameCallId) {
  EXPECT_EQ(Responses(Request(R"(["Test/copy",{},"c0"],["Core/echo",{},"c1"])")),
            R"([["Test/copy",{},"c0"],["Core/echo",{"destroyed":true},"c0"],)"
            R"(["Core/echo",{},"c1"]])");
}

TEST_F(DispatcherTest, PassesContextAndReportsMethodNames) {
  std::string responses =
      Responses(Request(R"(["Test/whoami",{},"c0"],["Foo/bar",{},"c1"],["Test/copy",{},"c2"])"));

  EXPECT_EQ(responses,
            R"([["Test/whoami",{"accountId":"a1","login":"anna@example.org"},"c0"],)"
            R"(["error",{"type":"unknownMethod","description":"Foo/bar: no such method"},"c1"],)"
            R"(["Test/copy",{},"c2"],["Core/echo",{"destroyed":true},"c2"]])");
  EXPECT_EQ(reply_.methods, "Test/whoami,Foo/bar,Test/copy");
}

TEST_F(DispatcherTest, AnswersEmptyMethodCalls) {
  rapidjson::Document reply = Run(Request("", R"(,"createdIds":{"k":"M"})"));

  EXPECT_EQ(reply_.body, R"({"methodResponses":[],"createdIds":{"k":"M"},"sessionState":"s42"})");
}

TEST_F(DispatcherTest, LogsOneDebugLinePerMethod) {
  log::SetLevel(log::Level::kDebug);
  ctx_.log = log::Context().With("request_id", "7");

  ::testing::internal::CaptureStderr();
  Run(Request(R"(["Core/echo",{},"c0"],["Foo/bar",{},"c1"])"));
  std::string lines = ::testing::internal::GetCapturedStderr();
  log::SetLevel(log::Level::kInfo);

  EXPECT_NE(lines.find("event=method_finished request_id=7 method=Core/echo duration_us="),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("event=method_finished request_id=7 method=Foo/bar duration_us="),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find(" error=unknownMethod\n"), std::string::npos) << lines;
  ASSERT_EQ(ctx_.log.fields().size(), 1u);
  EXPECT_EQ(ctx_.log.fields()[0].key, "request_id");
}

TEST(MethodRegistry, KeepsFirstHandlerForADuplicateName) {
  MethodRegistry registry;
  RegisterCoreMethods(registry);

  bool again =
      registry.Register("Core/echo", kMailCapability, [](MethodContext&, const Value&, Allocator&) {
        return Result<Value>(Status(ErrorKind::kServerFail, "x"));
      });

  EXPECT_FALSE(again);
  ASSERT_NE(registry.Find("Core/echo"), nullptr);
  EXPECT_EQ(registry.Find("Core/echo")->capability, kCoreCapability);
  EXPECT_TRUE(registry.HasCapability("urn:ietf:params:jmap:core"));
  EXPECT_TRUE(registry.HasCapability("urn:ietf:params:jmap:mail"));
  EXPECT_FALSE(registry.HasCapability("urn:ietf:params:jmap:contacts"));
  EXPECT_EQ(registry.Find("Core/nothing"), nullptr);
}

}  // namespace
}  // namespace konvert::api
