#include "api/mail/mail_access.h"

#include "api/jmap/standard_args.h"

namespace konvert::api {

Status CheckAccountId(const MethodContext& ctx, const rapidjson::Value& args) {
  auto it = args.FindMember("accountId");
  if (it == args.MemberEnd() || !it->value.IsString()) {
    return Status(ErrorKind::kInvalidArguments, "accountId: required, a string");
  }
  if (std::string_view(it->value.GetString(), it->value.GetStringLength()) != ctx.account_id) {
    return Status(ErrorKind::kAccountNotFound, "accountId: no such account");
  }
  return Status::Ok();
}

Result<MailAccount*> PreparedMail(MethodContext& ctx) {
  if (ctx.mail_store == nullptr || ctx.imap == nullptr) {
    return Status(ErrorKind::kServerFail, "mail is not available on this server");
  }
  if (ctx.mail == nullptr) {
    Result<std::shared_ptr<MailAccount>> account = ctx.mail_store->Account(ctx.account_id);
    if (!account.ok()) return account.status();
    ctx.mail = std::move(*account);
  }
  if (!ctx.mail_prepared) {
    // LIMITATION: a session the server drops in the middle of a request
    // (Dovecot does so when another client changes the UIDVALIDITY of the
    // folder it has selected) fails that request with serverUnavailable;
    // the connection is replaced for the next one, not retried within it.
    Status prepared = ctx.mail->Prepare(*ctx.imap, ctx.credentials);
    if (!prepared.ok()) return prepared;
    ctx.mail_prepared = true;
  }
  return ctx.mail.get();
}

Result<rapidjson::Value> MailChanges(ChangeType type, MethodContext& ctx,
                                     const rapidjson::Value& args,
                                     rapidjson::Document::AllocatorType& alloc) {
  Result<ChangesArgs> parsed = ParseChangesArgs(ctx, args);
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  Result<ChangesResult> changes =
      (*mail)->index().Changes(type, parsed->since_state, parsed->max_changes);
  if (!changes.ok()) return changes.status();
  return ChangesResponse(ctx, *changes, alloc);
}

}  // namespace konvert::api
