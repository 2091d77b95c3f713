// Email/get (RFC 8621 §4.2) and the download endpoint (RFC 8620 §6.2),
// through the real konvert binary against the real Dovecot: messages are
// appended by a second IMAP client (RawImap), then read over JMAP.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "model/message/email_record.h"
#include "store/index/account_index.h"
#include "store/index/mail_cache.h"
#include "store/sync/email_ingest.h"
#include "store/sync/imap_mail.h"
#include "tests/support/https_client.h"
#include "tests/support/json_text.h"
#include "tests/support/konvert_process.h"
#include "tests/support/mail_stack.h"
#include "tests/support/raw_imap.h"

namespace konvert::testing {
namespace {

std::string Crlf(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\r\n";
  return out;
}

// A reply with a plain and an HTML alternative and a PDF attachment whose
// name is Cyrillic (RFC 2231), two instances of one header field, and
// encoded-word From and Subject.
const std::string kMultipart = Crlf({
    "Return-Path: <anna@example.test>",
    "From: =?UTF-8?B?0JDQvdC90LAg0J/QtdGC0YDQvtCy0LA=?= <anna@example.test>",
    "Sender: Secretary <sec@example.test>",
    "To: Bob <bob@example.test>, \"Carol C.\" <carol@example.test>",
    "Cc: dave@example.test",
    "Bcc: eve@example.test",
    "Reply-To: Team: anna@example.test, bob@example.test;",
    "Subject: =?UTF-8?B?0J7RgtGH0ZHRgiDQt9CwINC60LLQsNGA0YLQsNC7?=",
    "Date: Mon, 02 Nov 2026 10:00:00 +0100",
    "Message-ID: <get-1@example.test>",
    "In-Reply-To: <parent@example.test>",
    "References: <root@example.test>",
    " <parent@example.test>",
    "X-Tag: one",
    "x-tag: two",
    "List-Unsubscribe: <mailto:leave@example.test>, <https://example.test/leave>",
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=\"outer\"",
    "",
    "--outer",
    "Content-Type: multipart/alternative; boundary=\"inner\"",
    "",
    "--inner",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Привет, мир! Это тестовое письмо.",
    "--inner",
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>Привет, <b>мир</b>!</p>",
    "--inner--",
    "--outer",
    "Content-Type: application/pdf; name=\"report.pdf\"",
    "Content-Disposition: attachment; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf",
    "Content-Transfer-Encoding: base64",
    "Content-ID: <pdf-1@example.test>",
    "Content-Language: ru",
    "",
    "JVBERi0xLjQKAAH+/w==",
    "--outer--",
});

// The attachment's bytes, as its base64 above decodes.
const std::string kPdf("%PDF-1.4\n\x00\x01\xfe\xff", 13);

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  return doc;
}

// One method response: its name ("error" for a method error) and arguments.
struct Answer {
  std::string name;
  rapidjson::Document args;
  std::string Type() const {
    return args.IsObject() && args.HasMember("type") ? args["type"].GetString() : "";
  }
  std::string Text(const rapidjson::Value& v) const { return JsonText(v); }
};

class EmailGetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    user_ = FreshUser("emailget");
    imap_ = std::make_unique<RawImap>(user_);
    ASSERT_TRUE(imap_->ok());
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<KonvertProcess> StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--imap", MailStack::Get().imap_url(),
                                     "--allow-plain-loopback"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto server = std::make_unique<KonvertProcess>(args);
    std::string error;
    if (!server->Start(&error)) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    return server;
  }

  std::string Url(const std::string& path) const { return server_->origin() + "/webmail" + path; }

  HttpResponse Get(const std::string& url, const MailUser& user) const {
    HttpRequest request;
    request.url = url;
    request.basic_login = user.login;
    request.basic_password = user.password;
    return client_.Send(request);
  }

  std::string AccountId(const MailUser& user) const {
    HttpResponse session = Get(Url("/.well-known/jmap"), user);
    rapidjson::Document doc = Parse(session.body);
    if (!doc.IsObject() || !doc.HasMember("primaryAccounts")) return "";
    return doc["primaryAccounts"]["urn:ietf:params:jmap:mail"].GetString();
  }

  // One method call as `as` (default: user_); "ACCOUNT" in `args` stands
  // for that user's account id.
  Answer Call(const std::string& method, std::string args, const MailUser* as = nullptr) {
    const MailUser& user = as != nullptr ? *as : user_;
    std::string account = AccountId(user);
    for (size_t at = args.find("ACCOUNT"); at != std::string::npos; at = args.find("ACCOUNT")) {
      args.replace(at, 7, account);
    }
    HttpRequest request;
    request.method = "POST";
    request.url = Url("/jmap/api");
    request.headers = {"Content-Type: application/json"};
    request.basic_login = user.login;
    request.basic_password = user.password;
    request.body = R"({"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],)"
                   R"("methodCalls":[[")" +
                   method + "\"," + args + R"(,"c1"]]})";
    HttpResponse response = client_.Send(request);
    Answer answer;
    rapidjson::Document doc = Parse(response.body);
    if (response.status != 200 || !doc.IsObject() || !doc.HasMember("methodResponses")) {
      ADD_FAILURE() << response.status << " " << response.body;
      return answer;
    }
    rapidjson::Value& call = doc["methodResponses"][0];
    answer.name = call[0].GetString();
    answer.args.CopyFrom(call[1], answer.args.GetAllocator());
    return answer;
  }

  // Email/get of `id` with the rest of the arguments in `extra` (",..." or "").
  Answer GetEmail(const std::string& id, const std::string& extra = "") {
    return Call("Email/get", R"({"accountId":"ACCOUNT","ids":[")" + id + "\"]" + extra + "}");
  }

  // Email/query over every mailbox, as a client does before Email/get: it
  // brings the index up to date with what was appended.
  std::vector<std::string> Query(const MailUser* as = nullptr) {
    Answer answer = Call("Email/query", R"({"accountId":"ACCOUNT"})", as);
    std::vector<std::string> ids;
    if (answer.name != "Email/query") return ids;
    for (const auto& id : answer.args["ids"].GetArray()) ids.emplace_back(id.GetString());
    return ids;
  }

  std::string InboxId() {
    Answer boxes = Call("Mailbox/query", R"({"accountId":"ACCOUNT","filter":{"role":"inbox"}})");
    return boxes.args["ids"][0].GetString();
  }

  size_t Count(const std::string& needle) const {
    std::string log = server_->log();
    size_t n = 0;
    for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
  }

  MailUser user_;
  std::unique_ptr<RawImap> imap_;
  std::unique_ptr<KonvertProcess> server_;
  HttpsClient client_{KonvertProcess::CertFile()};
};

