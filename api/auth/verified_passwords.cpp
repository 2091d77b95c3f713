#include "api/auth/verified_passwords.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace konvert::api {

VerifiedPasswords::VerifiedPasswords(std::chrono::seconds lifetime, size_t max_entries)
    : lifetime_(lifetime), max_entries_(max_entries), salt_(32, '\0') {
  RAND_bytes(reinterpret_cast<unsigned char*>(salt_.data()), static_cast<int>(salt_.size()));
}

std::string VerifiedPasswords::Digest(std::string_view login, std::string_view password) const {
  // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
  std::string input = salt_ + std::to_string(login.size()) + ":";
  input.append(login);
  input.append(password);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(reinterpret_cast<char*>(digest), size);
}

void VerifiedPasswords::Remember(std::string_view login, std::string_view password,
                                 Clock::time_point now) {
  std::string key = Digest(login, password);
  std::lock_guard lock(mutex_);
  if (expiry_.size() >= max_entries_) {
    for (auto it = expiry_.begin(); it != expiry_.end();) {
      it = it->second <= now ? expiry_.erase(it) : std::next(it);
    }
    if (expiry_.size() >= max_entries_) expiry_.clear();
  }
  expiry_[key] = now + lifetime_;
}

bool VerifiedPasswords::Contains(std::string_view login, std::string_view password,
                                 Clock::time_point now) {
  std::string key = Digest(login, password);
  std::lock_guard lock(mutex_);
  auto it = expiry_.find(key);
  if (it == expiry_.end()) return false;
  if (it->second > now) return true;
  expiry_.erase(it);
  return false;
}

}  // namespace konvert::api
