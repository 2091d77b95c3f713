#include "model/base64.h"

#include <cstdint>

namespace konvert {
namespace {

const char* Letters(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::kUrl
             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

// The 6-bit value of `c`, or -1.
int ValueOf(char c, Base64Alphabet alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  bool url = alphabet == Base64Alphabet::kUrl;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet) {
  const char* letters = Letters(alphabet);
  bool pad = alphabet == Base64Alphabet::kStandard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);

  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(letters[(n >> shift) & 63]);
  }

  size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
  if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  out.push_back(letters[(n >> 18) & 63]);
  out.push_back(letters[(n >> 12) & 63]);
  if (rest == 2) out.push_back(letters[(n >> 6) & 63]);
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

bool Base64Decode(std::string_view text, Base64Alphabet alphabet, std::string* bytes) {
  bytes->clear();
  size_t padding = 0;
  while (padding < 2 && !text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (text.size() + padding) % 4 != 0) return false;

  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = ValueOf(c, alphabet);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // A lone trailing character carries fewer than 8 bits: not base64.
  return bits < 6;
}

}  // namespace konvert
