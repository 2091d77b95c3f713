#include "model/mime/preview.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "model/mime/content_fields.h"
#include "model/mime/transfer.h"

namespace konvert::mime {
namespace {

// HTML 4 names of U+00A0..U+00FF, in order.
constexpr std::array<std::string_view, 96> kLatin1Entities = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};
constexpr NamedEntity kOtherEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},     {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"bdquo", 0x201E},  {"hellip", 0x2026}, {"bull", 0x2022},   {"euro", 0x20AC},
    {"trade", 0x2122},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},    {"OElig", 0x152},
    {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},
    {"fnof", 0x192},    {"circ", 0x2C6},    {"tilde", 0x2DC},   {"larr", 0x2190},
    {"rarr", 0x2192},   {"uarr", 0x2191},   {"darr", 0x2193},   {"minus", 0x2212}};

// Decodes the character reference at html[pos] ('&'); returns the bytes consumed, 0 if none.
size_t DecodeReference(std::string_view html, size_t pos, std::string* out) {
  size_t semi = html.find(';', pos);
  if (semi == std::string_view::npos || semi - pos > 12 || semi == pos + 1) return 0;
  std::string_view body = html.substr(pos + 1, semi - pos - 1);

  if (body[0] == '#') {
    char32_t cp = 0;
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : hex && std::isxdigit(static_cast<unsigned char>(c))
                  ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                  : -1;
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
      if (cp > 0x10FFFF) cp = 0xFFFD;
    }
    if (cp == 0) cp = 0xFFFD;
    AppendUtf8(cp, out);
    return semi + 1 - pos;
  }
  for (size_t i = 0; i < kLatin1Entities.size(); ++i) {
    if (kLatin1Entities[i] == body) {
      AppendUtf8(static_cast<char32_t>(0xA0 + i), out);
      return semi + 1 - pos;
    }
  }
  for (const NamedEntity& e : kOtherEntities) {
    if (e.name == body) {
      AppendUtf8(e.cp, out);
      return semi + 1 - pos;
    }
  }
  return 0;
}

bool StartsWithIgnoreCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[pos + i])) != prefix[i]) return false;
  }
  return true;
}

// Case-insensitive search for `needle` (lowercase) from `pos`; npos when absent.
size_t FindIgnoreCase(std::string_view s, size_t pos, std::string_view needle) {
  for (size_t i = pos; i + needle.size() <= s.size(); ++i) {
    if (StartsWithIgnoreCase(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "br",  "p",  "div", "tr",      "li",      "ul",     "ol",    "table",
      "h1",  "h2", "h3",  "h4",      "h5",      "h6",     "hr",    "blockquote",
      "pre", "dd", "dt",  "section", "article", "header", "footer"};
  for (std::string_view b : kBlocks) {
    if (b == name) return true;
  }
  return false;
}

// Collapses runs of whitespace (ASCII, U+0085 NEXT LINE and U+00A0) to one space, trims the
// ends, and drops the other C0 and C1 controls and DEL: a preview is plain text to show
// (RFC 8621 §4.1.4), and a NUL or an escape in it reaches every client's list view.
std::string CollapseWhitespace(std::string_view text, size_t max_code_points) {
  std::string out;
  size_t code_points = 0;
  bool pending_space = false;
  for (size_t i = 0; i < text.size() && code_points < max_code_points;) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    bool c1 = c == 0xC2 && next >= 0x80 && next <= 0x9F;
    if (std::isspace(c) || (c == 0xC2 && (next == 0xA0 || next == 0x85))) {
      pending_space = !out.empty();
      i += c == 0xC2 ? 2 : 1;
      continue;
    }
    if (c < 0x20 || c == 0x7F || c1) {
      i += c1 ? 2 : 1;
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      ++code_points;
      pending_space = false;
      if (code_points >= max_code_points) break;
    }
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    out.append(text.substr(i, len));
    ++code_points;
    i += len;
  }
  return out;
}

// The text of `part` from at most `max_encoded` bytes of its encoded body.
Decoded DecodeBody(std::string_view raw, const Part& part, size_t max_encoded) {
  std::string_view body;
  if (part.body_offset <= raw.size()) {
    body = raw.substr(part.body_offset, std::min(part.body_length, max_encoded));
  }
  std::string bytes = DecodeTransfer(body, part.transfer_encoding);
  if (part.charset_given && part.charset) return ToUtf8(bytes, *part.charset);
  return Decoded{Raw8bitToUtf8(bytes), false};
}

// A preview needs 256 characters; reading a bounded prefix keeps a huge body from costing
// a full decode. HTML gets more room for the <head> and <style> it may start with.
constexpr size_t kPreviewPlainBytes = 64 * 1024;
constexpr size_t kPreviewHtmlBytes = 512 * 1024;

// A preview is shown in lists beside other text, so it loses bidi
// overrides as file names do (SanitizeFileName), not only controls; the
// space a dropped character leaves between words is collapsed again.
std::string Tidy(const std::string& preview) {
  return CollapseWhitespace(SanitizeFileName(preview), kPreviewCodePoints);
}

}  // namespace

