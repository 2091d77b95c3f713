// The konvert binary against the real Dovecot: HTTPS, login, the JMAP
// session and request envelope, and the bad input each of them must survive.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/https_client.h"
#include "tests/support/konvert_process.h"
#include "tests/support/mail_stack.h"

namespace konvert::testing {
namespace {

constexpr char kEcho[] = R"({"using":["urn:ietf:params:jmap:core"],)"
                         R"("methodCalls":[["Core/echo",{"hello":"мир"},"c1"]]})";

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  return doc;
}

std::string ProblemType(const HttpResponse& response) {
  rapidjson::Document doc = Json(response.body);
  if (!doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString()) return "";
  return doc["type"].GetString();
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--imap", MailStack::Get().imap_url(),
                                     "--allow-plain-loopback"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<KonvertProcess>(args);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }

  void SetUp() override { StartServer(); }

  std::string Url(const std::string& path) const { return server_->origin() + "/webmail" + path; }

  HttpResponse PostApi(const std::string& body, const MailUser& user) const {
    HttpRequest request;
    request.method = "POST";
    request.url = Url("/jmap/api");
    request.body = body;
    request.headers = {"Content-Type: application/json"};
    request.basic_login = user.login;
    request.basic_password = user.password;
    return client_.Send(request);
  }

  HttpResponse Login(const MailUser& user, std::vector<std::string> headers = {}) const {
    std::string body = R"({"login":")" + user.login + R"(","password":")";
    for (char c : user.password) {
      if (c == '"' || c == '\\') body.push_back('\\');
      body.push_back(c);
    }
    body += "\"}";
    return client_.PostJson(Url("/auth/login"), body, std::move(headers));
  }

  std::unique_ptr<KonvertProcess> server_;
  HttpsClient client_{KonvertProcess::CertFile()};
};