TEST_F(EmailGetTest, ReturnsEveryPropertyOfAMultipartMessage) {
  imap_->Append("INBOX", kMultipart, {"$label1", "\\Flagged"});
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);

  Answer answer =
      GetEmail(id, R"(,"properties":["id","blobId","threadId","mailboxIds","keywords","size",)"
                   R"("receivedAt","messageId","inReplyTo","references","sender","from","to","cc",)"
                   R"("bcc","replyTo","subject","sentAt","hasAttachment","preview","bodyValues",)"
                   R"("textBody","htmlBody","attachments","bodyStructure","headers"],)"
                   R"("fetchAllBodyValues":true)");
  ASSERT_EQ(answer.name, "Email/get") << answer.Text(answer.args);
  ASSERT_EQ(answer.args["list"].Size(), 1u) << answer.Text(answer.args);
  EXPECT_EQ(answer.Text(answer.args["notFound"]), "[]");
  const rapidjson::Value& email = answer.args["list"][0];
  auto text = [&](const char* name) {
    return email.HasMember(name) ? answer.Text(email[name]) : "<missing>";
  };

  std::string hex = id.substr(1);
  EXPECT_EQ(text("id"), "\"" + id + "\"");
  EXPECT_EQ(text("blobId"), "\"B" + hex + "\"");
  EXPECT_TRUE(email["threadId"].IsString() && email["threadId"].GetStringLength() > 0);
  EXPECT_EQ(text("mailboxIds"), "{\"" + InboxId() + "\":true}");
  EXPECT_EQ(text("keywords"), R"({"$flagged":true,"$label1":true})");
  EXPECT_EQ(email["size"].GetUint64(), kMultipart.size());
  EXPECT_TRUE(std::regex_match(email["receivedAt"].GetString(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << text("receivedAt");
  EXPECT_EQ(text("messageId"), R"(["get-1@example.test"])");
  EXPECT_EQ(text("inReplyTo"), R"(["parent@example.test"])");
  EXPECT_EQ(text("references"), R"(["root@example.test","parent@example.test"])");
  EXPECT_EQ(text("sender"), R"([{"name":"Secretary","email":"sec@example.test"}])");
  EXPECT_EQ(text("from"), R"([{"name":"Анна Петрова","email":"anna@example.test"}])");
  EXPECT_EQ(text("to"), R"([{"name":"Bob","email":"bob@example.test"},)"
                        R"({"name":"Carol C.","email":"carol@example.test"}])");
  EXPECT_EQ(text("cc"), R"([{"name":null,"email":"dave@example.test"}])");
  EXPECT_EQ(text("bcc"), R"([{"name":null,"email":"eve@example.test"}])");
  EXPECT_EQ(text("replyTo"), R"([{"name":null,"email":"anna@example.test"},)"
                             R"({"name":null,"email":"bob@example.test"}])");
  EXPECT_EQ(text("subject"), R"("Отчёт за квартал")");
  EXPECT_EQ(text("sentAt"), R"("2026-11-02T10:00:00+01:00")");
  EXPECT_EQ(text("hasAttachment"), "true");
  EXPECT_EQ(text("preview"), R"("Привет, мир! Это тестовое письмо.")");

  std::string plain = R"({"partId":"1.1","blobId":"B)" + hex +
                      R"(_1-1","size":59,"name":null,"type":"text/plain","charset":"utf-8",)"
                      R"("disposition":null,"cid":null,"language":null,"location":null})";
  std::string html = R"({"partId":"1.2","blobId":"B)" + hex +
                     R"(_1-2","size":35,"name":null,"type":"text/html","charset":"utf-8",)"
                     R"("disposition":null,"cid":null,"language":null,"location":null})";
  std::string pdf = R"({"partId":"2","blobId":"B)" + hex +
                    R"(_2","size":13,"name":"отчёт.pdf","type":"application/pdf",)"
                    R"("charset":null,"disposition":"attachment","cid":"pdf-1@example.test",)"
                    R"("language":["ru"],"location":null})";
  EXPECT_EQ(text("textBody"), "[" + plain + "]");
  EXPECT_EQ(text("htmlBody"), "[" + html + "]");
  EXPECT_EQ(text("attachments"), "[" + pdf + "]");
  EXPECT_EQ(text("bodyValues"),
            R"({"1.1":{"value":"Привет, мир! Это тестовое письмо.",)"
            R"("isEncodingProblem":false,)"
            R"("isTruncated":false},"1.2":{"value":"<p>Привет, <b>мир</b>!</p>",)"
            R"("isEncodingProblem":false,"isTruncated":false}})");

  // Multiparts have no partId or blobId; their children come as subParts.
  const rapidjson::Value& root = email["bodyStructure"];
  EXPECT_EQ(answer.Text(root["partId"]), "null");
  EXPECT_EQ(answer.Text(root["blobId"]), "null");
  EXPECT_EQ(answer.Text(root["type"]), R"("multipart/mixed")");
  EXPECT_EQ(answer.Text(root["charset"]), "null");
  ASSERT_EQ(root["subParts"].Size(), 2u);
  const rapidjson::Value& alternative = root["subParts"][0];
  EXPECT_EQ(answer.Text(alternative["type"]), R"("multipart/alternative")");
  ASSERT_EQ(alternative["subParts"].Size(), 2u);
  std::string leaf_plain = answer.Text(alternative["subParts"][0]);
  EXPECT_EQ(leaf_plain, plain);
  EXPECT_EQ(answer.Text(alternative["subParts"][1]), html);
  EXPECT_EQ(answer.Text(root["subParts"][1]), pdf);

  ASSERT_TRUE(email["headers"].IsArray());
  EXPECT_EQ(email["headers"].Size(), 17u);
  EXPECT_EQ(answer.Text(email["headers"][11]),
            R"({"name":"References","value":" <root@example.test>\r\n <parent@example.test>"})");
}

