// The pure parts of Email/get and download, table-driven: blob ids, the
// download path and response headers, "header:" properties and body value
// truncation. They share the konvert_email_get_tests target with the
// integration tests in email_get_test.cpp.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/download/download.h"
#include "api/download/mail_blobs.h"
#include "api/email/email_json.h"

namespace konvert {
namespace {

TEST(BlobId, NamesTheEmailAndPart) {
  const std::string id = "M0123456789abcdef01234567";
  EXPECT_EQ(api::MessageBlobId(id), "B0123456789abcdef01234567");
  EXPECT_EQ(api::PartBlobId(id, "2.10.1"), "B0123456789abcdef01234567_2-10-1");

  struct Case {
    std::string blob_id;
    bool valid;
    std::string email_id;
    std::string part_id;
  };
  const std::vector<Case> cases = {
      {"B0123456789abcdef01234567", true, id, ""},
      {"B0123456789abcdef01234567_1", true, id, "1"},
      {"B0123456789abcdef01234567_2-10-1", true, id, "2.10.1"},
      {"", false, "", ""},
      {"B", false, "", ""},
      {"M0123456789abcdef01234567", false, "", ""},
      {"B0123456789ABCDEF01234567", false, "", ""},
      {"B0123456789abcdef01234567_", false, "", ""},
      {"B0123456789abcdef01234567_1-", false, "", ""},
      {"B0123456789abcdef01234567_-1", false, "", ""},
      {"B0123456789abcdef01234567_1--2", false, "", ""},
      {"B0123456789abcdef01234567_01", false, "", ""},
      {"B0123456789abcdef01234567_1.2", false, "", ""},
      {"B0123456789abcdef01234567_1_2", false, "", ""},
      {"B0123456789abcdef01234567_1234567890", false, "", ""},
      {"B_1", false, "", ""},
      {"B../../etc_1", false, "", ""},
  };
  for (const Case& c : cases) {
    std::optional<api::BlobRef> ref = api::ParseBlobId(c.blob_id);
    ASSERT_EQ(ref.has_value(), c.valid) << c.blob_id;
    if (!ref.has_value()) continue;
    EXPECT_EQ(ref->email_id, c.email_id) << c.blob_id;
    EXPECT_EQ(ref->part_id, c.part_id) << c.blob_id;
  }
}

TEST(DownloadPath, SplitsAndDecodesThreeSegments) {
  std::optional<api::DownloadTarget> target =
      api::ParseDownloadPath("a1/B00_2/%D0%BE%D1%82%D1%87%D1%91%D1%82%2F1.pdf");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->account_id, "a1");
  EXPECT_EQ(target->blob_id, "B00_2");
  EXPECT_EQ(target->name, "отчёт/1.pdf");
  EXPECT_EQ(api::ParseDownloadPath("a1/B00/")->name, "");
  for (const char* bad : {"", "a1", "a1/B00", "a1/B00/x/y", "/B00/x", "a1//x", "a1/B00/%",
                          "a1/B00/%4", "a1/B00/%zz"}) {
    EXPECT_FALSE(api::ParseDownloadPath(bad).has_value()) << bad;
  }
}

TEST(DownloadHeaders, ContentTypeIsAMediaTypeOrOctetStream) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"application/pdf", "application/pdf"},
      {"image/svg+xml", "image/svg+xml"},
      {"text/plain; charset=utf-8", "text/plain; charset=utf-8"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"", "application/octet-stream"},
      {"pdf", "application/octet-stream"},
      {"/pdf", "application/octet-stream"},
      {"application/", "application/octet-stream"},
      {"text/html\r\nSet-Cookie: a=b", "application/octet-stream"},
      {"text/plain; charset=\"utf-8\"", "application/octet-stream"},
      {"text/plain;", "application/octet-stream"},
      {"text/plain; charset", "application/octet-stream"},
      {"te xt/plain", "application/octet-stream"},
      {"текст/plain", "application/octet-stream"},
      {"a/" + std::string(300, 'b'), "application/octet-stream"},
  };
  for (const auto& [type, expected] : cases) {
    EXPECT_EQ(api::DownloadContentType(type), expected) << type;
  }
}