TEST_F(ServerTest, LoginSetsAStrictSessionCookie) {
  HttpResponse response = Login(MailStack::Get().alice());
  ASSERT_EQ(response.status, 200) << response.body;

  ASSERT_EQ(response.set_cookies.size(), 1u);
  const std::string& cookie = response.set_cookies[0];
  EXPECT_EQ(cookie.rfind("konvert_session=k1.", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("Secure"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  rapidjson::Document doc = Json(response.body);
  EXPECT_STREQ(doc["username"].GetString(), "alice@example.test");
}

TEST_F(ServerTest, WrongPasswordIsRefusedWithoutASession) {
  MailUser wrong = MailStack::Get().alice();
  wrong.password = "not-the-password";
  HttpResponse response = Login(wrong);

  EXPECT_EQ(response.status, 401);
  EXPECT_TRUE(response.set_cookies.empty());
  EXPECT_EQ(response.headers["content-type"].rfind("application/problem+json", 0), 0u);
  EXPECT_EQ(Json(response.body)["status"].GetInt(), 401);
  EXPECT_EQ(server_->log().find("not-the-password"), std::string::npos);
}

TEST_F(ServerTest, MalformedLoginBodiesGetClearErrors) {
  const std::string valid = R"({"login":"alice@example.test","password":"alice-secret"})";
  const std::vector<std::string> bodies = {"",
                                           "{",
                                           "[]",
                                           R"({"login":"a"})",
                                           R"({"login":1,"password":"x"})",
                                           R"({"login":"","password":"x"})",
                                           valid + std::string(1, '\0') + "junk"};
  for (const std::string& body : bodies) {
    HttpResponse response = client_.PostJson(Url("/auth/login"), body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:invalidArguments") << body;
  }
}

TEST_F(ServerTest, UnicodePasswordWithQuotesLogsIn) {
  MailUser ivan = MailStack::Get().unicode_user();
  ASSERT_NE(ivan.password.find('"'), std::string::npos);

  EXPECT_EQ(Login(ivan).status, 200);
  HttpResponse api = PostApi(kEcho, ivan);
  EXPECT_EQ(api.status, 200) << api.body;
  EXPECT_EQ(server_->log().find("кавычки"), std::string::npos);
}

TEST_F(ServerTest, CookieAuthenticatesApiRequestsFromOurOrigin) {
  std::string cookie = CookieValue(Login(MailStack::Get().alice()), "konvert_session");
  ASSERT_FALSE(cookie.empty());

  HttpResponse response =
      client_.PostJson(Url("/jmap/api"), kEcho,
                       {"Cookie: konvert_session=" + cookie, "Origin: " + server_->origin()});
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document doc = Json(response.body);
  EXPECT_STREQ(doc["methodResponses"][0][0].GetString(), "Core/echo");
  EXPECT_STREQ(doc["methodResponses"][0][1]["hello"].GetString(), "мир");
}

TEST_F(ServerTest, CookieRequestsFromElsewhereAreRefused) {
  std::string cookie = CookieValue(Login(MailStack::Get().alice()), "konvert_session");
  const std::vector<std::vector<std::string>> refused = {
      {"Origin: https://evil.example"},
      {"Sec-Fetch-Site: cross-site", "Origin: " + server_->origin()},
      {"Sec-Fetch-Site: same-site"},
      {},
  };
  for (const auto& headers : refused) {
    std::vector<std::string> all = headers;
    all.push_back("Cookie: konvert_session=" + cookie);
    HttpResponse response = client_.PostJson(Url("/jmap/api"), kEcho, all);
    EXPECT_EQ(response.status, 403) << (headers.empty() ? "no headers" : headers[0]);
    EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:forbidden");
  }

  HttpResponse same =
      client_.PostJson(Url("/jmap/api"), kEcho,
                       {"Cookie: konvert_session=" + cookie, "Sec-Fetch-Site: same-origin"});
  EXPECT_EQ(same.status, 200);
}

TEST_F(ServerTest, SessionTokenWorksAsBearer) {
  std::string token = CookieValue(Login(MailStack::Get().alice()), "konvert_session");
  HttpResponse response =
      client_.Get(server_->origin() + "/.well-known/jmap", {"Authorization: Bearer " + token});
  EXPECT_EQ(response.status, 200) << response.body;

  HttpResponse forged = client_.Get(server_->origin() + "/.well-known/jmap",
                                    {"Authorization: Bearer k1.AAAA" + token.substr(7)});
  EXPECT_EQ(forged.status, 401);
}

TEST_F(ServerTest, LogoutEndsTheSession) {
  std::string cookie = CookieValue(Login(MailStack::Get().alice()), "konvert_session");
  std::vector<std::string> headers = {"Cookie: konvert_session=" + cookie,
                                      "Origin: " + server_->origin()};
  ASSERT_EQ(client_.PostJson(Url("/jmap/api"), kEcho, headers).status, 200);

  HttpResponse logout = client_.PostJson(Url("/auth/logout"), "", headers);
  EXPECT_EQ(logout.status, 204);
  ASSERT_EQ(logout.set_cookies.size(), 1u);
  EXPECT_NE(logout.set_cookies[0].find("Max-Age=0"), std::string::npos);

  EXPECT_EQ(client_.PostJson(Url("/jmap/api"), kEcho, headers).status, 401);
}

TEST_F(ServerTest, BasicAuthServesTheSessionAtBothWellKnownPaths) {
  MailUser alice = MailStack::Get().alice();
  for (const std::string& url :
       {server_->origin() + "/.well-known/jmap", Url("/.well-known/jmap")}) {
    HttpRequest request;
    request.url = url;
    request.basic_login = alice.login;
    request.basic_password = alice.password;
    HttpResponse response = client_.Send(request);
    ASSERT_EQ(response.status, 200) << url << " " << response.body;
    EXPECT_EQ(response.headers["cache-control"], "no-store");
    EXPECT_STREQ(Json(response.body)["apiUrl"].GetString(),
                 (server_->origin() + "/webmail/jmap/api").c_str());
  }
}

TEST_F(ServerTest, NoCredentialsGetAChallenge) {
  HttpResponse response = client_.Get(server_->origin() + "/.well-known/jmap");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers["www-authenticate"].rfind("Basic", 0), 0u);

  HttpResponse browser =
      client_.Get(server_->origin() + "/.well-known/jmap", {"Sec-Fetch-Site: same-origin"});
  EXPECT_EQ(browser.status, 401);
  EXPECT_EQ(browser.headers.count("www-authenticate"), 0u);
}

TEST_F(ServerTest, RepeatedFailedLoginsAreSlowedDown) {
  MailUser wrong = MailStack::Get().bob();
  wrong.password = "guess";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Login(wrong).status, 401);
  EXPECT_EQ(Login(wrong).status, 401);

  HttpResponse throttled = Login(MailStack::Get().bob());
  EXPECT_EQ(throttled.status, 429);
  EXPECT_FALSE(throttled.headers["retry-after"].empty());
  EXPECT_EQ(ProblemType(throttled), "urn:ietf:params:jmap:error:tooManyRequests");
}

TEST_F(ServerTest, BrowserAndBasicGuessesAreThrottledToo) {
  MailUser wrong = MailStack::Get().bob();
  wrong.password = "guess";
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Login(wrong, {"Sec-Fetch-Site: same-origin"}).status, 401) << i;
  }
  HttpResponse login = Login(MailStack::Get().bob(), {"Sec-Fetch-Site: same-origin"});
  EXPECT_EQ(login.status, 429);

  HttpRequest basic;
  basic.method = "POST";
  basic.url = Url("/jmap/api");
  basic.body = kEcho;
  basic.basic_login = wrong.login;
  basic.basic_password = wrong.password;
  HttpResponse api = client_.Send(basic);
  EXPECT_EQ(api.status, 429);
  EXPECT_FALSE(api.headers["retry-after"].empty());
}

