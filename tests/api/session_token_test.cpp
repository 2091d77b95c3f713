#include "api/auth/session_token.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

const std::string kKey(32, 'k');

SessionClaims Claims() {
  SessionClaims c;
  c.login = "ivan@example.test";
  c.password = "пароль \"кавычки\" \\ x";
  c.issued_at = 1'000'000;
  c.expires_at = 1'000'000 + 3600;
  c.session_id = "s1";
  return c;
}

TEST(TokenSealer, RoundTripsClaimsWithUnicodePassword) {
  TokenSealer sealer(kKey);
  Result<std::string> token = sealer.Seal(Claims());
  ASSERT_TRUE(token.ok());

  Result<SessionClaims> opened = sealer.Open(*token, 1'000'010);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->login, "ivan@example.test");
  EXPECT_EQ(opened->password, "пароль \"кавычки\" \\ x");
  EXPECT_EQ(opened->session_id, "s1");
  EXPECT_EQ(opened->expires_at, 1'000'000 + 3600);
}

TEST(TokenSealer, TokenHidesPasswordAndIsCookieSafe) {
  Result<std::string> token = TokenSealer(kKey).Seal(Claims());
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->find("ivan"), std::string::npos);
  EXPECT_EQ(token->find_first_of(" ;,\"\\=+/"), std::string::npos);
}

TEST(TokenSealer, RefusesExpiredToken) {
  TokenSealer sealer(kKey);
  std::string token = *sealer.Seal(Claims());
  EXPECT_EQ(sealer.Open(token, 1'000'000 + 3600).status().kind(), ErrorKind::kUnauthenticated);
}

TEST(TokenSealer, RefusesTokenOfAnotherKey) {
  std::string token = *TokenSealer(kKey).Seal(Claims());
  TokenSealer other(std::string(32, 'x'));
  EXPECT_EQ(other.Open(token, 1'000'010).status().kind(), ErrorKind::kUnauthenticated);
}

TEST(TokenSealer, RefusesEveryAlteredCharacter) {
  TokenSealer sealer(kKey);
  std::string token = *sealer.Seal(Claims());
  for (size_t i = 3; i < token.size(); ++i) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sealer.Open(altered, 1'000'010).ok()) << "position " << i;
  }
}

TEST(TokenSealer, RefusesGarbage) {
  TokenSealer sealer(kKey);
  for (const char* bad : {"", "k1.", "k1.!!!!", "k2.AAAA", "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                          "not a token at all"}) {
    EXPECT_EQ(sealer.Open(bad, 1'000'010).status().kind(), ErrorKind::kUnauthenticated) << bad;
  }
  EXPECT_FALSE(sealer.Open("k1." + std::string(100'000, 'A'), 1'000'010).ok());
}

}  // namespace
}  // namespace konvert::api
