#include "model/mail/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace konvert::mail {
namespace {

struct DecodeCase {
  std::string bytes;
  std::vector<char32_t> code_points;
};

TEST(Utf8, DecodesAndReplacesMalformedSequences) {
  const std::vector<DecodeCase> cases = {
      {"aЖ€😀", {'a', 0x416, 0x20AC, 0x1F600}},
      {"\xc0\xaf", {kReplacementCharacter, kReplacementCharacter}},  // overlong "/"
      {"\xed\xa0\x80", {kReplacementCharacter, kReplacementCharacter, kReplacementCharacter}},
      {"\xf4\x90\x80\x80", std::vector<char32_t>(4, kReplacementCharacter)},  // > U+10FFFF
      {"\xe2\x82", {kReplacementCharacter, kReplacementCharacter}},           // truncated
      {"\xd0x", {kReplacementCharacter, 'x'}},                                // bad continuation
      {"\xff", {kReplacementCharacter}},
  };
  for (const DecodeCase& c : cases) {
    SCOPED_TRACE(c.bytes);
    std::vector<char32_t> decoded;
    size_t pos = 0;
    while (pos < c.bytes.size()) decoded.push_back(NextCodePoint(c.bytes, &pos));
    EXPECT_EQ(decoded, c.code_points);
  }
}

TEST(Utf8, EncodesAndReplacesSurrogates) {
  std::string out;
  for (char32_t cp : {char32_t{'a'}, char32_t{0x416}, char32_t{0x20AC}, char32_t{0x1F600},
                      char32_t{0xD800}, char32_t{0x110000}}) {
    AppendUtf8(cp, &out);
  }
  EXPECT_EQ(out, "aЖ€😀\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace konvert::mail
