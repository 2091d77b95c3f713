// Thread/changes (RFC 8621 §3.2).
#include "api/mail/mail_access.h"
#include "api/thread/methods.h"

namespace konvert::api {

Result<rapidjson::Value> ThreadChanges(MethodContext& ctx, const rapidjson::Value& args,
                                       Alloc& alloc) {
  return MailChanges(ChangeType::kThread, ctx, args, alloc);
}

}  // namespace konvert::api
