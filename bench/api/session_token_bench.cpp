// Opening the session token happens on every cookie or bearer request, on
// a reactor thread; it must stay far below a millisecond. The baseline is
// a SHA-256 of the same number of bytes.
#include <benchmark/benchmark.h>
#include <openssl/sha.h>

#include "api/auth/session_token.h"

namespace konvert::api {
namespace {

void BaselineSha256OfToken(benchmark::State& state) {
  TokenSealer sealer(std::string(32, 'k'));
  std::string token = *sealer.Seal({"alice@example.test", "secret", 1, 4'000'000'000, "id"});
  unsigned char digest[SHA256_DIGEST_LENGTH];
  for (auto _ : state) {
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
    benchmark::DoNotOptimize(digest[0]);
  }
}
BENCHMARK(BaselineSha256OfToken);

void OpenToken(benchmark::State& state) {
  TokenSealer sealer(std::string(32, 'k'));
  std::string token = *sealer.Seal({"alice@example.test", "secret", 1, 4'000'000'000, "id"});
  for (auto _ : state) {
    Result<SessionClaims> claims = sealer.Open(token, 2);
    benchmark::DoNotOptimize(claims.ok());
  }
}
BENCHMARK(OpenToken);

}  // namespace
}  // namespace konvert::api
