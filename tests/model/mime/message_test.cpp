#include "model/mime/message.h"

#include <gtest/gtest.h>

#include <string>

#include "model/mime/content_fields.h"

namespace konvert::mime {
namespace {

std::string_view Body(std::string_view raw, const Part& part) {
  return raw.substr(part.body_offset, part.body_length);
}

TEST(MimeParser, ParsesASinglePartMessage) {
  const std::string raw =
      "Subject: hi\r\n"
      "X-Folded: a\r\n b\r\n"
      "\r\n"
      "body\r\n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.headers.size(), 2u);
  EXPECT_EQ(m.headers[0].name, "Subject");
  EXPECT_EQ(m.headers[0].raw, " hi");
  EXPECT_EQ(m.headers[1].raw, " a\r\n b");  // folding kept (asRaw)
  EXPECT_EQ(m.root.part_id, "1");
  EXPECT_EQ(m.root.type, "text/plain");
  EXPECT_EQ(m.root.charset, "us-ascii");
  EXPECT_FALSE(m.root.charset_given);
  EXPECT_EQ(m.root.transfer_encoding, "7bit");
  EXPECT_EQ(Body(raw, m.root), "body\r\n");
  EXPECT_EQ(m.root.size, 6u);
  EXPECT_FALSE(m.truncated);
}

TEST(MimeParser, AcceptsLfOnlyAndCrlfAlike) {
  for (std::string eol : {"\r\n", "\n"}) {
    std::string raw = "Content-Type: multipart/mixed; boundary=b" + eol + eol + "--b" + eol +
                      "Content-Type: text/html" + eol + eol + "<p>x</p>" + eol + "--b--" + eol;
    Message m = ParseMessage(raw);
    ASSERT_EQ(m.root.sub_parts.size(), 1u) << eol.size();
    EXPECT_EQ(m.root.sub_parts[0].type, "text/html");
    EXPECT_EQ(Body(raw, m.root.sub_parts[0]), "<p>x</p>");
  }
}

TEST(MimeParser, NumbersPartsLikeImapSections) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\n\nfirst\n"
      "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\n\nplain\n--inner\nContent-Type: text/html\n\nhtml\n--inner--\n"
      "--outer\nContent-Type: message/rfc822\n\nSubject: x\n\nattached\n"
      "--outer--\n";
  Message m = ParseMessage(raw);
  EXPECT_EQ(m.root.part_id, "0");
  ASSERT_EQ(m.root.sub_parts.size(), 3u);
  EXPECT_EQ(m.root.sub_parts[0].part_id, "1");
  EXPECT_EQ(m.root.sub_parts[1].part_id, "2");
  ASSERT_EQ(m.root.sub_parts[1].sub_parts.size(), 2u);
  EXPECT_EQ(m.root.sub_parts[1].sub_parts[0].part_id, "2.1");
  EXPECT_EQ(m.root.sub_parts[1].sub_parts[1].part_id, "2.2");
  EXPECT_EQ(m.root.sub_parts[2].part_id, "3");
  EXPECT_TRUE(m.root.sub_parts[2].sub_parts.empty());  // message/rfc822 is a leaf
  EXPECT_EQ(Body(raw, m.root.sub_parts[2]), "Subject: x\n\nattached");
}

TEST(MimeParser, BoundaryCountsOnlyAsAWholeLine) {
  // mail-parser__issue-156-midline-boundary.eml
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=\"BND\"\n\n"
      "--BND\nContent-Type: text/plain\n\nvisit --BND for details\n--BNDx\nSECRET\n--BND--\n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 1u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[0]), "visit --BND for details\n--BNDx\nSECRET");
}

TEST(MimeParser, DelimiterMayCarryTransportPadding) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\n\n--b \t\n\none\n--b\t\n\ntwo\n--b-- \n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 2u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[1]), "two");
}

TEST(MimeParser, LineBreakBeforeDelimiterIsNotBody) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "preamble\r\n--b\r\n\r\nno break\r\n--b\r\n\r\none break\r\n\r\n--b\r\n\r\n--b--\r\nepilogue";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 3u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[0]), "no break");
  EXPECT_EQ(Body(raw, m.root.sub_parts[1]), "one break\r\n");
  EXPECT_EQ(Body(raw, m.root.sub_parts[2]), "");
  EXPECT_EQ(m.root.sub_parts[2].size, 0u);
}

