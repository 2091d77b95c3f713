#include "model/mail/mailbox_query.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "model/mail/collation.h"
#include "model/mail/json_args.h"

namespace konvert::mail {
namespace {

constexpr size_t kNoParent = static_cast<size_t>(-1);

Status Unsupported(ErrorKind kind, std::string_view field, std::string_view what) {
  return Status(kind, std::string(field) + ": " + std::string(what));
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

Status ParseProperty(std::string_view name, const rapidjson::Value& value, const std::string& field,
                     MailboxCondition* condition) {
  if (name == "parentId") {
    if (value.IsNull()) {
      condition->parent_id.emplace(std::nullopt);
      return Status::Ok();
    }
    Result<std::string> id = ReadId(value, field);
    if (!id.ok()) return id.status();
    condition->parent_id.emplace(std::move(*id));
  } else if (name == "role") {
    if (value.IsNull()) {
      condition->role.emplace(std::nullopt);
      return Status::Ok();
    }
    Result<std::string> role = ReadString(value, field);
    if (!role.ok()) return role.status();
    condition->role.emplace(AsciiLower(*role));
  } else if (value.IsNull()) {
    return Status::Ok();
  } else if (name == "name") {
    Result<std::string> text = ReadString(value, field);
    if (!text.ok()) return text.status();
    condition->name = SortKey(*text);
  } else if (name == "hasAnyRole" || name == "isSubscribed") {
    Result<bool> flag = ReadBool(value, field);
    if (!flag.ok()) return flag.status();
    (name == "hasAnyRole" ? condition->has_any_role : condition->is_subscribed) = *flag;
  } else {
    return Unsupported(ErrorKind::kUnsupportedFilter, field, "unknown filter property");
  }
  return Status::Ok();
}

Result<MailboxComparator> ParseComparator(const rapidjson::Value& value, const std::string& field) {
  Result<std::string_view> name = ReadSortProperty(value, field);
  if (!name.ok()) return name.status();

  MailboxComparator comparator;
  if (*name == "sortOrder") {
    comparator.property = MailboxSortProperty::kSortOrder;
  } else if (*name == "name") {
    comparator.property = MailboxSortProperty::kName;
  } else {
    return Unsupported(ErrorKind::kUnsupportedSort, field + "/property",
                       "\"" + std::string(*name) + "\" is not supported");
  }

  auto none = [](std::string_view, const rapidjson::Value&, const std::string& member_field) {
    return InvalidArgument(member_field, "not a Comparator property");
  };
  Status status = ParseComparatorMembers(value, field, &comparator.is_ascending, none);
  if (!status.ok()) return status;
  return comparator;
}

bool Matches(const MailboxFilter& filter, const MailboxSummary& mailbox,
             const std::string& name_key) {
  switch (filter.op) {
    case MailboxFilter::Operator::kCondition:
      break;
    case MailboxFilter::Operator::kAnd:
      return std::all_of(filter.operands.begin(), filter.operands.end(),
                         [&](const MailboxFilter& f) { return Matches(f, mailbox, name_key); });
    case MailboxFilter::Operator::kOr:
      return std::any_of(filter.operands.begin(), filter.operands.end(),
                         [&](const MailboxFilter& f) { return Matches(f, mailbox, name_key); });
    case MailboxFilter::Operator::kNot:
      return std::none_of(filter.operands.begin(), filter.operands.end(),
                          [&](const MailboxFilter& f) { return Matches(f, mailbox, name_key); });
  }

  const MailboxCondition& condition = filter.condition;
  if (condition.parent_id && *condition.parent_id != mailbox.parent_id) return false;
  if (condition.name && name_key.find(*condition.name) == std::string::npos) return false;
  if (condition.role && *condition.role != mailbox.role) return false;
  if (condition.has_any_role && *condition.has_any_role != mailbox.role.has_value()) return false;
  if (condition.is_subscribed && *condition.is_subscribed != mailbox.is_subscribed) return false;
  return true;
}

// The parent of each mailbox as an index, kNoParent at the top level. A
// parentId naming no listed mailbox, or closing a cycle (which a server
// should never report, but input is input), makes a top-level mailbox.
std::vector<size_t> ParentIndexes(const std::vector<MailboxSummary>& mailboxes) {
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < mailboxes.size(); ++i) index.emplace(mailboxes[i].id, i);

  std::vector<size_t> parents(mailboxes.size(), kNoParent);
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    if (!mailboxes[i].parent_id) continue;
    auto it = index.find(*mailboxes[i].parent_id);
    if (it != index.end() && it->second != i) parents[i] = it->second;
  }

  for (size_t i = 0; i < mailboxes.size(); ++i) {
    size_t at = parents[i];
    for (size_t steps = 0; at != kNoParent && at != i && steps < mailboxes.size(); ++steps) {
      at = parents[at];
    }
    if (at == i) parents[i] = kNoParent;
  }
  return parents;
}

}  // namespace

