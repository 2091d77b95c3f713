#include "model/mime/encoded_words.h"

#include <algorithm>
#include <cctype>

#include "model/mime/charset.h"
#include "model/mime/transfer.h"

namespace konvert::mime {
namespace {

// RFC 2047 §2 caps a word at 75 characters; a charset name longer than this is not one.
constexpr size_t kMaxCharsetLength = 64;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

struct Word {
  size_t end = 0;       // one past the closing "?="
  std::string charset;  // lowercased, without the language suffix
  std::string bytes;    // decoded octets, still in `charset`
};

// Reads an encoded-word at text[start] ("=?" already seen). `*no_close_before` caches the
// position up to which no "?=" exists, so that a run of unterminated words is scanned once.
bool ReadWord(std::string_view text, size_t start, size_t* no_close_before, Word* word) {
  size_t charset_begin = start + 2;
  size_t q1 = charset_begin;
  while (q1 < text.size() && q1 - charset_begin <= kMaxCharsetLength && text[q1] != '?' &&
         !IsSpace(text[q1])) {
    ++q1;
  }
  if (q1 >= text.size() || text[q1] != '?' || q1 == charset_begin) return false;
  if (q1 + 2 >= text.size() || text[q1 + 2] != '?') return false;
  char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(text[q1 + 1])));
  if (encoding != 'B' && encoding != 'Q') return false;

  // The encoded text runs to "?=" and holds no whitespace (RFC 2047 §5).
  size_t payload = q1 + 3;
  if (payload < *no_close_before) return false;
  size_t close = payload;
  while (close + 1 < text.size() && !(text[close] == '?' && text[close + 1] == '=') &&
         !IsSpace(text[close])) {
    ++close;
  }
  if (close + 1 >= text.size() || text[close] != '?') {
    *no_close_before = close + 1;
    return false;
  }

  std::string charset(text.substr(charset_begin, q1 - charset_begin));
  if (size_t star = charset.find('*'); star != std::string::npos) charset.resize(star);
  std::transform(charset.begin(), charset.end(), charset.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view encoded = text.substr(payload, close - payload);
  word->bytes = encoding == 'B' ? DecodeBase64(encoded) : DecodeQEncoding(encoded);
  word->charset = std::move(charset);
  word->end = close + 2;
  return true;
}

}  // namespace

std::string DecodeEncodedWords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::string literal;  // undecoded text waiting for Raw8bitToUtf8
  std::string pending;  // bytes of joined words that share `pending_charset`
  std::string pending_charset;
  bool have_pending = false;
  size_t no_close_before = 0;

  auto flush_pending = [&] {
    if (!have_pending) return;
    out += ToUtf8(pending, pending_charset).text;
    pending.clear();
    have_pending = false;
  };
  auto flush_literal = [&] {
    if (literal.empty()) return;
    out += Raw8bitToUtf8(literal);
    literal.clear();
  };

  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("=?", pos);
    if (start == std::string_view::npos) start = text.size();

    // Whitespace alone between two encoded-words is dropped (RFC 2047 §6.2).
    std::string_view gap = text.substr(pos, start - pos);
    Word word;
    bool is_word = start < text.size() && ReadWord(text, start, &no_close_before, &word);
    bool gap_is_space = std::all_of(gap.begin(), gap.end(), IsSpace);
    if (!(is_word && have_pending && gap_is_space)) {
      flush_pending();
      literal.append(gap);
    }
    if (!is_word) {
      if (start < text.size()) literal.append("=?");
      pos = std::min(text.size(), start + 2);
      continue;
    }

    flush_literal();
    if (have_pending && word.charset != pending_charset) flush_pending();
    pending_charset = word.charset;
    pending += word.bytes;
    have_pending = true;
    pos = word.end;
  }
  flush_pending();
  flush_literal();
  return out;
}

}  // namespace konvert::mime
