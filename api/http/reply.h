// Reply: how every HTTP answer of Konvert is written.
//
// One place sets the headers that every response carries (no caching of
// private data, no MIME sniffing, HSTS, a strict Content-Security-Policy)
// and builds problem-details bodies (RFC 7807) for errors outside a JMAP
// method response. Only api/ writes error JSON (STYLE.md).
//
// A ResponseWriter may be used from a worker thread: Pistache queues the
// write to the connection's reactor.
#pragma once

#include <pistache/http.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"

namespace konvert::api {

using Header = std::pair<std::string, std::string>;

// The value of request header `name`, if present.
std::optional<std::string> HeaderValue(const Pistache::Http::Request& request,
                                       const std::string& name);

// Sets response header `name`, replacing an earlier one of that name.
void SetHeader(Pistache::Http::ResponseWriter& writer, std::string name, std::string value);

// The HTTP status that answers a failed Status outside a method response.
int HttpStatusFor(ErrorKind kind);

// Sends `body` as JSON with the common headers. Returns the status sent.
int SendJson(Pistache::Http::ResponseWriter& writer, int status, const std::string& body,
             const std::vector<Header>& extra = {});

// Sends the problem details of a failed Status (model/jmap/problem.h); a
// kLimit message opens with the limit's name, e.g. "maxSizeRequest: ...".
int SendProblem(Pistache::Http::ResponseWriter& writer, const Status& status,
                const std::vector<Header>& extra = {});

// Sends `body` with `content_type` and the common headers.
int SendBody(Pistache::Http::ResponseWriter& writer, int status, const std::string& body,
             std::string_view content_type, const std::vector<Header>& extra = {});

}  // namespace konvert::api
