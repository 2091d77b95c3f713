#include "model/mail/query_changes.h"

#include <algorithm>

namespace konvert::mail {

Result<QueryChanges> ComputeQueryChanges(const std::vector<std::string>& current,
                                         const std::unordered_set<std::string>& changed,
                                         const std::optional<std::string>& up_to_id,
                                         std::optional<uint64_t> max_changes) {
  // Each changed id is one change for the client even when it is both
  // removed and re-added, so that maxChanges counts objects, as in /changes.
  if (max_changes && changed.size() > *max_changes) {
    return Status(ErrorKind::kTooManyChanges, "maxChanges: " + std::to_string(changed.size()) +
                                                  " changes, more than " +
                                                  std::to_string(*max_changes));
  }

  QueryChanges changes;
  changes.removed.assign(changed.begin(), changed.end());
  std::sort(changes.removed.begin(), changes.removed.end());
  if (changed.empty()) return changes;

  // Past upToId the client has nothing cached, so nothing is added there
  // (RFC 8620 §5.6); an upToId no longer in the results cannot bound it.
  size_t end = current.size();
  if (up_to_id) {
    auto it = std::find(current.begin(), current.end(), *up_to_id);
    if (it != current.end()) end = static_cast<size_t>(it - current.begin()) + 1;
  }

  for (size_t i = 0; i < end; ++i) {
    if (changed.count(current[i]) != 0) changes.added.emplace_back(current[i], i);
  }
  return changes;
}

}  // namespace konvert::mail
