#include "api/auth/session_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "model/base64.h"

namespace konvert::api {
namespace {

// "k1." names the format so that a later format can be told apart.
constexpr std::string_view kPrefix = "k1.";
constexpr std::string_view kAad = "konvert-session-token-v1";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kMaxTokenSize = 8192;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

void PutU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<unsigned char>((*in)[i]);
  in->remove_prefix(8);
  return true;
}

void PutString(std::string* out, std::string_view s) {
  PutU64(out, s.size());
  out->append(s);
}

bool GetString(std::string_view* in, std::string* s) {
  uint64_t size = 0;
  if (!GetU64(in, &size) || size > in->size()) return false;
  s->assign(in->substr(0, size));
  in->remove_prefix(size);
  return true;
}

Status Unauthenticated() { return Status(ErrorKind::kUnauthenticated, "session is not valid"); }

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

TokenSealer::TokenSealer(std::string key) : key_(std::move(key)) {}

Result<std::string> TokenSealer::Seal(const SessionClaims& claims) const {
  std::string plain;
  PutU64(&plain, static_cast<uint64_t>(claims.issued_at));
  PutU64(&plain, static_cast<uint64_t>(claims.expires_at));
  PutString(&plain, claims.session_id);
  PutString(&plain, claims.login);
  PutString(&plain, claims.password);

  std::string sealed(kNonceSize + plain.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(sealed.data());
  if (RAND_bytes(nonce, kNonceSize) != 1) return Status(ErrorKind::kServerFail, "no randomness");

  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(kAad), kAad.size()) &&
            EVP_EncryptUpdate(ctx.get(), nonce + kNonceSize, &len, Bytes(plain), plain.size()) &&
            EVP_EncryptFinal_ex(ctx.get(), nonce + kNonceSize + len, &len) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                                nonce + kNonceSize + plain.size());
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!ok) return Status(ErrorKind::kServerFail, "sealing the session token failed");
  return std::string(kPrefix) + Base64Encode(sealed, Base64Alphabet::kUrl);
}

Result<SessionClaims> TokenSealer::Open(std::string_view token, int64_t now) const {
  if (token.size() > kMaxTokenSize || token.substr(0, kPrefix.size()) != kPrefix) {
    return Unauthenticated();
  }
  std::string sealed;
  if (!Base64Decode(token.substr(kPrefix.size()), Base64Alphabet::kUrl, &sealed))
    return Unauthenticated();
  if (sealed.size() < kNonceSize + kTagSize) return Unauthenticated();

  size_t body = sealed.size() - kNonceSize - kTagSize;
  std::string plain(body, '\0');
  auto* in = reinterpret_cast<unsigned char*>(sealed.data());
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), in) &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(kAad), kAad.size()) &&
      EVP_DecryptUpdate(ctx.get(), out, &len, in + kNonceSize, body) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, in + kNonceSize + body) &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) > 0;
  if (!ok) return Unauthenticated();

  SessionClaims claims;
  std::string_view view(plain);
  uint64_t issued = 0, expires = 0;
  bool parsed = GetU64(&view, &issued) && GetU64(&view, &expires) &&
                GetString(&view, &claims.session_id) && GetString(&view, &claims.login) &&
                GetString(&view, &claims.password) && view.empty();
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!parsed) return Unauthenticated();

  claims.issued_at = static_cast<int64_t>(issued);
  claims.expires_at = static_cast<int64_t>(expires);
  if (now >= claims.expires_at || claims.issued_at > now + 300) return Unauthenticated();
  return claims;
}

}  // namespace konvert::api