TEST(DownloadHeaders, DispositionCarriesTheExactNameAndAnAsciiFallback) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"report.pdf", "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"},
      {"отчёт.pdf",
       "attachment; filename=\"_____.pdf\"; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf"},
      {"a \"b\"\\c/d;e.txt",
       "attachment; filename=\"a _b__c_d;e.txt\"; "
       "filename*=UTF-8''a%20%22b%22%5Cc%2Fd%3Be.txt"},
      // Control and bidi-override characters of a name from the URL are
      // dropped (found by a tester: U+202E spoofed the extension).
      {"x\r\nSet-Cookie: y",
       "attachment; filename=\"xSet-Cookie: y\"; "
       "filename*=UTF-8''xSet-Cookie%3A%20y"},
      {"x\xe2\x80\xae"
       "exe.txt",
       "attachment; filename=\"xexe.txt\"; filename*=UTF-8''xexe.txt"},
      {std::string("a\0\x01", 3), "attachment; filename=\"a\"; filename*=UTF-8''a"},
      {"", "attachment; filename=\"download\"; filename*=UTF-8''download"},
      {"😀.png", "attachment; filename=\"_.png\"; filename*=UTF-8''%F0%9F%98%80.png"},
  };
  for (const auto& [name, expected] : cases) {
    EXPECT_EQ(api::AttachmentDisposition(name), expected) << name;
  }
}

TEST(HeaderProperty, ParsesNameFormAndAll) {
  struct Case {
    std::string property;
    bool valid;
    std::string name;
    mime::HeaderForm form;
    bool all;
  };
  using F = mime::HeaderForm;
  const std::vector<Case> cases = {
      {"header:X-Tag", true, "X-Tag", F::kRaw, false},
      {"header:X-Tag:all", true, "X-Tag", F::kRaw, true},
      {"header:from:asAddresses", true, "from", F::kAddresses, false},
      {"header:To:asGroupedAddresses:all", true, "To", F::kGroupedAddresses, true},
      {"header:Subject:asText", true, "Subject", F::kText, false},
      {"header:Date:asDate", true, "Date", F::kDate, false},
      {"header:List-Post:asURLs", true, "List-Post", F::kURLs, false},
      {"header:X-Any:asDate", true, "X-Any", F::kDate, false},
      {"header:Received:asRaw:all", true, "Received", F::kRaw, true},
      {"header:Received:asText", false, "", F::kRaw, false},
      {"header:From:asText", false, "", F::kRaw, false},
      {"header:Subject:asDate", false, "", F::kRaw, false},
      {"header:X:astext", false, "", F::kRaw, false},
      {"header:X:all:asRaw", false, "", F::kRaw, false},
      {"header:X:asRaw:all:all", false, "", F::kRaw, false},
      {"header:X:", false, "", F::kRaw, false},
      {"header:", false, "", F::kRaw, false},
      {"header:Bad Name", false, "", F::kRaw, false},
      {"header:Имя", false, "", F::kRaw, false},
  };
  for (const Case& c : cases) {
    Result<api::HeaderProperty> parsed = api::ParseHeaderProperty(c.property);
    ASSERT_EQ(parsed.ok(), c.valid) << c.property;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArguments);
      continue;
    }
    EXPECT_EQ(parsed->name, c.name) << c.property;
    EXPECT_EQ(parsed->form, c.form) << c.property;
    EXPECT_EQ(parsed->all, c.all) << c.property;
  }
}

TEST(BodyValue, TruncatesOnCharacterAndTagBoundaries) {
  struct Case {
    std::string text;
    uint64_t max;
    bool html;
    std::string expected;
    bool truncated;
  };
  const std::vector<Case> cases = {
      {"Привет", 0, false, "Привет", false},
      {"Привет", 12, false, "Привет", false},
      {"Привет", 11, false, "Приве", true},
      {"Привет", 1, false, "", true},
      {"a😀b", 4, false, "a", true},
      {"a😀b", 5, false, "a😀", true},
      {"<p>ab</p>", 5, true, "<p>ab", true},
      {"<p>ab</p>", 7, true, "<p>ab", true},
      {"<p>ab</p>", 2, true, "", true},
      {"<p>a > b</p>", 8, true, "<p>a > b", true},
      {"<p>ab</p>", 7, false, "<p>ab</", true},
  };
  for (const Case& c : cases) {
    std::string text = c.text;
    EXPECT_EQ(api::TruncateBodyValue(&text, c.max, c.html), c.truncated) << c.text << c.max;
    EXPECT_EQ(text, c.expected) << c.text << " " << c.max;
  }
}

}  // namespace
}  // namespace konvert