TEST_F(ServerTest, AnotherAccountsLoginDoesNotResetGuessing) {
  MailUser wrong = MailStack::Get().bob();
  wrong.password = "guess";
  std::vector<long> statuses;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) statuses.push_back(Login(wrong).status);
    ASSERT_EQ(Login(MailStack::Get().alice()).status, 200);
  }
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), 4)
      << "the sixth guess for bob fails, every later one waits";
}

TEST_F(ServerTest, WrongPasswordsDoNotLockTheAccountOut) {
  MailUser alice = MailStack::Get().alice();
  std::string token = CookieValue(Login(alice), "konvert_session");
  ASSERT_FALSE(token.empty());

  // Eight requests with a wrong password from four addresses (so that the
  // login throttle admits them all): Dovecot delays each refusal, and the
  // pool lets four of them talk to it at once while the others wait.
  std::vector<std::thread> guesses;
  for (int i = 0; i < 8; ++i) {
    guesses.emplace_back([&, i] {
      HttpRequest request;
      request.method = "POST";
      request.url = Url("/jmap/api");
      request.body = kEcho;
      request.basic_login = alice.login;
      request.basic_password = "wrong-" + std::to_string(i);
      request.local_address = "127.0.0." + std::to_string(2 + i % 4);
      client_.Send(request);
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto connects = [&] {
    std::string log = server_->log();
    size_t n = 0;
    for (size_t at = 0; (at = log.find("imap_command=CONNECT", at)) != std::string::npos; ++at) n++;
    return n;
  };
  while (connects() < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  HttpResponse response =
      client_.PostJson(Url("/jmap/api"), kEcho, {"Authorization: Bearer " + token});
  EXPECT_EQ(response.status, 200) << response.body;
  for (std::thread& t : guesses) t.join();
}

TEST_F(ServerTest, LoginIsCaseInsensitiveLikeDovecot) {
  MailUser alice = MailStack::Get().alice();
  MailUser shouting{"ALICE@Example.TEST", alice.password};
  HttpResponse lower = Login(alice);
  HttpResponse upper = Login(shouting);
  ASSERT_EQ(upper.status, 200) << upper.body;
  EXPECT_STREQ(Json(lower.body)["accountId"].GetString(),
               Json(upper.body)["accountId"].GetString());
  EXPECT_STREQ(Json(upper.body)["username"].GetString(), "alice@example.test");
}

TEST_F(ServerTest, ResultReferencesReachEarlierResults) {
  std::string body = R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[
    ["Core/echo",{"list":[{"id":"x1"},{"id":"x2"}]},"a"],
    ["Core/echo",{"#ids":{"resultOf":"a","name":"Core/echo","path":"/list/*/id"}},"b"]]})";
  HttpResponse response = PostApi(body, MailStack::Get().alice());
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document doc = Json(response.body);
  const auto& ids = doc["methodResponses"][1][1]["ids"];
  ASSERT_TRUE(ids.IsArray());
  ASSERT_EQ(ids.Size(), 2u);
  EXPECT_STREQ(ids[1].GetString(), "x2");
  EXPECT_TRUE(doc.HasMember("sessionState"));
}

TEST_F(ServerTest, RequestLevelErrorsAreProblemDetails) {
  struct Case {
    std::string body;
    std::string type;
  };
  std::string many = R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[)";
  for (int i = 0; i < 100; ++i) many += std::string(i ? "," : "") + R"(["Core/echo",{},"c"])";
  many += "]}";
  const Case cases[] = {
      {"{not json", "notJSON"},
      {"\xff\xfe", "notJSON"},
      {R"({"using":"x","methodCalls":[]})", "notRequest"},
      {R"({"methodCalls":[]})", "notRequest"},
      {R"({"using":["urn:example:nope"],"methodCalls":[]})", "unknownCapability"},
      {many, "limit"},
      {std::string(100'000, '[') + std::string(100'000, ']'), "limit"},
  };
  for (const Case& c : cases) {
    HttpResponse response = PostApi(c.body, MailStack::Get().alice());
    EXPECT_EQ(response.status, 400) << c.type;
    EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:" + c.type) << response.body;
  }
}

TEST_F(ServerTest, OversizedRequestIsRefusedWithTheLimitNamed) {
  std::string huge =
      R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"s":")" +
      std::string(10'000'100, 'a') + R"("},"c"]]})";
  HttpResponse response = PostApi(huge, MailStack::Get().alice());
  EXPECT_EQ(response.status, 400);
  rapidjson::Document doc = Json(response.body);
  EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:limit");
  EXPECT_STREQ(doc["limit"].GetString(), "maxSizeRequest");

  // The server is still fine afterwards.
  EXPECT_EQ(PostApi(kEcho, MailStack::Get().alice()).status, 200);
}

