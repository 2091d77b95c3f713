#include "model/server_url.h"

#include <gtest/gtest.h>

#include <string>

namespace konvert {
namespace {

struct ValidCase {
  const char* text;
  const char* scheme;
  const char* host;
  uint16_t port;
  TransportSecurity security;
  bool loopback;
};

constexpr TransportSecurity kStartTls = TransportSecurity::kStartTls;
constexpr TransportSecurity kTls = TransportSecurity::kTls;

const ValidCase kValid[] = {
    {"imap://mail.example.org", "imap", "mail.example.org", 143, kStartTls, false},
    {"imaps://mail.example.org", "imaps", "mail.example.org", 993, kTls, false},
    {"smtp://mail.example.org", "smtp", "mail.example.org", 587, kStartTls, false},
    {"smtps://mail.example.org", "smtps", "mail.example.org", 465, kTls, false},
    {"imap://127.0.0.1:10143", "imap", "127.0.0.1", 10143, kStartTls, true},
    {"IMAPS://Mail.Example.ORG:993/", "imaps", "mail.example.org", 993, kTls, false},
    {"imap://[::1]:143", "imap", "::1", 143, kStartTls, true},
    {"imaps://[::1]", "imaps", "::1", 993, kTls, true},
    {"imap://[2001:DB8::1]:1143", "imap", "2001:db8::1", 1143, kStartTls, false},
    {"imap://[::ffff:127.0.0.1]", "imap", "::ffff:127.0.0.1", 143, kStartTls, true},
    {"imap://localhost:31143", "imap", "localhost", 31143, kStartTls, true},
    {"imap://127.8.9.10", "imap", "127.8.9.10", 143, kStartTls, true},
    {"smtp://10.0.0.1:65535", "smtp", "10.0.0.1", 65535, kStartTls, false},
    {"imap://mx_1.internal", "imap", "mx_1.internal", 143, kStartTls, false},
    {"imap://localhost.example.org", "imap", "localhost.example.org", 143, kStartTls, false},
};

TEST(ServerUrl, ParsesValidUrls) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(c.text);
    Result<ServerUrl> url = ParseServerUrl(c.text);
    ASSERT_TRUE(url.ok()) << url.status().message();
    EXPECT_EQ(url->scheme, c.scheme);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->security, c.security);
    EXPECT_EQ(url->IsLoopback(), c.loopback);
  }
}

TEST(ServerUrl, ToStringParsesBackToTheSameUrl) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(c.text);
    Result<ServerUrl> url = ParseServerUrl(c.text);
    ASSERT_TRUE(url.ok());
    Result<ServerUrl> again = ParseServerUrl(url->ToString());
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->ToString(), url->ToString());
    EXPECT_EQ(again->host, url->host);
  }
  EXPECT_EQ(ParseServerUrl("imap://[::1]")->ToString(), "imap://[::1]:143");
}

struct InvalidCase {
  const char* text;
  const char* message_part;
};

const InvalidCase kInvalid[] = {
    {"", "expected scheme://host"},
    {"mail.example.org:993", "expected scheme://host"},
    {"http://mail.example.org", "unknown scheme \"http\""},
    {"pop3://mail.example.org", "unknown scheme \"pop3\""},
    {"://mail.example.org", "unknown scheme"},
    {"imap://", "host is missing"},
    {"imap://:143", "host is missing"},
    {"imap://mail.example.org:", "port is empty"},
    {"imap://mail.example.org:0", "1..65535"},
    {"imap://mail.example.org:65536", "1..65535"},
    {"imap://mail.example.org:123456", "1..65535"},
    {"imap://mail.example.org:-1", "port must be a number"},
    {"imap://mail.example.org:14x", "port must be a number"},
    {"imap://user:secret@mail.example.org", "user info is not allowed"},
    {"imap://mail.example.org/INBOX", "paths, queries and fragments"},
    {"imap://mail.example.org?x=1", "paths, queries and fragments"},
    {"imap://mail.example.org#top", "paths, queries and fragments"},
    {"imap://::1:143", "IPv6 host must be in brackets"},
    {"imap://[::1", "closing ']'"},
    {"imap://[::1]x", "unexpected text after ']'"},
    {"imap://[mail.example.org]", "not a valid IPv6 address"},
    {"imap://[fe80::1%25eth0]", "not a valid IPv6 address"},
    {"imap://127.0.0.300", "not a valid IPv4 address"},
    {"imap://mail..example.org", "empty label"},
    {"imap://.example.org", "empty label"},
    {"imap://-mail.example.org", "starts or ends with '-'"},
    {"imap://mail example.org", "not allowed in a host name"},
    {"imap://почта.example.org", "not allowed in a host name"},
};

TEST(ServerUrl, RejectsInvalidUrlsNamingThePartAtFault) {
  for (const InvalidCase& c : kInvalid) {
    SCOPED_TRACE(c.text);
    Result<ServerUrl> url = ParseServerUrl(c.text);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().kind(), ErrorKind::kInvalidArguments);
    EXPECT_NE(url.status().message().find(c.message_part), std::string::npos)
        << url.status().message();
  }
}

TEST(ServerUrl, ErrorNeverRepeatsUserInfo) {
  Result<ServerUrl> url = ParseServerUrl("imaps://alice:hunter2@mail.example.org");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos);
}

TEST(ServerUrl, RejectsOverlongHostAndLabel) {
  std::string label(64, 'a');
  EXPECT_FALSE(ParseServerUrl("imap://" + label + ".example.org").ok());
  std::string host;
  while (host.size() < 260) host += "abcdefghi.";
  host += "org";
  EXPECT_FALSE(ParseServerUrl("imap://" + host).ok());
}

TEST(ServerUrl, DefaultConstructedIsNotLoopback) {
  ServerUrl url;
  EXPECT_TRUE(url.host.empty());
  EXPECT_FALSE(url.IsLoopback());
}

}  // namespace
}  // namespace konvert
