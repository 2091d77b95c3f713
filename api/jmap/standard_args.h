// The arguments and responses that every /get and /changes method shares
// (RFC 8620 §5.1, §5.2), parsed and written once for all data types, plus
// small helpers for building response JSON.
//
// Pure functions over the request's JSON; any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/jmap/method_context.h"
#include "model/mail/query_changes.h"
#include "model/status.h"
#include "rapidjson/document.h"
#include "store/index/account_index.h"

namespace konvert::api {

using Alloc = rapidjson::Document::AllocatorType;

struct GetArgs {
  // Unset: every object (ids: null).
  std::optional<std::vector<std::string>> ids;
  // Unset: the type's default properties (properties: null).
  std::optional<std::vector<std::string>> properties;
};

// Checks accountId, reads `ids` (each "#creationId" resolved through the
// request's created ids; more than maxObjectsInGet fails with
// kRequestTooLarge) and `properties` (each must be in `known`, else
// kInvalidArguments; "header:…" properties pass when `known` holds
// "header:*"). Arguments other than these and `extra` fail with
// kInvalidArguments.
Result<GetArgs> ParseGetArgs(const MethodContext& ctx, const rapidjson::Value& args,
                             const std::set<std::string, std::less<>>& known,
                             std::initializer_list<std::string_view> extra = {});

struct ChangesArgs {
  std::string since_state;
  uint64_t max_changes = UINT64_MAX;
};

// Checks accountId, reads sinceState (required) and maxChanges (null or a
// positive integer).
Result<ChangesArgs> ParseChangesArgs(const MethodContext& ctx, const rapidjson::Value& args);

// The response of Foo/changes.
rapidjson::Value ChangesResponse(const MethodContext& ctx, const ChangesResult& changes,
                                 Alloc& alloc);

// The response of Foo/queryChanges; `total` only when calculateTotal asked.
rapidjson::Value QueryChangesResponse(const MethodContext& ctx, std::string_view old_state,
                                      std::string_view new_state, std::optional<uint64_t> total,
                                      const mail::QueryChanges& diff, Alloc& alloc);

// The response skeleton of Foo/get: accountId, state, list (empty), notFound.
rapidjson::Value GetResponse(const MethodContext& ctx, std::string_view state, Alloc& alloc);

// A JSON string of `text`; bytes that are not UTF-8 become U+FFFD.
rapidjson::Value Str(std::string_view text, Alloc& alloc);
rapidjson::Value StringArray(const std::vector<std::string>& values, Alloc& alloc);
// Adds member `name` to `object`; `name` must be a string literal.
void Put(rapidjson::Value& object, const char* name, rapidjson::Value value, Alloc& alloc);

// True when `properties` (unset: `defaults`) asks for `name`.
bool Wants(const std::optional<std::vector<std::string>>& properties,
           const std::set<std::string, std::less<>>& defaults, std::string_view name);

}  // namespace konvert::api
