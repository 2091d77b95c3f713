// Every message of the shared corpus (/work/shared/corpus/eml, see its SOURCES.md) through
// the real Dovecot and the real konvert binary: APPENDed by another IMAP client, found by
// Email/query in INBOX, read by Email/get with every property. No method error, no crash,
// only valid UTF-8 on the wire, and exact values for the files that test one rule each.
//
// Each file is APPENDed twice: to INBOX and to a folder of its own ("corpus-NN"). Both
// copies have the same bytes, so they are one Email (RFC 8621 §4.1.1), and the one Email of
// folder NN tells which INBOX Email came from file NN (some files share a subject, some have
// no Message-ID).
//
// The corpus is loaded once per test program, by the first test that runs (not in
// SetUpTestSuite: gtest reports a failed suite setup as skipped tests, which ctest does not
// count as failures), and each later test of the same program fails too if that load did.
#include "tests/model/mime/corpus.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/https_client.h"
#include "tests/support/json_text.h"
#include "tests/support/konvert_process.h"
#include "tests/support/mail_stack.h"
#include "tests/support/raw_imap.h"

namespace konvert::testing {
namespace {

constexpr size_t kCorpusSize = 79;
// Emails per Email/get: the corpus has messages of 100-250 KB, so small batches keep each
// response well below any limit.
constexpr size_t kGetBatch = 8;

// Every Email property of RFC 8621 §4.1 but the raw header forms (RawHeadersAreUtf8 reads
// those), and header:{name}:{form} properties in each parsed form of §4.1.2 on a header that
// form is allowed for.
constexpr char kAllProperties[] =
    R"(["id","blobId","threadId","mailboxIds","keywords","size","receivedAt","messageId",)"
    R"("inReplyTo","references","sender","from","to","cc","bcc","replyTo","subject","sentAt",)"
    R"("hasAttachment","preview","bodyStructure","bodyValues","textBody","htmlBody",)"
    R"("attachments","header:Subject:asText",)"
    R"("header:From:asAddresses","header:To:asGroupedAddresses:all",)"
    R"("header:Message-ID:asMessageIds","header:Date:asDate","header:List-Unsubscribe:asURLs"])";
// Every EmailBodyPart property of RFC 8621 §4.1.4 but "headers".
constexpr char kAllBodyProperties[] =
    R"(["partId","blobId","size","name","type","charset","disposition","cid","language",)"
    R"("location","subParts"])";
// The raw forms (RFC 8621 §4.1.2.1), of the message and of every part.
constexpr char kRawProperties[] =
    R"(["headers","header:Subject:asRaw","header:Received:all","bodyStructure"])";
constexpr char kRawBodyProperties[] = R"(["partId","headers","header:Content-Type:asRaw"])";

std::string FileName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsStrictUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t length = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    if (length == 3 && ((c == 0xE0 && byte(i + 1) < 0xA0) || (c == 0xED && byte(i + 1) >= 0xA0))) {
      return false;
    }
    if (length == 4 && ((c == 0xF0 && byte(i + 1) < 0x90) || (c == 0xF4 && byte(i + 1) >= 0x90))) {
      return false;
    }
    i += length;
  }
  return true;
}

// Every string of `value`, keys included, checked after JSON unescaping: a "\ud800" escape
// is valid JSON text but no Unicode string.
void ExpectUtf8Strings(const rapidjson::Value& value, const std::string& where) {
  if (value.IsString()) {
    EXPECT_TRUE(IsStrictUtf8({value.GetString(), value.GetStringLength()})) << where;
  } else if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      ExpectUtf8Strings(value[i], where + "/" + std::to_string(i));
    }
  } else if (value.IsObject()) {
    for (const auto& member : value.GetObject()) {
      std::string_view key(member.name.GetString(), member.name.GetStringLength());
      EXPECT_TRUE(IsStrictUtf8(key)) << where;
      ExpectUtf8Strings(member.value, where + "/" + std::string(key));
    }
  }
}

