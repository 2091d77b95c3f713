// Every message of the shared corpus (/work/shared/corpus/eml, see its SOURCES.md) goes
// through the whole model/mime API without a crash, and everything that comes out is UTF-8.
#include "tests/model/mime/corpus.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <string>
#include <vector>

#include "model/mime/body_lists.h"
#include "model/mime/charset.h"
#include "model/mime/content_fields.h"
#include "model/mime/header_forms.h"
#include "model/mime/message.h"
#include "model/mime/preview.h"

namespace konvert::mime {
namespace {

std::string Json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Every corpus message through every function: no crash, offsets inside the input, UTF-8
// everywhere, preview within 256 code points, and a partId that is unique.
TEST(MimeCorpus, EveryMessageGoesThroughTheWholeApi) {
  std::vector<std::string> files = CorpusFiles();
  ASSERT_GE(files.size(), 79u);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::string raw = ReadFile(path);
    Message m = ParseMessage(raw);

    std::set<std::string> ids;
    std::vector<const Part*> stack = {&m.root};
    while (!stack.empty()) {
      const Part* p = stack.back();
      stack.pop_back();
      EXPECT_TRUE(ids.insert(p->part_id).second) << p->part_id;
      EXPECT_LE(p->offset, p->body_offset);
      EXPECT_LE(p->body_offset + p->body_length, raw.size());
      EXPECT_FALSE(p->type.empty());
      for (const std::optional<std::string>* s : {&p->name, &p->charset, &p->cid, &p->location}) {
        if (*s) {
          EXPECT_TRUE(IsValidUtf8(**s)) << **s;
        }
      }
      for (const Header& h : p->headers) {
        rapidjson::Document doc;
        for (HeaderForm form : {HeaderForm::kRaw, HeaderForm::kText, HeaderForm::kAddresses,
                                HeaderForm::kGroupedAddresses, HeaderForm::kMessageIds,
                                HeaderForm::kDate, HeaderForm::kURLs}) {
          rapidjson::Value v = HeaderValue(h.raw, form, doc.GetAllocator());
          if (form == HeaderForm::kRaw) continue;  // asRaw is the bytes as they are
          EXPECT_TRUE(IsValidUtf8(Json(v))) << h.name << " form " << static_cast<int>(form);
        }
      }
      if (p->sub_parts.empty()) {
        Decoded text = PartText(raw, *p);
        EXPECT_TRUE(IsValidUtf8(text.text)) << p->part_id;
        EXPECT_TRUE(IsValidUtf8(HtmlToText(text.text))) << p->part_id;
      }
      for (const Part& c : p->sub_parts) stack.push_back(&c);
    }

    BodyLists lists = ComputeBodyLists(m.root);
    for (const auto* list : {&lists.text_body, &lists.html_body, &lists.attachments}) {
      for (const Part* p : *list) EXPECT_TRUE(p->sub_parts.empty()) << p->part_id;
    }
    HasAttachment(lists);
    std::string preview = Preview(raw, lists);
    EXPECT_TRUE(IsValidUtf8(preview));
    EXPECT_LE(CodePoints(preview), kPreviewCodePoints);
  }
}

// Cut-off copies of the smaller corpus messages (a connection dropped mid-message) still
// parse into offsets inside the input, and their text still decodes to UTF-8.
TEST(MimeCorpus, TruncatedCopiesStillParse) {
  for (const std::string& path : CorpusFiles()) {
    std::string full = ReadFile(path);
    if (full.size() > 8192) continue;
    for (size_t cut = 0; cut < full.size(); cut += 13) {
      std::string raw = full.substr(0, cut);
      Message m = ParseMessage(raw);
      BodyLists lists = ComputeBodyLists(m.root);
      for (const Part* p : lists.text_body) {
        ASSERT_LE(p->body_offset + p->body_length, raw.size()) << path << " cut " << cut;
        ASSERT_TRUE(IsValidUtf8(PartText(raw, *p).text)) << path << " cut " << cut;
      }
      ASSERT_TRUE(IsValidUtf8(Preview(raw, lists))) << path << " cut " << cut;
    }
  }
}

std::string HeaderText(const Message& m, std::string_view name) {
  const Header* h = FindHeader(m.headers, name);
  return h ? TextForm(h->raw) : "(absent)";
}

std::string_view Body(std::string_view raw, const Part& part) {
  return raw.substr(part.body_offset, part.body_length);
}

TEST(MimeCorpus, Koi8rRawHeaders) {
  // cyrus__headers-koi8r.eml: unlabelled 8-bit KOI8-R (Cassandane email-get-8bit-headers).
  std::string raw = Corpus("cyrus__headers-koi8r.eml");
  Message m = ParseMessage(raw);
  EXPECT_EQ(HeaderText(m, "Subject"), "Москва - столица России.");
  std::vector<Address> from = ParseAddresses(FindHeader(m.headers, "From")->raw);
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0].name, "Фёдор Михайлович Достоевский");
  EXPECT_EQ(from[0].email, "fyodor@local");

  // cyrus__headers-utf8.eml: the same text as raw UTF-8.
  Message utf8 = ParseMessage(Corpus("cyrus__headers-utf8.eml"));
  EXPECT_EQ(HeaderText(utf8, "Subject"), "Москва - столица России.");
}

