// The JMAP envelope: a request of many Core/echo calls with result
// references, through the whole Dispatcher, against the floor of parsing
// and writing the same JSON with RapidJSON alone.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/core/echo.h"
#include "api/jmap/dispatcher.h"

namespace konvert::api {
namespace {

std::string EchoRequest(int calls) {
  std::string body = R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[)";
  for (int i = 0; i < calls; ++i) {
    if (i > 0) body += ",";
    if (i % 2 == 0) {
      body += R"(["Core/echo",{"list":[{"id":"m1"},{"id":"m2"},{"id":"m3"}],)"
              R"("text":"привет"},"c)" +
              std::to_string(i) + "\"]";
    } else {
      body += R"(["Core/echo",{"#ids":{"resultOf":"c)" + std::to_string(i - 1) +
              R"(","name":"Core/echo","path":"/list/*/id"}},"c)" + std::to_string(i) + "\"]";
    }
  }
  return body + "]}";
}

void BaselineParseAndWrite(benchmark::State& state) {
  std::string body = EchoRequest(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    benchmark::DoNotOptimize(buffer.GetSize());
  }
}
BENCHMARK(BaselineParseAndWrite)->Arg(2)->Arg(32);

void DispatchEcho(benchmark::State& state) {
  std::string body = EchoRequest(static_cast<int>(state.range(0)));
  MethodRegistry registry;
  RegisterCoreMethods(registry);
  jmap::Limits limits;
  Dispatcher dispatcher(limits, registry);
  for (auto _ : state) {
    MethodContext context;
    ApiReply reply = dispatcher.Handle(body, context);
    benchmark::DoNotOptimize(reply.body.size());
  }
}
BENCHMARK(DispatchEcho)->Arg(2)->Arg(32);

}  // namespace
}  // namespace konvert::api
