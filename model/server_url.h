// ServerUrl: where the organisation's IMAP or SMTP server is, and how to
// secure the connection to it, as written in Konvert's configuration.
//
//   imap://host[:port]    IMAP, STARTTLS (RFC 3501 §6.2.1), port 143
//   imaps://host[:port]   IMAP over implicit TLS (RFC 8314), port 993
//   smtp://host[:port]    submission with STARTTLS (RFC 6409), port 587
//   smtps://host[:port]   submission over implicit TLS (RFC 8314), port 465
//
// The host is a DNS name, an IPv4 address or a bracketed IPv6 address
// (`imap://[::1]:143`). User info, paths, queries and fragments are refused:
// credentials never belong in configuration.
//
// Pure value type with no I/O; any thread may parse, copy and read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace konvert {

enum class TransportSecurity {
  kStartTls,  // plain TCP upgraded with STARTTLS before any credential is sent
  kTls,       // TLS from the first byte
};

struct ServerUrl {
  std::string scheme;  // "imap", "imaps", "smtp" or "smtps", always lower case
  std::string host;    // without brackets for IPv6, e.g. "::1"
  uint16_t port = 0;
  TransportSecurity security = TransportSecurity::kStartTls;

  // True for "localhost", 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. Says
  // nothing about where a DNS name other than "localhost" resolves to.
  bool IsLoopback() const;

  // The canonical text, e.g. "imaps://[::1]:993"; ParseServerUrl reads it back.
  std::string ToString() const;
};

// Parses `text` as described above. Scheme and host are case-insensitive and
// stored in lower case; a missing port takes the scheme's default. Returns
// kInvalidArguments naming the part at fault; the message never repeats the
// whole input, which might hold a password by mistake.
Result<ServerUrl> ParseServerUrl(std::string_view text);

}  // namespace konvert
