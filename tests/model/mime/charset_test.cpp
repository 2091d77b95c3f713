#include "model/mime/charset.h"

#include <gtest/gtest.h>

namespace konvert::mime {
namespace {

struct ToUtf8Case {
  const char* bytes;
  const char* charset;
  const char* text;
  bool problem;
};

TEST(Charset, ConvertsLabelledText) {
  const ToUtf8Case kCases[] = {
      {"plain", "us-ascii", "plain", false},
      {"caf\xe9", "ISO-8859-1", "caf\xc3\xa9", false},
      // iso-8859-1 and latin1 use the windows-1252 table (WHATWG): 0x97 is an em dash,
      // 0x80 the euro sign, 0x81 (unassigned) its C1 control.
      {"a\x97z", "iso-8859-1", "a\xe2\x80\x94z", false},
      {"\x80", "latin1", "\xe2\x82\xac", false},
      {"\x81", "windows-1252", "\xc2\x81", false},
      // us-ascii that is really UTF-8 stays UTF-8; otherwise windows-1252.
      {"\xc3\xa9", "us-ascii", "\xc3\xa9", false},
      {"\xe9", "us-ascii", "\xc3\xa9", false},
      {"\xcc\xee\xf1\xea\xe2\xe0", "windows-1251", "Москва", false},
      {"\xed\xcf\xd3\xcb\xd7\xc1", "KOI8-R", "Москва", false},
      {"\x82\xa0", "shift_jis", "あ", false},
      {"\x1b$B$9$_$^$;$s\x1b(B", "ISO-2022-JP", "すみません", false},
      {"\xbd\xba", "ks_c_5601-1987", "스", false},
      {"\xe4\xbd\xa0", "UTF-8", "你", false},
      {"\xe4\xbd", "utf-8", "\xef\xbf\xbd", true},
      {"a\xffz", "utf8", "a\xef\xbf\xbdz", true},
      // Unknown charsets are replaced, never fatal.
      {"ascii only", "x-no-such-charset", "ascii only", false},
      {"\xe9t\xe9", "x-no-such-charset", "\xef\xbf\xbdt\xef\xbf\xbd", true},
      {"\xe9", "", "\xef\xbf\xbd", true},
  };
  for (const ToUtf8Case& c : kCases) {
    Decoded d = ToUtf8(c.bytes, c.charset);
    EXPECT_EQ(d.text, c.text) << c.charset << " " << c.bytes;
    EXPECT_EQ(d.problem, c.problem) << c.charset << " " << c.bytes;
    EXPECT_TRUE(IsValidUtf8(d.text));
  }
}

TEST(Charset, InvalidSequenceInLegacyCharsetIsAProblem) {
  Decoded d = ToUtf8("\x82", "shift_jis");  // a lead byte with nothing after it
  EXPECT_TRUE(d.problem);
  EXPECT_EQ(d.text, "\xef\xbf\xbd");
}

TEST(Charset, Iso2022JpWithoutLabelIsDecoded) {
  // cyrus__iso-2022-jp.eml: ISO-2022-JP body with no charset parameter.
  EXPECT_EQ(ToUtf8("\x1b$B$9$_$^$;$s\x1b(B", "us-ascii").text, "すみません");
  EXPECT_EQ(Raw8bitToUtf8("\x1b$B$9$_$^$;$s\x1b(B"), "すみません");
}

struct RawCase {
  const char* bytes;
  const char* text;
};

TEST(Charset, DetectsUnlabelledText) {
  const char* kFyodor = "Фёдор Михайлович";
  const RawCase kCases[] = {
      {"", ""},
      {"ascii", "ascii"},
      // Valid UTF-8 is kept.
      {kFyodor, kFyodor},
      // Raw KOI8-R and windows-1251 headers (cyrus__headers-koi8r.eml and
      // mikel-mail__plain_emails_raw_email_bad_time-windows-1251.eml).
      {"\xed\xcf\xd3\xcb\xd7\xc1 - \xd3\xd4\xcf\xcc\xc9\xc3\xc1 \xf2\xcf\xd3\xd3\xc9\xc9.",
       "Москва - столица России."},
      {"\xcc\xee\xf1\xea\xe2\xe0 - \xf1\xf2\xee\xeb\xe8\xf6\xe0 \xd0\xee\xf1\xf1\xe8\xe8.",
       "Москва - столица России."},
      {"\xe6\xa3\xc4\xcf\xd2 \xed\xc9\xc8\xc1\xca\xcc\xcf\xd7\xc9\xde", kFyodor},
      // Western text with a few Latin-1 letters stays Western.
      {"Gr\xfc\xdf"
       "e aus K\xf6ln",
       "Grüße aus Köln"},
  };
  for (const RawCase& c : kCases) {
    EXPECT_EQ(Raw8bitToUtf8(c.bytes), c.text) << c.bytes;
  }
}

TEST(Charset, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\xb3"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // cut short
  bool problem = false;
  EXPECT_EQ(RepairUtf8("a\xc0\xafz", &problem), "a\xef\xbf\xbd\xef\xbf\xbdz");
  EXPECT_TRUE(problem);
  problem = false;
  EXPECT_EQ(RepairUtf8("\xe2\x82z", &problem), "\xef\xbf\xbdz");  // one per cut sequence
  EXPECT_TRUE(problem);
  problem = false;
  EXPECT_EQ(RepairUtf8("ok", &problem), "ok");
  EXPECT_FALSE(problem);
}

}  // namespace
}  // namespace konvert::mime
