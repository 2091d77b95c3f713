// Email filters: the FilterCondition / FilterOperator tree of Email/query
// (RFC 8621 §4.4.1, RFC 8620 §5.5), parsed from JSON and matched against
// EmailSummary values.
//
// Parsing validates everything the client sent; matching then cannot fail.
// Pure code; a parsed filter is a plain value any thread may read. An
// EmailMatcher belongs to one query on one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/mail/email_summary.h"
#include "model/mail/filter_tree.h"
#include "model/mail/thread_view.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

// One FilterCondition: every property given must match. Keywords are lower
// case; dates are seconds since the epoch.
struct EmailCondition {
  std::optional<std::string> in_mailbox;
  std::optional<std::vector<std::string>> in_mailbox_other_than;
  std::optional<int64_t> before;     // receivedAt < before
  std::optional<int64_t> after;      // receivedAt >= after
  std::optional<uint64_t> min_size;  // size >= minSize
  std::optional<uint64_t> max_size;  // size < maxSize
  std::optional<std::string> all_in_thread_have_keyword;
  std::optional<std::string> some_in_thread_have_keyword;
  std::optional<std::string> none_in_thread_have_keyword;
  std::optional<std::string> has_keyword;
  std::optional<std::string> not_keyword;
  std::optional<bool> has_attachment;

  bool NeedsThreads() const {
    return all_in_thread_have_keyword || some_in_thread_have_keyword || none_in_thread_have_keyword;
  }
};

using EmailFilter = FilterTree<EmailCondition>;

// Parses the value of the "filter" argument; `field` names it in errors
// ("filter"). Text conditions (text, from, to, cc, bcc, subject, body,
// header), unknown properties and operators nested deeper than
// kMaxFilterDepth fail with kUnsupportedFilter; wrong types, invalid Ids,
// keywords and dates with kInvalidArguments. Null properties count as absent.
Result<EmailFilter> ParseEmailFilter(const rapidjson::Value& value, std::string_view field);

// True when any condition in `filter` needs the other Emails of a thread.
bool FilterNeedsThreads(const EmailFilter& filter);

// Appends every inMailbox id in `filter` to `ids`.
void CollectInMailbox(const EmailFilter& filter, std::vector<std::string>* ids);

class EmailMatcher {
 public:
  EmailMatcher(const EmailFilter& filter, ThreadKeywords* threads)
      : filter_(filter), threads_(threads) {}

  bool Matches(const EmailSummary& email) { return Matches(filter_, email); }

 private:
  bool Matches(const EmailFilter& filter, const EmailSummary& email);
  bool Matches(const EmailCondition& condition, const EmailSummary& email);

  const EmailFilter& filter_;
  ThreadKeywords* threads_;
};

}  // namespace konvert::mail