TEST_F(EmailGetTest, DefaultPropertiesFollowRfc8621) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  Answer answer = GetEmail(EmailIdFor(kMultipart));
  ASSERT_EQ(answer.name, "Email/get");
  const rapidjson::Value& email = answer.args["list"][0];

  std::vector<std::string> names;
  for (const auto& member : email.GetObject()) names.emplace_back(member.name.GetString());
  EXPECT_EQ(names,
            (std::vector<std::string>{"id",         "blobId",     "threadId",      "mailboxIds",
                                      "keywords",   "size",       "receivedAt",    "messageId",
                                      "inReplyTo",  "references", "sender",        "from",
                                      "to",         "cc",         "bcc",           "replyTo",
                                      "subject",    "sentAt",     "hasAttachment", "preview",
                                      "bodyValues", "textBody",   "htmlBody",      "attachments"}));
  // No fetch*BodyValues: bodyValues is asked but empty.
  EXPECT_EQ(answer.Text(email["bodyValues"]), "{}");
  EXPECT_EQ(answer.Text(email["keywords"]), "{}");
}

TEST_F(EmailGetTest, HeaderPropertiesInEveryForm) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  Answer answer = GetEmail(
      EmailIdFor(kMultipart),
      R"(,"properties":["header:X-Tag","header:x-tag:all","header:X-TAG:asText:all",)"
      R"("header:Subject:asText","header:Subject","header:From:asAddresses",)"
      R"("header:Reply-To:asGroupedAddresses","header:References:asMessageIds",)"
      R"("header:Date:asDate","header:List-Unsubscribe:asURLs","header:X-Missing",)"
      R"("header:X-Missing:all","header:Date:asRaw","attachments"],)"
      R"("bodyProperties":["partId","header:Content-Type:asRaw","header:content-language:all"])");
  ASSERT_EQ(answer.name, "Email/get") << answer.Text(answer.args);
  const rapidjson::Value& email = answer.args["list"][0];
  auto text = [&](const char* name) {
    return email.HasMember(name) ? answer.Text(email[name]) : "<missing>";
  };

  // The last instance, matched case-insensitively; ":all" gives each in order.
  EXPECT_EQ(text("header:X-Tag"), R"(" two")");
  EXPECT_EQ(text("header:x-tag:all"), R"([" one"," two"])");
  EXPECT_EQ(text("header:X-TAG:asText:all"), R"(["one","two"])");
  EXPECT_EQ(text("header:Subject:asText"), R"("Отчёт за квартал")");
  EXPECT_EQ(text("header:Subject"), R"(" =?UTF-8?B?0J7RgtGH0ZHRgiDQt9CwINC60LLQsNGA0YLQsNC7?=")");
  EXPECT_EQ(text("header:From:asAddresses"),
            R"([{"name":"Анна Петрова","email":"anna@example.test"}])");
  EXPECT_EQ(text("header:Reply-To:asGroupedAddresses"),
            R"([{"name":"Team","addresses":[{"name":null,"email":"anna@example.test"},)"
            R"({"name":null,"email":"bob@example.test"}]}])");
  EXPECT_EQ(text("header:References:asMessageIds"),
            R"(["root@example.test","parent@example.test"])");
  EXPECT_EQ(text("header:Date:asDate"), R"("2026-11-02T10:00:00+01:00")");
  EXPECT_EQ(text("header:List-Unsubscribe:asURLs"),
            R"(["mailto:leave@example.test","https://example.test/leave"])");
  EXPECT_EQ(text("header:X-Missing"), "null");
  EXPECT_EQ(text("header:X-Missing:all"), "[]");
  EXPECT_EQ(text("header:Date:asRaw"), R"(" Mon, 02 Nov 2026 10:00:00 +0100")");
  // Only what was asked, plus the id.
  EXPECT_EQ(email.MemberCount(), 15u);

  // Header properties of body parts read the part's own header fields.
  EXPECT_EQ(answer.Text(email["attachments"]),
            R"([{"partId":"2","header:Content-Type:asRaw":" application/pdf; name=\"report.pdf\"",)"
            R"("header:content-language:all":[" ru"]}])");
}

