#include "api/auth/login_throttle.h"

#include <algorithm>

namespace konvert::api {

int64_t LoginThrottle::RetryAfter(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(client);
  if (it == records_.end() || it->second.blocked_until <= now) return 0;
  auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
  return std::max<int64_t>(1, wait.count());
}

void LoginThrottle::RecordFailure(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (records_.size() >= options_.max_clients && !records_.count(client)) Prune(now);

  Record& record = records_[client];
  if (record.failures > 0 && now - record.last_failure > options_.forget_after) record = Record{};
  record.failures++;
  record.last_failure = now;
  if (record.failures <= options_.free_failures) return;

  uint32_t doublings = std::min<uint32_t>(record.failures - options_.free_failures - 1, 20);
  auto delay = std::min<std::chrono::seconds>(options_.base_delay * (int64_t{1} << doublings),
                                              options_.max_delay);
  record.blocked_until = now + delay;
}

void LoginThrottle::RecordSuccess(const std::string& client) {
  std::lock_guard lock(mutex_);
  records_.erase(client);
}

// Drops forgotten records; if the table is still full, drops it whole rather
// than grow without bound (an attacker spraying addresses gains one free
// round of attempts per address, which the per-address limit already allows).
void LoginThrottle::Prune(Clock::time_point now) {
  for (auto it = records_.begin(); it != records_.end();) {
    bool quiet = now - it->second.last_failure > options_.forget_after;
    it = quiet ? records_.erase(it) : std::next(it);
  }
  if (records_.size() >= options_.max_clients) records_.clear();
}

}  // namespace konvert::api
