#include "model/mime/transfer.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace konvert::mime {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The value of each byte in the base64 alphabet, -1 elsewhere: a table, as
// the sync measures the decoded size of every attachment it meets.
constexpr std::array<int8_t, 256> kBase64Values = [] {
  std::array<int8_t, 256> table{};
  for (int8_t& v : table) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}();

int Base64Value(char c) { return kBase64Values[static_cast<unsigned char>(c)]; }

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Sinks let one decoder both build the output and only count it.
struct StringSink {
  std::string out;
  void Put(char c) { out.push_back(c); }
  void Put(std::string_view s) { out.append(s); }
};
struct CountSink {
  uint64_t n = 0;
  void Put(char) { ++n; }
  void Put(std::string_view s) { n += s.size(); }
};

template <typename Sink>
void Base64(std::string_view text, Sink* sink) {
  uint32_t acc = 0;
  int have = 0;
  auto flush = [&] {
    // 2 characters carry 1 byte, 3 carry 2; a lone character carries none.
    if (have == 2) sink->Put(static_cast<char>(acc >> 4));
    if (have == 3) {
      sink->Put(static_cast<char>(acc >> 10));
      sink->Put(static_cast<char>((acc >> 2) & 0xFF));
    }
    acc = 0;
    have = 0;
  };
  for (char c : text) {
    if (c == '=') {
      flush();
      continue;
    }
    int v = Base64Value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (++have == 4) {
      sink->Put(static_cast<char>(acc >> 16));
      sink->Put(static_cast<char>((acc >> 8) & 0xFF));
      sink->Put(static_cast<char>(acc & 0xFF));
      acc = 0;
      have = 0;
    }
  }
  flush();
}

// Emits one encoded line (without its line break) of quoted-printable.
template <typename Sink>
void QpLine(std::string_view line, bool* soft_break, Sink* sink) {
  // Rule 3: trailing whitespace on an encoded line was added in transport.
  size_t end = line.size();
  while (end > 0 && IsBlank(line[end - 1])) --end;
  line = line.substr(0, end);

  *soft_break = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c != '=') {
      sink->Put(c);
      continue;
    }
    if (i + 1 == line.size()) {
      *soft_break = true;  // rule 5
      return;
    }
    int hi = i + 2 < line.size() ? HexValue(line[i + 1]) : -1;
    int lo = i + 2 < line.size() ? HexValue(line[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      sink->Put('=');  // RFC 2045 §6.7 note 1: keep an invalid escape as written
      continue;
    }
    sink->Put(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
}

template <typename Sink>
void QuotedPrintable(std::string_view text, Sink* sink) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    size_t content_end = line_end;
    if (content_end > pos && text[content_end - 1] == '\r') --content_end;

    bool soft = false;
    QpLine(text.substr(pos, content_end - pos), &soft, sink);
    if (nl == std::string_view::npos) break;
    if (!soft) sink->Put(text.substr(content_end, nl + 1 - content_end));
    pos = nl + 1;
  }
}

// Historic uuencode (x-uuencode): "begin" line, length-prefixed lines, "end".
template <typename Sink>
void Uudecode(std::string_view text, Sink* sink) {
  size_t pos = 0;
  bool in_data = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;

    if (!in_data) {
      in_data = line.starts_with("begin ");
      continue;
    }
    if (line == "end") break;
    if (line.empty()) continue;
    size_t n = static_cast<size_t>((line[0] - ' ') & 0x3F);
    size_t emitted = 0;
    for (size_t i = 1; i < line.size() && emitted < n; i += 4) {
      auto v = [&](size_t k) {
        return k < line.size() ? static_cast<uint32_t>((line[k] - ' ') & 0x3F) : 0u;
      };
      uint32_t acc = (v(i) << 18) | (v(i + 1) << 12) | (v(i + 2) << 6) | v(i + 3);
      for (int shift = 16; shift >= 0 && emitted < n; shift -= 8, ++emitted) {
        sink->Put(static_cast<char>((acc >> shift) & 0xFF));
      }
    }
  }
}

enum class Encoding { kIdentity, kBase64, kQuotedPrintable, kUuencode };

Encoding Classify(std::string_view name) {
  std::string lower;
  for (char c : name) {
    // "quoted printable" and "quoted_printable" are seen in the wild.
    if (IsBlank(c) || c == '_') c = '-';
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!lower.empty() && lower.back() == '-') lower.pop_back();
  while (!lower.empty() && lower.front() == '-') lower.erase(lower.begin());
  if (lower == "base64") return Encoding::kBase64;
  if (lower == "quoted-printable") return Encoding::kQuotedPrintable;
  if (lower == "x-uuencode" || lower == "x-uue" || lower == "uuencode") return Encoding::kUuencode;
  return Encoding::kIdentity;
}

template <typename Sink>
void Decode(std::string_view body, std::string_view transfer_encoding, Sink* sink) {
  switch (Classify(transfer_encoding)) {
    case Encoding::kBase64:
      Base64(body, sink);
      return;
    case Encoding::kQuotedPrintable:
      QuotedPrintable(body, sink);
      return;
    case Encoding::kUuencode:
      Uudecode(body, sink);
      return;
    case Encoding::kIdentity:
      sink->Put(body);
      return;
  }
}

}  // namespace

std::string DecodeTransfer(std::string_view body, std::string_view transfer_encoding) {
  StringSink sink;
  Decode(body, transfer_encoding, &sink);
  return std::move(sink.out);
}

uint64_t DecodedSize(std::string_view body, std::string_view transfer_encoding) {
  CountSink sink;
  Decode(body, transfer_encoding, &sink);
  return sink.n;
}

std::string DecodeBase64(std::string_view text) {
  StringSink sink;
  Base64(text, &sink);
  return std::move(sink.out);
}

std::string DecodeQuotedPrintable(std::string_view text) {
  StringSink sink;
  QuotedPrintable(text, &sink);
  return std::move(sink.out);
}

std::string DecodeQEncoding(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace konvert::mime
