// Mailbox/get (RFC 8621 §2.1).
#include "api/mail/mail_access.h"
#include "api/mailbox/methods.h"

namespace konvert::api {

Result<rapidjson::Value> MailboxGet(MethodContext& ctx, const rapidjson::Value& args,
                                    Alloc& alloc) {
  Result<GetArgs> parsed = ParseGetArgs(ctx, args, MailboxProperties());
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();

  rapidjson::Value out;
  (*mail)->index().Read([&](const AccountView& view) {
    out = GetResponse(ctx, view.State(ChangeType::kMailbox), alloc);
    rapidjson::Value& list = out["list"];
    if (!parsed->ids.has_value()) {
      for (const auto& [id, m] : view.mailboxes()) {
        list.PushBack(MailboxJson(view, m, parsed->properties, alloc), alloc);
      }
      return;
    }
    for (const std::string& id : *parsed->ids) {
      const MailboxState* m = view.Mailbox(id);
      if (m == nullptr) {
        out["notFound"].PushBack(Str(id, alloc), alloc);
      } else {
        list.PushBack(MailboxJson(view, *m, parsed->properties, alloc), alloc);
      }
    }
  });
  return out;
}

}  // namespace konvert::api
