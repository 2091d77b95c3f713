// Email/changes (RFC 8621 §4.3).
#include "api/email/methods.h"
#include "api/mail/mail_access.h"

namespace konvert::api {

Result<rapidjson::Value> EmailChanges(MethodContext& ctx, const rapidjson::Value& args,
                                      Alloc& alloc) {
  return MailChanges(ChangeType::kEmail, ctx, args, alloc);
}

}  // namespace konvert::api
