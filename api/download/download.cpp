#include "api/download/download.h"

#include <vector>

#include "model/mime/content_fields.h"

namespace konvert::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 6838 §4.2 restricted-name: a letter or digit, then up to 126 of
// these.
bool IsRestrictedName(std::string_view name) {
  if (name.empty() || name.size() > 127) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) continue;
    if (i == 0 || std::string_view("!#$&-^_.+").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// RFC 9110 §5.6.2 token.
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool IsMediaType(std::string_view type) {
  size_t semicolon = type.find(';');
  std::string_view essence = Trim(type.substr(0, semicolon));
  size_t slash = essence.find('/');
  if (slash == std::string_view::npos || !IsRestrictedName(essence.substr(0, slash)) ||
      !IsRestrictedName(essence.substr(slash + 1))) {
    return false;
  }
  while (semicolon != std::string_view::npos) {
    size_t next = type.find(';', semicolon + 1);
    std::string_view parameter = Trim(type.substr(semicolon + 1, next - semicolon - 1));
    size_t equals = parameter.find('=');
    if (equals == std::string_view::npos || !IsToken(parameter.substr(0, equals)) ||
        !IsToken(parameter.substr(equals + 1))) {
      return false;
    }
    semicolon = next;
  }
  return true;
}

// RFC 8187 §3.2.1 attr-char: sent as it is; everything else as %XX.
bool IsAttrChar(unsigned char c) {
  bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum ||
         std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<DownloadTarget> ParseDownloadPath(std::string_view rest) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    size_t slash = rest.find('/', start);
    std::optional<std::string> segment = PercentDecode(rest.substr(start, slash - start));
    if (!segment.has_value()) return std::nullopt;
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segments.size() != 3 || segments[0].empty() || segments[1].empty()) return std::nullopt;
  return DownloadTarget{std::move(segments[0]), std::move(segments[1]), std::move(segments[2])};
}

std::string DownloadContentType(std::string_view type) {
  if (type.size() > 255 || !IsMediaType(type)) return "application/octet-stream";
  return std::string(type);
}

std::string AttachmentDisposition(std::string_view requested) {
  // The name comes from the URL: the same rules as names read from mail
  // (no control or bidi-override characters, valid UTF-8).
  std::string clean = mime::SanitizeFileName(requested);
  std::string_view name = clean.empty() ? std::string_view("download") : std::string_view(clean);
  std::string fallback;
  std::string encoded;
  static const char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (IsAttrChar(c)) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
    // The fallback keeps printable ASCII that needs no escaping in a quoted
    // string; each non-ASCII character (its lead byte) becomes one '_'.
    if (c >= 0x80) {
      if ((c & 0xC0) != 0x80) fallback.push_back('_');
    } else if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || c == '/') {
      fallback.push_back('_');
    } else {
      fallback.push_back(static_cast<char>(c));
    }
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace konvert::api
