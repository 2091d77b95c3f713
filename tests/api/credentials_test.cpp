#include "api/auth/credentials.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

TEST(ParseBasicAuthorization, ReadsLoginAndPassword) {
  // "alice@example.test:se:cret" — the password keeps its colon.
  auto creds = ParseBasicAuthorization("Basic YWxpY2VAZXhhbXBsZS50ZXN0OnNlOmNyZXQ=");
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->login, "alice@example.test");
  EXPECT_EQ(creds->password, "se:cret");
}

TEST(ParseBasicAuthorization, ReadsUtf8Password) {
  // "ivan:пароль" in UTF-8.
  auto creds = ParseBasicAuthorization("basic aXZhbjrQv9Cw0YDQvtC70Yw=");
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->password, "пароль");
}

TEST(ParseBasicAuthorization, RefusesMalformedValues) {
  for (const char* bad : {"", "Basic", "Basic ", "Bearer abc", "Basic !!!!",
                          "Basic Og==", "Basic YWxpY2U=", "Basic YQ==YQ==", "Digest x"}) {
    EXPECT_FALSE(ParseBasicAuthorization(bad).has_value()) << bad;
  }
}

TEST(ParseBearerAuthorization, ReadsToken) {
  EXPECT_EQ(ParseBearerAuthorization("Bearer k1.abc").value_or(""), "k1.abc");
  EXPECT_FALSE(ParseBearerAuthorization("Basic k1.abc").has_value());
}

TEST(FindCookie, FindsNamedCookieAmongOthers) {
  EXPECT_EQ(FindCookie("a=1; konvert_session=k1.x; b=2", "konvert_session").value_or(""), "k1.x");
  EXPECT_EQ(FindCookie("konvert_session=\"q\"", "konvert_session").value_or(""), "q");
  EXPECT_FALSE(FindCookie("xkonvert_session=1; a", "konvert_session").has_value());
  EXPECT_FALSE(FindCookie("", "konvert_session").has_value());
}

TEST(PassesCsrfCheck, FollowsFetchMetadataThenOrigin) {
  std::vector<std::string> allowed = {"https://mail.example.org", "https://127.0.0.1:8443"};
  EXPECT_TRUE(PassesCsrfCheck(std::nullopt, "same-origin", allowed));
  EXPECT_FALSE(PassesCsrfCheck("https://mail.example.org", "cross-site", allowed));
  EXPECT_FALSE(PassesCsrfCheck(std::nullopt, "same-site", allowed));
  EXPECT_TRUE(PassesCsrfCheck("https://127.0.0.1:8443", std::nullopt, allowed));
  EXPECT_FALSE(PassesCsrfCheck("https://evil.example", std::nullopt, allowed));
  EXPECT_FALSE(PassesCsrfCheck("null", std::nullopt, allowed));
  EXPECT_FALSE(PassesCsrfCheck(std::nullopt, std::nullopt, allowed));
}

TEST(OriginOf, DropsPathAndDefaultPort) {
  EXPECT_EQ(OriginOf("https://Mail.Example.org/mail"), "https://mail.example.org");
  EXPECT_EQ(OriginOf("https://mail.example.org:443/mail"), "https://mail.example.org");
  EXPECT_EQ(OriginOf("https://127.0.0.1:8443/webmail"), "https://127.0.0.1:8443");
  EXPECT_EQ(OriginOf("/relative"), "");
}

}  // namespace
}  // namespace konvert::api
