// Mailbox, Email and Thread query and change methods through the real
// konvert binary against the real Dovecot, with a second IMAP client making
// the changes another mail program would make.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "model/mime/charset.h"
#include "tests/support/https_client.h"
#include "tests/support/jmap_client.h"
#include "tests/support/json_text.h"
#include "tests/support/konvert_process.h"
#include "tests/support/mail_stack.h"
#include "tests/support/raw_imap.h"
#include "tests/support/tcp_proxy.h"

namespace konvert::testing {
namespace {

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString());
  return out;
}

std::set<std::string> Set(const rapidjson::Value& array) {
  std::vector<std::string> v = Strings(array);
  return std::set<std::string>(v.begin(), v.end());
}

class MailSyncApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    user_ = FreshUser("api");
    raw_ = std::make_unique<RawImap>(user_);
    ASSERT_TRUE(raw_->ok());
  }

  void StartServer() {
    server_ = std::make_unique<KonvertProcess>(
        std::vector<std::string>{"--imap", MailStack::Get().imap_url(), "--allow-plain-loopback"});
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
    jmap_ = std::make_unique<JmapClient>(*server_, user_);
  }

  // Mailbox name -> id.
  std::map<std::string, std::string> Mailboxes() {
    MethodResult result = jmap_->Method("Mailbox/get", R"({"properties":["name"]})");
    std::map<std::string, std::string> out;
    for (const auto& m : result.args["list"].GetArray()) {
      out[m["name"].GetString()] = m["id"].GetString();
    }
    return out;
  }

  // Every Email id in `mailbox`, newest first.
  std::vector<std::string> Ids(const std::string& mailbox, const std::string& extra = "") {
    MethodResult result = jmap_->Method(
        "Email/query", R"({"filter":{"inMailbox":")" + mailbox + R"("})" + extra + "}");
    EXPECT_FALSE(result.error()) << JsonText(result.args);
    return result.error() ? std::vector<std::string>() : Strings(result.args["ids"]);
  }

  MailUser user_;
  std::unique_ptr<RawImap> raw_;
  std::unique_ptr<KonvertProcess> server_;
  std::unique_ptr<JmapClient> jmap_;
};

TEST_F(MailSyncApiTest, MailboxesHaveRolesHierarchyAndCountsButNotGroupwareFolders) {
  raw_->Create("Work");
  raw_->Create("Work/Projects");
  raw_->Create("Contacts");
  raw_->Create("Calendar");
  raw_->Create("&BB4EQgRHBDUEQgRL-");  // "Отчеты" in modified UTF-7
  raw_->Append("INBOX", SimpleMessage("unread"));
  raw_->Append("INBOX", SimpleMessage("read"), {"\\Seen"});
  StartServer();

  std::map<std::string, std::string> ids = Mailboxes();
  EXPECT_EQ(ids.count("Contacts"), 0u);
  EXPECT_EQ(ids.count("Calendar"), 0u);
  ASSERT_EQ(ids.count("Отчеты"), 1u);
  ASSERT_EQ(ids.count("Projects"), 1u);

  MethodResult got = jmap_->Method(
      "Mailbox/get", R"({"ids":[")" + ids["Projects"] + R"(",")" + ids["Inbox"] + R"(","nope"]})");
  ASSERT_FALSE(got.error()) << JsonText(got.args);
  const rapidjson::Value& projects = got.args["list"][0];
  EXPECT_EQ(std::string(projects["parentId"].GetString()), ids["Work"]);
  EXPECT_TRUE(projects["role"].IsNull());
  const rapidjson::Value& inbox = got.args["list"][1];
  EXPECT_EQ(std::string(inbox["role"].GetString()), "inbox");
  EXPECT_EQ(inbox["totalEmails"].GetUint(), 2u);
  EXPECT_EQ(inbox["unreadEmails"].GetUint(), 1u);
  EXPECT_EQ(inbox["totalThreads"].GetUint(), 2u);
  EXPECT_FALSE(inbox["myRights"]["mayDelete"].GetBool());
  EXPECT_EQ(Strings(got.args["notFound"]), std::vector<std::string>{"nope"});

  MethodResult sent = jmap_->Method("Mailbox/query", R"({"filter":{"role":"sent"}})");
  EXPECT_EQ(Strings(sent.args["ids"]), std::vector<std::string>{ids["Sent"]});
  MethodResult tree = jmap_->Method(
      "Mailbox/query",
      R"({"filter":{"hasAnyRole":false},"sortAsTree":true,"sort":[{"property":"name"}]})");
  EXPECT_EQ(Strings(tree.args["ids"]),
            (std::vector<std::string>{ids["Work"], ids["Projects"], ids["Отчеты"]}));
}

