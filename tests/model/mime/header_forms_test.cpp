#include "model/mime/header_forms.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace konvert::mime {
namespace {

std::string Json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

std::string Form(std::string_view raw, HeaderForm form) {
  rapidjson::Document doc;
  return Json(HeaderValue(raw, form, doc.GetAllocator()));
}

struct AddressCase {
  const char* raw;
  const char* json;
};

TEST(HeaderForms, ParsesAddresses) {
  const AddressCase kCases[] = {
      {" a@b.c", R"([{"name":null,"email":"a@b.c"}])"},
      {" Ann <a@b.c>", R"([{"name":"Ann","email":"a@b.c"}])"},
      {" \"Doe, John\" <j@d.e>, x@y.z",
       R"([{"name":"Doe, John","email":"j@d.e"},{"name":null,"email":"x@y.z"}])"},
      {" a@b.c (Ann Comment)", R"([{"name":"Ann Comment","email":"a@b.c"}])"},
      {" =?ISO-8859-1?Q?Nicolas_Fouch=E9?= <a.b@gmail.com>",
       R"([{"name":"Nicolas Fouché","email":"a.b@gmail.com"}])"},
      {" \"=?utf-8?B?0JzQvtGB0LrQstCw?=\" <m@r.u>", R"([{"name":"Москва","email":"m@r.u"}])"},
      {" <@route,@x:user@host>", R"([{"name":null,"email":"user@host"}])"},
      {" , user@aol.com,", R"([{"name":null,"email":"user@aol.com"}])"},
      {" \"john doe\"@example.com", R"([{"name":null,"email":"\"john doe\"@example.com"}])"},
      {" \"KLAUS\" <>", R"([{"name":"KLAUS","email":""}])"},
      {" Group: a@b.c, Ann <d@e.f>;, z@z.z",
       R"([{"name":null,"email":"a@b.c"},{"name":"Ann","email":"d@e.f"},)"
       R"({"name":null,"email":"z@z.z"}])"},
      {" undisclosed recipients: ;", "[]"},
      {"", "[]"},
  };
  for (const AddressCase& c : kCases) {
    EXPECT_EQ(Form(c.raw, HeaderForm::kAddresses), c.json) << c.raw;
  }
}

TEST(HeaderForms, GroupsAddresses) {
  EXPECT_EQ(Form(" x@y.z, Team: a@b.c, d@e.f;, q@r.s", HeaderForm::kGroupedAddresses),
            R"([{"name":null,"addresses":[{"name":null,"email":"x@y.z"}]},)"
            R"({"name":"Team","addresses":[{"name":null,"email":"a@b.c"},)"
            R"({"name":null,"email":"d@e.f"}]},)"
            R"({"name":null,"addresses":[{"name":null,"email":"q@r.s"}]}])");
  EXPECT_EQ(Form(" undisclosed recipients: ;", HeaderForm::kGroupedAddresses),
            R"([{"name":"undisclosed recipients","addresses":[]}])");
}

TEST(HeaderForms, TextIsUnfoldedDecodedAndTrimmed) {
  EXPECT_EQ(TextForm(" Hello\r\n World  "), "Hello World");
  EXPECT_EQ(TextForm(" =?utf-8?Q?a?=\r\n =?utf-8?Q?b?="), "ab");
  EXPECT_EQ(TextForm(" =?utf-8?Q?a=00b=07c?="), "abc");  // controls dropped
  EXPECT_EQ(TextForm(" e\xcc\x81"), "\xc3\xa9");         // NFC
  EXPECT_EQ(Form(" x", HeaderForm::kText), "\"x\"");
  EXPECT_EQ(Form(" x\r\n y", HeaderForm::kRaw), "\" x\\r\\n y\"");
}

