#include "model/mail/mailbox_name.h"

#include <cstdint>
#include <vector>

#include "model/mail/utf8.h"

namespace konvert::mail {
namespace {

// Modified base64 (RFC 3501 §5.1.3): RFC 2045's alphabet with ',' for '/',
// and no '=' padding.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

Status Invalid(std::string_view name, std::string_view why) {
  return Status(ErrorKind::kInvalidArguments,
                "mailbox name \"" + std::string(name) + "\": " + std::string(why));
}

// Turns the UTF-16 units of one shifted run into UTF-8; false on an
// unpaired surrogate.
bool AppendUtf16(const std::vector<char16_t>& units, std::string* out) {
  for (size_t i = 0; i < units.size(); ++i) {
    char32_t unit = units[i];
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;
    if (unit < 0xD800 || unit > 0xDBFF) {
      AppendUtf8(unit, out);
      continue;
    }
    if (i + 1 == units.size()) return false;
    char32_t low = units[++i];
    if (low < 0xDC00 || low > 0xDFFF) return false;
    AppendUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
  }
  return true;
}

void AppendBase64Run(const std::vector<char16_t>& units, std::string* out) {
  uint32_t bits = 0;
  int bit_count = 0;
  for (char16_t unit : units) {
    bits = (bits << 16) | unit;
    bit_count += 16;
    while (bit_count >= 6) {
      bit_count -= 6;
      out->push_back(kAlphabet[(bits >> bit_count) & 0x3F]);
    }
    bits &= (1u << bit_count) - 1;
  }
  if (bit_count > 0) out->push_back(kAlphabet[(bits << (6 - bit_count)) & 0x3F]);
}

}  // namespace

Result<std::string> DecodeMailboxName(std::string_view mutf7) {
  std::string out;
  out.reserve(mutf7.size());
  size_t i = 0;
  while (i < mutf7.size()) {
    char c = mutf7[i];
    if (c < 0x20 || c > 0x7e) return Invalid(mutf7, "8-bit or control character");
    if (c != '&') {
      out.push_back(c);
      ++i;
      continue;
    }

    // A shifted run: "&" base64 "-", where "&-" alone stands for "&".
    size_t end = mutf7.find('-', i + 1);
    if (end == std::string_view::npos) return Invalid(mutf7, "\"&\" without closing \"-\"");
    if (end == i + 1) {
      out.push_back('&');
      i = end + 1;
      continue;
    }

    std::vector<char16_t> units;
    uint32_t bits = 0;
    int bit_count = 0;
    for (size_t j = i + 1; j < end; ++j) {
      int sextet = Sextet(mutf7[j]);
      if (sextet < 0) return Invalid(mutf7, "not modified base64");
      bits = (bits << 6) | static_cast<uint32_t>(sextet);
      bit_count += 6;
      if (bit_count >= 16) {
        bit_count -= 16;
        units.push_back(static_cast<char16_t>((bits >> bit_count) & 0xFFFF));
        bits &= (1u << bit_count) - 1;
      }
    }
    // Fewer than 6 bits may be left over, and they must be zero (RFC 2152).
    if (bit_count >= 6 || bits != 0) return Invalid(mutf7, "base64 run ends mid-character");
    if (!AppendUtf16(units, &out)) return Invalid(mutf7, "unpaired UTF-16 surrogate");
    i = end + 1;
  }
  return out;
}

std::string EncodeMailboxName(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() * 2);
  std::vector<char16_t> run;
  auto flush = [&] {
    if (run.empty()) return;
    out.push_back('&');
    AppendBase64Run(run, &out);
    out.push_back('-');
    run.clear();
  };

  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = NextCodePoint(utf8, &pos);
    if (cp >= 0x20 && cp <= 0x7e) {
      flush();
      out.append(cp == '&' ? "&-" : std::string(1, static_cast<char>(cp)));
      continue;
    }
    if (cp < 0x10000) {
      run.push_back(static_cast<char16_t>(cp));
    } else {
      cp -= 0x10000;
      run.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      run.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    }
  }
  flush();
  return out;
}

}  // namespace konvert::mail