Result<MailboxQueryArgs> ParseMailboxQueryArgs(const rapidjson::Value& args) {
  if (!args.IsObject()) return InvalidArgument("arguments", "not an object");
  MailboxQueryArgs parsed;
  for (const auto& member : args.GetObject()) {
    std::string_view name = StringOf(member.name);
    const rapidjson::Value& value = member.value;
    bool handled = false;
    Status status = ParseWindowArgument(name, value, &parsed, &handled);
    if (!status.ok()) return status;
    if (handled) continue;

    if (name == "accountId") {
      Result<std::string> id = ReadId(value, name);
      if (!id.ok()) return id.status();
      parsed.account_id = std::move(*id);
    } else if (value.IsNull()) {
      if (name != "filter" && name != "sort" && name != "sortAsTree" && name != "filterAsTree") {
        return InvalidArgument(name, "unknown argument");
      }
    } else if (name == "filter") {
      Result<MailboxFilter> filter =
          ParseFilterTree<MailboxCondition>(value, "filter", ParseProperty);
      if (!filter.ok()) return filter.status();
      parsed.filter = std::move(*filter);
    } else if (name == "sort") {
      Result<std::vector<MailboxComparator>> sort =
          ParseSortArgument<MailboxComparator>(value, ParseComparator);
      if (!sort.ok()) return sort.status();
      parsed.sort = std::move(*sort);
    } else if (name == "sortAsTree" || name == "filterAsTree") {
      Result<bool> flag = ReadBool(value, name);
      if (!flag.ok()) return flag.status();
      (name == "sortAsTree" ? parsed.sort_as_tree : parsed.filter_as_tree) = *flag;
    } else {
      return InvalidArgument(name, "unknown argument");
    }
  }
  return parsed;
}

Result<QueryResultIds> RunMailboxQuery(const std::vector<MailboxSummary>& mailboxes,
                                       const MailboxQueryArgs& args) {
  size_t count = mailboxes.size();
  std::vector<size_t> parents = ParentIndexes(mailboxes);
  std::vector<std::string> name_keys;
  name_keys.reserve(count);
  for (const MailboxSummary& mailbox : mailboxes) name_keys.push_back(SortKey(mailbox.name));

  std::vector<bool> matches(count, true);
  if (args.filter) {
    for (size_t i = 0; i < count; ++i)
      matches[i] = Matches(*args.filter, mailboxes[i], name_keys[i]);
  }
  std::vector<bool> included = matches;
  if (args.filter_as_tree) {
    for (size_t i = 0; i < count; ++i) {
      for (size_t at = parents[i]; included[i] && at != kNoParent; at = parents[at]) {
        included[i] = matches[at];
      }
    }
  }

  std::vector<MailboxComparator> sort = args.sort;
  if (sort.empty())
    sort = {{MailboxSortProperty::kSortOrder, true}, {MailboxSortProperty::kName, true}};
  auto less = [&](size_t a, size_t b) {
    for (const MailboxComparator& comparator : sort) {
      int order = 0;
      if (comparator.property == MailboxSortProperty::kSortOrder) {
        uint32_t x = mailboxes[a].sort_order;
        uint32_t y = mailboxes[b].sort_order;
        order = x < y ? -1 : (x > y ? 1 : 0);
      } else {
        order = name_keys[a].compare(name_keys[b]);
      }
      if (order != 0) return comparator.is_ascending ? order < 0 : order > 0;
    }
    int by_name = name_keys[a].compare(name_keys[b]);
    if (by_name != 0) return by_name < 0;
    return mailboxes[a].id < mailboxes[b].id;
  };

  std::vector<size_t> order;
  if (args.sort_as_tree) {
    // Depth first from the top level, siblings in sort order: each mailbox
    // comes right before its subtree (RFC 8621 §2.3). Excluded mailboxes
    // still shape the tree, so included ones keep their tree positions.
    std::vector<std::vector<size_t>> children(count + 1);
    for (size_t i = 0; i < count; ++i) {
      children[parents[i] == kNoParent ? count : parents[i]].push_back(i);
    }
    for (std::vector<size_t>& siblings : children)
      std::sort(siblings.begin(), siblings.end(), less);

    std::vector<size_t> stack(children[count].rbegin(), children[count].rend());
    while (!stack.empty()) {
      size_t at = stack.back();
      stack.pop_back();
      if (included[at]) order.push_back(at);
      stack.insert(stack.end(), children[at].rbegin(), children[at].rend());
    }
  } else {
    for (size_t i = 0; i < count; ++i) {
      if (included[i]) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), less);
  }

  std::optional<size_t> anchor_index;
  if (args.anchor) {
    auto it = std::find_if(order.begin(), order.end(),
                           [&](size_t i) { return mailboxes[i].id == *args.anchor; });
    if (it == order.end()) {
      return Status(ErrorKind::kAnchorNotFound, "anchor: \"" + *args.anchor + "\" not in results");
    }
    anchor_index = static_cast<size_t>(it - order.begin());
  }
  WindowSpan span = ComputeWindow(order.size(), args, anchor_index);

  QueryResultIds result;
  result.position = span.position;
  for (size_t i = span.begin; i < span.end; ++i) result.ids.push_back(mailboxes[order[i]].id);
  if (args.calculate_total) result.total = order.size();
  return result;
}

}  // namespace konvert::mail
