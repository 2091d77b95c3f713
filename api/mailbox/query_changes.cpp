// Mailbox/queryChanges (RFC 8621 §2.4, RFC 8620 §5.6): every Mailbox
// changed since the old state is removed and, where it still matches,
// added at its current index.
#include "model/mail/query_changes.h"

#include "api/mail/mail_access.h"
#include "api/mailbox/methods.h"
#include "model/mail/mailbox_query.h"

namespace konvert::api {
namespace {

Status Invalid(std::string message) {
  return Status(ErrorKind::kInvalidArguments, std::move(message));
}

}  // namespace

Result<rapidjson::Value> MailboxQueryChanges(MethodContext& ctx, const rapidjson::Value& args,
                                             Alloc& alloc) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;

  // The query part is parsed by the Mailbox/query parser once the
  // queryChanges-only arguments are taken out.
  rapidjson::Document query_args;
  query_args.SetObject();
  std::string since;
  std::optional<uint64_t> max_changes;
  std::optional<std::string> up_to_id;
  bool calculate_total = false;
  for (const auto& member : args.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (name == "sinceQueryState") {
      if (!value.IsString()) return Invalid("sinceQueryState: must be a string");
      since = value.GetString();
    } else if (name == "maxChanges") {
      if (value.IsNull()) continue;
      if (!value.IsUint64() || value.GetUint64() == 0) {
        return Invalid("maxChanges: must be null or a positive integer");
      }
      max_changes = value.GetUint64();
    } else if (name == "upToId") {
      if (value.IsNull()) continue;
      if (!value.IsString()) return Invalid("upToId: must be null or an id");
      up_to_id = value.GetString();
    } else if (name == "calculateTotal") {
      if (!value.IsBool()) return Invalid("calculateTotal: must be a boolean");
      calculate_total = value.GetBool();
    } else if (name == "position" || name == "anchor" || name == "anchorOffset" ||
               name == "limit") {
      return Invalid(std::string(name) + ": unknown argument");
    } else {
      query_args.AddMember(rapidjson::Value(member.name, query_args.GetAllocator()),
                           rapidjson::Value(value, query_args.GetAllocator()),
                           query_args.GetAllocator());
    }
  }
  if (since.empty()) return Invalid("sinceQueryState: required");
  Result<mail::MailboxQueryArgs> parsed = mail::ParseMailboxQueryArgs(query_args);
  if (!parsed.ok()) return parsed.status();
  parsed->calculate_total = true;

  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  AccountIndex& index = (*mail)->index();
  Result<std::unordered_set<std::string>> changed = index.ChangedSince(ChangeType::kMailbox, since);
  if (!changed.ok()) return changed.status();

  Result<mail::QueryResultIds> current = Status(ErrorKind::kServerFail, "not run");
  std::string state;
  index.Read([&](const AccountView& view) {
    current = mail::RunMailboxQuery(MailboxSummaries(view), *parsed);
    state = view.State(ChangeType::kMailbox);
  });
  if (!current.ok()) return current.status();
  Result<mail::QueryChanges> diff =
      mail::ComputeQueryChanges(current->ids, *changed, up_to_id, max_changes);
  if (!diff.ok()) return diff.status();

  std::optional<uint64_t> total;
  if (calculate_total) total = current->ids.size();
  return QueryChangesResponse(ctx, since, state, total, *diff, alloc);
}

}  // namespace konvert::api