TEST(MimeCorpus, Windows1251RawHeaderAndQpBody) {
  // mikel-mail__plain_emails_raw_email_bad_time-windows-1251.eml
  std::string raw = Corpus("mikel-mail__plain_emails_raw_email_bad_time-windows-1251.eml");
  Message m = ParseMessage(raw);
  std::vector<Address> from = ParseAddresses(FindHeader(m.headers, "From")->raw);
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0].name, "Атиковa");  // Cyrillic, then a Latin "a", as sent
  ASSERT_EQ(m.root.sub_parts.size(), 2u);
  EXPECT_EQ(m.root.sub_parts[0].charset, "windows-1251");
  EXPECT_FALSE(PartText(raw, m.root.sub_parts[0]).problem);
}

TEST(MimeCorpus, Windows1252QuotedPrintable) {
  // mail-parser__issue-109-windows-1252-qp.eml: "=97" is U+2014 in both parts.
  std::string raw = Corpus("mail-parser__issue-109-windows-1252-qp.eml");
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 2u);
  EXPECT_EQ(PartText(raw, m.root.sub_parts[0]).text, "\u2014\n");
  std::string html = PartText(raw, m.root.sub_parts[1]).text;
  EXPECT_NE(html.find("<body dir=\"auto\">\n\u2014\n</body>"), std::string::npos) << html;
}

TEST(MimeCorpus, MidlineBoundaryStaysText) {
  // mail-parser__issue-156-midline-boundary.eml
  std::string raw = Corpus("mail-parser__issue-156-midline-boundary.eml");
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 1u);
  EXPECT_EQ(PartText(raw, m.root.sub_parts[0]).text, "visit --BND for details\nSECRET");
}

TEST(MimeCorpus, JapaneseRfc2231LongFileName) {
  // mikel-mail__multi_charset_japanese_attachment_long_name.eml: filename*0*= / filename*1*=
  // in the disposition, RFC 2047 words in the type's name.
  std::string raw = Corpus("mikel-mail__multi_charset_japanese_attachment_long_name.eml");
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 1u);
  const std::string kName =
      "かきくけこかきくけこ"
      "かきくけこかきくけこかきくけこ.txt";
  EXPECT_EQ(m.root.sub_parts[0].name, kName);
  ContentField type =
      ParseContentField(FindHeader(m.root.sub_parts[0].headers, "Content-Type")->raw);
  EXPECT_EQ(DecodedParam(type, "name"), kName);
  EXPECT_EQ(HeaderText(m, "Subject"),
            "まみむめもまみむめもまみむめもまみむめも"
            "まみむめもまみむめもまみむめもまみむめも"
            "まみむめもまみむめも");
}

TEST(MimeCorpus, CrlfBeforeBoundaryIsNotBody) {
  // mail-parser__rfc-005.eml: RFC 2046 §5.1.1's own example.
  std::string raw = Corpus("mail-parser__rfc-005.eml");
  Message m = ParseMessage(raw);
  ASSERT_EQ(m.root.sub_parts.size(), 2u);
  EXPECT_EQ(Body(raw, m.root.sub_parts[0]),
            "This is implicitly typed plain US-ASCII text.\nIt does NOT end with a linebreak.");
  EXPECT_EQ(Body(raw, m.root.sub_parts[1]),
            "This is explicitly typed plain US-ASCII text.\nIt DOES end with a linebreak.\n");
  EXPECT_EQ(m.root.sub_parts[0].type, "text/plain");
  EXPECT_EQ(m.root.sub_parts[0].size, m.root.sub_parts[0].body_length);
}

