#include "model/mime/encoded_words.h"

#include <gtest/gtest.h>

#include <string>

#include "model/mime/charset.h"

namespace konvert::mime {
namespace {

struct Case {
  const char* in;
  const char* out;
};

TEST(EncodedWords, DecodesRfc2047Examples) {
  const Case kCases[] = {
      {"", ""},
      {"plain text", "plain text"},
      {"=?ISO-8859-1?Q?a?=", "a"},
      {"=?ISO-8859-1?Q?a?= b", "a b"},
      {"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"},  // RFC 2047 §8
      {"=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=", "ab"},
      {"=?ISO-8859-1?Q?a?=\r\n  =?ISO-8859-1?Q?b?=", "ab"},
      {"=?ISO-8859-1?Q?a_b?=", "a b"},
      {"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"},
      {"=?utf-8?B?0JzQvtGB0LrQstCw?=", "Москва"},
      {"=?utf-8*ru?B?0JzQvtGB0LrQstCw?=", "Москва"},  // RFC 2231 §5 language
      {"=?ISO-8859-1?Q?Nicolas_Fouch=E9?= <a.b@gmail.com>", "Nicolas Fouché <a.b@gmail.com>"},
      {"Re: =?koi8-r?B?7c/Ty9fB?=", "Re: Москва"},
      {"=?windows-1252?Q?=97?=", "\xe2\x80\x94"},
  };
  for (const Case& c : kCases) EXPECT_EQ(DecodeEncodedWords(c.in), c.out) << c.in;
}

TEST(EncodedWords, JoinsACharacterSplitAcrossWords) {
  // "Москва" in UTF-8 is d0 9c d0 be ...; the first word ends inside "о".
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?Q?=D0=9C=D0?= =?UTF-8?Q?=BE=D1=81?="), "Мос");
  // The same across base64 words.
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?B?0J8=?= =?utf-8?B?0YA=?="), "Пр");
  EXPECT_EQ(DecodeEncodedWords("=?utf-8?B?0A==?= =?utf-8?B?nw==?="), "П");
}

TEST(EncodedWords, LeavesMalformedWordsLiterally) {
  const Case kCases[] = {
      {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},  // unknown encoding
      {"=?utf-8?Q?abc", "=?utf-8?Q?abc"},      // no end
      {"=??Q?abc?=", "=??Q?abc?="},            // no charset
      {"=?utf-8?Q?a b?=", "=?utf-8?Q?a b?="},  // whitespace inside
      {"a =? b", "a =? b"},
      {"=?=?=?", "=?=?=?"},
  };
  for (const Case& c : kCases) EXPECT_EQ(DecodeEncodedWords(c.in), c.out) << c.in;
}

TEST(EncodedWords, UnknownCharsetKeepsAsciiBytes) {
  // mikel-mail__error_emails_bad_encoded_subject.eml
  EXPECT_EQ(DecodeEncodedWords("=?NONE?B?VEVTVA=?="), "TEST");
  EXPECT_EQ(DecodeEncodedWords("=?x-unknown?Q?=E9?="), "\xef\xbf\xbd");
}

TEST(EncodedWords, DecodesRaw8bitTextAroundWords) {
  EXPECT_EQ(DecodeEncodedWords("\xed\xcf\xd3\xcb\xd7\xc1 =?utf-8?Q?x?="), "Москва x");
  EXPECT_EQ(DecodeEncodedWords("S\xc3\xa4ying =?utf-8?Q?x?="), "Säying x");
}

TEST(EncodedWords, ManyWordsDecodeInOnePass) {
  // constructed__huge-subject-3000-encoded-words.eml's shape, built here: each word is read
  // once and the joined bytes converted once, so the result is the exact concatenation.
  const std::string word =
      "=?utf-8?Q?=F0=9F=98=B3pointlessly_long_Subject_header_repeating_and_repeating?=";
  const std::string decoded =
      "\xf0\x9f\x98\xb3pointlessly long Subject header repeating and repeating";
  std::string in, expected;
  for (int i = 0; i < 3000; ++i) {
    in += (i ? "\r\n " : "") + word;
    expected += decoded;
  }
  EXPECT_EQ(DecodeEncodedWords(in), expected);

  // Unterminated words glued together: the cached "no ?= before" bound keeps this linear.
  std::string unterminated;
  for (int i = 0; i < 20000; ++i) unterminated += "=?a?Q?x";
  EXPECT_EQ(DecodeEncodedWords(unterminated), unterminated);
}

}  // namespace
}  // namespace konvert::mime
