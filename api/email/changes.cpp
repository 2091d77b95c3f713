// Email/changes (RFC 8621 §4.3).
#include "api/email/methods.h"
#include "api/mail/mail_access.h"

namespace konvert::api {

Result<rapidjson::Value> EmailChanges(MethodContext& ctx, const rapidjson::Value& args,
                                      Alloc& alloc) {
  Result<ChangesArgs> parsed = ParseChangesArgs(ctx, args);
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  Result<ChangesResult> changes =
      (*mail)->index().Changes(ChangeType::kEmail, parsed->since_state, parsed->max_changes);
  if (!changes.ok()) return changes.status();
  return ChangesResponse(ctx, *changes, alloc);
}

}  // namespace konvert::api