TEST_F(MailSyncApiTest, ChangesOfAnotherClientAreSeenAndReplayMatchesAFreshQuery) {
  uint32_t first = raw_->Append("INBOX", SimpleMessage("first"));
  uint32_t second = raw_->Append("INBOX", SimpleMessage("second"));
  StartServer();
  std::string inbox = Mailboxes()["Inbox"];
  std::vector<std::string> before = Ids(inbox);
  ASSERT_EQ(before.size(), 2u);
  std::string email_state = jmap_->Method("Email/get", R"({"ids":[]})").args["state"].GetString();
  std::string mailbox_state =
      jmap_->Method("Mailbox/get", R"({"ids":[]})").args["state"].GetString();
  MethodResult query = jmap_->Method(
      "Email/query", R"({"filter":{"inMailbox":")" + inbox + R"("},"calculateTotal":true})");
  std::string query_state = query.args["queryState"].GetString();

  raw_->Select("INBOX");
  raw_->AddFlags(first, {"\\Seen", "$label2"});
  raw_->Expunge(second);
  raw_->Append("INBOX", SimpleMessage("third"));
  raw_->Create("Later");

  MethodResult changes = jmap_->Method("Email/changes", R"({"sinceState":")" + email_state + "\"}");
  ASSERT_FALSE(changes.error()) << JsonText(changes.args);
  std::vector<std::string> after = Ids(inbox);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(Strings(changes.args["created"]).size(), 1u);
  EXPECT_EQ(Strings(changes.args["destroyed"]).size(), 1u);
  EXPECT_EQ(Strings(changes.args["updated"]).size(), 1u);

  // Replaying /changes on the old list gives what a fresh query gives.
  std::set<std::string> replayed(before.begin(), before.end());
  for (const std::string& id : Strings(changes.args["destroyed"])) replayed.erase(id);
  for (const std::string& id : Strings(changes.args["created"])) replayed.insert(id);
  EXPECT_EQ(replayed, std::set<std::string>(after.begin(), after.end()));

  // The flag change is in the index: the labelled message is found by it.
  std::vector<std::string> labelled = Ids(inbox, R"(,"filter":{"hasKeyword":"$label2"})");
  EXPECT_EQ(labelled, Strings(changes.args["updated"]));

  MethodResult mailbox_changes =
      jmap_->Method("Mailbox/changes", R"({"sinceState":")" + mailbox_state + "\"}");
  EXPECT_EQ(Strings(mailbox_changes.args["created"]),
            std::vector<std::string>{Mailboxes()["Later"]});
  EXPECT_TRUE(Set(mailbox_changes.args["updated"]).count(inbox));

  // queryChanges, replayed on the old result, gives the new one.
  MethodResult qc = jmap_->Method(
      "Email/queryChanges", R"({"filter":{"inMailbox":")" + inbox + R"("},"sinceQueryState":")" +
                                query_state + R"(","calculateTotal":true})");
  ASSERT_FALSE(qc.error()) << JsonText(qc.args);
  std::vector<std::string> list = before;
  for (const std::string& id : Strings(qc.args["removed"])) {
    list.erase(std::remove(list.begin(), list.end(), id), list.end());
  }
  for (const auto& added : qc.args["added"].GetArray()) {
    list.insert(list.begin() + added["index"].GetUint(), added["id"].GetString());
  }
  EXPECT_EQ(list, after);
  EXPECT_EQ(qc.args["total"].GetUint(), 2u);
}

TEST_F(MailSyncApiTest, UidValidityChangeMakesOldStatesUnanswerable) {
  raw_->Create("Work");
  raw_->Append("Work", SimpleMessage("before"));
  StartServer();
  std::string work = Mailboxes()["Work"];
  ASSERT_EQ(Ids(work).size(), 1u);
  std::string state = jmap_->Method("Email/get", R"({"ids":[]})").args["state"].GetString();

  raw_->Delete("Work");
  raw_->Create("Work");
  raw_->Append("Work", SimpleMessage("after one"));
  raw_->Append("Work", SimpleMessage("after two"));

  MethodResult changes = jmap_->Method("Email/changes", R"({"sinceState":")" + state + "\"}");
  ASSERT_TRUE(changes.error());
  EXPECT_EQ(changes.type(), "cannotCalculateChanges");
  EXPECT_EQ(Mailboxes()["Work"], work);
  EXPECT_EQ(Ids(work).size(), 2u);
}