std::string Quoted(const std::string& s) {
  rapidjson::Value v(rapidjson::StringRef(s.data(), s.size()));
  return JsonText(v);
}

std::string IdArray(const std::vector<std::string>& ids, size_t from, size_t count) {
  std::string out = "[";
  for (size_t i = from; i < from + count && i < ids.size(); ++i) {
    if (out.size() > 1) out += ",";
    out += Quoted(ids[i]);
  }
  return out + "]";
}

std::string Str(const rapidjson::Value& object, const char* member) {
  if (!object.IsObject() || !object.HasMember(member) || !object[member].IsString()) {
    return "(no string " + std::string(member) + ")";
  }
  return object[member].GetString();
}

// The corpus in one user's INBOX, read once for all tests of this suite: what Email/get
// answered for each file, keyed by file name.
class CorpusThroughDovecot : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!load_attempted_) {
      load_attempted_ = true;
      Load();
      load_failed_ = HasFailure();
    }
    ASSERT_FALSE(load_failed_) << "loading the corpus failed in the first test of this program";
  }

  static void Load() {
    user_ = new MailUser(FreshUser("corpus"));
    std::vector<std::string> files = mime::CorpusFiles();
    ASSERT_EQ(files.size(), kCorpusSize);
    {
      RawImap imap(*user_);
      ASSERT_TRUE(imap.ok());
      for (size_t i = 0; i < files.size(); ++i) {
        std::string raw = mime::ReadFile(files[i]);
        imap.Create(Folder(i));
        imap.Append(Folder(i), raw);
        imap.Append("INBOX", raw);
      }
    }

    server_ = new KonvertProcess({"--imap", MailStack::Get().imap_url(), "--allow-plain-loopback"});
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
    client_ = new HttpsClient(KonvertProcess::CertFile());
    emails_ = new rapidjson::Document(rapidjson::kObjectType);
    ReadCorpus(files);
  }

  static void TearDownTestSuite() {
    // A crash at any point shows here: the server must still answer SIGTERM with a clean exit.
    if (server_ != nullptr) {
      EXPECT_EQ(server_->Stop(), 0) << server_->log();
    }
    delete emails_;
    delete client_;
    delete server_;
    delete user_;
    emails_ = nullptr;
    client_ = nullptr;
    server_ = nullptr;
    user_ = nullptr;
  }

  static std::string Folder(size_t i) {
    std::string number = std::to_string(i);
    return "corpus-" + std::string(number.size() < 2 ? 2 - number.size() : 0, '0') + number;
  }

  // One JMAP request with `calls`; the response parsed with UTF-8 validation, after checking
  // the bytes themselves are strict UTF-8.
  static rapidjson::Document Api(const std::string& calls) {
    HttpRequest request;
    request.method = "POST";
    request.url = server_->origin() + "/webmail/jmap/api";
    request.headers = {"Content-Type: application/json"};
    request.body = R"({"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],)"
                   R"("methodCalls":)" +
                   calls + "}";
    request.basic_login = user_->login;
    request.basic_password = user_->password;
    request.timeout_seconds = 60;
    HttpResponse response = client_->Send(request);
    rapidjson::Document doc;
    EXPECT_EQ(response.status, 200) << response.error << response.body.substr(0, 2000);
    EXPECT_TRUE(IsStrictUtf8(response.body)) << "response bytes are not UTF-8";
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.data(), response.body.size());
    EXPECT_FALSE(doc.HasParseError())
        << rapidjson::GetParseError_En(doc.GetParseError()) << " at " << doc.GetErrorOffset();
    if (doc.HasParseError()) doc.SetObject();
    return doc;
  }

  // The arguments of the single method response of `doc`, which must be `name`.
  static const rapidjson::Value* Answer(const rapidjson::Document& doc, const char* name) {
    if (!doc.IsObject() || !doc.HasMember("methodResponses") || doc["methodResponses"].Empty()) {
      ADD_FAILURE() << "no methodResponses: " << JsonText(doc).substr(0, 2000);
      return nullptr;
    }
    const rapidjson::Value& call = doc["methodResponses"][0];
    if (std::string(call[0].GetString()) != name) {
      ADD_FAILURE() << name << " answered " << JsonText(call).substr(0, 2000);
      return nullptr;
    }
    return &call[1];
  }

  static void ReadCorpus(const std::vector<std::string>& files) {
    account_ = AccountId();
    const std::string& account = account_;
    ASSERT_FALSE(account.empty());

    // Folder ids by name: "corpus-NN" holds file NN; INBOX by its role.
    rapidjson::Document boxes =
        Api(R"([["Mailbox/get",{"accountId":)" + Quoted(account) + R"(,"ids":null},"m"]])");
    const rapidjson::Value* got = Answer(boxes, "Mailbox/get");
    ASSERT_NE(got, nullptr);
    for (const rapidjson::Value& m : (*got)["list"].GetArray()) {
      std::string name = Str(m, "name");
      if (m["role"].IsString() && std::string(m["role"].GetString()) == "inbox") {
        inbox_ = Str(m, "id");
      }
      for (size_t i = 0; i < files.size(); ++i) {
        if (name == Folder(i)) folder_of_file_[FileName(files[i])] = Str(m, "id");
      }
    }
    ASSERT_FALSE(inbox_.empty());
    ASSERT_EQ(folder_of_file_.size(), files.size());

    rapidjson::Document query =
        Api(R"([["Email/query",{"accountId":)" + Quoted(account) + R"(,"filter":{"inMailbox":)" +
            Quoted(inbox_) + R"(},"calculateTotal":true},"q"]])");
    const rapidjson::Value* found = Answer(query, "Email/query");
    ASSERT_NE(found, nullptr);
    std::vector<std::string> ids;
    for (const rapidjson::Value& id : (*found)["ids"].GetArray()) ids.push_back(id.GetString());
    ASSERT_EQ(ids.size(), files.size()) << JsonText(*found);
    EXPECT_EQ((*found)["total"].GetUint64(), files.size());

    // Which file each Email is: the one Email of the file's own folder. Mailbox ids of an
    // Email cannot tell while the initial sync still runs (see CopiesInTwoFoldersAreOneEmail).
    std::map<std::string, std::string> file_of_id;
    for (const auto& [file, folder] : folder_of_file_) {
      rapidjson::Document one = Api(R"([["Email/query",{"accountId":)" + Quoted(account) +
                                    R"(,"filter":{"inMailbox":)" + Quoted(folder) + R"(}},"q"]])");
      const rapidjson::Value* in_folder = Answer(one, "Email/query");
      ASSERT_NE(in_folder, nullptr) << file;
      ASSERT_EQ((*in_folder)["ids"].Size(), 1u) << file << ": " << JsonText(*in_folder);
      std::string id = (*in_folder)["ids"][0].GetString();
      EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << file << " not in INBOX";
      file_of_id[id] = file;
    }
    ASSERT_EQ(file_of_id.size(), files.size()) << "two files share an Email id";

    for (size_t from = 0; from < ids.size(); from += kGetBatch) {
      // Default properties (null) first, then every property and every body value.
      std::string batch = IdArray(ids, from, kGetBatch);
      size_t count = std::min(kGetBatch, ids.size() - from);
      rapidjson::Document plain = Api(R"([["Email/get",{"accountId":)" + Quoted(account) +
                                      R"(,"ids":)" + batch + R"(,"properties":null},"g"]])");
      const rapidjson::Value* defaults = Answer(plain, "Email/get");
      ASSERT_NE(defaults, nullptr);
      EXPECT_EQ((*defaults)["list"].Size(), count);
      ExpectUtf8Strings(plain, "defaults " + batch);

      rapidjson::Document full =
          Api(R"([["Email/get",{"accountId":)" + Quoted(account) + R"(,"ids":)" + batch +
              R"(,"properties":)" + kAllProperties + R"(,"bodyProperties":)" + kAllBodyProperties +
              R"(,"fetchAllBodyValues":true},"g"]])");
      const rapidjson::Value* all = Answer(full, "Email/get");
      ASSERT_NE(all, nullptr);
      EXPECT_EQ((*all)["notFound"].Size(), 0u) << JsonText((*all)["notFound"]);
      ASSERT_EQ((*all)["list"].Size(), count);
      ExpectUtf8Strings(full, "all " + batch);

      for (const rapidjson::Value& email : (*all)["list"].GetArray()) {
        const std::string& file = file_of_id[Str(email, "id")];
        ASSERT_FALSE(file.empty()) << "Email/get answered an id not asked for";
        rapidjson::Value key(file.c_str(), emails_->GetAllocator());
        rapidjson::Value copy(email, emails_->GetAllocator());
        emails_->AddMember(key, copy, emails_->GetAllocator());
      }
    }
    EXPECT_EQ(emails_->MemberCount(), files.size());
  }

  static std::string AccountId() {
    HttpRequest request;
    request.url = server_->origin() + "/.well-known/jmap";
    request.basic_login = user_->login;
    request.basic_password = user_->password;
    HttpResponse response = client_->Send(request);
    rapidjson::Document session;
    session.Parse(response.body.c_str());
    if (session.HasParseError() || !session.HasMember("primaryAccounts")) return "";
    return Str(session["primaryAccounts"], "urn:ietf:params:jmap:mail");
  }

  // What Email/get answered for corpus file `name`.
  static const rapidjson::Value& Email(const char* name) {
    static const rapidjson::Value kNull;
    if (emails_ == nullptr || !emails_->HasMember(name)) {
      ADD_FAILURE() << "no Email for " << name;
      return kNull;
    }
    return (*emails_)[name];
  }

  // The body value of the part with `part_id`, or "(none)".
  static std::string BodyValue(const rapidjson::Value& email, const std::string& part_id) {
    if (!email.IsObject() || !email["bodyValues"].HasMember(part_id.c_str())) return "(none)";
    return Str(email["bodyValues"][part_id.c_str()], "value");
  }

  static std::vector<std::string> PartIds(const rapidjson::Value& email, const char* list) {
    std::vector<std::string> ids;
    if (!email.IsObject() || !email[list].IsArray()) return ids;
    for (const rapidjson::Value& part : email[list].GetArray()) ids.push_back(Str(part, "partId"));
    return ids;
  }

  static bool load_attempted_;
  static bool load_failed_;
  static std::string account_;
  static std::string inbox_;
  static std::map<std::string, std::string> folder_of_file_;
  static MailUser* user_;
  static KonvertProcess* server_;
  static HttpsClient* client_;
  static rapidjson::Document* emails_;
};