TEST_F(EmailGetTest, RefusesHeaderFormsTheFieldDoesNotAllow) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  const std::vector<std::string> bad = {
      R"("properties":["header:From:asDate"])",
      R"("properties":["header:Subject:asAddresses"])",
      R"("properties":["header:Date:asText"])",
      R"("properties":["header:Message-ID:asURLs"])",
      R"("properties":["header:X-Tag:asBogus"])",
      R"("properties":["header:X-Tag:all:asText"])",
      R"("properties":["header:X-Tag:asText:all:more"])",
      R"("properties":["header:"])",
      R"("properties":["header::asRaw"])",
      R"("properties":["header:Bad Name"])",
      R"("properties":["bogus"])",
      R"("bodyProperties":["header:From:asDate"])",
      R"("bodyProperties":["bogus"])",
      R"("bodyProperties":"partId")",
      R"("fetchTextBodyValues":"yes")",
      R"("fetchAllBodyValues":1)",
      R"("maxBodyValueBytes":-1)",
      R"("maxBodyValueBytes":"10")",
      R"("unknownArgument":true)",
      R"("ids":"M1")",
      R"("ids":[1])",
  };
  for (const std::string& args : bad) {
    Answer answer = Call("Email/get", R"({"accountId":"ACCOUNT",)" + args + "}");
    EXPECT_EQ(answer.name, "error") << args;
    EXPECT_EQ(answer.Type(), "invalidArguments") << args << " " << answer.Text(answer.args);
  }
}

