// Query changes: the removed/added answer of any Foo/queryChanges
// (RFC 8620 §5.6), computed from the query's current results and the ids
// the change log says changed since the client's queryState.
//
// Pure function; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/status.h"

namespace konvert::mail {

struct QueryChanges {
  std::vector<std::string> removed;                     // sorted by id
  std::vector<std::pair<std::string, uint64_t>> added;  // by index, lowest first
};

// `current` is the query's full result list now (after collapsing threads),
// `changed` every id created, updated or destroyed since sinceQueryState.
//
// removed = every changed id: §5.6 allows ids the client never had, and an
// updated object may have moved, so the client drops it and re-inserts it at
// its new index. added = each changed id still in `current`, with its index.
// Replaying removed then added on the old list gives `current`.
//
// `up_to_id` (given only when filter and sort use immutable properties)
// stops the added list after that id; when it is not in `current` it is
// ignored. More than `max_changes` changed ids fail with kTooManyChanges.
Result<QueryChanges> ComputeQueryChanges(const std::vector<std::string>& current,
                                         const std::unordered_set<std::string>& changed,
                                         const std::optional<std::string>& up_to_id,
                                         std::optional<uint64_t> max_changes);

}  // namespace konvert::mail
