// Request: a JMAP API request body (RFC 8620 §3.3) parsed and checked
// against the request-level rules and limits.
//
// ParseRequest is the only way untrusted bytes become a Request. It refuses,
// in this order, a body larger than `max_size_request`; anything that is not
// JSON in valid UTF-8 (a raw NUL byte included); nesting deeper than
// `max_json_depth`; JSON that does not have the Request shape; more calls
// than `max_calls_in_request`. Nesting is checked while the parser runs,
// before a deeper value is ever built, and the parser keeps its own stack,
// so no input can exhaust the thread's stack or make a DOM larger than the
// body allows.
//
// Pure and thread-compatible: any thread may parse; a Request is used by one.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/jmap/created_ids.h"
#include "model/jmap/limits.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::jmap {

// One method call: [name, arguments, call id] (RFC 8620 §3.2).
struct Invocation {
  std::string name;
  rapidjson::Value arguments;  // Always an object; memory owned by Request.
  std::string call_id;
};

struct Request {
  std::set<std::string, std::less<>> using_capabilities;
  std::vector<Invocation> method_calls;
  std::optional<CreatedIds> created_ids;  // Set when the body had `createdIds`.

  // Owns the memory of every `arguments` value above.
  rapidjson::Document document;
};

// The names of limits a request can break, as the `limit` property of a
// problem-details body spells them (RFC 8620 §3.6.1). The depth and
// response-size limits are not advertised in the session object, so their
// names are Konvert's own; the dispatcher enforces the response size.
inline constexpr std::string_view kLimitMaxSizeRequest = "maxSizeRequest";
inline constexpr std::string_view kLimitMaxCallsInRequest = "maxCallsInRequest";
inline constexpr std::string_view kLimitMaxJsonDepth = "maxJsonDepth";
inline constexpr std::string_view kLimitMaxSizeResponse = "maxSizeResponse";

// Parses `body`. On failure the Status kind is kNotJson, kNotRequest or
// kLimit, and its message opens with what is at fault followed by ": " — the
// path in the body for kNotRequest (e.g. "methodCalls[1][1]: ..."), the limit
// name for kLimit (e.g. "maxCallsInRequest: ..."). Never blocks.
Result<Request> ParseRequest(std::string_view body, const Limits& limits);

// The limit named by a kLimit Status whose message opens with the limit's
// name, as ParseRequest's and the dispatcher's do; empty for any other.
std::string_view LimitName(const Status& status);

}  // namespace konvert::jmap
