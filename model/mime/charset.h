// Charset conversion to UTF-8 for message text (RFC 2045 §4, RFC 2046 §4.1.2, RFC 8621 §4.1.4).
//
// Everything a message shows a user passes through here: labelled bodies and encoded-words
// through ToUtf8, unlabelled 8-bit headers and bodies through Raw8bitToUtf8. Conversion never
// fails: what cannot be decoded becomes U+FFFD and is reported, so that Email/get can set
// isEncodingProblem (RFC 8621 §4.1.4) instead of refusing the message.
//
// Pure functions over ICU; each call opens its own converter, so any thread may call them.
#pragma once

#include <string>
#include <string_view>

namespace konvert::mime {

struct Decoded {
  std::string text;      // valid UTF-8
  bool problem = false;  // unknown charset, or bytes that were not valid in it
};

// Converts `bytes` in `charset` (any name or alias ICU knows, case-insensitive) to UTF-8.
// "iso-8859-1", "latin1" and "us-ascii" are decoded with the windows-1252 table, as browsers do
// (WHATWG Encoding), because mailers label cp1252 text as Latin-1. "utf-8" is validated.
// Bytes labelled "us-ascii" that are valid UTF-8 are kept as such. An unknown charset keeps
// ASCII and valid UTF-8 and replaces other bytes with U+FFFD; `problem` is set when the text
// is not pure ASCII (nothing is lost otherwise).
Decoded ToUtf8(std::string_view bytes, std::string_view charset);

// Text with no charset label (raw 8-bit header fields, unlabelled bodies): ASCII and valid
// UTF-8 are kept; otherwise the likely legacy charset is detected (ICU's detector, with a
// letter-case test that tells KOI8-R from windows-1251) and converted. ISO-2022 escape
// sequences count as non-ASCII. Never fails; undecodable bytes become U+FFFD.
std::string Raw8bitToUtf8(std::string_view bytes);

// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values past
// U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// `bytes` with each maximal invalid UTF-8 sequence replaced by U+FFFD; `*problem` is set when
// anything was replaced (it is never cleared). `problem` may be null.
std::string RepairUtf8(std::string_view bytes, bool* problem = nullptr);

// Appends code point `cp` to `out` as UTF-8.
void AppendUtf8(char32_t cp, std::string* out);

}  // namespace konvert::mime