bool CorpusThroughDovecot::load_attempted_ = false;
bool CorpusThroughDovecot::load_failed_ = false;
std::string CorpusThroughDovecot::account_;
std::string CorpusThroughDovecot::inbox_;
std::map<std::string, std::string> CorpusThroughDovecot::folder_of_file_;
MailUser* CorpusThroughDovecot::user_ = nullptr;
KonvertProcess* CorpusThroughDovecot::server_ = nullptr;
HttpsClient* CorpusThroughDovecot::client_ = nullptr;
rapidjson::Document* CorpusThroughDovecot::emails_ = nullptr;

TEST_F(CorpusThroughDovecot, EveryFileIsReadWithoutErrors) {
  // The checks of every response ran while loading; here, that each file got its Email.
  ASSERT_NE(emails_, nullptr);
  for (const std::string& path : mime::CorpusFiles()) {
    EXPECT_TRUE(emails_->HasMember(FileName(path).c_str())) << path;
  }
}

TEST_F(CorpusThroughDovecot, CopiesInTwoFoldersAreOneEmail) {
  // The two copies of each file have the same bytes, so they are one Email (RFC 8621 §4.1.1)
  // and the account holds as many Emails as files. A query over every mailbox is answered
  // from an index that covers them all (DESIGN.md decision 3); after it, every Email names
  // both of its mailboxes.
  rapidjson::Document query = Api(R"([["Email/query",{"accountId":)" + Quoted(account_) +
                                  R"(,"calculateTotal":true},"q"]])");
  const rapidjson::Value* found = Answer(query, "Email/query");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ((*found)["total"].GetUint64(), kCorpusSize);

  for (const auto& member : emails_->GetObject()) {
    std::string file = member.name.GetString();
    rapidjson::Document doc =
        Api(R"([["Email/get",{"accountId":)" + Quoted(account_) + R"(,"ids":[)" +
            Quoted(Str(member.value, "id")) + R"(],"properties":["mailboxIds"]},"g"]])");
    const rapidjson::Value* got = Answer(doc, "Email/get");
    ASSERT_NE(got, nullptr) << file;
    ASSERT_EQ((*got)["list"].Size(), 1u) << file;
    // RapidJSON compares objects without regard to member order.
    std::string expected =
        "{" + Quoted(inbox_) + ":true," + Quoted(folder_of_file_[file]) + ":true}";
    rapidjson::Document want;
    want.Parse(expected.c_str());
    EXPECT_EQ((*got)["list"][0]["mailboxIds"], want)
        << file << ": " << JsonText((*got)["list"][0]["mailboxIds"]);
  }
}

