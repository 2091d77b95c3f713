// How JMAP mail methods reach the account's mail: the accountId check every
// method does first, and the account's index brought up to date with IMAP
// once per request.
//
// Called by method handlers on worker threads; blocks on IMAP and the cache.
#pragma once

#include "api/jmap/method_context.h"
#include "model/status.h"
#include "rapidjson/document.h"
#include "store/index/account_index.h"

namespace konvert::api {

// kAccountNotFound unless `args` has an "accountId" naming this request's
// account; kInvalidArguments when it is missing or not a string.
Status CheckAccountId(const MethodContext& ctx, const rapidjson::Value& args);

// The account's MailAccount, caught up with IMAP (AccountSync::Refresh) the
// first time a method of this request asks. kServerUnavailable when IMAP
// cannot be reached, kServerFail for the cache.
Result<MailAccount*> PreparedMail(MethodContext& ctx);

// Foo/changes for the mail types (RFC 8620 §5.2): arguments, the index's
// change log, the response.
Result<rapidjson::Value> MailChanges(ChangeType type, MethodContext& ctx,
                                     const rapidjson::Value& args,
                                     rapidjson::Document::AllocatorType& alloc);

}  // namespace konvert::api
