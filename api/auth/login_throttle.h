// LoginThrottle: slows down a client that keeps failing to log in.
//
// Every attempt with a password (login or HTTP Basic) is admitted by Begin
// and reported by End. Each client (by IP address) may fail a few times
// freely; after that each further failure doubles the time it must wait
// before its next attempt, up to a ceiling, and it may have only one
// attempt under way at a time, so that parallel guesses cannot race past
// the count. While it must wait, Konvert answers 429 with Retry-After and
// does not even ask IMAP, so a password guesser costs the mail server
// nothing. A success clears the client's record. Records are forgotten
// after a quiet period, and the table is bounded so that a flood of
// addresses cannot exhaust memory.
//
// Thread-safe: reactor threads begin attempts, worker threads end them.
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
    // Attempts under way at once from a client that has not failed yet; a
    // correct Basic client sends several requests in parallel.
    uint32_t max_in_flight = 32;
    std::chrono::seconds base_delay{1};
    std::chrono::seconds max_delay{300};
    std::chrono::seconds forget_after{900};
    size_t max_clients = 100'000;
  };

  enum class Outcome { kSucceeded, kFailed, kUnknown };

  LoginThrottle() : LoginThrottle(Options{}) {}
  explicit LoginThrottle(Options options) : options_(options) {}

  // Admits an attempt of `client` and returns 0, or returns the whole
  // seconds it must wait first (the attempt is then not admitted).
  int64_t Begin(const std::string& client, Clock::time_point now);
  // Ends an admitted attempt. kUnknown (the mail server could not tell)
  // neither counts as a failure nor clears earlier ones.
  void End(const std::string& client, Outcome outcome, Clock::time_point now);

 private:
  struct Record {
    uint32_t failures = 0;
    uint32_t in_flight = 0;
    Clock::time_point last_failure;
    Clock::time_point blocked_until;
  };

  void Prune(Clock::time_point now);

  const Options options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace konvert::api