TEST(MimeCorpus, HugeSubjectOfEncodedWords) {
  // constructed__huge-subject-3000-encoded-words.eml (cyrus-imapd PR #2438): 3000 folded
  // words. DecodeEncodedWords reads each byte a bounded number of times; the full result
  // proves every word was decoded and joined.
  Message m = ParseMessage(Corpus("constructed__huge-subject-3000-encoded-words.eml"));
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    expected += "\U0001F633pointlessly long Subject header repeating and repeating";
  }
  EXPECT_EQ(HeaderText(m, "Subject"), expected);
  EXPECT_FALSE(m.truncated);
}

TEST(MimeCorpus, Iso2022JpWithoutCharset) {
  // cyrus__iso-2022-jp.eml: an ISO-2022-JP body without a charset parameter.
  std::string raw = Corpus("cyrus__iso-2022-jp.eml");
  Message m = ParseMessage(raw);
  EXPECT_EQ(PartText(raw, m.root).text.substr(0, 42), "シニアソフトウェアエンジニア");
}

TEST(MimeCorpus, LabelledAsianCharsets) {
  struct Case {
    const char* file;
    const char* starts_with;
  };
  const Case kCases[] = {
      {"mikel-mail__multi_charset_japanese_iso_2022.eml", "すみません。"},
      {"mikel-mail__multi_charset_japanese_shift_jis.eml", "あいうえお"},
      {"mikel-mail__multi_charset_ks_c_5601-1987.eml", "스티해"},
  };
  for (const Case& c : kCases) {
    std::string raw = Corpus(c.file);
    Message m = ParseMessage(raw);
    Decoded d = PartText(raw, m.root);
    EXPECT_EQ(d.text.substr(0, std::string(c.starts_with).size()), c.starts_with) << c.file;
    EXPECT_FALSE(d.problem) << c.file;
  }
  Message jp = ParseMessage(Corpus("mikel-mail__multi_charset_japanese_iso_2022.eml"));
  EXPECT_EQ(HeaderText(jp, "Subject"), "まみむめも");
  std::vector<Address> to = ParseAddresses(FindHeader(jp.headers, "To")->raw);
  ASSERT_EQ(to.size(), 1u);
  EXPECT_EQ(to[0].name, "みける");
}

TEST(MimeCorpus, EncodingMadnessAndBadWords) {
  // mikel-mail__error_emails_bad_encoded_subject.eml: unknown charset "NONE", short padding.
  Message bad = ParseMessage(Corpus("mikel-mail__error_emails_bad_encoded_subject.eml"));
  EXPECT_EQ(HeaderText(bad, "Subject"), "TEST");
  // mikel-mail__error_emails_encoding_madness.eml: raw UTF-8 in a quoted name, empty <>.
  Message madness = ParseMessage(Corpus("mikel-mail__error_emails_encoding_madness.eml"));
  std::vector<Address> reply = ParseAddresses(FindHeader(madness.headers, "Reply-To")->raw);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].name, "KLAUS- HÄNSCHEL");
  EXPECT_EQ(reply[0].email, "");
  // mikel-mail__mime_emails_raw_email_encoded_stack_level_too_deep.eml
  Message deep =
      ParseMessage(Corpus("mikel-mail__mime_emails_raw_email_encoded_stack_level_too_deep.eml"));
  EXPECT_EQ(HeaderText(deep, "Subject"), "Nicolas Fouché has accepted your invitation to Gmail");
  ASSERT_EQ(deep.root.sub_parts.size(), 2u);
  EXPECT_EQ(deep.root.sub_parts[1].type, "text/html");
}

TEST(MimeCorpus, IllegalAndQuotedBoundaries) {
  for (const char* file : {"mikel-mail__mime_emails_raw_email_with_illegal_boundary.eml",
                           "mikel-mail__mime_emails_raw_email_with_quoted_illegal_boundary.eml"}) {
    std::string raw = Corpus(file);
    Message m = ParseMessage(raw);
    ASSERT_EQ(m.root.sub_parts.size(), 2u) << file;
    EXPECT_EQ(m.root.sub_parts[0].type, "text/plain") << file;
    EXPECT_EQ(m.root.sub_parts[1].type, "text/html") << file;
    EXPECT_EQ(PartText(raw, m.root.sub_parts[0]).text.substr(0, 5), "Hello") << file;
  }
  // mikel-mail__mime_emails_email_with_similar_boundaries.eml: "X" and "X_alt".
  Message similar =
      ParseMessage(Corpus("mikel-mail__mime_emails_email_with_similar_boundaries.eml"));
  ASSERT_EQ(similar.root.sub_parts.size(), 2u);
  EXPECT_EQ(similar.root.sub_parts[0].sub_parts.size(), 2u);
  EXPECT_EQ(similar.root.sub_parts[1].name, "LOGO.png");
}

