#include "store/index/hashed_id.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <vector>

namespace konvert {
namespace {

std::string Hex(const unsigned char* data, int bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(bytes) * 2);
  for (int i = 0; i < bytes; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

}  // namespace

std::string HashedId(char prefix, std::string_view input, int bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(1, prefix) + Hex(digest, std::min(bytes, static_cast<int>(length)));
}

std::string RandomHex(int bytes) {
  std::vector<unsigned char> data(static_cast<size_t>(bytes));
  if (RAND_bytes(data.data(), bytes) != 1) {
    // Only reached when OpenSSL cannot seed; uniqueness then rests on time.
    uint64_t now =
        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    for (unsigned char& b : data) b = static_cast<unsigned char>(now >>= 8);
  }
  return Hex(data.data(), bytes);
}

}  // namespace konvert
