#include "model/mime/transfer.h"

#include <gtest/gtest.h>

namespace konvert::mime {
namespace {

struct Case {
  const char* in;
  const char* out;
};

TEST(Transfer, DecodesQuotedPrintable) {
  const Case kCases[] = {
      {"plain", "plain"},
      {"caf=E9", "caf\xe9"},
      {"lower=e9case",
       "lower\xe9"
       "case"},
      {"soft=\r\nbreak", "softbreak"},
      {"soft=\nbreak", "softbreak"},
      {"soft=  \r\nbreak", "softbreak"},  // whitespace after a soft break
      {"hard\r\nbreak", "hard\r\nbreak"},
      {"trailing   \r\nspace", "trailing\r\nspace"},  // RFC 2045 §6.7 rule 3
      {"kept=20\r\n", "kept \r\n"},
      // Invalid escapes stay as written (RFC 2045 §6.7 note 1).
      {"a=ZZb", "a=ZZb"},
      {"100=%", "100=%"},
      {"end=4", "end=4"},
      {"=", ""},
      {"x=3D=3d", "x=="},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(DecodeQuotedPrintable(c.in), c.out) << c.in;
    EXPECT_EQ(DecodeTransfer(c.in, "Quoted-Printable"), c.out) << c.in;
    EXPECT_EQ(DecodedSize(c.in, "quoted-printable"), std::string(c.out).size()) << c.in;
  }
}

TEST(Transfer, DecodesBase64Leniently) {
  const Case kCases[] = {
      {"", ""},
      {"Zm9vYmFy", "foobar"},
      {"Zm9v\r\nYmFy\r\n", "foobar"},
      {"Zm9vYg==", "foob"},
      {"Zm9vYg", "foob"},        // missing padding
      {"Zm9vYmE", "fooba"},      // missing padding
      {"Zm9v*Ym!Fy", "foobar"},  // junk skipped
      {"Zg==Zm8=", "ffo"},       // glued chunks
      {"Z", ""},                 // a lone character carries no byte
      {"VEVTVA=", "TEST"},       // mikel-mail__error_emails_bad_encoded_subject.eml
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(DecodeBase64(c.in), c.out) << c.in;
    EXPECT_EQ(DecodeTransfer(c.in, "BASE64"), c.out) << c.in;
    EXPECT_EQ(DecodedSize(c.in, "base64"), std::string(c.out).size()) << c.in;
  }
}

TEST(Transfer, DecodesQEncoding) {
  EXPECT_EQ(DecodeQEncoding("Nicolas_Fouch=E9"), "Nicolas Fouch\xe9");
  EXPECT_EQ(DecodeQEncoding("a=3"), "a=3");
  EXPECT_EQ(DecodeQEncoding("=F0=9F=98=B3"), "\xf0\x9f\x98\xb3");
}

TEST(Transfer, OtherEncodingsAreIdentity) {
  for (const char* cte : {"7bit", "8bit", "binary", "8bits", "x-unknown", ""}) {
    EXPECT_EQ(DecodeTransfer("a=41\r\n", cte), "a=41\r\n") << cte;
    EXPECT_EQ(DecodedSize("a=41\r\n", cte), 6u) << cte;
  }
  // mikel-mail__error_emails_content_transfer_encoding_qp_with_space.eml
  EXPECT_EQ(DecodeTransfer("=41", "quoted printable"), "A");
}

TEST(Transfer, DecodesUuencode) {
  EXPECT_EQ(DecodeTransfer("begin 644 a.txt\n#0V%T\n`\nend\n", "x-uuencode"), "Cat");
  EXPECT_EQ(DecodeTransfer("no begin line\n", "x-uuencode"), "");
}

}  // namespace
}  // namespace konvert::mime