TEST(MimeParser, OuterDelimiterClosesAnUnterminatedInnerMultipart) {
  // Like mail-parser-dovecot__malformed-009.eml.
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=\"1\"\n\n"
      "--1\nContent-Type: multipart/mixed; boundary=\"2\"\n\n"
      "--2\n\none\n--1\n\ntwo\n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 2u);
  ASSERT_EQ(m.root.sub_parts[0].sub_parts.size(), 1u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[0].sub_parts[0]), "one");
  EXPECT_EQ(Body(raw, m.root.sub_parts[1]), "two\n");
}

TEST(MimeParser, InnerBoundaryWinsOverOuterItResembles) {
  // mail-parser-dovecot__malformed-005.eml: "--a----" is the inner delimiter, not the outer
  // ("a--") close delimiter.
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=\"a--\"\n\n"
      "--a--\nContent-Type: multipart/mixed; boundary=\"a----\"\n\n"
      "--a----\nContent-Type: text/plain\n\nbody\n--a------\n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 1u);
  ASSERT_EQ(m.root.sub_parts[0].sub_parts.size(), 1u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[0].sub_parts[0]), "body");
}

TEST(MimeParser, DefaultsContentTypes) {
  const std::string raw =
      "Content-Type: multipart/digest; boundary=d\n\n"
      "--d\n\nSubject: digest item\n\nx\n"
      "--d\nContent-Type: garbage\n\ny\n"
      "--d\nContent-Type: multipart/mixed\n\nno boundary\n"
      "--d--\n";
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 3u);
  EXPECT_EQ(m.root.sub_parts[0].type, "message/rfc822");  // RFC 2046 §5.1.5
  EXPECT_EQ(m.root.sub_parts[1].type, "message/rfc822");  // invalid: the default
  EXPECT_EQ(m.root.sub_parts[2].type, "text/plain");      // multipart without boundary
}

TEST(MimeParser, ReadsContentFields) {
  const std::string raw =
      "Content-Type: TEXT/Plain; CHARSET=\"ISO-8859-1\"; name=\"a.txt\"\n"
      "Content-Disposition: ATTACHMENT; filename=\"b.txt\"\n"
      "Content-Transfer-Encoding: Quoted-Printable\n"
      "Content-ID: <id@x>\n"
      "Content-Language: en, ru\n"
      "Content-Location: http://example.org/a\n"
      "\n"
      "caf=E9\n";
  Message m = ParseMessage(raw);
  const Part& p = m.root;
  EXPECT_EQ(p.type, "text/plain");
  EXPECT_EQ(p.charset, "iso-8859-1");
  EXPECT_TRUE(p.charset_given);
  EXPECT_EQ(p.name, "b.txt");  // the disposition's filename wins over the type's name
  EXPECT_EQ(p.disposition, "attachment");
  EXPECT_EQ(p.transfer_encoding, "quoted-printable");
  EXPECT_EQ(p.cid, "id@x");
  EXPECT_EQ(p.language, (std::vector<std::string>{"en", "ru"}));
  EXPECT_EQ(p.location, "http://example.org/a");
  EXPECT_EQ(p.size, 5u);  // "caf\xe9\n"
}

struct NameCase {
  const char* field;
  const char* name;
};

