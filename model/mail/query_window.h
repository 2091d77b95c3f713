// Query windows: which slice of a sorted /query result a client asked for
// (RFC 8620 §5.5 position, anchor, anchorOffset, limit, calculateTotal), and
// the Comparator members every sort shares (isAscending, collation); one
// implementation for Email/query and Mailbox/query.
//
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/mail/json_args.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

// The window arguments of a /query call; the defaults are the RFC's.
struct QueryWindow {
  int64_t position = 0;               // negative counts from the end
  std::optional<std::string> anchor;  // when set, position is ignored
  int64_t anchor_offset = 0;
  // Unset means all. The method handler caps it at its own maximum (and then
  // reports the limit it used, RFC 8620 §5.5) before running the query.
  std::optional<uint64_t> limit;
  bool calculate_total = false;
};

// What a /query returns: the ids in the window, the index of the first one
// within all results, and the number of results when calculateTotal asked.
struct QueryResultIds {
  std::vector<std::string> ids;
  uint64_t position = 0;
  std::optional<uint64_t> total;
};

// Reads the window argument `name` ("position", "anchor", "anchorOffset",
// "limit", "calculateTotal"; null keeps the default) into `window`. Returns
// false in `*handled` for any other name. Fails with kInvalidArguments on a
// wrong type or a negative limit.
Status ParseWindowArgument(std::string_view name, const rapidjson::Value& value,
                           QueryWindow* window, bool* handled);

// Reads the "property" of Comparator `value` (RFC 8620 §5.5); the view
// points into `value`. Fails with kInvalidArguments when `value` is not an
// object or its property not a string. `field` names the Comparator.
Result<std::string_view> ReadSortProperty(const rapidjson::Value& value, const std::string& field);

// Reads one member of a Comparator that only some sort properties take
// ("keyword"); `field` names the member in errors.
using ComparatorMember = std::function<Status(std::string_view name, const rapidjson::Value& value,
                                              const std::string& field)>;

// Reads the members of Comparator `value` other than "property", skipping
// null ones: isAscending into `*is_ascending`; collation, which must be
// i;unicode-casemap or i;ascii-casemap (kUnsupportedSort otherwise); any
// other member goes to `other`, whose failure ends the parse.
Status ParseComparatorMembers(const rapidjson::Value& value, const std::string& field,
                              bool* is_ascending, const ComparatorMember& other);

// Parses the "sort" argument, an array of Comparators, each with
// `parse_comparator(value, field)` returning a Result<Comparator>.
template <typename Comparator, typename ParseComparator>
Result<std::vector<Comparator>> ParseSortArgument(const rapidjson::Value& value,
                                                  const ParseComparator& parse_comparator) {
  if (!value.IsArray()) return InvalidArgument("sort", "not an array of Comparators");
  std::vector<Comparator> sort;
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    Result<Comparator> comparator = parse_comparator(value[i], "sort/" + std::to_string(i));
    if (!comparator.ok()) return comparator.status();
    sort.push_back(std::move(*comparator));
  }
  return sort;
}

// The slice [begin, end) of `count` sorted results that `window` selects,
// and the position to report.
struct WindowSpan {
  size_t begin = 0;
  size_t end = 0;
  uint64_t position = 0;
};

// Without an anchor: position, counted from the end when negative and
// clamped at 0. With one: `anchor_index` (the anchor's index in the results;
// the caller fails with kAnchorNotFound when it has none) plus anchorOffset,
// clamped at 0. Then at most `limit` results. A start at or past the end
// gives an empty slice, which is not an error.
WindowSpan ComputeWindow(size_t count, const QueryWindow& window,
                         std::optional<size_t> anchor_index);

}  // namespace konvert::mail
