// Query windows: which slice of a sorted /query result a client asked for
// (RFC 8620 §5.5 position, anchor, anchorOffset, limit, calculateTotal), one
// implementation for Email/query and Mailbox/query.
//
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
