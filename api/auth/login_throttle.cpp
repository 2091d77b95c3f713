#include "api/auth/login_throttle.h"

#include <algorithm>

namespace konvert::api {

int64_t LoginThrottle::Begin(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (records_.size() >= options_.max_clients && !records_.count(client)) Prune(now);

  Record& record = records_[client];
  if (record.failures > 0 && now - record.last_failure > options_.forget_after) {
    record.failures = 0;
    record.blocked_until = {};
  }
  if (record.blocked_until > now) {
    auto wait = std::chrono::ceil<std::chrono::seconds>(record.blocked_until - now);
    return std::max<int64_t>(1, wait.count());
  }

  // Once a client has failed, its attempts may not overlap beyond the free
  // ones: each must fail (and lengthen the wait) before the next starts.
  bool admitted =
      record.failures == 0
          ? record.in_flight < options_.max_in_flight
          : record.failures + record.in_flight < options_.free_failures || record.in_flight == 0;
  if (!admitted) return 1;
  record.in_flight++;
  return 0;
}

void LoginThrottle::End(const std::string& client, Outcome outcome, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(client);
  if (it == records_.end()) return;
  Record& record = it->second;
  if (record.in_flight > 0) record.in_flight--;

  if (outcome == Outcome::kSucceeded) {
    record.failures = 0;
    record.blocked_until = {};
  } else if (outcome == Outcome::kFailed) {
    record.failures++;
    record.last_failure = now;
    if (record.failures > options_.free_failures) {
      uint32_t doublings = std::min<uint32_t>(record.failures - options_.free_failures - 1, 20);
      auto delay = std::min<std::chrono::seconds>(options_.base_delay * (int64_t{1} << doublings),
                                                  options_.max_delay);
      record.blocked_until = now + delay;
    }
  }
  if (record.failures == 0 && record.in_flight == 0) records_.erase(it);
}

// Drops forgotten records; if the table is still full, drops the idle ones
// rather than grow without bound (an attacker spraying addresses gains one
// free round of attempts per address, which the per-address limit allows).
void LoginThrottle::Prune(Clock::time_point now) {
  for (auto it = records_.begin(); it != records_.end();) {
    const Record& r = it->second;
    bool quiet = r.in_flight == 0 && now - r.last_failure > options_.forget_after;
    it = quiet ? records_.erase(it) : std::next(it);
  }
  if (records_.size() < options_.max_clients) return;
  for (auto it = records_.begin(); it != records_.end();) {
    it = it->second.in_flight == 0 ? records_.erase(it) : std::next(it);
  }
}

}  // namespace konvert::api
