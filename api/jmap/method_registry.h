// MethodRegistry: the JMAP methods this server offers, by name, each with
// the capability (RFC 8620 §2) a request must list in `using` to call it.
//
// The server registers everything at start-up, before the first request;
// from then on the registry is only read, and any number of threads may
// call Find and HasCapability at the same time.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "api/jmap/method_context.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::api {

inline constexpr std::string_view kCoreCapability = "urn:ietf:params:jmap:core";
inline constexpr std::string_view kMailCapability = "urn:ietf:params:jmap:mail";

// Runs one method call. `args` is the arguments object with result
// references already resolved; the returned value (an object) becomes the
// response arguments, allocated in `alloc`. A failed Status becomes the
// method-level error of the call. Runs on a worker thread and may block.
using MethodHandler = std::function<Result<rapidjson::Value>(
    MethodContext& ctx, const rapidjson::Value& args, rapidjson::Document::AllocatorType& alloc)>;

struct Method {
  std::string name;
  std::string capability;
  MethodHandler handler;
};

class MethodRegistry {
 public:
  // Lets requests name `urn` in `using`, with or without methods behind it.
  void AddCapability(std::string_view urn);

  // Registers `name` (e.g. "Mailbox/get") under `capability`, which becomes
  // known too. Returns false, keeping the earlier handler, when `name` is
  // already registered.
  bool Register(std::string_view name, std::string_view capability, MethodHandler handler);

  // The method called `name`, or nullptr.
  const Method* Find(std::string_view name) const;
  bool HasCapability(std::string_view urn) const;
  const std::set<std::string, std::less<>>& capabilities() const { return capabilities_; }

 private:
  std::map<std::string, Method, std::less<>> methods_;
  std::set<std::string, std::less<>> capabilities_;
};

}  // namespace konvert::api