TEST_F(MailSyncApiTest, QuerySortsFiltersCollapsesThreadsAndPages) {
  raw_->Append("INBOX", SimpleMessage("Bravo", "b@x", "", "Bob <bob@example.test>",
                                      "Tue, 03 Nov 2026 10:00:00 +0000"));
  raw_->Append(
      "INBOX",
      SimpleMessage("Alpha", "a@x", "", "Zed <z@example.test>", "Mon, 02 Nov 2026 10:00:00 +0000"),
      {"\\Flagged"});
  raw_->Append("Sent", SimpleMessage("Re: Alpha", "a2@x", "a@x", "Me <me@example.test>",
                                     "Wed, 04 Nov 2026 10:00:00 +0000"));
  StartServer();
  std::map<std::string, std::string> mailboxes = Mailboxes();
  std::string inbox = mailboxes["Inbox"];

  MethodResult by_subject =
      jmap_->Method("Email/query", R"({"sort":[{"property":"subject"}],"calculateTotal":true})");
  ASSERT_FALSE(by_subject.error()) << JsonText(by_subject.args);
  std::vector<std::string> all = Strings(by_subject.args["ids"]);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(by_subject.args["total"].GetUint(), 3u);

  MethodResult threads =
      jmap_->Method("Email/query", R"({"collapseThreads":true,"calculateTotal":true,)"
                                   R"("sort":[{"property":"sentAt","isAscending":false}]})");
  EXPECT_EQ(threads.args["total"].GetUint(), 2u);
  std::string newest = threads.args["ids"][0].GetString();

  MethodResult thread_of =
      jmap_->Method("Email/get", R"({"ids":[")" + newest + R"("],"properties":["threadId"]})");
  ASSERT_FALSE(thread_of.error()) << JsonText(thread_of.args);
  std::string thread_id = thread_of.args["list"][0]["threadId"].GetString();
  MethodResult thread = jmap_->Method("Thread/get", R"({"ids":[")" + thread_id + R"("]})");
  EXPECT_EQ(thread.args["list"][0]["emailIds"].Size(), 2u) << "the reply in Sent joins";

  MethodResult flagged =
      jmap_->Method("Email/query", R"({"filter":{"operator":"AND","conditions":[{"inMailbox":")" +
                                       inbox + R"("},{"hasKeyword":"$flagged"}]}})");
  EXPECT_EQ(flagged.args["ids"].Size(), 1u);
  MethodResult not_inbox =
      jmap_->Method("Email/query", R"({"filter":{"inMailboxOtherThan":[")" + inbox + R"("]}})");
  EXPECT_EQ(not_inbox.args["ids"].Size(), 1u);

  MethodResult page =
      jmap_->Method("Email/query", R"({"sort":[{"property":"subject"}],"anchor":")" + all[1] +
                                       R"(","anchorOffset":-1,"limit":2})");
  EXPECT_EQ(Strings(page.args["ids"]), (std::vector<std::string>{all[0], all[1]}));
  EXPECT_EQ(page.args["position"].GetUint(), 0u);
}

TEST_F(MailSyncApiTest, BadArgumentsGetJmapErrors) {
  StartServer();
  struct Case {
    std::string method;
    std::string args;
    std::string type;
  };
  std::vector<Case> cases = {
      {"Email/query", R"({"accountId":"nobody"})", "accountNotFound"},
      {"Email/query", R"({"filter":{"text":"hello"}})", "unsupportedFilter"},
      {"Email/query", R"({"sort":[{"property":"color"}]})", "unsupportedSort"},
      {"Email/query", R"({"limit":-1})", "invalidArguments"},
      {"Email/query", R"({"anchor":"Mnope"})", "anchorNotFound"},
      {"Email/changes", R"({"sinceState":"garbage"})", "cannotCalculateChanges"},
      {"Email/changes", R"({})", "invalidArguments"},
      {"Mailbox/get", R"({"properties":["nope"]})", "invalidArguments"},
      {"Mailbox/get", R"({"ids":"x"})", "invalidArguments"},
      {"Mailbox/query", R"({"filter":{"colour":"red"}})", "unsupportedFilter"},
      {"Mailbox/changes", R"({"sinceState":"0-0","maxChanges":0})", "invalidArguments"},
      {"Thread/get", R"({"ids":null})", "requestTooLarge"},
      {"Mailbox/queryChanges", R"({"sinceQueryState":"x"})", "cannotCalculateChanges"},
  };
  for (const Case& c : cases) {
    MethodResult result = jmap_->Method(c.method, c.args);
    EXPECT_EQ(result.type(), c.type)
        << c.method << " " << c.args << " -> " << JsonText(result.args);
  }
  std::string many = "[";
  for (int i = 0; i < 501; ++i)
    many += std::string(i ? "," : "") + "\"M" + std::to_string(i) + "\"";
  MethodResult too_many = jmap_->Method("Mailbox/get", R"({"ids":)" + many + "]}");
  EXPECT_EQ(too_many.type(), "requestTooLarge");
}

