// The JMAP Email methods (RFC 8621 §4): one file per method beside this
// header, served from the account's index (and, for bodies, from IMAP).
//
// Handlers run on worker threads and block on IMAP and the cache.
#pragma once

#include "api/jmap/method_registry.h"
#include "api/jmap/standard_args.h"

namespace konvert::api {

void RegisterEmailMethods(MethodRegistry& registry);

Result<rapidjson::Value> EmailGet(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc);
Result<rapidjson::Value> EmailChanges(MethodContext& ctx, const rapidjson::Value& args,
                                      Alloc& alloc);
Result<rapidjson::Value> EmailQuery(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc);
Result<rapidjson::Value> EmailQueryChanges(MethodContext& ctx, const rapidjson::Value& args,
                                           Alloc& alloc);

// The most ids one Email/query answers; a larger or absent limit is cut to
// this and the response says so (RFC 8620 §5.5).
inline constexpr uint64_t kMaxQueryLimit = 10000;

}  // namespace konvert::api
