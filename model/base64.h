// Base64: the two alphabets of RFC 4648 that Konvert reads and writes.
//
// kStandard (§4) is what HTTP Basic credentials and IMAP's AUTHENTICATE use,
// written with '=' padding; kUrl (§5) carries session tokens in cookies and
// URLs, written without padding. Decoding is strict: any character outside
// the alphabet, or data after padding, is refused. MIME bodies, which allow
// line breaks and junk, need a lenient decoder of their own.
//
// Pure functions: any thread.
#pragma once

#include <string>
#include <string_view>

namespace konvert {

enum class Base64Alphabet { kStandard, kUrl };

std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet);

// False when `text` is not base64 of `alphabet`; `*bytes` is then unspecified.
bool Base64Decode(std::string_view text, Base64Alphabet alphabet, std::string* bytes);

}  // namespace konvert
