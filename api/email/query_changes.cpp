// Email/queryChanges (RFC 8621 §4.5, RFC 8620 §5.6): every Email changed
// since the old state is removed and, where it still matches, added at its
// current index. With collapseThreads the whole thread of a changed Email
// counts as changed, since which Email stands for a thread may move.
#include "model/mail/query_changes.h"

#include "api/email/methods.h"
#include "api/mail/mail_access.h"
#include "model/mail/email_query.h"
#include "model/mail/thread_view.h"

namespace konvert::api {

Result<rapidjson::Value> EmailQueryChanges(MethodContext& ctx, const rapidjson::Value& args,
                                           Alloc& alloc) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;
  Result<mail::EmailQueryChangesArgs> parsed = mail::ParseEmailQueryChangesArgs(args);
  if (!parsed.ok()) return parsed.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  AccountIndex& index = (*mail)->index();

  Result<std::unordered_set<std::string>> changed =
      index.ChangedSince(ChangeType::kEmail, parsed->since_query_state);
  if (!changed.ok()) return changed.status();

  Result<mail::EmailQueryResult> current = Status(ErrorKind::kServerFail, "not run");
  std::string state;
  index.Read([&](const AccountView& view) {
    const std::vector<const mail::EmailSummary*>& emails = view.summaries();
    if (parsed->query.collapse_threads) {
      mail::ThreadIndex threads(emails);
      std::vector<std::string> thread_ids;
      for (const std::string& id : *changed) {
        if (const AccountView::EmailEntry* entry = view.Email(id)) {
          thread_ids.push_back(entry->summary.thread_id);
        }
      }
      mail::AddThreadMembers(thread_ids, threads.View(), &*changed);
    }
    current = mail::RunEmailQuery(emails, parsed->query);
    state = view.State(ChangeType::kEmail);
  });
  if (!current.ok()) return current.status();
  Result<mail::QueryChanges> diff =
      mail::ComputeQueryChanges(current->ids, *changed, parsed->up_to_id, parsed->max_changes);
  if (!diff.ok()) return diff.status();

  std::optional<uint64_t> total;
  if (parsed->query.calculate_total) total = current->ids.size();
  return QueryChangesResponse(ctx, parsed->since_query_state, state, total, *diff, alloc);
}

}  // namespace konvert::api