TEST_F(CorpusThroughDovecot, RawHeadersAreUtf8) {
  // The raw forms are the header bytes as sent; JSON text must still be UTF-8 (RFC 8620 §3.1,
  // I-JSON), so bytes of another charset (cyrus__headers-koi8r.eml has raw KOI8-R) must come
  // out as some valid string rather than fail the whole Email/get. One Email per request, so
  // that a failure names its file.
  for (const auto& member : emails_->GetObject()) {
    std::string file = member.name.GetString();
    rapidjson::Document doc =
        Api(R"([["Email/get",{"accountId":)" + Quoted(account_) + R"(,"ids":[)" +
            Quoted(Str(member.value, "id")) + R"(],"properties":)" + kRawProperties +
            R"(,"bodyProperties":)" + kRawBodyProperties + R"(},"g"]])");
    const rapidjson::Value* got = Answer(doc, "Email/get");
    if (got == nullptr) {
      ADD_FAILURE() << "the raw header forms of " << file << " failed";
      continue;
    }
    ASSERT_EQ((*got)["list"].Size(), 1u) << file;
    ExpectUtf8Strings(doc, file);
    EXPECT_TRUE((*got)["list"][0]["headers"].IsArray()) << file;
  }
}

TEST_F(CorpusThroughDovecot, Koi8rRawHeaders) {
  // cyrus__headers-koi8r.eml: unlabelled 8-bit KOI8-R (Cassandane email-get-8bit-headers).
  const rapidjson::Value& email = Email("cyrus__headers-koi8r.eml");
  ASSERT_TRUE(email.IsObject());
  EXPECT_EQ(Str(email, "subject"), "Москва - столица России.");
  ASSERT_EQ(email["from"].Size(), 1u);
  EXPECT_EQ(Str(email["from"][0], "name"),
            "Фёдор Михайлович "
            "Достоевский");
  EXPECT_EQ(Str(email["from"][0], "email"), "fyodor@local");
}