TEST_F(MailSyncApiTest, FirstQueryOfALargeFolderIsRightBeforeTheSyncFinishes) {
  raw_->Create("Big");
  for (int i = 0; i < 400; ++i) {
    char date[64];
    std::snprintf(date, sizeof(date), "Mon, 02 Nov 2026 %02d:%02d:00 +0000", i / 60, i % 60);
    raw_->Append("Big",
                 SimpleMessage("big " + std::to_string(i), "", "", "A <a@example.test>", date), {},
                 1793000000 + i * 60);
  }
  StartServer();
  std::string big = Mailboxes()["Big"];
  MethodResult page =
      jmap_->Method("Email/query", R"({"filter":{"inMailbox":")" + big +
                                       R"("},"limit":10,"position":5,"calculateTotal":true})");
  ASSERT_FALSE(page.error()) << JsonText(page.args);
  EXPECT_EQ(page.args["total"].GetUint(), 400u);
  EXPECT_EQ(page.args["position"].GetUint(), 5u);
  std::vector<std::string> first_ids = Strings(page.args["ids"]);
  ASSERT_EQ(first_ids.size(), 10u);

  // A query over every folder completes their sync first; after it the same
  // page comes from the cache, and must be the same page.
  MethodResult everything = jmap_->Method("Email/query", R"({"calculateTotal":true})");
  EXPECT_EQ(everything.args["total"].GetUint(), 400u);
  MethodResult cached = jmap_->Method(
      "Email/query", R"({"filter":{"inMailbox":")" + big + R"("},"limit":10,"position":5})");
  EXPECT_EQ(Strings(cached.args["ids"]), first_ids);
}

TEST_F(MailSyncApiTest, ANewCacheGivesTheSameIds) {
  raw_->Create("Work");
  raw_->Append("INBOX", SimpleMessage("Plan", "plan@x"));
  raw_->Append("Work", SimpleMessage("Re: Plan", "plan2@x", "plan@x"));
  raw_->Append("Work", SimpleMessage("Other"));

  // Every id a client may hold, read from a server with a fresh data directory.
  auto snapshot = [this] {
    StartServer();
    std::map<std::string, std::string> mailboxes = Mailboxes();
    MethodResult emails = jmap_->Method("Email/query", R"({"sort":[{"property":"subject"}]})");
    std::string ids = JsonText(emails.args["ids"]);
    MethodResult got = jmap_->Method(
        "Email/get", R"({"ids":)" + ids + R"(,"properties":["threadId","mailboxIds"]})");
    std::string all = JsonText(got.args["list"]);
    for (const auto& [name, id] : mailboxes) all += name + "=" + id + ";";
    server_.reset();
    return all;
  };
  std::string first = snapshot();
  std::string second = snapshot();
  EXPECT_NE(first.find("threadId"), std::string::npos);
  EXPECT_EQ(first, second);
}

TEST_F(MailSyncApiTest, AFolderMadeByAnotherClientIsSeenByTheVeryNextRequest) {
  uint32_t uid = raw_->Append("INBOX", SimpleMessage("copied later"));
  StartServer();
  MethodResult all = jmap_->Method("Email/query", R"({"calculateTotal":true})");
  ASSERT_EQ(all.args["total"].GetUint(), 1u);
  std::string id = all.args["ids"][0].GetString();
  std::string state = jmap_->Method("Email/get", R"({"ids":[]})").args["state"].GetString();

  for (int round = 0; round < 3; ++round) {
    std::string name = "Fresh" + std::to_string(round);
    raw_->Create(name);
    raw_->Select("INBOX");
    raw_->Copy(uid, name);
    MethodResult changes = jmap_->Method("Email/changes", R"({"sinceState":")" + state + R"("})");
    ASSERT_FALSE(changes.error()) << JsonText(changes.args);
    EXPECT_EQ(Strings(changes.args["updated"]), std::vector<std::string>{id}) << name;
    state = changes.args["newState"].GetString();

    raw_->Create("Empty" + std::to_string(round));
    MethodResult found = jmap_->Method(
        "Mailbox/query", R"({"filter":{"name":"Empty)" + std::to_string(round) + R"("}})");
    EXPECT_EQ(found.args["ids"].Size(), 1u) << "Empty" << round;
  }

  // Dovecot 2.3's LIST may miss a folder created within the same second as
  // a RENAME by another session (its list index is checked by mtime), so the
  // rename comes last.
  raw_->Rename("Fresh0", "Renamed");
  MethodResult renamed = jmap_->Method("Mailbox/query", R"({"filter":{"name":"Renamed"}})");
  EXPECT_EQ(renamed.args["ids"].Size(), 1u);
}