TEST_F(ServerTest, MethodLevelErrorsLeaveOtherCallsRunning) {
  std::string body = R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[
    ["Nope/get",{},"a"],
    ["Core/echo",{"#x":{"resultOf":"zz","name":"Core/echo","path":"/x"}},"b"],
    ["Core/echo",{"ok":true},"c"]]})";
  HttpResponse response = PostApi(body, MailStack::Get().alice());
  ASSERT_EQ(response.status, 200) << response.body;
  rapidjson::Document doc = Json(response.body);
  EXPECT_STREQ(doc["methodResponses"][0][1]["type"].GetString(), "unknownMethod");
  EXPECT_STREQ(doc["methodResponses"][1][1]["type"].GetString(), "invalidResultReference");
  EXPECT_TRUE(doc["methodResponses"][2][1]["ok"].GetBool());
}

TEST_F(ServerTest, PlainHttpOnTheTlsPortGetsNoContent) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);

  std::string request = "GET /.well-known/jmap HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_GT(write(fd, request.data(), request.size()), 0);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) answer.append(buffer, n);
  close(fd);

  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(answer.find("apiUrl"), std::string::npos);

  // The port still serves HTTPS afterwards.
  EXPECT_EQ(PostApi(kEcho, MailStack::Get().alice()).status, 200);
}

// Runs openssl s_client against the server with one protocol version flag
// and returns its output.
std::string Handshake(uint16_t port, const std::string& version_flag) {
  std::string command =
      "echo | timeout 10 openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " +
      version_flag + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) output.append(buffer, n);
  pclose(pipe);
  return output;
}

TEST_F(ServerTest, RefusesTlsOlderThan12) {
  // s_client prints "New, <protocol>, Cipher is <cipher>" once a handshake
  // completes, and "New, (NONE), Cipher is (NONE)" when it failed.
  std::string old = Handshake(server_->port(), "-tls1_1");
  EXPECT_EQ(old.find("New, TLSv1.1"), std::string::npos) << old;
  EXPECT_NE(old.find("Cipher is (NONE)"), std::string::npos) << old;

  std::string tls12 = Handshake(server_->port(), "-tls1_2");
  EXPECT_NE(tls12.find("New, TLSv1.2, Cipher is ECDHE"), std::string::npos) << tls12;
  std::string tls13 = Handshake(server_->port(), "-tls1_3");
  EXPECT_NE(tls13.find("New, TLSv1.3, Cipher is TLS_"), std::string::npos) << tls13;
}

TEST_F(ServerTest, OnlyPathsBelowTheBasePathAreServed) {
  for (const char* path : {"/webmailx/jmap/api", "/webmail-evil/", "/other", "/"}) {
    HttpResponse response = client_.Get(server_->origin() + path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:notFound") << path;
  }
  HttpResponse bare = client_.Get(server_->origin() + "/webmail");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(bare.headers["location"], server_->origin() + "/webmail/");
}

TEST_F(ServerTest, WrongMethodsGet405) {
  HttpRequest put;
  put.method = "PUT";
  put.url = Url("/jmap/api");
  HttpResponse response = client_.Send(put);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers["allow"], "POST");
  EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:methodNotAllowed");

  HttpRequest head;
  head.method = "HEAD";
  head.url = Url("/");
  HttpResponse headed = client_.Send(head);
  EXPECT_EQ(headed.status, 405);
  EXPECT_EQ(headed.headers["content-length"], "0");
  // The connection is still usable: no stray body was sent.
  EXPECT_EQ(client_.Get(server_->origin() + "/.well-known/jmap").status, 401);
}

