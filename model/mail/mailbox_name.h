// Mailbox names: IMAP's modified UTF-7 (RFC 3501 §5.1.3) to and from the
// UTF-8 that JMAP's Mailbox/name carries (RFC 8621 §2).
//
// Servers without UTF8=ACCEPT (RFC 6855) send names such as
// "&BBIERQQ+BDQETwRJBDgENQ-" for "Входящие". Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "model/status.h"

namespace konvert::mail {

// The UTF-8 name for `mutf7`. Fails with kInvalidArguments when it is not
// modified UTF-7: a byte outside 0x20–0x7e, an "&" shift without its "-", a
// character outside the modified base64 alphabet, left-over bits, or an
// unpaired UTF-16 surrogate. The caller then shows the raw name, which is
// what a server sending 8-bit names (without UTF8=ACCEPT) means anyway.
Result<std::string> DecodeMailboxName(std::string_view mutf7);

// The modified UTF-7 form of `utf8`: printable ASCII as it is, "&" as "&-",
// anything else as a shifted base64 run of UTF-16. Bytes that are not valid
// UTF-8 are encoded as U+FFFD.
std::string EncodeMailboxName(std::string_view utf8);

}  // namespace konvert::mail
