#include "model/mail/mailbox_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace konvert::mail {
namespace {

struct NameCase {
  const char* utf8;
  const char* mutf7;
};

// Expected forms computed independently (Python's UTF-16BE base64 with ','
// for '/'), and RFC 3501 §5.1.3's own example.
const std::vector<NameCase> kNames = {
    {"INBOX", "INBOX"},
    {"Входящие", "&BBIERQQ+BDQETwRJBDgENQ-"},
    {"Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"},
    {"Корзина", "&BBoEPgRABDcEOAQ9BDA-"},
    {"Черновики", "&BCcENQRABD0EPgQyBDgEOgQ4-"},
    {"Спам", "&BCEEPwQwBDw-"},
    {"Архив/2024", "&BBAEQARFBDgEMg-/2024"},
    {"Tom & Jerry", "Tom &- Jerry"},
    {"&", "&-"},
    {"Проект X — отчёт", "&BB8EQAQ+BDUEOgRC- X &IBQ- &BD4EQgRHBFEEQg-"},
    {"😀 fun", "&2D3eAA- fun"},
    {"ü", "&APw-"},
    {"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
    {"", ""},
};

TEST(MailboxName, Decodes) {
  for (const NameCase& c : kNames) {
    SCOPED_TRACE(c.mutf7);
    Result<std::string> name = DecodeMailboxName(c.mutf7);
    ASSERT_TRUE(name.ok()) << name.status().message();
    EXPECT_EQ(*name, c.utf8);
  }
}

TEST(MailboxName, Encodes) {
  for (const NameCase& c : kNames) {
    SCOPED_TRACE(c.utf8);
    EXPECT_EQ(EncodeMailboxName(c.utf8), c.mutf7);
  }
}

TEST(MailboxName, RejectsInvalidModifiedUtf7) {
  const std::vector<const char*> cases = {
      "Входящие",      // 8-bit: raw UTF-8 from a server without UTF8=ACCEPT
      "&BBIERQQ+BDQ",  // no closing "-"
      "&BBI/BDQ-",     // "/" is not modified base64
      "&BBIE=-",       // no padding in modified base64
      "&BB-",          // 12 bits: half a character
      "&BBJ-",         // left-over bits not zero
      "&2D0-",         // high surrogate alone
      "&3gA-",         // low surrogate alone
      "tab\there",     // control character
  };
  for (const char* mutf7 : cases) {
    SCOPED_TRACE(mutf7);
    Result<std::string> name = DecodeMailboxName(mutf7);
    ASSERT_FALSE(name.ok());
    EXPECT_EQ(name.status().kind(), ErrorKind::kInvalidArguments);
    EXPECT_NE(name.status().message().find("mailbox name"), std::string::npos);
  }
}

TEST(MailboxName, EncodesInvalidUtf8AsReplacementCharacter) {
  EXPECT_EQ(EncodeMailboxName("a\xff"
                              "b"),
            "a&,,0-b");
  Result<std::string> back =
      DecodeMailboxName(EncodeMailboxName("a\xff"
                                          "b"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back,
            "a\xef\xbf\xbd"
            "b");
}

}  // namespace
}  // namespace konvert::mail