TEST_F(MailSyncApiTest, EightBitBytesInHeadersNeverBreakEmailGet) {
  // Found by a tester: one such message made Email/get fail for every id in
  // the request (serverFail, "the response could not be written").
  std::vector<std::string> fields = {
      "Message-ID: <\xff\xfe@x>",
      "In-Reply-To: <\xc0\xaf@x>",
      "References: <a@x> <\xed\xa0\x80@x>",
      "List-Unsubscribe: <mailto:\xff@x>",
      "Message-ID: <a\x80"
      "b@x>",
  };
  for (const std::string& field : fields) {
    raw_->Append("INBOX", "From: a@example.test\r\nSubject: x\r\n" + field + "\r\n\r\nbody\r\n");
  }
  raw_->Append("INBOX",
               "From: a@example.test\r\nSubject: parts\r\nContent-Type: multipart/mixed; "
               "boundary=b\r\n\r\n--b\r\nContent-Type: te\xffxt/pl\x80"
               "ain; charset=\xfe\r\n"
               "Content-ID: <\xff@x>\r\nContent-Language: \xe9n\r\n\r\nhello\r\n"
               "--b\r\nContent-Type: application/octet-stream; name=\"a\xff\x01.bin\"\r\n"
               "Content-Disposition: attachment\r\n\r\nxyz\r\n--b--\r\n");
  StartServer();
  MethodResult all = jmap_->Method("Email/query", "{}");
  ASSERT_EQ(all.args["ids"].Size(), fields.size() + 1);

  HttpsClient client(KonvertProcess::CertFile());
  HttpRequest request;
  request.method = "POST";
  request.url = server_->origin() + "/webmail/jmap/api";
  request.basic_login = user_.login;
  request.basic_password = user_.password;
  request.body =
      R"({"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[)"
      R"(["Email/get",{"accountId":")" +
      jmap_->account_id() + R"(","ids":)" + JsonText(all.args["ids"]) +
      R"(,"properties":null,"fetchAllBodyValues":true},"a"],)"
      R"(["Email/get",{"accountId":")" +
      jmap_->account_id() + R"(","ids":)" + JsonText(all.args["ids"]) +
      R"(,"properties":["headers","bodyStructure","header:List-Unsubscribe:asURLs",)"
      R"("header:Message-ID:asMessageIds","header:References:asMessageIds:all"]},"b"]]})";
  HttpResponse response = client.Send(request);
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(mime::IsValidUtf8(response.body));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  for (const auto& call : doc["methodResponses"].GetArray()) {
    ASSERT_EQ(std::string(call[0].GetString()), "Email/get") << JsonText(call);
    EXPECT_EQ(call[1]["list"].Size(), fields.size() + 1);
  }
}

TEST_F(MailSyncApiTest, ImapGoneMidSessionIsAnErrorAndLosesNothing) {
  raw_->Append("INBOX", SimpleMessage("kept"));
  TcpProxy proxy(MailStack::Get().imap_port());
  server_ = std::make_unique<KonvertProcess>(std::vector<std::string>{
      "--imap", "imap://127.0.0.1:" + std::to_string(proxy.port()), "--allow-plain-loopback"});
  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << error;
  jmap_ = std::make_unique<JmapClient>(*server_, user_);
  std::string inbox = Mailboxes()["Inbox"];
  std::vector<std::string> before = Ids(inbox);
  ASSERT_EQ(before.size(), 1u);

  // The connections konvert holds die under it, and new ones are refused:
  // calls fail with a JMAP error or 503, never hang or crash.
  proxy.Cut();
  for (int i = 0; i < 2; ++i) {
    long status = 0;
    rapidjson::Document failed = jmap_->Request(
        R"([["Email/query",{"accountId":")" + jmap_->account_id() + R"("},"c"]])", &status);
    if (status == 200) {
      EXPECT_EQ(std::string(failed["methodResponses"][0][1]["type"].GetString()),
                "serverUnavailable");
    } else {
      EXPECT_EQ(status, 503);
    }
  }

  // Once the server is back, the dead pooled connections are replaced
  // without costing the client a failed call, and the mail is all there.
  proxy.Restore();
  EXPECT_EQ(Ids(inbox), before);
  // It lived through all of it (a crash here once came from the IDLE
  // connection dying under its wait).
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

}  // namespace
}  // namespace konvert::testing