TEST_F(EmailGetTest, UnknownIdsAreNotFoundAndNullIdsGiveEveryEmail) {
  imap_->Append("INBOX", kMultipart);
  std::string simple = SimpleMessage("Второе письмо");
  imap_->Append("INBOX", simple);
  ASSERT_FALSE(Query().empty());

  Answer answer =
      Call("Email/get", R"({"accountId":"ACCOUNT","ids":["Mffffffffffffffffffffffff","nope",")" +
                            EmailIdFor(simple) + R"("],"properties":["subject"]})");
  ASSERT_EQ(answer.name, "Email/get");
  EXPECT_EQ(answer.Text(answer.args["notFound"]), R"(["Mffffffffffffffffffffffff","nope"])");
  EXPECT_EQ(answer.Text(answer.args["list"]),
            R"([{"id":")" + EmailIdFor(simple) + R"(","subject":"Второе письмо"}])");
  EXPECT_TRUE(answer.args["state"].IsString());

  Answer all = Call("Email/get", R"({"accountId":"ACCOUNT","ids":null,"properties":["id"]})");
  ASSERT_EQ(all.name, "Email/get");
  EXPECT_EQ(all.args["list"].Size(), 2u);

  Answer other = Call("Email/get", R"({"accountId":"a0000","ids":[]})");
  EXPECT_EQ(other.Type(), "accountNotFound");
}

TEST_F(EmailGetTest, TruncatesBodyValuesOnCharacterAndTagBoundaries) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);

  // "При" is 6 bytes; the next letter would end at byte 8.
  Answer plain = GetEmail(
      id, R"(,"properties":["bodyValues"],"fetchTextBodyValues":true,"maxBodyValueBytes":7)");
  ASSERT_EQ(plain.name, "Email/get") << plain.Text(plain.args);
  EXPECT_EQ(plain.Text(plain.args["list"][0]["bodyValues"]),
            R"({"1.1":{"value":"При","isEncodingProblem":false,"isTruncated":true}})");

  // 19 bytes end inside "<b>": HTML is cut before the tag.
  Answer html = GetEmail(
      id, R"(,"properties":["bodyValues"],"fetchHTMLBodyValues":true,"maxBodyValueBytes":19)");
  EXPECT_EQ(html.Text(html.args["list"][0]["bodyValues"]),
            R"({"1.2":{"value":"<p>Привет, ","isEncodingProblem":false,)"
            R"("isTruncated":true}})");

  // A limit the text fits in leaves it whole.
  Answer whole = GetEmail(
      id, R"(,"properties":["bodyValues"],"fetchTextBodyValues":true,"maxBodyValueBytes":59)");
  EXPECT_EQ(whole.Text(whole.args["list"][0]["bodyValues"]["1.1"]["isTruncated"]), "false");
}

TEST_F(EmailGetTest, DecodesBodiesAndReportsEncodingProblems) {
  std::string koi8 = Crlf({"From: a@example.test", "Subject: koi8", "MIME-Version: 1.0",
                           "Content-Type: text/plain; charset=koi8-r",
                           "Content-Transfer-Encoding: quoted-printable", "",
                           "=F0=D2=C9=D7=C5=D4 soft=", "break"});
  std::string broken = Crlf({"From: a@example.test", "Subject: broken",
                             "Content-Type: text/plain; charset=utf-8", "", "ok \xff end"});
  imap_->Append("INBOX", koi8);
  imap_->Append("INBOX", broken);
  ASSERT_FALSE(Query().empty());
  const std::string args = R"(,"properties":["bodyValues"],"fetchTextBodyValues":true)";

  Answer a = GetEmail(EmailIdFor(koi8), args);
  ASSERT_EQ(a.name, "Email/get") << a.Text(a.args);
  EXPECT_EQ(a.Text(a.args["list"][0]["bodyValues"]),
            R"({"1":{"value":"Привет softbreak\r\n","isEncodingProblem":false,)"
            R"("isTruncated":false}})");
  Answer b = GetEmail(EmailIdFor(broken), args);
  EXPECT_EQ(b.Text(b.args["list"][0]["bodyValues"]),
            R"({"1":{"value":"ok � end\r\n","isEncodingProblem":true,"isTruncated":false}})");
}

TEST_F(EmailGetTest, ReadingBodiesNeverSetsSeen) {
  uint32_t uid = imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  Answer answer = GetEmail(EmailIdFor(kMultipart),
                           R"(,"properties":["bodyValues","keywords"],"fetchAllBodyValues":true)");
  ASSERT_EQ(answer.name, "Email/get");
  ASSERT_EQ(answer.args["list"][0]["bodyValues"].MemberCount(), 2u);
  // Bodies came by byte range from IMAP.
  EXPECT_GE(Count("imap_command=\"UID FETCH BODY\""), 2u);

  imap_->Select("INBOX");
  Result<std::vector<FlagUpdate>> flags = FetchFlags(imap_->connection(), 0);
  ASSERT_TRUE(flags.ok()) << flags.status().message();
  ASSERT_EQ(flags->size(), 1u);
  EXPECT_EQ((*flags)[0].uid, uid);
  for (const std::string& flag : (*flags)[0].flags) EXPECT_NE(flag, "\\Seen");

  Answer again = GetEmail(EmailIdFor(kMultipart), R"(,"properties":["keywords"])");
  EXPECT_EQ(again.Text(again.args["list"][0]["keywords"]), "{}");
}

