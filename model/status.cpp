#include "model/status.h"

namespace konvert {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk:
      return "ok";
    case ErrorKind::kNotJson:
      return "notJSON";
    case ErrorKind::kNotRequest:
      return "notRequest";
    case ErrorKind::kLimit:
      return "limit";
    case ErrorKind::kUnknownCapability:
      return "unknownCapability";
    case ErrorKind::kInvalidArguments:
      return "invalidArguments";
    case ErrorKind::kInvalidResultReference:
      return "invalidResultReference";
    case ErrorKind::kUnknownMethod:
      return "unknownMethod";
    case ErrorKind::kAccountNotFound:
      return "accountNotFound";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kNotFound:
      return "notFound";
    case ErrorKind::kServerUnavailable:
      return "serverUnavailable";
    case ErrorKind::kServerFail:
      return "serverFail";
    case ErrorKind::kRequestTooLarge:
      return "requestTooLarge";
    case ErrorKind::kCannotCalculateChanges:
      return "cannotCalculateChanges";
    case ErrorKind::kStateMismatch:
      return "stateMismatch";
    case ErrorKind::kUnsupportedFilter:
      return "unsupportedFilter";
    case ErrorKind::kUnsupportedSort:
      return "unsupportedSort";
    case ErrorKind::kAnchorNotFound:
      return "anchorNotFound";
    case ErrorKind::kTooManyChanges:
      return "tooManyChanges";
    case ErrorKind::kUnauthenticated:
      return "unauthenticated";
    case ErrorKind::kMethodNotAllowed:
      return "methodNotAllowed";
    case ErrorKind::kTooManyRequests:
      return "tooManyRequests";
  }
  return "serverFail";
}

}  // namespace konvert
