// SessionToken: the sealed token that the session cookie (and a bearer
// header) carries.
//
// A token holds the mailbox login and password, so that any Konvert node
// holding the same server key can open IMAP for the user without shared
// session state (DESIGN.md decision 7). It is sealed with AES-256-GCM under
// the server key: a client can neither read nor forge nor alter it. Tokens
// expire; a token from before a key change simply fails to open.
//
// TokenSealer is immutable after construction: any thread may call it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace konvert::api {

struct SessionClaims {
  std::string login;
  std::string password;
  int64_t issued_at = 0;   // Unix seconds.
  int64_t expires_at = 0;  // Unix seconds.
  // Random per login; names the session in logs and revocation without
  // revealing the token.
  std::string session_id;
};

class TokenSealer {
 public:
  // `key` must be 32 bytes (store/secrets/server_key.h).
  explicit TokenSealer(std::string key);

  // A URL- and cookie-safe string. Fails only if OpenSSL does.
  Result<std::string> Seal(const SessionClaims& claims) const;

  // kUnauthenticated for anything not sealed by this key, altered, of an
  // unknown version, or expired at `now` (Unix seconds).
  Result<SessionClaims> Open(std::string_view token, int64_t now) const;

 private:
  std::string key_;
};

}  // namespace konvert::api