TEST_F(ServerTest, ServerKeyIsPrivate) {
  struct stat st {};
  ASSERT_EQ(stat((server_->data_dir() + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
}

TEST_F(ServerTest, StopsCleanlyAndLogsItsCounters) {
  MailUser wrong = MailStack::Get().alice();
  wrong.password = "wrong";
  ASSERT_EQ(Login(wrong).status, 401);

  EXPECT_EQ(server_->Stop(), 0);
  std::string log = server_->log();
  EXPECT_NE(log.find("event=stopping"), std::string::npos) << log;
  EXPECT_NE(log.find("event=counter name=auth_failures value=1"), std::string::npos) << log;
}

TEST_F(ServerTest, LogsHoldNoSecrets) {
  MailUser alice = MailStack::Get().alice();
  std::string cookie = CookieValue(Login(alice), "konvert_session");
  PostApi(kEcho, alice);
  std::string log = server_->log();
  EXPECT_EQ(log.find(alice.password), std::string::npos);
  EXPECT_EQ(log.find(cookie.substr(3, 20)), std::string::npos);
  EXPECT_NE(log.find("event=request_finished"), std::string::npos);
  EXPECT_NE(log.find("method=Core/echo"), std::string::npos);
}

class BasePathTest : public ServerTest {
 protected:
  void SetUp() override {
    StartServer({"--base-path", "/mail-test", "--public-url", "https://mail.example.test/mail"});
  }
};

TEST_F(BasePathTest, SessionUsesThePublicUrl) {
  HttpRequest request;
  request.url = server_->origin() + "/mail-test/.well-known/jmap";
  request.basic_login = MailStack::Get().alice().login;
  request.basic_password = MailStack::Get().alice().password;
  HttpResponse response = client_.Send(request);
  ASSERT_EQ(response.status, 200) << response.body;

  rapidjson::Document doc = Json(response.body);
  EXPECT_STREQ(doc["apiUrl"].GetString(), "https://mail.example.test/mail/jmap/api");
  EXPECT_STREQ(doc["uploadUrl"].GetString(),
               "https://mail.example.test/mail/jmap/upload/{accountId}/");
  EXPECT_EQ(std::string(doc["downloadUrl"].GetString())
                .rfind("https://mail.example.test/mail/jmap/download/", 0),
            0u);
  EXPECT_EQ(std::string(doc["eventSourceUrl"].GetString())
                .rfind("https://mail.example.test/mail/jmap/eventsource", 0),
            0u);

  request.url = server_->origin() + "/webmail/.well-known/jmap";
  EXPECT_EQ(client_.Send(request).status, 404);
}

TEST_F(BasePathTest, CookieFromThePublicOriginPasses) {
  std::string cookie =
      CookieValue(client_.PostJson(server_->origin() + "/mail-test/auth/login",
                                   R"({"login":"alice@example.test","password":"alice-secret"})"),
                  "konvert_session");
  ASSERT_FALSE(cookie.empty());
  HttpResponse response =
      client_.PostJson(server_->origin() + "/mail-test/jmap/api", kEcho,
                       {"Cookie: konvert_session=" + cookie, "Origin: https://mail.example.test"});
  EXPECT_EQ(response.status, 200) << response.body;
}

class TrustedProxyTest : public ServerTest {
 protected:
  void SetUp() override { StartServer({"--trusted-proxies", "127.0.0.1"}); }
};

TEST_F(TrustedProxyTest, ThrottlesTheForwardedClientNotTheProxy) {
  MailUser wrong = MailStack::Get().bob();
  wrong.password = "guess";
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Login(wrong, {"X-Forwarded-For: 198.51.100.7"}).status, 401) << i;
  }
  EXPECT_EQ(Login(wrong, {"X-Forwarded-For: 198.51.100.7"}).status, 429);
  EXPECT_EQ(Login(MailStack::Get().bob(), {"X-Forwarded-For: 203.0.113.5, 198.51.100.8"}).status,
            200);
  EXPECT_NE(server_->log().find("client=198.51.100.7"), std::string::npos);
}

TEST_F(ServerTest, ForwardedForFromAnUntrustedPeerIsIgnored) {
  MailUser wrong = MailStack::Get().bob();
  wrong.password = "guess";
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Login(wrong, {"X-Forwarded-For: 198.51.100." + std::to_string(i)}).status, 401);
  }
  EXPECT_EQ(Login(wrong, {"X-Forwarded-For: 198.51.100.99"}).status, 429);
}

class StaticFilesTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("konvert-static");
    std::filesystem::create_directories(dir_ + "/assets");
    std::ofstream(dir_ + "/index.html") << "<!doctype html><title>Konvert</title>";
    std::ofstream(dir_ + "/assets/app.js") << "console.log(1)";
    StartServer({"--static-dir", dir_});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(StaticFilesTest, ServesTheAppUnderAStrictPolicy) {
  HttpResponse index = client_.Get(Url("/"));
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>Konvert</title>");
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(index.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(index.headers["x-content-type-options"], "nosniff");

  HttpResponse script = client_.Get(Url("/assets/app.js"));
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["content-type"], "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, AppRoutesGetTheIndexAndMissingFilesA404) {
  EXPECT_EQ(client_.Get(Url("/mail/inbox")).body, "<!doctype html><title>Konvert</title>");
  EXPECT_EQ(client_.Get(Url("/assets/missing.js")).status, 404);
  for (const char* path : {"/jmap/upload/a1/", "/jmap/eventsource", "/auth/whoami"}) {
    HttpResponse response = client_.Get(Url(path));
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(ProblemType(response), "urn:ietf:params:jmap:error:notFound") << path;
  }
  for (const char* path :
       {"/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../index.html.bak"}) {
    HttpResponse response = client_.Get(Url(path));
    EXPECT_EQ(response.body.find("root:"), std::string::npos) << path;
  }
}

TEST(ImapDown, AnswersServiceUnavailableWithoutHanging) {
  // A port that was free a moment ago: nothing listens there.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);

  KonvertProcess server({"--imap", "imap://127.0.0.1:" + std::to_string(ntohs(address.sin_port)),
                         "--allow-plain-loopback"});
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  HttpsClient client(KonvertProcess::CertFile());

  HttpResponse login = client.PostJson(server.origin() + "/webmail/auth/login",
                                       R"({"login":"alice@example.test","password":"x"})");
  EXPECT_EQ(login.status, 503);
  EXPECT_EQ(ProblemType(login), "urn:ietf:params:jmap:error:serverUnavailable");

  HttpRequest api;
  api.method = "POST";
  api.url = server.origin() + "/webmail/jmap/api";
  api.body = kEcho;
  api.basic_login = "alice@example.test";
  api.basic_password = "alice-secret";
  HttpResponse response = client.Send(api);
  EXPECT_EQ(response.status, 503);
  EXPECT_TRUE(login.set_cookies.empty());
  EXPECT_EQ(response.headers["retry-after"], "5");
  // Where the mail server lives is the operator's business, not the client's.
  EXPECT_EQ(response.body.find("127.0.0.1"), std::string::npos) << response.body;
  EXPECT_NE(server.log().find("127.0.0.1:" + std::to_string(ntohs(address.sin_port))),
            std::string::npos);
}

TEST(Startup, RefusesToRunWithoutCertificate) {
  std::string output;
  int status = KonvertProcess::RunToExit({"--imap", "imap://127.0.0.1:1"}, &output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("tls-cert"), std::string::npos) << output;

  std::string dir = MakeTempDir("konvert-nocert");
  status = KonvertProcess::RunToExit(
      {"--imap", "imap://127.0.0.1:1", "--tls-cert", dir + "/missing.pem", "--tls-key",
       dir + "/missing.key", "--data-dir", dir + "/data", "--listen", "127.0.0.1:0"},
      &output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("event=startup_failed"), std::string::npos) << output;
  std::filesystem::remove_all(dir);
}

TEST(Startup, HelpDocumentsEveryFlag) {
  std::string output;
  EXPECT_EQ(KonvertProcess::RunToExit({"--help"}, &output), 0);
  for (const char* flag :
       {"--listen", "--base-path", "--public-url", "--imap", "--smtp", "--data-dir", "--tls-cert",
        "--tls-key", "--log-level", "--allow-plain-loopback"}) {
    EXPECT_NE(output.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace konvert::testing
