// Email/query (RFC 8621 §4.4), from the index. A query on a folder whose
// initial sync has not finished is answered from IMAP instead (DESIGN.md
// decision 3): by UID SORT when the query is a plain page of that folder,
// otherwise after the folder's sync is completed in this request.
#include <algorithm>

#include "api/email/methods.h"
#include "api/mail/mail_access.h"
#include "model/mail/email_query.h"

namespace konvert::api {
namespace {

// The IMAP sort that gives the same order as `args`, when the query is just
// "the messages of one folder" sorted by something IMAP can sort on.
std::optional<ImapSortKey> ImapSortFor(const mail::EmailQueryArgs& args) {
  if (args.collapse_threads || args.anchor.has_value() || args.sort.size() != 1) {
    return std::nullopt;
  }
  if (!args.filter.has_value() || args.filter->op != mail::EmailFilter::Operator::kCondition) {
    return std::nullopt;
  }
  const mail::EmailCondition& c = args.filter->condition;
  bool only_in_mailbox = c.in_mailbox.has_value() && !c.in_mailbox_other_than && !c.before &&
                         !c.after && !c.min_size && !c.max_size && !c.NeedsThreads() &&
                         !c.has_keyword && !c.not_keyword && !c.has_attachment;
  if (!only_in_mailbox) return std::nullopt;
  switch (args.sort.front().property) {
    case mail::EmailSortProperty::kReceivedAt:
      return ImapSortKey::kArrival;
    case mail::EmailSortProperty::kSentAt:
      return ImapSortKey::kDate;
    case mail::EmailSortProperty::kSize:
      return ImapSortKey::kSize;
    default:
      return std::nullopt;
  }
}

rapidjson::Value Response(const MethodContext& ctx, const std::string& state,
                          const std::vector<std::string>& ids, uint64_t position,
                          std::optional<uint64_t> total, std::optional<uint64_t> limit,
                          bool collapse, Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "accountId", Str(ctx.account_id, alloc), alloc);
  Put(out, "queryState", Str(state, alloc), alloc);
  Put(out, "canCalculateChanges", rapidjson::Value(true), alloc);
  Put(out, "position", rapidjson::Value(position), alloc);
  Put(out, "ids", StringArray(ids, alloc), alloc);
  if (total.has_value()) Put(out, "total", rapidjson::Value(*total), alloc);
  if (limit.has_value()) Put(out, "limit", rapidjson::Value(*limit), alloc);
  Put(out, "collapseThreads", rapidjson::Value(collapse), alloc);
  return out;
}

}  // namespace

Result<rapidjson::Value> EmailQuery(MethodContext& ctx, const rapidjson::Value& args,
                                    Alloc& alloc) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;
  Result<mail::EmailQueryArgs> parsed = mail::ParseEmailQueryArgs(args);
  if (!parsed.ok()) return parsed.status();
  std::optional<uint64_t> reported_limit;
  if (!parsed->limit.has_value() || *parsed->limit > kMaxQueryLimit) {
    parsed->limit = kMaxQueryLimit;
    reported_limit = kMaxQueryLimit;
  }
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  AccountIndex& index = (*mail)->index();

  // Which folders the answer depends on, and which of them are incomplete.
  std::vector<std::string> named = mail::MailboxesNamed(*parsed);
  std::vector<std::string> incomplete;
  index.Read([&](const AccountView& view) {
    for (const auto& [id, m] : view.mailboxes()) {
      bool relevant = named.empty() || std::binary_search(named.begin(), named.end(), id);
      if (relevant && m.selectable && !m.complete()) incomplete.push_back(id);
    }
  });

  if (!incomplete.empty()) {
    std::optional<ImapSortKey> key = ImapSortFor(*parsed);
    if (key.has_value() && incomplete.size() == 1 && named.size() == 1) {
      bool ascending = parsed->sort.front().is_ascending;
      Result<ImapPage> page = (*mail)->sync().PageFromImap(
          *ctx.imap, incomplete.front(), *key, ascending, parsed->position, *parsed->limit);
      if (!page.ok()) return page.status();
      std::optional<uint64_t> total;
      if (parsed->calculate_total) total = page->total;
      return Response(ctx, index.State(ChangeType::kEmail), page->ids, page->position, total,
                      reported_limit, false, alloc);
    }
    for (const std::string& id : incomplete) {
      Status completed = (*mail)->sync().CompleteMailbox(*ctx.imap, id);
      if (!completed.ok()) return completed;
    }
  }

  Result<mail::EmailQueryResult> result = Status(ErrorKind::kServerFail, "not run");
  std::string state;
  index.Read([&](const AccountView& view) {
    result = mail::RunEmailQuery(view.summaries(), *parsed);
    state = view.State(ChangeType::kEmail);
  });
  if (!result.ok()) return result.status();
  return Response(ctx, state, result->ids, result->position, result->total, reported_limit,
                  parsed->collapse_threads, alloc);
}

}  // namespace konvert::api
