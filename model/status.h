// Status and Result<T>: how every Konvert interface reports failure.
//
// No exceptions cross Konvert's interfaces. A failing call returns a Status
// whose kind follows the JMAP error names (RFC 8620 §3.6), so that api/ can
// turn it into a problem-details body or a method-level error without a
// translation table per caller. The message names the field or the server
// reply at fault; it is shown to clients, so it never holds a secret.
//
// Both types are plain values: any thread may create, copy and read them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace konvert {

enum class ErrorKind {
  kOk,
  // Request level (RFC 8620 §3.6.1).
  kNotJson,
  kNotRequest,
  kLimit,
  kUnknownCapability,
  // Method level (RFC 8620 §3.6.2).
  kInvalidArguments,
  kInvalidResultReference,
  kUnknownMethod,
  kAccountNotFound,
  kForbidden,
  kNotFound,
  kServerUnavailable,
  kServerFail,
  // Method level, for /get, /changes, /query, /queryChanges (RFC 8620 §5).
  kRequestTooLarge,
  kCannotCalculateChanges,
  kStateMismatch,
  kUnsupportedFilter,
  kUnsupportedSort,
  kAnchorNotFound,
  kTooManyChanges,
  // HTTP level, outside JMAP's own vocabulary.
  kUnauthenticated,
  kMethodNotAllowed,
  kTooManyRequests,
};

// The JMAP spelling of `kind`, e.g. "invalidArguments".
std::string_view ErrorKindName(ErrorKind kind);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return kind_ == ErrorKind::kOk; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

 private:
  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
};

// Either a value or a failed Status; never both, never an ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {
    if (status_.ok()) status_ = Status(ErrorKind::kServerFail, "ok status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace konvert
