#include "model/mime/content_fields.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "model/mime/charset.h"
#include "model/mime/encoded_words.h"

namespace konvert::mime {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Removes RFC 5322 comments outside quoted strings and joins folded lines.
std::string Unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  int comment_depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r' || c == '\n') continue;
    if (quoted) {
      out.push_back(c);
      if (c == '\\' && i + 1 < raw.size()) {
        out.push_back(raw[++i]);
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (comment_depth > 0) {
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++comment_depth;
      } else if (c == ')') {
        --comment_depth;
      }
      continue;
    }
    if (c == '(') {
      ++comment_depth;
    } else {
      if (c == '"') quoted = true;
      out.push_back(c);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Plain parameter values: mailers put RFC 2047 words in quotes although RFC 2047 §5 forbids
// it, and some send raw 8-bit names; both are decoded.
std::string DecodePlain(std::string_view value) {
  if (value.find("=?") != std::string_view::npos) return DecodeEncodedWords(value);
  return Raw8bitToUtf8(value);
}

}  // namespace

std::optional<std::string> ContentField::Param(std::string_view name) const {
  for (const Parameter& p : params) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

ContentField ParseContentField(std::string_view raw) {
  ContentField field;
  std::string text = Unfold(raw);
  std::string_view s = text;

  size_t i = 0;
  while (i < s.size() && IsBlank(s[i])) ++i;
  size_t value_begin = i;
  while (i < s.size() && s[i] != ';' && !IsBlank(s[i])) ++i;
  field.value = Lower(s.substr(value_begin, i - value_begin));
  if (!IsAsciiToken(field.value)) field.value.clear();

  // Parameters; a missing ';' between the value and a parameter is tolerated.
  while (i < s.size()) {
    while (i < s.size() && (IsBlank(s[i]) || s[i] == ';')) ++i;
    size_t name_begin = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';') ++i;
    std::string name = Lower(Trim(s.substr(name_begin, i - name_begin)));
    if (i >= s.size() || s[i] == ';') continue;  // a bare word without '='
    ++i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;

    std::string value;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value.push_back(s[i]);
      }
      if (i < s.size()) ++i;
      while (i < s.size() && s[i] != ';') ++i;  // junk after the closing quote
    } else {
      size_t v = i;
      while (i < s.size() && s[i] != ';') ++i;
      value = std::string(Trim(s.substr(v, i - v)));
    }
    if (!name.empty()) field.params.push_back({std::move(name), std::move(value)});
  }
  return field;
}

std::optional<std::string> DecodedParam(const ContentField& field, std::string_view name) {
  std::optional<std::string> plain;
  std::map<int, std::pair<std::string, bool>> sections;  // number -> (value, percent-encoded)
  bool any_extended = false;

  for (const ContentField::Parameter& p : field.params) {
    std::string_view n = p.name;
    if (n == name) {
      if (!plain) plain = p.value;
      continue;
    }
    if (!n.starts_with(name) || n.size() <= name.size() || n[name.size()] != '*') continue;
    std::string_view rest = n.substr(name.size() + 1);
    bool encoded = false;
    int number = 0;
    if (rest.empty()) {
      encoded = true;  // "name*=": one extended section
    } else {
      if (rest.back() == '*') {
        encoded = true;
        rest.remove_suffix(1);
      }
      if (rest.empty() || rest.size() > 4 ||
          !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        continue;
      }
      number = std::stoi(std::string(rest));
    }
    any_extended = true;
    sections.emplace(number, std::make_pair(p.value, encoded));
  }
  if (!any_extended) {
    if (!plain) return std::nullopt;
    return DecodePlain(*plain);
  }

  // RFC 2231 §4: the first section carries charset'language' when it is percent-encoded.
  std::string charset;
  std::string bytes;
  bool first = true;
  for (auto& [number, section] : sections) {
    auto& [value, encoded] = section;
    std::string_view v = value;
    if (first && encoded) {
      size_t q1 = v.find('\'');
      size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
      if (q2 != std::string_view::npos) {
        charset = Lower(v.substr(0, q1));
        v = v.substr(q2 + 1);
      }
    }
    first = false;
    bytes += encoded ? PercentDecode(v) : std::string(v);
  }
  if (charset.empty()) return DecodePlain(bytes);
  // A name whose bytes do not fit its own label is still better guessed than replaced.
  Decoded decoded = ToUtf8(bytes, charset);
  return decoded.problem ? Raw8bitToUtf8(bytes) : decoded.text;
}

bool IsAsciiToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F;
  });
}

std::string SanitizeFileName(std::string_view name) {
  std::string valid = IsValidUtf8(name) ? std::string(name) : RepairUtf8(name);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size();) {
    auto lead = static_cast<unsigned char>(valid[i]);
    size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    char32_t cp = lead < 0x80    ? lead
                  : lead >= 0xF0 ? lead & 0x07
                  : lead >= 0xE0 ? lead & 0x0F
                                 : lead & 0x1F;
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(valid[i + k]) & 0x3F);

    bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    bool bidi = cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                (cp >= 0x2066 && cp <= 0x2069);
    if (!control && !bidi) out.append(valid, i, len);
    i += len;
  }
  return out;
}

}  // namespace konvert::mime
