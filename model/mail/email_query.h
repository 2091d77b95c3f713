// Email/query and the query part of Email/queryChanges (RFC 8621 §4.4,
// §4.5; RFC 8620 §5.5, §5.6): parsing their arguments and running a query
// over the EmailSummary values the store keeps in memory.
//
// RunEmailQuery filters, sorts, collapses threads and cuts the window in
// memory, without I/O; for 100,000 Emails that takes a few milliseconds, so
// it runs on a worker thread like any store work, never on the reactor.
// Pure code: any thread, as long as nobody changes the summaries meanwhile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/mail/email_filter.h"
#include "model/mail/email_summary.h"
#include "model/mail/query_window.h"
#include "model/mail/thread_view.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

enum class EmailSortProperty {
  kReceivedAt,
  kSentAt,
  kSize,
  kFrom,
  kTo,
  kSubject,
  kHasKeyword,
  kAllInThreadHaveKeyword,
  kSomeInThreadHaveKeyword,
};

// One Comparator (RFC 8620 §5.5). `keyword` (lower case) is set for the
// three keyword properties only. The collation is always i;unicode-casemap:
// the summaries' sort keys are folded that way.
struct EmailComparator {
  EmailSortProperty property = EmailSortProperty::kReceivedAt;
  std::string keyword;
  bool is_ascending = true;
};

// The arguments of Email/query. The window (position, anchor, anchorOffset,
// limit, calculateTotal) comes from QueryWindow.
struct EmailQueryArgs : QueryWindow {
  std::optional<std::string> account_id;  // checked by the method handler
  std::optional<EmailFilter> filter;      // unset matches every Email
  // Never empty after parsing: when the client gives none, receivedAt
  // descending, the order every mail client shows. Ties are broken by
  // receivedAt descending, then id, so the order is total and stable.
  std::vector<EmailComparator> sort;
  bool collapse_threads = false;
};

// The arguments of Email/queryChanges: `query` holds filter, sort,
// collapseThreads and calculateTotal with a window of all results, so that
// RunEmailQuery(emails, args.query) yields the full current list that
// ComputeQueryChanges (model/mail/query_changes.h) needs. With
// collapseThreads, a thread's first Email can change without itself
// changing (a newer reply arrives), so the caller passes every Email of each
// thread that has a changed Email (AddThreadMembers).
struct EmailQueryChangesArgs {
  EmailQueryArgs query;
  std::string since_query_state;
  std::optional<uint64_t> max_changes;
  std::optional<std::string> up_to_id;
};

// Parses the arguments object of Email/query. Unknown arguments, wrong
// types and a negative limit fail with kInvalidArguments; filters as
// ParseEmailFilter says; unknown sort properties and collations with
// kUnsupportedSort. Messages start with the argument's path
// ("sort/0/collation: …").
Result<EmailQueryArgs> ParseEmailQueryArgs(const rapidjson::Value& args);

// The same for Email/queryChanges (sinceQueryState required; maxChanges,
// upToId instead of the window).
Result<EmailQueryChangesArgs> ParseEmailQueryChangesArgs(const rapidjson::Value& args);

// The mailbox ids that inMailbox names anywhere in the filter, sorted, no
// duplicates. The caller checks they exist (invalidArguments otherwise) and
// whether they are synced yet.
std::vector<std::string> MailboxesNamed(const EmailQueryArgs& args);

// Adds to `changed` the id of every Email in the threads `thread_ids`, for
// Email/queryChanges with collapseThreads.
void AddThreadMembers(const std::vector<std::string>& thread_ids, const ThreadView& threads,
                      std::unordered_set<std::string>* changed);

using EmailQueryResult = QueryResultIds;

// Runs the query over `emails` (all of the account's Emails the cache
// holds): filter, sort, keep the first Email of each thread in sort order
// when collapseThreads, then the window. `threads` answers the thread
// keyword conditions and sorts; when null, threads are taken from `emails`
// themselves. Fails with kAnchorNotFound when an anchor is given that is not
// among the results, and kInvalidArguments beyond 2^32 - 1 Emails.
Result<EmailQueryResult> RunEmailQuery(const std::vector<const EmailSummary*>& emails,
                                       const EmailQueryArgs& args,
                                       const ThreadView* threads = nullptr);

}  // namespace konvert::mail
