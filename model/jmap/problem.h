// JMAP error bodies: problem details (RFC 7807) for a request that is
// refused as a whole (RFC 8620 §3.6.1), and the "error" invocation that
// stands in for one failed method call (§3.6.2).
//
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::jmap {

// The HTTP status of every request-level error RFC 8620 §3.6.1 defines.
inline constexpr int kRequestProblemStatus = 400;

// The problem-details JSON for a refused request:
//   {"type": "urn:ietf:params:jmap:error:<name>", "status": 400,
//    "detail": <message>, "limit": <name>}
// `limit` is present for kLimit only and is read from the message, which
// ParseRequest opens with the limit's name (see LimitName in request.h).
// `http_status` is echoed as `status`; the JMAP errors all use 400.
std::string ProblemDetails(const Status& status, int http_status = kRequestProblemStatus);

// ["error", {"type": <name>, "description": <message>}, call_id]; the
// description is left out when the message is empty.
rapidjson::Value MethodError(const Status& status, std::string_view call_id,
                             rapidjson::Document::AllocatorType& alloc);

}  // namespace konvert::jmap
