// The JMAP Thread methods (RFC 8621 §3): Thread/get and Thread/changes, one
// file each, served from the account's index.
//
// Handlers run on worker threads and block on IMAP and the cache.
#pragma once

#include "api/jmap/method_registry.h"
#include "api/jmap/standard_args.h"

namespace konvert::api {

void RegisterThreadMethods(MethodRegistry& registry);

Result<rapidjson::Value> ThreadGet(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc);
Result<rapidjson::Value> ThreadChanges(MethodContext& ctx, const rapidjson::Value& args,
                                       Alloc& alloc);

}  // namespace konvert::api