TEST(HeaderForms, ParsesMessageIdsAndUrls) {
  EXPECT_EQ(Form(" <a@b>\r\n <c@d>", HeaderForm::kMessageIds), R"(["a@b","c@d"])");
  EXPECT_EQ(Form(" garbage", HeaderForm::kMessageIds), "null");
  EXPECT_EQ(Form(" <mailto:l@x?subject=help> (comment),\r\n <https://x/l>", HeaderForm::kURLs),
            R"(["mailto:l@x?subject=help","https://x/l"])");
  EXPECT_EQ(Form(" none", HeaderForm::kURLs), "null");
}

struct DateCase {
  const char* raw;
  const char* json;
};

TEST(HeaderForms, ParsesDates) {
  const DateCase kCases[] = {
      {" Wed, 27 Feb 2019 13:21:50 -0500", "\"2019-02-27T13:21:50-05:00\""},
      {" Thu, 9 May 2019 08:35:26 +0000", "\"2019-05-09T08:35:26Z\""},
      {" Sun, 21 Mar 1993 23:56:48 -0800 (PST)", "\"1993-03-21T23:56:48-08:00\""},
      {" 14 Oct 2010 23:25:06 -0400", "\"2010-10-14T23:25:06-04:00\""},
      {" Thu, 10 May 2018 4:11:45 +0000", "\"2018-05-10T04:11:45Z\""},
      {" Fri, 20 Apr 2001 20:18:00 EDT", "\"2001-04-20T20:18:00-04:00\""},
      {" 1 Jan 99 10:00 GMT", "\"1999-01-01T10:00:00Z\""},  // 2-digit year, no seconds
      {" 1 Jan 03 10:00:00 +0530", "\"2003-01-01T10:00:00+05:30\""},
      {" Tue, 12 Oct 2010 16:21:05 H0500", "\"2010-10-12T16:21:05Z\""},  // bad zone
      {" Mon Jan  2 15:04:05 2006", "\"2006-01-02T15:04:05Z\""},         // asctime
      {" garbage", "null"},
      {" 32 Jan 2020 10:00:00 +0000", "null"},
      {" 1 Foo 2020 10:00:00 +0000", "null"},
      {"", "null"},
  };
  for (const DateCase& c : kCases) EXPECT_EQ(Form(c.raw, HeaderForm::kDate), c.json) << c.raw;

  EXPECT_EQ(ParseDate("Thu, 1 Jan 1970 00:00:00 +0000"), 0);
  EXPECT_EQ(ParseDate("Thu, 1 Jan 1970 01:00:00 +0100"), 0);
  EXPECT_EQ(ParseDate("Sat, 1 Jan 2000 00:00:00 -0000"), 946684800);
  EXPECT_EQ(ParseDate("nothing"), std::nullopt);
  EXPECT_EQ(FormatUtcDate(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcDate(1704164645), "2024-01-02T03:04:05Z");
  EXPECT_EQ(FormatUtcDate(-1), "1969-12-31T23:59:59Z");
}

TEST(HeaderForms, KnowsWhichFormsEachFieldAllows) {
  struct Case {
    const char* name;
    HeaderForm form;
    bool allowed;
  };
  const Case kCases[] = {
      {"Subject", HeaderForm::kText, true},
      {"subject", HeaderForm::kAddresses, false},
      {"From", HeaderForm::kAddresses, true},
      {"Resent-Cc", HeaderForm::kGroupedAddresses, true},
      {"From", HeaderForm::kText, false},
      {"Message-ID", HeaderForm::kMessageIds, true},
      {"References", HeaderForm::kDate, false},
      {"Date", HeaderForm::kDate, true},
      {"Resent-Date", HeaderForm::kDate, true},
      {"Date", HeaderForm::kText, false},
      {"List-Post", HeaderForm::kURLs, true},
      {"List-Post", HeaderForm::kText, false},
      {"List-Id", HeaderForm::kText, true},
      {"Received", HeaderForm::kText, false},
      {"Received", HeaderForm::kRaw, true},
      {"X-Custom", HeaderForm::kText, true},  // not in RFC 5322/2369: every form
      {"X-Custom", HeaderForm::kAddresses, true},
      {"X-Custom", HeaderForm::kDate, true},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(FormAllowed(c.name, c.form), c.allowed) << c.name << static_cast<int>(c.form);
  }
  EXPECT_EQ(HeaderFormFromName("asGroupedAddresses"), HeaderForm::kGroupedAddresses);
  EXPECT_EQ(HeaderFormFromName("asURLs"), HeaderForm::kURLs);
  EXPECT_EQ(HeaderFormFromName("asUrls"), std::nullopt);
}

TEST(HeaderForms, PlainAddressStructs) {
  std::vector<Address> list = ParseAddresses(" Ann <a@b.c>, d@e.f");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "Ann");
  EXPECT_EQ(list[0].email, "a@b.c");
  EXPECT_EQ(list[1].name, std::nullopt);
}

}  // namespace
}  // namespace konvert::mime
