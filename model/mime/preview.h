// The text of body parts: decoded part text, the RFC 8621 `preview`, and HTML flattened to
// plain text for previews and the search index.
//
// All functions take the raw message the Part tree was parsed from.
//
// Pure functions: any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/mime/body_lists.h"
#include "model/mime/charset.h"
#include "model/mime/message.h"

namespace konvert::mime {

// RFC 8621 caps `preview` at 256 characters.
inline constexpr size_t kPreviewCodePoints = 256;

// The decoded UTF-8 text of leaf `part` of `raw`: transfer decoding, then the charset (the
// label, or detection when the part has none: RFC 2046 says us-ascii, but unlabelled 8-bit
// and ISO-2022 text is common). HTML stays HTML. `problem` is RFC 8621 isEncodingProblem.
Decoded PartText(std::string_view raw, const Part& part);

// A plain-text preview of at most 256 code points with runs of whitespace collapsed to one
// space: from the first text/plain part of `lists.text_body`, else from the first text/html
// part (of text_body, then html_body) flattened by HtmlToText. Empty when there is no text.
std::string Preview(std::string_view raw, const BodyLists& lists);

// Plain text of HTML: tags dropped, <head>, <style> and <script> contents dropped, character
// references decoded (named ones for Latin-1, punctuation and common symbols, all numeric
// ones), block elements and <br> turned into line breaks. Not a sanitiser.
std::string HtmlToText(std::string_view html);

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// `text` cut to at most `max_code_points` code points.
std::string TruncateCodePoints(std::string_view text, size_t max_code_points);

}  // namespace konvert::mime
