// Thread/get (RFC 8621 §3.1): the Emails of each thread, oldest first,
// across every mailbox.
#include "api/mail/mail_access.h"
#include "api/thread/methods.h"

namespace konvert::api {

Result<rapidjson::Value> ThreadGet(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc) {
  static const std::set<std::string, std::less<>> kProperties = {"id", "emailIds"};
  Result<GetArgs> parsed = ParseGetArgs(ctx, args, kProperties);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->ids.has_value()) {
    // RFC 8621 §3.1: fetching every thread is not supported.
    return Status(ErrorKind::kRequestTooLarge, "ids: Thread/get needs the ids of the threads");
  }
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();

  rapidjson::Value out;
  (*mail)->index().Read([&](const AccountView& view) {
    out = GetResponse(ctx, view.State(ChangeType::kThread), alloc);
    for (const std::string& id : *parsed->ids) {
      const std::vector<std::string>* members = view.Thread(id);
      if (members == nullptr) {
        out["notFound"].PushBack(Str(id, alloc), alloc);
        continue;
      }
      rapidjson::Value thread(rapidjson::kObjectType);
      Put(thread, "id", Str(id, alloc), alloc);
      if (Wants(parsed->properties, kProperties, "emailIds")) {
        Put(thread, "emailIds", StringArray(*members, alloc), alloc);
      }
      out["list"].PushBack(thread, alloc);
    }
  });
  return out;
}

}  // namespace konvert::api
