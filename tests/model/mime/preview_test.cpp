#include "model/mime/preview.h"

#include <gtest/gtest.h>

#include <string>

#include "model/mime/charset.h"

namespace konvert::mime {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST(Preview, CollapsesWhitespaceAndCapsAt256CodePoints) {
  std::string body;
  for (int i = 0; i < 200; ++i) body += "Привет  \r\n\t";
  std::string raw = "Content-Type: text/plain; charset=utf-8\n\n" + body;
  Message m = ParseMessage(raw);
  std::string preview = Preview(raw, ComputeBodyLists(m.root));
  EXPECT_EQ(CodePoints(preview), 256u);
  EXPECT_TRUE(IsValidUtf8(preview));
  const std::string kStart = "Привет Привет";
  EXPECT_EQ(preview.substr(0, kStart.size()), kStart);
  EXPECT_EQ(preview.find("  "), std::string::npos);
}

TEST(Preview, DropsBidiOverridesAndControls) {
  // Found by a tester: U+202E survived into the preview.
  std::string raw =
      "Content-Type: text/plain; charset=utf-8\n\nhi\x01 there \xe2\x80\xae evil\x7f end";
  Message m = ParseMessage(raw);
  EXPECT_EQ(Preview(raw, ComputeBodyLists(m.root)), "hi there evil end");
}

TEST(Preview, UsesHtmlWhenThereIsNoPlainText) {
  std::string raw =
      "Content-Type: text/html; charset=utf-8\n\n"
      "<html><head><title>T</title><style>p{color:red}</style></head>"
      "<body><script>var x = 1;</script><p>Caf&eacute; &amp; &#x41;&#66;</p><p>next</p>"
      "<!-- hidden --></body></html>";
  Message m = ParseMessage(raw);
  EXPECT_EQ(Preview(raw, ComputeBodyLists(m.root)), "Café & AB next");
}

TEST(Preview, EmptyWithoutText) {
  std::string raw = "Content-Type: image/png\n\npng";
  Message m = ParseMessage(raw);
  EXPECT_EQ(Preview(raw, ComputeBodyLists(m.root)), "");
}

TEST(HtmlToText, DropsTagsAndDecodesReferences) {
  struct Case {
    const char* html;
    const char* text;
  };
  const Case kCases[] = {
      {"a<b>b</b>c", "abc"},
      {"a<br>b", "a\nb"},
      {"1 < 2 &lt; 3", "1 < 2 < 3"},
      {"&nbsp;&copy;&mdash;&#8212;&#x1F600;&bogus;&", "\xc2\xa0©——😀&bogus;&"},
      {"<a href=\"x>y\">link</a>", "link"},
      {"<style>unclosed", ""},
      {"<head><title>t</title></head>body", "body"},
      {"<HEAD>no end", "no end"},
  };
  for (const Case& c : kCases) EXPECT_EQ(HtmlToText(c.html), c.text) << c.html;
}

TEST(Truncate, NeverSplitsACharacter) {
  EXPECT_EQ(TruncateUtf8("abc", 10), "abc");
  EXPECT_EQ(TruncateUtf8("abc", 2), "ab");
  EXPECT_EQ(TruncateUtf8("aé", 2), "a");  // é is two bytes
  EXPECT_EQ(TruncateUtf8("a😀", 4), "a");  // 😀 is four bytes
  EXPECT_EQ(TruncateUtf8("a😀", 5), "a😀");
  EXPECT_EQ(TruncateUtf8("", 0), "");
  EXPECT_EQ(TruncateCodePoints("Москва", 3), "Мос");
  EXPECT_EQ(TruncateCodePoints("ab", 5), "ab");
}

TEST(PartText, DecodesTransferAndCharset) {
  std::string raw =
      "Content-Type: text/plain; charset=windows-1252\n"
      "Content-Transfer-Encoding: quoted-printable\n\n=97 caf=E9";
  Message m = ParseMessage(raw);
  Decoded d = PartText(raw, m.root);
  EXPECT_EQ(d.text, "— café");
  EXPECT_FALSE(d.problem);

  raw = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n/w==";
  m = ParseMessage(raw);
  d = PartText(raw, m.root);
  EXPECT_EQ(d.text, "\xef\xbf\xbd");
  EXPECT_TRUE(d.problem);  // isEncodingProblem
}

}  // namespace
}  // namespace konvert::mime
