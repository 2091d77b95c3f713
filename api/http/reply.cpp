#include "api/http/reply.h"

#include <functional>

#include "model/jmap/problem.h"

namespace konvert::api {
namespace {

// Pistache 0.0.5 writes only typed headers into a response and silently
// drops raw ones, so every header we set goes through this one type.
class NamedHeader : public Pistache::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return std::hash<std::string>()(name_); }
#endif

 private:
  std::string name_;
  std::string value_;
};

void AddCommonHeaders(Pistache::Http::ResponseWriter& writer) {
  SetHeader(writer, "Cache-Control", "no-store");
  SetHeader(writer, "X-Content-Type-Options", "nosniff");
  SetHeader(writer, "Referrer-Policy", "no-referrer");
  SetHeader(writer, "Strict-Transport-Security", "max-age=31536000");
  SetHeader(writer, "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
}

}  // namespace

std::optional<std::string> HeaderValue(const Pistache::Http::Request& request,
                                       const std::string& name) {
  auto raw = request.headers().tryGetRaw(name);
  if (!raw) return std::nullopt;
  return raw->value();
}

void SetHeader(Pistache::Http::ResponseWriter& writer, std::string name, std::string value) {
  writer.headers().remove(name);
  writer.headers().add(std::make_shared<NamedHeader>(std::move(name), std::move(value)));
}

int HttpStatusFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk:
      return 200;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
    case ErrorKind::kAccountNotFound:
      return 404;
    case ErrorKind::kMethodNotAllowed:
      return 405;
    case ErrorKind::kTooManyRequests:
      return 429;
    case ErrorKind::kServerUnavailable:
      return 503;
    case ErrorKind::kServerFail:
      return 500;
    case ErrorKind::kLimit:
    case ErrorKind::kNotJson:
    case ErrorKind::kNotRequest:
    case ErrorKind::kUnknownCapability:
    case ErrorKind::kInvalidArguments:
    case ErrorKind::kInvalidResultReference:
    case ErrorKind::kUnknownMethod:
    case ErrorKind::kRequestTooLarge:
    case ErrorKind::kCannotCalculateChanges:
    case ErrorKind::kStateMismatch:
    case ErrorKind::kUnsupportedFilter:
    case ErrorKind::kUnsupportedSort:
    case ErrorKind::kAnchorNotFound:
    case ErrorKind::kTooManyChanges:
      return 400;
  }
  return 500;
}

int SendBody(Pistache::Http::ResponseWriter& writer, int status, const std::string& body,
             std::string_view content_type, const std::vector<Header>& extra) {
  AddCommonHeaders(writer);
  SetHeader(writer, "Content-Type", std::string(content_type));
  for (const auto& [name, value] : extra) SetHeader(writer, name, value);
  writer.send(static_cast<Pistache::Http::Code>(status), body);
  return status;
}

int SendJson(Pistache::Http::ResponseWriter& writer, int status, const std::string& body,
             const std::vector<Header>& extra) {
  return SendBody(writer, status, body, "application/json; charset=utf-8", extra);
}

int SendProblem(Pistache::Http::ResponseWriter& writer, const Status& status,
                const std::vector<Header>& extra) {
  int code = HttpStatusFor(status.kind());
  return SendBody(writer, code, jmap::ProblemDetails(status, code),
                  "application/problem+json; charset=utf-8", extra);
}

}  // namespace konvert::api
