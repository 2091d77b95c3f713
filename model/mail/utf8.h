// UTF-8 decoding and encoding of single code points, shared by the mailbox
// name codec and the subject collation; the encoder is model/mime's.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/mime/charset.h"

namespace konvert::mail {

constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes the code point that starts at `*pos` in `text` and advances `*pos`
// past it. A malformed, overlong or surrogate sequence yields U+FFFD and
// advances by one byte, so that every input makes progress.
char32_t NextCodePoint(std::string_view text, size_t* pos);

// Appends the UTF-8 form of a code point; surrogates and values above
// U+10FFFF append U+FFFD. One encoder serves model/mail and model/mime.
using mime::AppendUtf8;

}  // namespace konvert::mail