TEST_F(CorpusThroughDovecot, Windows1252QuotedPrintableEmDash) {
  // mail-parser__issue-109-windows-1252-qp.eml: "=97" is U+2014 in both parts.
  const rapidjson::Value& email = Email("mail-parser__issue-109-windows-1252-qp.eml");
  ASSERT_TRUE(email.IsObject());
  std::vector<std::string> text = PartIds(email, "textBody");
  std::vector<std::string> html = PartIds(email, "htmlBody");
  ASSERT_EQ(text.size(), 1u);
  ASSERT_EQ(html.size(), 1u);
  EXPECT_EQ(BodyValue(email, text[0]), "\u2014\r\n");
  EXPECT_NE(BodyValue(email, html[0]).find("<body dir=\"auto\">\r\n\u2014\r\n</body>"),
            std::string::npos)
      << BodyValue(email, html[0]);
}

TEST_F(CorpusThroughDovecot, MidlineBoundaryStaysInTheText) {
  // mail-parser__issue-156-midline-boundary.eml: "--BND" mid-line is no delimiter.
  const rapidjson::Value& email = Email("mail-parser__issue-156-midline-boundary.eml");
  ASSERT_TRUE(email.IsObject());
  std::vector<std::string> text = PartIds(email, "textBody");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(BodyValue(email, text[0]), "visit --BND for details\r\nSECRET");
}