TEST(ContentFields, DecodesFileNames) {
  const NameCase kCases[] = {
      {"attachment; filename=plain.txt", "plain.txt"},
      {"attachment; filename=\"with space.txt\"", "with space.txt"},
      {"attachment; filename=This is a test.txt", "This is a test.txt"},
      {"attachment; filename=\"a\\\"b.txt\"", "a\"b.txt"},
      // RFC 2231 §4: charset and language, percent-encoded.
      {"attachment; filename*=utf-8''%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0.txt", "Москва.txt"},
      {"attachment; filename*=iso-8859-1'fr'caf%E9", "café"},
      // RFC 2231 §3-4: continuations, mixed encoded and plain, out of order.
      {"attachment; filename*1*=%BA%D0%B2%D0%B0.txt; filename*0*=utf-8'ru'%D0%9C%D0%BE%D1%81%D0",
       "Москва.txt"},
      {"attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "long name.txt"},
      {"attachment; filename*0*=utf-8''%C3%A9; filename*1=\"-plain\"", "é-plain"},
      // RFC 2047 words inside quotes (james__attachment-filename-in-content-type.eml).
      {"attachment; filename=\"=?utf-8?B?0JzQvtGB0LrQstCw?=.txt\"", "Москва.txt"},
      // Raw 8-bit names (mikel-mail__attachment_emails_attachment_nonascii_filename.eml).
      {"attachment; filename=\"ci\xebl"
       "e.txt\"",
       "ciële.txt"},
      {"attachment; filename=\"ci\xc3\xablE.txt\"", "ciëlE.txt"},
  };
  for (const NameCase& c : kCases) {
    EXPECT_EQ(DecodedParam(ParseContentField(c.field), "filename"), c.name) << c.field;
  }
  EXPECT_EQ(DecodedParam(ParseContentField("inline"), "filename"), std::nullopt);
}

TEST(ContentFields, ToleratesMissingSemicolonAndComments) {
  // mail-parser-dovecot__malformed-017.eml
  ContentField f = ParseContentField(" multipart/mixed\r\n\tboundary=\"boundary\"");
  EXPECT_EQ(f.value, "multipart/mixed");
  EXPECT_EQ(f.Param("boundary"), "boundary");
  // mikel-mail__mime_emails_raw_email_with_illegal_boundary.eml: '=' inside a token.
  f = ParseContentField(
      "multipart/alternative; boundary=----=_NextPart_000_0093_01C81419.EB75E850");
  EXPECT_EQ(f.Param("boundary"), "----=_NextPart_000_0093_01C81419.EB75E850");
  f = ParseContentField("text/plain; charset=us-ascii (Plain text); format=flowed");
  EXPECT_EQ(f.Param("charset"), "us-ascii");
  EXPECT_EQ(f.Param("format"), "flowed");
}

TEST(MimeParser, LimitsNestingDepth) {
  std::string raw;
  const int kLevels = 50;
  for (int i = 0; i < kLevels; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
           std::to_string(i) + "\n";
  }
  raw += "\nleaf\n";
  Limits limits;
  limits.max_depth = 8;
  Message m = ParseMessage(raw, limits);
  EXPECT_TRUE(m.truncated);
  size_t depth = 0;
  for (const Part* p = &m.root; !p->sub_parts.empty(); p = &p->sub_parts[0]) ++depth;
  EXPECT_LT(depth, 8u);

  // The default limit handles the same input.
  Message deep = ParseMessage(raw);
  EXPECT_TRUE(deep.truncated);  // 50 > 32
}

TEST(MimeParser, LimitsPartCount) {
  std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 100; ++i) raw += "--b\n\npart\n";
  raw += "--b--\n";
  Limits limits;
  limits.max_parts = 10;
  Message m = ParseMessage(raw, limits);
  EXPECT_TRUE(m.truncated);
  EXPECT_EQ(m.root.sub_parts.size(), 9u);  // the root counts too
  EXPECT_FALSE(ParseMessage(raw).truncated);
}

TEST(MimeParser, LimitsHeaderSizeAndCount) {
  std::string raw;
  for (int i = 0; i < 100; ++i) raw += "X-H" + std::to_string(i) + ": value\n";
  raw += "\nbody";
  Limits limits;
  limits.max_headers = 10;
  Message m = ParseMessage(raw, limits);
  EXPECT_TRUE(m.truncated);
  EXPECT_EQ(m.headers.size(), 10u);
  EXPECT_EQ(Body(raw, m.root), "body");  // the body is still found

  limits = Limits();
  limits.max_header_bytes = 50;  // "X-H0" and " value": five fields of ten bytes
  m = ParseMessage(raw, limits);
  EXPECT_TRUE(m.truncated);
  EXPECT_EQ(m.headers.size(), 5u);
  EXPECT_EQ(Body(raw, m.root), "body");
}

// Regression (tester's report, issue 3): a header block over max_header_bytes lost every
// field after the limit, so a message with a 1 MiB Subject and a 1 MiB X-Huge lost its
// Content-Type, Date and Message-ID and was shown as one text/plain part. Now each field is
// cut on its own and the fields after it are still read.
struct HugeHeaderCase {
  const char* what;
  std::string before;    // fields ahead of the normal ones
  size_t subject_bytes;  // what of the Subject is kept, 0 when there is none
};