TEST_F(EmailGetTest, ListViewPropertiesDoNotTouchImapBodies) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());

  // Email/get reads IMAP bodies by range ("UID FETCH BODY") or, on a cache
  // miss, whole (logged as email_record_miss); the sync's own fetches of
  // flags and new mail may run alongside and are not counted.
  Answer list = GetEmail(EmailIdFor(kMultipart),
                         R"(,"properties":["id","threadId","mailboxIds","keywords","from",)"
                         R"("subject","receivedAt","size","preview","hasAttachment"])");
  ASSERT_EQ(list.name, "Email/get");
  std::string preview = list.Text(list.args["list"][0]["preview"]);
  EXPECT_EQ(preview, R"("Привет, мир! Это тестовое письмо.")");
  EXPECT_EQ(list.Text(list.args["list"][0]["subject"]), R"("Отчёт за квартал")");
  EXPECT_EQ(Count("imap_command=\"UID FETCH BODY\""), 0u);
  EXPECT_EQ(Count("event=email_record_miss"), 0u);

  // Whereas a body is read from IMAP.
  Answer body = GetEmail(EmailIdFor(kMultipart),
                         R"(,"properties":["bodyValues"],"fetchTextBodyValues":true)");
  ASSERT_EQ(body.name, "Email/get");
  EXPECT_EQ(Count("imap_command=\"UID FETCH BODY\""), 1u);
}

TEST_F(EmailGetTest, RebuildsARecordTheCacheCannotRead) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);
  ASSERT_EQ(GetEmail(id, R"(,"properties":["subject"])").name, "Email/get");
  std::string account = AccountId(user_);
  std::string cache_dir = server_->data_dir() + "/cache";
  server_->Stop();

  // Corrupt the cached record while no konvert holds the cache.
  {
    Result<std::unique_ptr<MailCache>> cache = MailCache::Open(cache_dir, log::Context());
    ASSERT_TRUE(cache.ok()) << cache.status().message();
    Result<std::unique_ptr<AccountIndex>> index =
        AccountIndex::Load(cache->get(), account, log::Context());
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Detail(id)->has_value());
    ASSERT_TRUE((*index)->SaveDetail(id, "{not a record").ok());
  }

  std::unique_ptr<KonvertProcess> second = StartServer({"--data-dir", server_->data_dir()});
  ASSERT_NE(second, nullptr);
  std::swap(server_, second);
  // Download needs the part's offsets from the record: it rebuilds it.
  HttpResponse pdf =
      Get(Url("/jmap/download/" + account + "/B" + id.substr(1) + "_2/r.pdf"), user_);
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body, kPdf);
  EXPECT_EQ(Count("event=email_record_miss"), 1u);

  Answer answer = GetEmail(id, R"(,"properties":["subject","attachments"],)"
                               R"("bodyProperties":["partId","name"])");
  ASSERT_EQ(answer.name, "Email/get") << answer.Text(answer.args);
  EXPECT_EQ(answer.Text(answer.args["list"][0]),
            R"({"id":")" + id +
                R"(","subject":"Отчёт за квартал",)"
                R"("attachments":[{"partId":"2","name":"отчёт.pdf"}]})");
  EXPECT_EQ(Count("event=email_record_miss"), 1u);

  // The rebuilt record was saved back: a second read is no miss.
  ASSERT_EQ(GetEmail(id, R"(,"properties":["subject"])").name, "Email/get");
  EXPECT_EQ(Count("event=email_record_miss"), 1u);
  server_->Stop();
  Result<std::unique_ptr<MailCache>> cache = MailCache::Open(cache_dir, log::Context());
  ASSERT_TRUE(cache.ok());
  Result<std::unique_ptr<AccountIndex>> index =
      AccountIndex::Load(cache->get(), account, log::Context());
  ASSERT_TRUE(index.ok());
  Result<std::optional<std::string>> detail = (*index)->Detail(id);
  ASSERT_TRUE(detail.ok() && detail->has_value());
  EXPECT_TRUE(ParseEmailRecord(**detail).has_value());
}

