// Mailbox/changes (RFC 8621 §2.2).
#include "api/mail/mail_access.h"
#include "api/mailbox/methods.h"

namespace konvert::api {

Result<rapidjson::Value> MailboxChanges(MethodContext& ctx, const rapidjson::Value& args,
                                        Alloc& alloc) {
  Result<rapidjson::Value> out = MailChanges(ChangeType::kMailbox, ctx, args, alloc);
  if (!out.ok()) return out;
  // LIMITATION: the change log does not record which properties changed, so
  // updatedProperties is always null and clients refetch whole Mailboxes.
  Put(*out, "updatedProperties", rapidjson::Value(rapidjson::kNullType), alloc);
  return out;
}

}  // namespace konvert::api
