// Mailbox/changes (RFC 8621 §2.2). Counts change far more often than
// anything else, so updates that touched only counts say so in
// updatedProperties.
#include "api/mail/mail_access.h"
#include "api/mailbox/methods.h"

namespace konvert::api {

Result<rapidjson::Value> MailboxChanges(MethodContext& ctx, const rapidjson::Value& args,
                                        Alloc& alloc) {
  Result<ChangesArgs> parsed = ParseChangesArgs(ctx, args);
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();

  Result<ChangesResult> changes =
      (*mail)->index().Changes(ChangeType::kMailbox, parsed->since_state, parsed->max_changes);
  if (!changes.ok()) return changes.status();
  rapidjson::Value out = ChangesResponse(ctx, *changes, alloc);
  // LIMITATION: the change log does not record which properties changed, so
  // updatedProperties is always null and clients refetch whole Mailboxes.
  Put(out, "updatedProperties", rapidjson::Value(rapidjson::kNullType), alloc);
  return out;
}

}  // namespace konvert::api
