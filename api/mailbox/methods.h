// The JMAP Mailbox methods (RFC 8621 §2): one file per method beside this
// header, all served from the account's index after it caught up with IMAP.
//
// Handlers run on worker threads and block on IMAP and the cache.
#pragma once

#include "api/jmap/method_registry.h"
#include "api/jmap/standard_args.h"
#include "model/mail/mailbox_query.h"
#include "store/index/account_index.h"

namespace konvert::api {

void RegisterMailboxMethods(MethodRegistry& registry);

Result<rapidjson::Value> MailboxGet(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc);
Result<rapidjson::Value> MailboxChanges(MethodContext& ctx, const rapidjson::Value& args,
                                        Alloc& alloc);
Result<rapidjson::Value> MailboxQuery(MethodContext& ctx, const rapidjson::Value& args,
                                      Alloc& alloc);
Result<rapidjson::Value> MailboxQueryChanges(MethodContext& ctx, const rapidjson::Value& args,
                                             Alloc& alloc);

// Shared by the files above (mailbox_json.cpp).
// Mailboxes as JMAP shows them: every mailbox of the index.
std::vector<mail::MailboxSummary> MailboxSummaries(const AccountView& view);
// The Mailbox object with `properties` (unset: all).
rapidjson::Value MailboxJson(const AccountView& view, const MailboxState& mailbox,
                             const std::optional<std::vector<std::string>>& properties,
                             Alloc& alloc);
// Every property name of Mailbox.
const std::set<std::string, std::less<>>& MailboxProperties();

}  // namespace konvert::api
