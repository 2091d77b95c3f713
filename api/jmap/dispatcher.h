// Dispatcher: turns a JMAP API request body into the response body
// (RFC 8620 §3): parses and checks the request, runs each method call in
// order through the MethodRegistry, and writes `methodResponses`.
//
// A request refused as a whole (not JSON, not a Request, a limit, an unknown
// capability) gets HTTP 400 and a problem-details body. Everything that goes
// wrong inside one call — unknown method, bad result reference, a handler's
// error, even a handler that throws — becomes that call's "error" response,
// and the calls after it still run.
//
// The response body is limited to `max_size_response` bytes, because result
// references let a few kilobytes of request ask for any amount of output.
// Each answer is measured as it is added, and what result references copy
// is measured before the handler sees it; the first call that would take
// the body past the limit stops the request, which is then refused as a
// whole with `limit` ("maxSizeResponse"). Calls that ran before it keep
// their effects. What one call builds is freed when it ends, so a request
// holds about the limit plus one call's work.
//
// Handle is const and keeps no state between requests: any number of worker
// threads may call it at once. It blocks as long as the handlers do, so it
// never runs on a reactor thread. The registry must outlive the dispatcher
// and must not change while requests are served.
#pragma once

#include <string>
#include <string_view>

#include "api/jmap/method_context.h"
#include "api/jmap/method_registry.h"
#include "model/jmap/limits.h"

namespace konvert::api {

struct ApiReply {
  int http_status = 200;
  std::string body;     // application/json for 200, application/problem+json otherwise.
  std::string methods;  // The method names called, comma-separated, for the request's log line.
};

class Dispatcher {
 public:
  Dispatcher(const jmap::Limits& limits, const MethodRegistry& registry);

  // Serves one request. Uses `ctx` for identity and logging, resets its
  // per-request fields, and writes `ctx.session_state` as `sessionState`.
  // Logs one debug line per method call with its duration.
  ApiReply Handle(std::string_view body, MethodContext& ctx) const;

 private:
  const jmap::Limits limits_;
  const MethodRegistry& registry_;
};

}  // namespace konvert::api
