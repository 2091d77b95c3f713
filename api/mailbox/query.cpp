// Mailbox/query (RFC 8621 §2.3).
#include "api/mail/mail_access.h"
#include "api/mailbox/methods.h"
#include "model/mail/mailbox_query.h"

namespace konvert::api {

Result<rapidjson::Value> MailboxQuery(MethodContext& ctx, const rapidjson::Value& args,
                                      Alloc& alloc) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;
  Result<mail::MailboxQueryArgs> parsed = mail::ParseMailboxQueryArgs(args);
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();

  Result<mail::QueryResultIds> result = Status(ErrorKind::kServerFail, "not run");
  std::string state;
  (*mail)->index().Read([&](const AccountView& view) {
    result = mail::RunMailboxQuery(MailboxSummaries(view), *parsed);
    state = view.State(ChangeType::kMailbox);
  });
  if (!result.ok()) return result.status();

  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "accountId", Str(ctx.account_id, alloc), alloc);
  Put(out, "queryState", Str(state, alloc), alloc);
  Put(out, "canCalculateChanges", rapidjson::Value(true), alloc);
  Put(out, "position", rapidjson::Value(result->position), alloc);
  Put(out, "ids", StringArray(result->ids, alloc), alloc);
  if (result->total.has_value()) Put(out, "total", rapidjson::Value(*result->total), alloc);
  if (parsed->limit.has_value()) Put(out, "limit", rapidjson::Value(*parsed->limit), alloc);
  return out;
}

}  // namespace konvert::api