TEST_F(EmailGetTest, DownloadsTheWholeMessageAndAnAttachment) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);
  std::string account = AccountId(user_);
  ASSERT_EQ(GetEmail(id, R"(,"properties":["id"])").name, "Email/get");
  std::string hex = id.substr(1);

  HttpResponse whole = Get(
      Url("/jmap/download/" + account + "/B" + hex + "/message.eml?type=message/rfc822"), user_);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.body, kMultipart);
  EXPECT_EQ(whole.headers["content-type"], "message/rfc822");
  EXPECT_EQ(whole.headers["content-disposition"],
            "attachment; filename=\"message.eml\"; filename*=UTF-8''message.eml");

  // The client percent-encodes the name and type into the URL template.
  HttpResponse pdf = Get(Url("/jmap/download/" + account + "/B" + hex +
                             "_2/%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf?type=application%2Fpdf"),
                         user_);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.body, kPdf);
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
  EXPECT_EQ(pdf.headers["content-disposition"],
            "attachment; filename=\"_____.pdf\"; "
            "filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf");
  EXPECT_EQ(pdf.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(pdf.headers["cache-control"], "private, max-age=604800, immutable");
  EXPECT_EQ(pdf.headers["content-security-policy"], "default-src 'none'; sandbox");

  // A text part comes transfer-decoded but in its own charset.
  HttpResponse text =
      Get(Url("/jmap/download/" + account + "/B" + hex + "_1-1/a.txt?type=text/plain"), user_);
  ASSERT_EQ(text.status, 200);
  EXPECT_EQ(text.body, "Привет, мир! Это тестовое письмо.");
}

TEST_F(EmailGetTest, DownloadRefusesTypesThatAreNotMediaTypes) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string account = AccountId(user_);
  std::string base = Url("/jmap/download/" + account + "/B" + EmailIdFor(kMultipart).substr(1));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "application/octet-stream"},
      {"?type=", "application/octet-stream"},
      {"?type=text%2Fhtml%0D%0AX-Evil:%201", "application/octet-stream"},
      {"?type=text", "application/octet-stream"},
      {"?type=text/plain;%20charset=%22x%22", "application/octet-stream"},
      {"?type=text/plain;%20charset=utf-8", "text/plain; charset=utf-8"},
      {"?type=application/vnd.ms-excel", "application/vnd.ms-excel"},
      {"?type=image/svg%2Bxml", "image/svg+xml"},
  };
  for (const auto& [query, expected] : cases) {
    HttpResponse response = Get(base + "/m.eml" + query, user_);
    EXPECT_EQ(response.status, 200) << query;
    EXPECT_EQ(response.headers["content-type"], expected) << query;
    EXPECT_EQ(response.headers.count("x-evil"), 0u);
  }
}

TEST_F(EmailGetTest, DownloadAnswers404ForWhatIsNotTheUsersBlob) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string account = AccountId(user_);
  std::string blob = "B" + EmailIdFor(kMultipart).substr(1);

  // A message of another user, with that user's account id or ours.
  MailUser other = FreshUser("emailget-other");
  std::string other_simple = SimpleMessage("чужое");
  {
    RawImap other_imap(other);
    other_imap.Append("INBOX", other_simple);
  }
  ASSERT_FALSE(Query(&other).empty());
  std::string other_account = AccountId(other);
  std::string other_blob = "B" + EmailIdFor(other_simple).substr(1);
  ASSERT_EQ(Get(Url("/jmap/download/" + other_account + "/" + other_blob + "/x"), other).status,
            200);

  const std::vector<std::string> missing = {
      other_account + "/" + blob + "/x",
      other_account + "/" + other_blob + "/x",
      account + "/" + other_blob + "/x",
      account + "/Bffffffffffffffffffffffff/x",
      account + "/" + blob + "_9/x",
      account + "/" + blob + "_1/x",  // multipart: no blob
      account + "/" + blob + "_01/x",
      account + "/" + blob + "_2-/x",
      account + "/" + blob + "x/x",
      account + "/xyz/x",
      account + "/" + blob,
      account + "/" + blob + "/x/y",
      account + "//x",
      account + "/%zz/x",
  };
  for (const std::string& path : missing) {
    HttpResponse response = Get(Url("/jmap/download/" + path), user_);
    EXPECT_EQ(response.status, 404) << path << " " << response.body;
    EXPECT_EQ(response.headers["content-type"].rfind("application/problem+json", 0), 0u) << path;
  }

  HttpRequest anonymous;
  anonymous.url = Url("/jmap/download/" + account + "/" + blob + "/x");
  EXPECT_EQ(client_.Send(anonymous).status, 401);
  MailUser wrong = user_;
  wrong.password = "wrong";
  EXPECT_EQ(Get(anonymous.url, wrong).status, 401);
  HttpRequest post = anonymous;
  post.method = "POST";
  EXPECT_EQ(client_.Send(post).status, 405);
}

TEST_F(EmailGetTest, SessionDownloadUrlLeadsToTheBlob) {
  imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  HttpResponse session = Get(Url("/.well-known/jmap"), user_);
  rapidjson::Document doc = Parse(session.body);
  std::string url = doc["downloadUrl"].GetString();
  auto fill = [&](const std::string& name, const std::string& value) {
    url.replace(url.find(name), name.size(), value);
  };
  fill("{accountId}", AccountId(user_));
  fill("{blobId}", "B" + EmailIdFor(kMultipart).substr(1));
  fill("{name}", "m.eml");
  fill("{type}", "message%2Frfc822");
  url.replace(0, url.find("/webmail"), server_->origin());

  HttpResponse response = Get(url, user_);
  EXPECT_EQ(response.status, 200) << url;
  EXPECT_EQ(response.body, kMultipart);
}