Decoded PartText(std::string_view raw, const Part& part) {
  return DecodeBody(raw, part, part.body_length);
}

std::string HtmlToText(std::string_view html) {
  // Tags and references are ASCII, so a repaired input gives a valid output.
  std::string repaired;
  if (!IsValidUtf8(html)) {
    repaired = RepairUtf8(html);
    html = repaired;
  }

  std::string out;
  out.reserve(html.size() / 2);
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '&') {
      size_t used = DecodeReference(html, i, &out);
      if (used == 0) out.push_back('&');
      i += used == 0 ? 1 : used;
      continue;
    }
    if (c != '<') {
      out.push_back(c);
      ++i;
      continue;
    }

    if (html.compare(i, 4, "<!--") == 0) {
      size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    size_t name_begin = i + 1 + (i + 1 < html.size() && html[i + 1] == '/' ? 1 : 0);
    size_t name_end = name_begin;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end]))) {
      ++name_end;
    }
    if (name_end == name_begin &&
        !(name_begin < html.size() && (html[name_begin] == '!' || html[name_begin] == '?'))) {
      out.push_back('<');  // a lone '<' in text
      ++i;
      continue;
    }
    std::string name;
    for (size_t k = name_begin; k < name_end; ++k) {
      name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(html[k]))));
    }

    // The tag's end: the first '>' outside quoted attribute values.
    size_t k = name_end;
    char quote = 0;
    for (; k < html.size(); ++k) {
      if (quote != 0) {
        if (html[k] == quote) quote = 0;
      } else if (html[k] == '"' || html[k] == '\'') {
        quote = html[k];
      } else if (html[k] == '>') {
        break;
      }
    }
    i = k < html.size() ? k + 1 : html.size();
    bool closing = html[name_begin - 1] == '/';

    if (!closing && (name == "style" || name == "script" || name == "head" || name == "title")) {
      size_t close = FindIgnoreCase(html, i, "</" + name);
      if (close == std::string_view::npos) {
        // An unclosed <head> or <title> is common and hides nothing; unclosed code is dropped.
        if (name == "style" || name == "script") break;
        continue;
      }
      size_t gt = html.find('>', close);
      i = gt == std::string_view::npos ? html.size() : gt + 1;
      continue;
    }
    if (IsBlockTag(name) || name == "td" || name == "th") out.push_back('\n');
  }
  return out;
}

std::string Preview(std::string_view raw, const BodyLists& lists) {
  const Part* html = nullptr;
  for (const Part* part : lists.text_body) {
    if (part->type == "text/plain") {
      return Tidy(
          CollapseWhitespace(DecodeBody(raw, *part, kPreviewPlainBytes).text, kPreviewCodePoints));
    }
    if (part->type == "text/html" && html == nullptr) html = part;
  }
  for (const Part* part : lists.html_body) {
    if (html == nullptr && part->type == "text/html") html = part;
  }
  if (html == nullptr) return "";
  return Tidy(CollapseWhitespace(HtmlToText(DecodeBody(raw, *html, kPreviewHtmlBytes).text),
                                 kPreviewCodePoints));
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  // Only the prefix that can be kept needs to be valid; U+FFFD is longer than the byte it
  // replaces, so the repaired prefix is cut again.
  std::string repaired;
  std::string_view head = text.substr(0, max_bytes + 1);
  if (!IsValidUtf8(head)) {
    repaired = RepairUtf8(head);
    text = repaired;
  }
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

std::string TruncateCodePoints(std::string_view text, size_t max_code_points) {
  if (!IsValidUtf8(text)) return TruncateCodePoints(RepairUtf8(text), max_code_points);
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max_code_points) return std::string(text.substr(0, i));
      ++count;
    }
  }
  return std::string(text);
}

}  // namespace konvert::mime
