// HashedId: the ids Konvert derives from content (Email, Thread, Mailbox),
// a letter naming the type followed by hex digits of a SHA-256, so that
// the same input always gives the same id — on every node and after the
// cache is rebuilt — and ids match RFC 8620 §1.2's syntax.
//
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace konvert {

// `prefix` then the first `bytes` bytes of SHA-256(`input`) in lower-case hex.
std::string HashedId(char prefix, std::string_view input, int bytes);

// `bytes` random bytes in lower-case hex (OpenSSL's generator).
std::string RandomHex(int bytes);

}  // namespace konvert
