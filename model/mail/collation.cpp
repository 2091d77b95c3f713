#include "model/mail/collation.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>

#include "model/mail/utf8.h"

namespace konvert::mail {
namespace {

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The reply and forward markers that precede ":" (RFC 5256 §5 "subj-refwd"
// names re, fw, fwd; the others are what German, Scandinavian, Finnish,
// Dutch, French, Polish and Russian mail programs write). Lower case.
constexpr std::array<std::string_view, 13> kMarkers = {
    "re",    "fwd", "fw",     "aw", "wg", "sv", "vs", "antw", "tr", "odp",  // Latin script
    "ответ", "отв", "пересл",                                               // Russian
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A simple case fold for matching the markers: ASCII and basic Cyrillic.
char32_t FoldForMarker(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 32;
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 80;
  return cp;
}

// The length of the prefix of `text` that equals `marker` ignoring case, or
// 0 when there is none.
size_t MatchMarker(std::string_view text, std::string_view marker) {
  size_t pos = 0;
  size_t marker_pos = 0;
  while (marker_pos < marker.size()) {
    if (pos >= text.size()) return 0;
    char32_t want = NextCodePoint(marker, &marker_pos);
    if (FoldForMarker(NextCodePoint(text, &pos)) != want) return 0;
  }
  return pos;
}

size_t SkipWhitespace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsWhitespace(text[pos])) ++pos;
  return pos;
}

// "[" *BLOBCHAR "]" *WSP at `pos` (RFC 5256 §5 "subj-blob"): the end of it,
// or `pos` when there is none.
size_t SkipBlob(std::string_view text, size_t pos) {
  if (pos >= text.size() || text[pos] != '[') return pos;
  size_t close = text.find_first_of("[]", pos + 1);
  if (close == std::string_view::npos || text[close] != ']') return pos;
  return SkipWhitespace(text, close + 1);
}

// One "subj-refwd" at `pos`: marker *WSP [subj-blob] ":" — the end of it,
// or `pos` when there is none.
size_t SkipReplyMarker(std::string_view text, size_t pos) {
  for (std::string_view marker : kMarkers) {
    size_t length = MatchMarker(text.substr(pos), marker);
    if (length == 0) continue;
    size_t end = SkipBlob(text, SkipWhitespace(text, pos + length));
    if (end < text.size() && text[end] == ':') return end + 1;
  }
  return pos;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (!IsWhitespace(c)) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool StripTrailer(std::string* subject) {
  static constexpr std::string_view kTrailer = "(fwd)";
  bool changed = false;
  while (true) {
    if (!subject->empty() && subject->back() == ' ') {
      subject->pop_back();
    } else if (subject->size() >= kTrailer.size() &&
               MatchMarker(std::string_view(*subject).substr(subject->size() - kTrailer.size()),
                           kTrailer) == kTrailer.size()) {
      subject->resize(subject->size() - kTrailer.size());
    } else {
      return changed;
    }
    changed = true;
  }
}

// RFC 5256 §2.1 steps 3 and 4: leaders ("Re:", blobs followed by "Re:") and
// then a lone leading blob unless it is all there is.
bool StripLeaders(std::string* subject) {
  std::string_view text = *subject;
  size_t pos = 0;
  while (true) {
    size_t next = SkipWhitespace(text, pos);
    size_t after_blobs = next;
    while (true) {
      size_t end = SkipBlob(text, after_blobs);
      if (end == after_blobs) break;
      after_blobs = end;
    }
    size_t after_marker = SkipReplyMarker(text, after_blobs);
    if (after_marker != after_blobs) next = after_marker;
    if (next == pos) {
      size_t after_blob = SkipBlob(text, pos);
      if (after_blob == pos || after_blob == text.size()) break;
      next = after_blob;
    }
    pos = next;
  }
  if (pos == 0) return false;
  subject->erase(0, pos);
  return true;
}

// RFC 5256 §2.1 step 5: "[fwd:" subj-base "]".
bool Unwrap(std::string* subject) {
  size_t length = MatchMarker(*subject, "[fwd:");
  if (length == 0 || subject->back() != ']') return false;
  *subject = subject->substr(length, subject->size() - length - 1);
  return true;
}

}  // namespace

std::string SortKey(std::string_view utf8) {
  // Case folding and NFKD leave printable ASCII as lower-cased ASCII.
  if (IsAscii(utf8)) {
    std::string key(utf8);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return key;
  }

  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  text.foldCase(U_FOLD_CASE_DEFAULT);
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(error);
  if (U_SUCCESS(error)) {
    icu::UnicodeString normalized = nfkd->normalize(text, error);
    if (U_SUCCESS(error)) text = std::move(normalized);
  }
  std::string key;
  text.toUTF8String(key);
  return key;
}

std::string BaseSubject(std::string_view subject) {
  std::string base = CollapseWhitespace(subject);
  while (true) {
    StripTrailer(&base);
    StripLeaders(&base);
    while (!base.empty() && base.front() == ' ') base.erase(0, 1);
    if (!Unwrap(&base)) break;
    base = CollapseWhitespace(base);
  }
  return base;
}

std::string SubjectSortKey(std::string_view subject) { return SortKey(BaseSubject(subject)); }

}  // namespace konvert::mail
