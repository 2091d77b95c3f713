// Mailbox/query (RFC 8621 §2.3): parsing its arguments and running it over
// the account's mailboxes, which are few (tens to hundreds), so it works on
// copies and plain sorts.
//
// Pure code; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/mail/filter_tree.h"
#include "model/mail/query_window.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

struct MailboxSummary {
  std::string id;
  std::optional<std::string> parent_id;  // unset at the top level
  std::string name;                      // UTF-8, decoded (model/mail/mailbox_name.h)
  std::optional<std::string> role;       // "inbox", "trash", … (RFC 8621 §2)
  uint32_t sort_order = 0;
  bool is_subscribed = false;
};

// One FilterCondition of Mailbox/query; every property given must match.
struct MailboxCondition {
  // Set when given: the inner optional unset means null, "top level".
  std::optional<std::optional<std::string>> parent_id;
  std::optional<std::string> name;                 // substring, compared case-insensitively
  std::optional<std::optional<std::string>> role;  // inner unset: "has no role"
  std::optional<bool> has_any_role;
  std::optional<bool> is_subscribed;
};

using MailboxFilter = FilterTree<MailboxCondition>;

enum class MailboxSortProperty { kSortOrder, kName };

struct MailboxComparator {
  MailboxSortProperty property = MailboxSortProperty::kSortOrder;
  bool is_ascending = true;
};

struct MailboxQueryArgs : QueryWindow {
  std::optional<std::string> account_id;
  std::optional<MailboxFilter> filter;
  // Empty: sortOrder then name, both ascending, as RFC 8621 §2 suggests
  // clients show mailboxes. Ties go to name, then id.
  std::vector<MailboxComparator> sort;
  bool sort_as_tree = false;    // every mailbox right before its children
  bool filter_as_tree = false;  // a mailbox matches only if its ancestors do
};

// Parses the arguments object of Mailbox/query. Unknown arguments and wrong
// types fail with kInvalidArguments; unknown filter properties with
// kUnsupportedFilter; unknown sort properties and collations with
// kUnsupportedSort. Messages start with the argument's path.
Result<MailboxQueryArgs> ParseMailboxQueryArgs(const rapidjson::Value& args);

// Filters, sorts and windows `mailboxes`. A parentId that names no mailbox
// in the list, or a parent cycle, puts the mailbox at the top level of the
// tree. Fails with kAnchorNotFound when the anchor is not among the results.
Result<QueryResultIds> RunMailboxQuery(const std::vector<MailboxSummary>& mailboxes,
                                       const MailboxQueryArgs& args);

}  // namespace konvert::mail