TEST_F(CorpusThroughDovecot, InlineImagesAroundAlternativeInBothBodies) {
  // mail-parser__issue-107-inline-image-before-alternative.eml: mixed[image, alternative[plain,
  // html], image]; RFC 8621 §4.1.4's algorithm puts the inline images into both bodies.
  const rapidjson::Value& email =
      Email("mail-parser__issue-107-inline-image-before-alternative.eml");
  ASSERT_TRUE(email.IsObject());
  EXPECT_EQ(PartIds(email, "textBody"), (std::vector<std::string>{"1", "2.1", "3"}));
  EXPECT_EQ(PartIds(email, "htmlBody"), (std::vector<std::string>{"1", "2.2", "3"}));
  EXPECT_EQ(PartIds(email, "attachments"), std::vector<std::string>{});
  EXPECT_FALSE(email["hasAttachment"].GetBool());
  EXPECT_EQ(BodyValue(email, "2.1"), "Die Hasen und die Froesche\r\n");
}

TEST_F(CorpusThroughDovecot, JapaneseRfc2231LongFileName) {
  // mikel-mail__multi_charset_japanese_attachment_long_name.eml: filename*0*= / filename*1*=.
  const rapidjson::Value& email =
      Email("mikel-mail__multi_charset_japanese_attachment_long_name.eml");
  ASSERT_TRUE(email.IsObject());
  ASSERT_EQ(email["attachments"].Size(), 1u);
  EXPECT_EQ(Str(email["attachments"][0], "name"),
            "かきくけこかきくけこかきくけこかきくけこかきくけこ.txt");
  EXPECT_EQ(Str(email, "subject"),
            "まみむめもまみむめもまみむめもまみむめも"
            "まみむめもまみむめもまみむめもまみむめも"
            "まみむめもまみむめも");
}

TEST_F(CorpusThroughDovecot, CrlfBeforeBoundaryIsNotBody) {
  // mail-parser__rfc-005.eml: RFC 2046 §5.1.1's own example; the CRLF before each delimiter
  // belongs to the delimiter.
  const rapidjson::Value& email = Email("mail-parser__rfc-005.eml");
  ASSERT_TRUE(email.IsObject());
  std::vector<std::string> text = PartIds(email, "textBody");
  ASSERT_EQ(text.size(), 2u);
  EXPECT_EQ(BodyValue(email, text[0]),
            "This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.");
  EXPECT_EQ(BodyValue(email, text[1]),
            "This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n");
}

TEST_F(CorpusThroughDovecot, HugeSubjectOfEncodedWords) {
  // constructed__huge-subject-3000-encoded-words.eml (cyrus-imapd PR #2438): 3000 folded words.
  const rapidjson::Value& email = Email("constructed__huge-subject-3000-encoded-words.eml");
  ASSERT_TRUE(email.IsObject());
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    expected += "\U0001F633pointlessly long Subject header repeating and repeating";
  }
  EXPECT_EQ(Str(email, "subject"), expected);
  EXPECT_EQ(Str(email, "header:Subject:asText"), expected);
}

}  // namespace
}  // namespace konvert::testing
