// Result references: arguments taken from earlier responses of the same
// request (RFC 8620 §3.7).
//
// An argument named "#ids" holds {resultOf, name, path}: the call id of an
// earlier call, the response name expected from it, and a JSON Pointer
// (RFC 6901) into that response's arguments. The pointer may use `*` on an
// array to map the rest of the path over every item; items that come out as
// arrays are flattened into the result, so "/list/*/emailIds" yields one
// flat list of ids.
//
// Pure functions; any thread. Values returned are allocated in `alloc`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::jmap {

using JsonAllocator = rapidjson::Document::AllocatorType;

struct ResultReference {
  std::string result_of;
  std::string name;
  std::string path;
};

// True when `arguments` (an object) has a member whose name starts with '#'.
bool HasResultReferences(const rapidjson::Value& arguments);

// Reads the value of the argument named `argument` (e.g. "#ids"). Fails with
// kInvalidResultReference, naming the argument and the property at fault,
// unless it is an object with string `resultOf`, `name` and `path`.
Result<ResultReference> ParseResultReference(std::string_view argument,
                                             const rapidjson::Value& value);

// Applies `path` to `root`: a copy of the value it points at, or
// kInvalidResultReference naming the token that does not resolve.
Result<rapidjson::Value> EvaluatePointer(const rapidjson::Value& root, std::string_view path,
                                         JsonAllocator& alloc);

// Evaluates `reference` against `responses`, the methodResponses produced so
// far (an array of [name, arguments, callId]). The first response carrying
// the call id must have the expected name, so a reference to a call that
// failed (response "error") does not resolve. Failures are
// kInvalidResultReference.
Result<rapidjson::Value> EvaluateResultReference(const ResultReference& reference,
                                                 const rapidjson::Value& responses,
                                                 JsonAllocator& alloc);

// A copy of `arguments` in which each "#name" member is replaced by "name"
// holding the referenced value. Fails with kInvalidArguments when an
// argument is given both plainly and as a reference, and with
// kInvalidResultReference when a reference does not resolve; messages start
// with the argument's name. `admit`, when given, sees each referenced value
// before it is added and may refuse it (the dispatcher bounds how much the
// references of one call may copy); its failure is returned as it is.
Result<rapidjson::Value> ResolveResultReferences(
    const rapidjson::Value& arguments, const rapidjson::Value& responses, JsonAllocator& alloc,
    const std::function<Status(const rapidjson::Value&)>& admit = {});

}  // namespace konvert::jmap