TEST_F(EmailGetTest, SinglePartMessageIsPartOneAndDownloadsInItsOwnCharset) {
  std::string koi8 =
      Crlf({"From: a@example.test", "Subject: koi8", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=KOI8-R",
            "Content-Transfer-Encoding: quoted-printable", "", "=F0=D2=C9=D7=C5=D4"});
  imap_->Append("INBOX", koi8);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(koi8);

  Answer answer = GetEmail(id, R"(,"properties":["bodyStructure","textBody","htmlBody",)"
                               R"("attachments","hasAttachment"],)"
                               R"("bodyProperties":["partId","blobId","size","type","charset"])");
  ASSERT_EQ(answer.name, "Email/get") << answer.Text(answer.args);
  std::string part = R"({"partId":"1","blobId":"B)" + id.substr(1) +
                     R"(_1","size":8,"type":"text/plain","charset":"koi8-r"})";
  EXPECT_EQ(answer.Text(answer.args["list"][0]),
            R"({"id":")" + id + R"(","bodyStructure":)" + part + R"(,"textBody":[)" + part +
                R"(],"htmlBody":[)" + part + R"(],"attachments":[],"hasAttachment":false})");

  // The part's bytes after quoted-printable decoding, not converted to UTF-8.
  HttpResponse download =
      Get(Url("/jmap/download/" + AccountId(user_) + "/B" + id.substr(1) + "_1/t.txt"), user_);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, "\xF0\xD2\xC9\xD7\xC5\xD4\r\n");
}

TEST_F(EmailGetTest, AnExpungedMessageIsNotFound) {
  uint32_t uid = imap_->Append("INBOX", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);
  ASSERT_EQ(GetEmail(id, R"(,"properties":["id"])").args["list"].Size(), 1u);

  imap_->Select("INBOX");
  imap_->Expunge(uid);
  Answer answer = GetEmail(id, R"(,"properties":["bodyValues"],"fetchAllBodyValues":true)");
  ASSERT_EQ(answer.name, "Email/get");
  EXPECT_EQ(answer.Text(answer.args["list"]), "[]");
  EXPECT_EQ(answer.Text(answer.args["notFound"]), "[\"" + id + "\"]");
  HttpResponse download =
      Get(Url("/jmap/download/" + AccountId(user_) + "/B" + id.substr(1) + "/m.eml"), user_);
  EXPECT_EQ(download.status, 404);
}

TEST_F(EmailGetTest, BodiesComeFromAnotherCopyWhenOneIsGone) {
  imap_->Create("Archive2");
  uint32_t uid = imap_->Append("INBOX", kMultipart);
  imap_->Append("Archive2", kMultipart);
  ASSERT_FALSE(Query().empty());
  std::string id = EmailIdFor(kMultipart);
  Answer both = GetEmail(id, R"(,"properties":["mailboxIds"])");
  ASSERT_EQ(both.args["list"][0]["mailboxIds"].MemberCount(), 2u);

  imap_->Select("INBOX");
  imap_->Expunge(uid);
  Answer answer = GetEmail(id, R"(,"properties":["mailboxIds","bodyValues"],)"
                               R"("fetchTextBodyValues":true)");
  ASSERT_EQ(answer.name, "Email/get");
  ASSERT_EQ(answer.args["list"].Size(), 1u) << answer.Text(answer.args);
  EXPECT_EQ(answer.args["list"][0]["mailboxIds"].MemberCount(), 1u);
  EXPECT_EQ(answer.Text(answer.args["list"][0]["bodyValues"]["1.1"]["value"]),
            R"("Привет, мир! Это тестовое письмо.")");
}

TEST_F(EmailGetTest, NullIdsAreRefusedPastMaxObjectsInGet) {
  // maxObjectsInGet is 500 (model/jmap/limits.h).
  for (int i = 0; i <= 500; ++i) {
    imap_->Append("INBOX", SimpleMessage("n" + std::to_string(i), "n" + std::to_string(i) + "@x"));
  }
  ASSERT_EQ(Query().size(), 501u);
  Answer answer = Call("Email/get", R"({"accountId":"ACCOUNT","ids":null,"properties":["id"]})");
  EXPECT_EQ(answer.name, "error");
  EXPECT_EQ(answer.Type(), "requestTooLarge");
}

}  // namespace
}  // namespace konvert::testing
