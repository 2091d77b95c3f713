// RFC 2047 encoded-words in header text: "=?charset?B?...?=" and "=?charset?Q?...?=".
//
// Used for unstructured fields (Subject, Comments), for display names in address fields and
// for quoted parameter values that mailers fill with encoded-words despite RFC 2047 §5.
//
// Pure functions: any thread.
#pragma once

#include <string>
#include <string_view>

namespace konvert::mime {

// Decodes the encoded-words in `text` to UTF-8.
//
// - Encoded-words separated only by whitespace (including folding) are joined and the
//   whitespace dropped (RFC 2047 §6.2). When neighbours share a charset, their bytes are
//   concatenated before charset conversion, so a character split across two words survives.
// - A malformed word (unknown encoding, no "?=") is kept as written. A word with an unknown
//   charset yields its bytes if they are ASCII or UTF-8, U+FFFD otherwise.
// - The RFC 2231 language suffix ("=?utf-8*en?Q?...?=") is accepted and ignored.
// - Raw 8-bit text between words is decoded with Raw8bitToUtf8.
// Runs in time linear in `text`: every byte is looked at a bounded number of times.
std::string DecodeEncodedWords(std::string_view text);

}  // namespace konvert::mime