TEST(MimeParser, KeepsFieldsAfterHugeOnes) {
  const std::string kMiB(1 << 20, 'a');
  const std::string kHalfMiB(1 << 19, 'b');
  const Limits kLimits;
  const HugeHeaderCase kCases[] = {
      {"1 MiB Subject and 1 MiB X-Huge", "Subject: " + kMiB + "\r\nX-Huge: " + kMiB + "\r\n",
       kLimits.max_field_bytes - 7},
      {"folded 1 MiB Subject", "Subject: " + kHalfMiB + "\r\n " + kHalfMiB + "\r\n",
       kLimits.max_field_bytes - 7},
      {"budget filled by many large fields",
       [&] {
         std::string fields;
         for (int i = 0; i < 8; ++i) fields += "X-Big" + std::to_string(i) + ": " + kMiB + "\r\n";
         return fields;
       }(),
       0},
      {"10,000 small fields",
       [] {
         std::string fields;
         for (int i = 0; i < 10000; ++i) fields += "X-Small: " + std::to_string(i) + "\r\n";
         return fields;
       }(),
       0},
  };
  for (const HugeHeaderCase& c : kCases) {
    const std::string raw = c.before +
                            "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                            "Message-ID: <later@example.org>\r\n"
                            "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                            "--b\r\nContent-Type: text/plain\r\n\r\none\r\n"
                            "--b\r\nContent-Type: image/png\r\n\r\ntwo\r\n"
                            "--b--\r\n";
    Message m = ParseMessage(raw);
    EXPECT_TRUE(m.truncated) << c.what;
    EXPECT_EQ(m.root.type, "multipart/mixed") << c.what;
    ASSERT_EQ(m.root.sub_parts.size(), 2u) << c.what;
    EXPECT_EQ(Body(raw, m.root.sub_parts[0]), "one") << c.what;
    EXPECT_EQ(m.root.sub_parts[1].type, "image/png") << c.what;
    ASSERT_NE(FindHeader(m.headers, "Content-Type"), nullptr) << c.what;
    if (c.subject_bytes > 0) {
      // Small later fields fit in the budget too, not only the structural ones.
      ASSERT_NE(FindHeader(m.headers, "Date"), nullptr) << c.what;
      ASSERT_NE(FindHeader(m.headers, "Message-ID"), nullptr) << c.what;
      EXPECT_EQ(FindHeader(m.headers, "Message-ID")->raw, " <later@example.org>") << c.what;
      ASSERT_NE(FindHeader(m.headers, "Subject"), nullptr) << c.what;
      EXPECT_EQ(FindHeader(m.headers, "Subject")->raw.size(), c.subject_bytes) << c.what;
    }

    // Memory stays bounded: the rule of Limits in message.h.
    size_t kept = 0;
    for (const Header& h : m.headers) kept += h.name.size() + h.raw.size();
    EXPECT_LE(kept, kLimits.max_header_bytes + 6 * kLimits.max_field_bytes) << c.what;
    EXPECT_LE(m.headers.size(), kLimits.max_headers + 6) << c.what;
  }
}

// A field cut at max_field_bytes ends on a whole UTF-8 character, so that asRaw and asText
// still read it as UTF-8.
TEST(MimeParser, CutsFieldsOnACharacterBoundary) {
  Limits limits;
  limits.max_field_bytes = 7 + 4;  // "Subject" and " \xD0\x9C\xD0", which splits "М"
  Message m = ParseMessage("Subject: \xD0\x9C\xD0\x9C\r\n\r\nbody", limits);
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].raw, " \xD0\x9C");
  EXPECT_TRUE(m.truncated);
}

TEST(MimeParser, SurvivesBrokenInput) {
  const char* kInputs[] = {
      "",
      "\n",
      "no headers at all",
      ": empty name\n\nbody",
      " continuation first\nSubject: x\n\n",
      "Content-Type: multipart/mixed; boundary=b\n\n--b",
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n",
      "Content-Type: multipart/mixed; boundary=b\n\n--b--",
      "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n",
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; "
      "boundary=b\n\n--b\n--b\n",
      "From someone@example.org Mon Jan 1 00:00:00 2024\nSubject: mbox\n\nbody",
  };
  for (const char* in : kInputs) {
    Message m = ParseMessage(in);
    EXPECT_LE(m.root.body_offset + m.root.body_length, std::string_view(in).size()) << in;
  }
  Message mbox = ParseMessage(kInputs[10]);
  ASSERT_EQ(mbox.headers.size(), 1u);
  EXPECT_EQ(mbox.headers[0].name, "Subject");
}

}  // namespace
}  // namespace konvert::mime
