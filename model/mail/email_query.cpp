#include "model/mail/email_query.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "model/mail/email_order.h"
#include "model/mail/json_args.h"
#include "model/mail/keywords.h"
#include "model/mail/string_index.h"

namespace konvert::mail {
namespace {

struct SortPropertyName {
  std::string_view name;
  EmailSortProperty property;
  bool takes_keyword;
};

// RFC 8621 §4.4.2.
constexpr std::array<SortPropertyName, 9> kSortProperties = {{
    {"receivedAt", EmailSortProperty::kReceivedAt, false},
    {"sentAt", EmailSortProperty::kSentAt, false},
    {"size", EmailSortProperty::kSize, false},
    {"from", EmailSortProperty::kFrom, false},
    {"to", EmailSortProperty::kTo, false},
    {"subject", EmailSortProperty::kSubject, false},
    {"hasKeyword", EmailSortProperty::kHasKeyword, true},
    {"allInThreadHaveKeyword", EmailSortProperty::kAllInThreadHaveKeyword, true},
    {"someInThreadHaveKeyword", EmailSortProperty::kSomeInThreadHaveKeyword, true},
}};

Status UnsupportedSort(std::string_view field, std::string_view what) {
  return Status(ErrorKind::kUnsupportedSort, std::string(field) + ": " + std::string(what));
}

Result<EmailComparator> ParseComparator(const rapidjson::Value& value, const std::string& field) {
  Result<std::string_view> name = ReadSortProperty(value, field);
  if (!name.ok()) return name.status();
  auto known = std::find_if(kSortProperties.begin(), kSortProperties.end(),
                            [&](const SortPropertyName& entry) { return entry.name == *name; });
  if (known == kSortProperties.end()) {
    return UnsupportedSort(field + "/property", "\"" + std::string(*name) + "\" is not supported");
  }

  EmailComparator comparator;
  comparator.property = known->property;
  auto keyword = [&](std::string_view member_name, const rapidjson::Value& member,
                     const std::string& member_field) {
    if (member_name != "keyword" || !known->takes_keyword) {
      return InvalidArgument(member_field,
                             "not a Comparator property for \"" + std::string(*name) + "\"");
    }
    if (!member.IsString()) return InvalidArgument(member_field, "not a string");
    std::optional<std::string> normalized = NormalizeKeyword(StringOf(member));
    if (!normalized) return InvalidArgument(member_field, "not a valid keyword");
    comparator.keyword = std::move(*normalized);
    return Status::Ok();
  };
  Status status = ParseComparatorMembers(value, field, &comparator.is_ascending, keyword);
  if (!status.ok()) return status;

  if (known->takes_keyword && comparator.keyword.empty()) {
    return InvalidArgument(field + "/keyword", "required for \"" + std::string(*name) + "\"");
  }
  return comparator;
}

// The arguments Email/query and Email/queryChanges share. Returns false in
// `*handled` for any other name.
Status ParseCommonArgument(std::string_view name, const rapidjson::Value& value,
                           EmailQueryArgs* args, bool* handled) {
  *handled = true;
  if (name == "accountId") {
    Result<std::string> id = ReadId(value, name);
    if (!id.ok()) return id.status();
    args->account_id = std::move(*id);
  } else if (name == "filter") {
    if (value.IsNull()) return Status::Ok();
    Result<EmailFilter> filter = ParseEmailFilter(value, "filter");
    if (!filter.ok()) return filter.status();
    args->filter = std::move(*filter);
  } else if (name == "sort") {
    if (value.IsNull()) return Status::Ok();
    Result<std::vector<EmailComparator>> sort =
        ParseSortArgument<EmailComparator>(value, ParseComparator);
    if (!sort.ok()) return sort.status();
    args->sort = std::move(*sort);
  } else if (name == "collapseThreads") {
    if (value.IsNull()) return Status::Ok();
    Result<bool> collapse = ReadBool(value, name);
    if (!collapse.ok()) return collapse.status();
    args->collapse_threads = *collapse;
  } else if (name == "calculateTotal") {
    if (value.IsNull()) return Status::Ok();
    Result<bool> total = ReadBool(value, name);
    if (!total.ok()) return total.status();
    args->calculate_total = *total;
  } else {
    *handled = false;
  }
  return Status::Ok();
}

void ApplyDefaultSort(EmailQueryArgs* args) {
  if (args->sort.empty()) args->sort.push_back({EmailSortProperty::kReceivedAt, "", false});
}

Status UnknownArgument(std::string_view name) { return InvalidArgument(name, "unknown argument"); }

// collapseThreads keeps each thread's first Email in sort order (RFC 8621
// §4.4.3): its minimum, found without sorting everything.
template <typename Less>
std::vector<SortEntry> FirstOfEachThread(const std::vector<SortEntry>& entries,
                                         const EmailOrder& order, const Less& less) {
  StringIndex threads(entries.size());
  std::vector<SortEntry> kept;
  for (const SortEntry& entry : entries) {
    bool added = false;
    uint32_t thread = threads.Insert(order.Row(entry.row).thread_id, &added);
    if (added) {
      kept.push_back(entry);
    } else if (less(entry, kept[thread])) {
      kept[thread] = entry;
    }
  }
  return kept;
}

}  // namespace

Result<EmailQueryArgs> ParseEmailQueryArgs(const rapidjson::Value& args) {
  if (!args.IsObject()) return InvalidArgument("arguments", "not an object");
  EmailQueryArgs parsed;
  for (const auto& member : args.GetObject()) {
    std::string_view name = StringOf(member.name);
    bool handled = false;
    Status status = ParseCommonArgument(name, member.value, &parsed, &handled);
    if (status.ok() && !handled)
      status = ParseWindowArgument(name, member.value, &parsed, &handled);
    if (!status.ok()) return status;
    if (!handled) return UnknownArgument(name);
  }
  ApplyDefaultSort(&parsed);
  return parsed;
}

Result<EmailQueryChangesArgs> ParseEmailQueryChangesArgs(const rapidjson::Value& args) {
  if (!args.IsObject()) return InvalidArgument("arguments", "not an object");
  EmailQueryChangesArgs parsed;
  bool has_state = false;
  for (const auto& member : args.GetObject()) {
    std::string_view name = StringOf(member.name);
    const rapidjson::Value& value = member.value;
    bool handled = false;
    Status status = ParseCommonArgument(name, value, &parsed.query, &handled);
    if (!status.ok()) return status;
    if (handled) continue;

    if (name == "sinceQueryState") {
      Result<std::string> state = ReadString(value, name);
      if (!state.ok()) return state.status();
      parsed.since_query_state = std::move(*state);
      has_state = true;
    } else if (name == "maxChanges") {
      if (value.IsNull()) continue;
      Result<uint64_t> max = ReadUnsignedInt(value, name);
      if (!max.ok()) return max.status();
      parsed.max_changes = *max;
    } else if (name == "upToId") {
      if (value.IsNull()) continue;
      Result<std::string> id = ReadId(value, name);
      if (!id.ok()) return id.status();
      parsed.up_to_id = std::move(*id);
    } else {
      return UnknownArgument(name);
    }
  }
  if (!has_state) return InvalidArgument("sinceQueryState", "required");
  ApplyDefaultSort(&parsed.query);
  return parsed;
}

std::vector<std::string> MailboxesNamed(const EmailQueryArgs& args) {
  std::vector<std::string> ids;
  if (args.filter) CollectInMailbox(*args.filter, &ids);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void AddThreadMembers(const std::vector<std::string>& thread_ids, const ThreadView& threads,
                      std::unordered_set<std::string>* changed) {
  if (!threads.members) return;
  for (const std::string& thread_id : thread_ids) {
    for (const EmailSummary* email : threads.members(thread_id)) changed->insert(email->id);
  }
}

Result<EmailQueryResult> RunEmailQuery(const std::vector<const EmailSummary*>& emails,
                                       const EmailQueryArgs& args, const ThreadView* threads) {
  if (emails.size() > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("emails", "more than 2^32 - 1 to query");
  }

  // Threads: the store's view, or one built from `emails` when needed.
  std::optional<ThreadIndex> own_index;
  ThreadView view;
  if (threads) {
    view = *threads;
  } else if ((args.filter && FilterNeedsThreads(*args.filter)) || SortNeedsThreads(args.sort)) {
    own_index.emplace(emails);
    view = own_index->View();
  }
  ThreadKeywords thread_keywords(view);

  // Filter and build the sort keys in one pass over the summaries.
  EmailOrder order(args.sort, &thread_keywords);
  auto less = [&order](const SortEntry& a, const SortEntry& b) { return order.Less(a, b); };
  std::vector<SortEntry> entries;
  entries.reserve(emails.size());
  order.Reserve(emails.size());
  std::optional<EmailMatcher> matcher;
  if (args.filter) matcher.emplace(*args.filter, &thread_keywords);
  for (const EmailSummary* email : emails) {
    if (!matcher || matcher->Matches(*email)) entries.push_back(order.Add(email));
  }

  if (args.collapse_threads) entries = FirstOfEachThread(entries, order, less);

  // The anchor's index is the number of results that sort before it.
  std::optional<size_t> anchor_index;
  if (args.anchor) {
    auto anchor = std::find_if(entries.begin(), entries.end(), [&](const SortEntry& entry) {
      return order.Row(entry.row).id == *args.anchor;
    });
    if (anchor == entries.end()) {
      return Status(ErrorKind::kAnchorNotFound, "anchor: \"" + *args.anchor + "\" not in results");
    }
    SortEntry anchor_entry = *anchor;
    anchor_index = static_cast<size_t>(
        std::count_if(entries.begin(), entries.end(),
                      [&](const SortEntry& entry) { return less(entry, anchor_entry); }));
  }
  WindowSpan span = ComputeWindow(entries.size(), args, anchor_index);

  // Order only what the window shows: select its start, sort its length.
  if (span.begin < span.end) {
    auto begin = entries.begin() + static_cast<ptrdiff_t>(span.begin);
    auto end = entries.begin() + static_cast<ptrdiff_t>(span.end);
    if (span.begin > 0) std::nth_element(entries.begin(), begin, entries.end(), less);
    if (end == entries.end()) {
      std::sort(begin, end, less);
    } else {
      std::partial_sort(begin, end, entries.end(), less);
    }
  }

  EmailQueryResult result;
  result.position = span.position;
  result.ids.reserve(span.end - span.begin);
  for (size_t i = span.begin; i < span.end; ++i) result.ids.push_back(order.Row(entries[i].row).id);
  if (args.calculate_total) result.total = entries.size();
  return result;
}

}  // namespace konvert::mail
