// VerifiedPasswords: credentials IMAP accepted a short while ago.
//
// A Basic client sends its password with every request. Once IMAP has
// accepted a login and password, later requests with the same pair are not
// guesses, so they bypass the login throttle (and cannot be slowed down by
// someone else's failures from the same address). Only salted SHA-256
// digests are kept, with a random salt per process, never the password.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace konvert::api {

class VerifiedPasswords {
 public:
  using Clock = std::chrono::steady_clock;

  explicit VerifiedPasswords(std::chrono::seconds lifetime = std::chrono::seconds(600),
                             size_t max_entries = 100'000);

  void Remember(std::string_view login, std::string_view password, Clock::time_point now);
  bool Contains(std::string_view login, std::string_view password, Clock::time_point now);

 private:
  std::string Digest(std::string_view login, std::string_view password) const;

  const std::chrono::seconds lifetime_;
  const size_t max_entries_;
  std::string salt_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> expiry_;
};

}  // namespace konvert::api
