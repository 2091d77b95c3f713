// Regression tests for a tester's report (issue 3, Email/get): strings derived from headers
// and bodies carried raw 8-bit bytes, invalid UTF-8, control characters and bidi overrides
// into JSON and into file names. One invalid string made the whole Email/get response fail.
//
// Every public function of model/mime that returns text is fed every hostile fragment in
// every position that matters, and what comes back must be valid UTF-8.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/mime/addresses.h"
#include "model/mime/body_lists.h"
#include "model/mime/charset.h"
#include "model/mime/content_fields.h"
#include "model/mime/encoded_words.h"
#include "model/mime/header_forms.h"
#include "model/mime/message.h"
#include "model/mime/preview.h"

namespace konvert::mime {
namespace {

using namespace std::string_literals;

// Bytes a hostile or broken message may hold. Dovecot stores NUL as 0x80, so both appear.
const std::vector<std::string> kHostile = {
    "\x80"s,
    "\x80\x81\xfe\xff"s,
    "a\0b"s,
    "\xed\xa0\x80"s,                // a lone surrogate (U+D800) written as UTF-8
    "\xed\xbf\xbf\xed\xa0\x80"s,    // a surrogate pair written as two UTF-8 sequences
    "\xc0\xaf"s,                    // an overlong '/'
    "\xf4\x90\x80\x80"s,            // past U+10FFFF
    "\xe2\x82"s,                    // a cut sequence
    "caf\xe9"s,                     // Latin-1
    "\x1b$B\x80"s,                  // an ISO-2022 escape followed by 8-bit garbage
    "=?utf-8?B?7aCA?="s,            // an encoded-word holding a lone surrogate
    "=?utf-8?Q?=80=FF=00?="s,       // an encoded-word holding invalid UTF-8 and NUL
    "=?utf-16?B?2AA=?="s,           // an encoded-word holding a lone UTF-16 surrogate
    "=?x-bogus?Q?=FF=ED=A0=80?="s,  // an unknown charset
    "=?\x80\xff?Q?=FF?="s,          // a charset name in 8-bit
};

void ExpectUtf8(std::string_view s, const std::string& where) {
  EXPECT_TRUE(IsValidUtf8(s)) << where;
}

void ExpectJsonUtf8(const rapidjson::Value& v, const std::string& where) {
  if (v.IsString()) {
    ExpectUtf8(std::string_view(v.GetString(), v.GetStringLength()), where);
  } else if (v.IsArray()) {
    for (const rapidjson::Value& item : v.GetArray()) ExpectJsonUtf8(item, where);
  } else if (v.IsObject()) {
    for (const auto& member : v.GetObject()) {
      ExpectJsonUtf8(member.name, where);
      ExpectJsonUtf8(member.value, where);
    }
  }
}

void ExpectOptionalUtf8(const std::optional<std::string>& s, const std::string& where) {
  if (s) ExpectUtf8(*s, where);
}

// Every string a Part holds except Header::raw, which is the field's bytes by contract.
void ExpectPartUtf8(const Part& part, const std::string& where) {
  ExpectUtf8(part.part_id, where + " part_id");
  for (const Header& h : part.headers) ExpectUtf8(h.name, where + " header name");
  ExpectUtf8(part.type, where + " type");
  ExpectOptionalUtf8(part.charset, where + " charset");
  ExpectOptionalUtf8(part.name, where + " name");
  ExpectOptionalUtf8(part.disposition, where + " disposition");
  ExpectOptionalUtf8(part.cid, where + " cid");
  ExpectOptionalUtf8(part.location, where + " location");
  ExpectUtf8(part.transfer_encoding, where + " transfer_encoding");
  if (part.language) {
    for (const std::string& tag : *part.language) ExpectUtf8(tag, where + " language");
  }
  for (const Part& child : part.sub_parts) ExpectPartUtf8(child, where);
}

// Header field values that put `h` where each form reads text, ids or addresses.
std::vector<std::string> FieldValues(const std::string& h) {
  return {
      " " + h,
      " <" + h + "@example.org>",
      " <a@b> <" + h + "> <" + h + "@" + h + ">",
      " <http://example.org/" + h + ">, <mailto:" + h + ">",
      " \"" + h + "\" <" + h + "@example.org>",
      " " + h + " <a@example.org>",
      " a@example.org (" + h + ")",
      " " + h + "@" + h,
      " Group" + h + ": " + h + "@x, " + h + " <y@z>;",
      " Mon, 1 Jan 2024 00:00:00 " + h,
  };
}

TEST(MimeHostileInput, HeaderFormsGiveUtf8) {
  for (const std::string& h : kHostile) {
    for (const std::string& raw : FieldValues(h)) {
      rapidjson::Document doc;
      for (HeaderForm form : {HeaderForm::kRaw, HeaderForm::kText, HeaderForm::kAddresses,
                              HeaderForm::kGroupedAddresses, HeaderForm::kMessageIds,
                              HeaderForm::kDate, HeaderForm::kURLs}) {
        ExpectJsonUtf8(HeaderValue(raw, form, doc.GetAllocator()),
                       "form " + std::to_string(static_cast<int>(form)) + " of " + raw);
      }
      ExpectUtf8(TextForm(raw), "TextForm " + raw);
      for (auto ids : {ParseMessageIds(raw), ParseUrls(raw)}) {
        if (!ids) continue;
        for (const std::string& id : *ids) ExpectUtf8(id, "ids/urls of " + raw);
      }
      for (const AddressGroup& g : ParseGroupedAddresses(raw)) {
        ExpectOptionalUtf8(g.name, "group name of " + raw);
        for (const Address& a : g.addresses) {
          ExpectOptionalUtf8(a.name, "name of " + raw);
          ExpectUtf8(a.email, "email of " + raw);
        }
      }
      for (const Address& a : ParseAddresses(raw)) {
        ExpectOptionalUtf8(a.name, "name of " + raw);
        ExpectUtf8(a.email, "email of " + raw);
      }
    }
  }
}

TEST(MimeHostileInput, CharsetFunctionsGiveUtf8) {
  const char* kCharsets[] = {"utf-8",  "us-ascii",   "iso-8859-1", "koi8-r", "utf-16",
                             "utf-7",  "cesu-8",     "x-bogus",    "",       "iso-2022-jp",
                             "scsu",   "hz-gb-2312", "gb2312",     "big5",   "shift_jis",
                             "utf-32", "\x80\xff"};
  for (const std::string& h : kHostile) {
    ExpectUtf8(Raw8bitToUtf8(h), "Raw8bitToUtf8 " + h);
    ExpectUtf8(DecodeEncodedWords(h), "DecodeEncodedWords " + h);
    bool problem = false;
    ExpectUtf8(RepairUtf8(h, &problem), "RepairUtf8 " + h);
    for (const char* charset : kCharsets) {
      ExpectUtf8(ToUtf8(h, charset).text, "ToUtf8 " + h + " in " + charset);
    }
  }
}

TEST(MimeHostileInput, PartFieldsGiveUtf8) {
  for (const std::string& h : kHostile) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\n"
        "Content-Type: text/" +
        h + "; charset=" + h + "; name=\"" + h +
        "\"\r\n"
        "Content-Disposition: " +
        h + "; filename=" + h +
        "\r\n"
        "Content-ID: <" +
        h +
        ">\r\n"
        "Content-Language: en, " +
        h +
        "\r\n"
        "Content-Location: " +
        h +
        "\r\n"
        "Content-Transfer-Encoding: " +
        h + "\r\n\r\n" + h +
        "\r\n"
        "--b\r\n"
        "Content-Type: " +
        h + "/plain; charset=\"" + h +
        "\"\r\n"
        "Content-Disposition: attach" +
        h + "ment; filename*=utf-8''%ED%A0%80" + h + "\r\n\r\n" + h +
        "\r\n"
        "--b\r\n"
        "Content-Type: text/html; charset=" +
        h + "\r\n\r\n<p>" + h +
        "&#1;</p>\r\n"
        "--b--\r\n";
    Message m = ParseMessage(raw);
    ExpectPartUtf8(m.root, "ParseMessage with " + h);
    BodyLists lists = ComputeBodyLists(m.root);
    ExpectUtf8(Preview(raw, lists), "Preview with " + h);
    for (const Part& part : m.root.sub_parts) {
      ExpectUtf8(PartText(raw, part).text, "PartText with " + h);
    }

    ContentField field = ParseContentField("attach" + h + "; filename=" + h);
    ExpectUtf8(field.value, "ParseContentField value with " + h);
    ExpectOptionalUtf8(DecodedParam(field, "filename"), "DecodedParam with " + h);
    ExpectUtf8(SanitizeFileName(h), "SanitizeFileName with " + h);
  }
}

TEST(MimeHostileInput, TextFunctionsGiveUtf8) {
  for (const std::string& h : kHostile) {
    ExpectUtf8(HtmlToText("<p>" + h + "</p>" + h), "HtmlToText " + h);
    for (size_t cut = 0; cut <= h.size() + 1; ++cut) {
      ExpectUtf8(TruncateUtf8(h + h, cut), "TruncateUtf8 " + h);
      EXPECT_LE(TruncateUtf8(h + h, cut).size(), cut);
      ExpectUtf8(TruncateCodePoints(h + h, cut), "TruncateCodePoints " + h);
    }
  }
}

// Type, subtype, charset, disposition and transfer encoding are ASCII tokens (RFC 2045 §5.1,
// RFC 2183 §2): one with 8-bit or control bytes is invalid, and an invalid field counts as
// absent, which RFC 2045 §5.2 makes text/plain with the us-ascii default.
struct TokenCase {
  std::string headers;
  std::string type;
  std::string charset;
  bool charset_given;
  std::optional<std::string> disposition;
  std::string transfer_encoding;
};

TEST(MimeHostileInput, TreatsInvalidTokensAsAbsent) {
  const TokenCase kCases[] = {
      {"Content-Type: text/pl\x80in\r\n", "text/plain", "us-ascii", false, {}, "7bit"},
      {"Content-Type: te\0t/html\r\n"s, "text/plain", "us-ascii", false, {}, "7bit"},
      {"Content-Type: text/html; charset=utf-\xff\r\n", "text/html", "us-ascii", false, {}, "7bit"},
      {"Content-Type: text/html; charset=\"utf-8\x01\"\r\n",
       "text/html",
       "us-ascii",
       false,
       {},
       "7bit"},
      {"Content-Type: text/html; charset=UTF-8\r\n", "text/html", "utf-8", true, {}, "7bit"},
      {"Content-Disposition: attach\xe9ment\r\n", "text/plain", "us-ascii", false, {}, "7bit"},
      {"Content-Disposition: Attachment\r\n", "text/plain", "us-ascii", false, "attachment",
       "7bit"},
      {"Content-Transfer-Encoding: base\x80"
       "64\r\n",
       "text/plain",
       "us-ascii",
       false,
       {},
       "7bit"},
      {"Content-Transfer-Encoding: Base64\r\n", "text/plain", "us-ascii", false, {}, "base64"},
  };
  for (const TokenCase& c : kCases) {
    Message m = ParseMessage(c.headers + "\r\nbody");
    EXPECT_EQ(m.root.type, c.type) << c.headers;
    EXPECT_EQ(m.root.charset, c.charset) << c.headers;
    EXPECT_EQ(m.root.charset_given, c.charset_given) << c.headers;
    EXPECT_EQ(m.root.disposition, c.disposition) << c.headers;
    EXPECT_EQ(m.root.transfer_encoding, c.transfer_encoding) << c.headers;
  }
}

// Ids and URLs keep what is valid and mark the rest with U+FFFD rather than guessing a
// charset: they are compared, not read.
TEST(MimeHostileInput, RepairsIdsAndUrls) {
  EXPECT_EQ(ParseMessageIds(" <a\x80@b> <c@d>"),
            (std::vector<std::string>{"a\xef\xbf\xbd@b", "c@d"}));
  EXPECT_EQ(ParseMessageIds(" <\xed\xa0\x80@b>"),
            (std::vector<std::string>{"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd@b"}));
  EXPECT_EQ(ParseUrls(" <http://x/\xff>"), (std::vector<std::string>{"http://x/\xef\xbf\xbd"}));
  EXPECT_EQ(ParseUrls(" <http://x/é>"), (std::vector<std::string>{"http://x/é"}));
}

// File names are shown to users and offered as download names: controls could inject header
// lines or terminal escapes, and bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE above all)
// disguise "gpj.exe" as "exe.jpg".
struct FileNameCase {
  std::string content_disposition;
  std::optional<std::string> name;
};

TEST(MimeHostileInput, StripsControlsAndBidiFromFileNames) {
  const FileNameCase kCases[] = {
      {"attachment; filename*=utf-8''a%0D%0AX-Injected%3A%201%00%07%1B%5B31m.exe",
       "aX-Injected: 1[31m.exe"},
      {"attachment; filename=\"a\r\n X-Injected: 1\\\0\a.exe\""s, "a X-Injected: 1.exe"},
      {"attachment; filename=\"invoice\xe2\x80\xaegpj.exe\"", "invoicegpj.exe"},
      {"attachment; filename*=utf-8''%E2%80%AAa%E2%80%ABb%E2%80%ACc%E2%80%ADd%E2%80%AEe", "abcde"},
      {"attachment; filename*=utf-8''%E2%81%A6a%E2%81%A7b%E2%81%A8c%E2%81%A9d", "abcd"},
      {"attachment; filename*=utf-8''%E2%80%8Ea%E2%80%8Fb%D8%9Cc", "abc"},  // LRM, RLM, ALM
      {"attachment; filename*=utf-8''a%7Fb%C2%80c%C2%9Fd%09e", "abcde"},    // DEL, C1, tab
      {"attachment; filename==?utf-8?Q?x=E2=80=AE=01y.txt?=", "xy.txt"},
      {"attachment; filename=\"\x01\x07\"", {}},  // nothing left: no name
      {"attachment; filename=\"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d.pdf\"",
       "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d.pdf"},
      {"attachment; filename=\"report 2024.pdf\"", "report 2024.pdf"},
  };
  for (const FileNameCase& c : kCases) {
    Message m = ParseMessage("Content-Disposition: " + c.content_disposition + "\r\n\r\nx");
    EXPECT_EQ(m.root.name, c.name) << c.content_disposition;
  }

  // The type's "name" parameter is a file name too.
  Message m = ParseMessage("Content-Type: image/png; name=\"x\xe2\x80\xaegnp.exe\"\r\n\r\nx");
  EXPECT_EQ(m.root.name, "xgnp.exe");
}

// RFC 8621 §4.1.4 makes `preview` plain text for display: NUL and other controls from the
// body, or from HTML character references, do not belong in it.
struct PreviewCase {
  std::string raw;
  std::string preview;
};

TEST(MimeHostileInput, StripsControlsFromPreviews) {
  const PreviewCase kCases[] = {
      {"\r\nHello\0world\x01!\x7f"s, "Helloworld!"},
      {"\r\nline\tone\x0bline\x0ctwo\r\nthree"s, "line one line two three"},
      {"Content-Type: text/plain; charset=utf-8\r\n\r\na\xc2\x80"
       "b\xc2\x9f"
       "c\xc2\x85"
       "d"s,
       "abc d"},  // C1 controls dropped; NEL is a line break
      {"Content-Type: text/html\r\n\r\n<p>a&#0;b&#1;c&#127;d&#x9b;e&#10;f</p>"s,
       "a\xef\xbf\xbd"
       "bcde f"},
      {"Content-Type: text/plain; charset=utf-16le\r\n\r\na\0\0\0b\0"s, "ab"},
  };
  for (const PreviewCase& c : kCases) {
    Message m = ParseMessage(c.raw);
    EXPECT_EQ(Preview(c.raw, ComputeBodyLists(m.root)), c.preview) << c.raw;
  }
}

}  // namespace
}  // namespace konvert::mime
