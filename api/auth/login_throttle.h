// LoginThrottle: slows down a client that keeps failing to log in.
//
// Each client (by IP address) may fail a few times freely; after that each
// further failure doubles the time it must wait before the next attempt, up
// to a ceiling. While it must wait, Konvert answers 429 with Retry-After and
// does not even ask IMAP, so a password guesser costs the mail server
// nothing. A success clears the client's record. Records are forgotten after
// a quiet period, and the table is bounded so that a flood of addresses
// cannot exhaust memory.
//
// Thread-safe: reactor threads ask, worker threads record.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace konvert::api {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    uint32_t free_failures = 5;
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{300};
    std::chrono::seconds forget_after{900};
    size_t max_clients = 100'000;
  };

  LoginThrottle() : LoginThrottle(Options{}) {}
  explicit LoginThrottle(Options options) : options_(options) {}

  // Whole seconds `client` must still wait before its next attempt; 0 if none.
  int64_t RetryAfter(const std::string& client, Clock::time_point now);
  void RecordFailure(const std::string& client, Clock::time_point now);
  void RecordSuccess(const std::string& client);

 private:
  struct Record {
    uint32_t failures = 0;
    Clock::time_point last_failure;
    Clock::time_point blocked_until;
  };

  void Prune(Clock::time_point now);

  const Options options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace konvert::api