TEST(MimeCorpus, DovecotMalformedStructures) {
  // mail-parser-dovecot__malformed-013.eml: the same boundary reused at every level nests.
  Message same = ParseMessage(Corpus("mail-parser-dovecot__malformed-013.eml"));
  ASSERT_EQ(same.root.sub_parts.size(), 2u);
  EXPECT_EQ(same.root.sub_parts[1].sub_parts[1].sub_parts[1].sub_parts.size(), 2u);
  // mail-parser-dovecot__malformed-016.eml: 80+ character boundaries that are prefixes of
  // each other stay apart.
  Message prefixes = ParseMessage(Corpus("mail-parser-dovecot__malformed-016.eml"));
  ASSERT_EQ(prefixes.root.sub_parts.size(), 2u);
  EXPECT_EQ(prefixes.root.sub_parts[0].sub_parts[0].sub_parts[0].type, "text/plain");
  // mail-parser-dovecot__thirdparty-007.eml and cpython__msg_02.eml: digest defaults.
  Message digest = ParseMessage(Corpus("mail-parser-dovecot__thirdparty-007.eml"));
  ASSERT_EQ(digest.root.sub_parts.size(), 3u);
  for (const Part& p : digest.root.sub_parts) EXPECT_EQ(p.type, "message/rfc822");
  Message digest2 = ParseMessage(Corpus("cpython__msg_02.eml"));
  ASSERT_EQ(digest2.root.sub_parts.size(), 4u);
  EXPECT_EQ(digest2.root.sub_parts[2].sub_parts.size(), 5u);
  // mail-parser-dovecot__malformed-010.eml: message/rfc822 inside message/rfc822 is a leaf.
  Message loop = ParseMessage(Corpus("mail-parser-dovecot__malformed-010.eml"));
  EXPECT_EQ(loop.root.type, "message/rfc822");
  EXPECT_TRUE(loop.root.sub_parts.empty());
}

TEST(MimeCorpus, FileNames) {
  struct Case {
    const char* file;
    const char* part_id;
    const char* name;
  };
  const Case kCases[] = {
      {"mikel-mail__attachment_emails_attachment_nonascii_filename.eml", "2", "ciële.txt"},
      {"mikel-mail__attachment_emails_attachment_with_unquoted_name.eml", "2",
       "This is a test.txt"},
      {"mikel-mail__attachment_emails_attachment_with_base64_encoded_name.eml", "2",
       "This is a test.pdf"},
      {"james__attachment-filename-in-content-type.eml", "2", "filename.txt"},
      {"constructed__tnef-winmail-dat.eml", "2", "winmail.dat"},
  };
  for (const Case& c : kCases) {
    Message m = ParseMessage(Corpus(c.file));
    const Part* found = nullptr;
    for (const Part& p : m.root.sub_parts) {
      if (p.part_id == c.part_id) found = &p;
    }
    ASSERT_NE(found, nullptr) << c.file;
    EXPECT_EQ(found->name, c.name) << c.file;
  }
}

TEST(MimeCorpus, TransferEncodings) {
  // cyrus__base64-body.eml and nodemailer-mailparser__base64encodedroot.eml
  std::string raw = Corpus("cyrus__base64-body.eml");
  Message m = ParseMessage(raw);
  EXPECT_EQ(PartText(raw, m.root).text.substr(0, 18), "HEEEEEEEELO WORLDs");
  EXPECT_EQ(m.root.size, PartText(raw, m.root).text.size());
  // cyrus__utf8-base64-replacement.eml: valid UTF-8 holding U+FFFD is no problem and is
  // not charset-guessed.
  raw = Corpus("cyrus__utf8-base64-replacement.eml");
  m = ParseMessage(raw);
  Decoded d = PartText(raw, m.root);
  EXPECT_FALSE(d.problem);
  EXPECT_NE(d.text.find("\U0001F600"), std::string::npos);
  // cyrus__invalid-utf8.eml: invalid UTF-8 in a utf-8 part is an encoding problem.
  raw = Corpus("cyrus__invalid-utf8.eml");
  m = ParseMessage(raw);
  EXPECT_TRUE(PartText(raw, m.root).problem);
  // constructed__tnef-winmail-dat.eml: the size of a base64 attachment is its decoded size.
  raw = Corpus("constructed__tnef-winmail-dat.eml");
  m = ParseMessage(raw);
  EXPECT_EQ(m.root.sub_parts[1].size, 98184u);
}

}  // namespace
}  // namespace konvert::mime
