#include "store/imap/imap_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libetpan/libetpan.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/support/mail_stack.h"

namespace konvert {
namespace {

using testing::MailStack;
using testing::MailUser;

ImapEndpoint Endpoint(const std::string& url, bool allow_plain_loopback = false) {
  Result<ServerUrl> parsed = ParseServerUrl(url);
  EXPECT_TRUE(parsed.ok()) << url;
  ImapEndpoint endpoint;
  endpoint.url = parsed.ok() ? *parsed : ServerUrl{};
  endpoint.allow_plain_loopback = allow_plain_loopback;
  endpoint.timeout = std::chrono::seconds(5);
  return endpoint;
}

// The stack's certificate is self-signed; trusting it makes the tests
// verify the chain and the host name as in production.
std::string StackCertificate() { return MailStack::Get().dir() + "/tls/cert.pem"; }

ImapEndpoint StackEndpoint(const std::string& url) {
  ImapEndpoint endpoint = Endpoint(url);
  endpoint.tls_ca_file = StackCertificate();
  return endpoint;
}

std::unique_ptr<ImapConnection> OpenOrDie(const ImapEndpoint& endpoint) {
  Result<std::unique_ptr<ImapConnection>> connection = ImapConnection::Open(endpoint, {});
  EXPECT_TRUE(connection.ok()) << connection.status().message();
  return connection.ok() ? std::move(connection).value() : nullptr;
}

// A TCP listener on 127.0.0.1 with a kernel-chosen port. The kernel completes
// the handshake of connections it queues, even if nothing ever accepts them.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { Close(); }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Serves one connection from a script: sends `greeting`, then answers each
// command with "<tag> OK" (or `starttls_answer` to STARTTLS) until LOGOUT or
// until the client closes. For server behaviour Dovecot cannot be made to
// show: no STARTTLS, PREAUTH, data injected after STARTTLS.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::string greeting, std::string starttls_answer = "")
      : greeting_(std::move(greeting)), starttls_answer_(std::move(starttls_answer)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }
  std::string url() const { return "imap://127.0.0.1:" + std::to_string(listener_.port()); }

 private:
  void Serve() {
    int client = accept(listener_.fd(), nullptr, nullptr);
    if (client < 0) return;
    Send(client, greeting_);
    std::string buffer;
    char chunk[512];
    for (;;) {
      ssize_t n = read(client, chunk, sizeof(chunk));
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      size_t end;
      bool done = false;
      while (!done && (end = buffer.find("\r\n")) != std::string::npos) {
        std::string line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        std::string tag = line.substr(0, line.find(' '));
        if (line.find("STARTTLS") != std::string::npos && !starttls_answer_.empty()) {
          Send(client, tag + " " + starttls_answer_);
        } else if (line.find("LOGOUT") != std::string::npos) {
          Send(client, "* BYE bye\r\n" + tag + " OK done\r\n");
          done = true;
        } else {
          Send(client, tag + " OK done\r\n");
        }
      }
      if (done) break;
    }
    close(client);
  }

  static void Send(int fd, const std::string& text) {
    ssize_t ignored = write(fd, text.data(), text.size());
    (void)ignored;
  }

  Listener listener_;
  std::string greeting_;
  std::string starttls_answer_;
  std::thread thread_;
};

TEST(ImapConnection, LogsInOverStartTls) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(connection, nullptr);
  EXPECT_TRUE(connection->encrypted());
  EXPECT_TRUE(connection->HasCapability("imap4rev1"));
  EXPECT_TRUE(connection->HasCapability("AUTH=PLAIN"));
  EXPECT_FALSE(connection->HasCapability("STARTTLS"));

  MailUser alice = stack.alice();
  Status login = connection->Login(alice.login, alice.password);
  ASSERT_TRUE(login.ok()) << login.message();
  EXPECT_TRUE(connection->logged_in());

  // Dovecot announces its extensions only to logged-in clients.
  EXPECT_TRUE(connection->HasCapability("CONDSTORE"));
  EXPECT_TRUE(connection->Noop().ok());
  EXPECT_FALSE(connection->broken());
}

TEST(ImapConnection, LogsInOverImplicitTls) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imaps_url()));
  ASSERT_NE(connection, nullptr);
  EXPECT_TRUE(connection->encrypted());

  MailUser bob = stack.bob();
  Status login = connection->Login(bob.login, bob.password);
  ASSERT_TRUE(login.ok()) << login.message();
  EXPECT_TRUE(connection->Noop().ok());
}

TEST(ImapConnection, RefusesCertificateItCannotVerify) {
  MailStack& stack = MailStack::Get();
  for (const std::string& url : {stack.imap_url(), stack.imaps_url()}) {
    SCOPED_TRACE(url);
    Result<std::unique_ptr<ImapConnection>> connection = ImapConnection::Open(Endpoint(url), {});
    ASSERT_FALSE(connection.ok());
    EXPECT_EQ(connection.status().kind(), ErrorKind::kServerFail);
    EXPECT_NE(connection.status().message().find("not trusted"), std::string::npos)
        << connection.status().message();
  }
}

TEST(ImapConnection, AcceptsUnverifiedCertificateWherePlainTextIsAllowed) {
  MailStack& stack = MailStack::Get();
  for (const std::string& url : {stack.imap_url(), stack.imaps_url()}) {
    SCOPED_TRACE(url);
    std::unique_ptr<ImapConnection> connection =
        OpenOrDie(Endpoint(url, /*allow_plain_loopback=*/true));
    ASSERT_NE(connection, nullptr);
    EXPECT_TRUE(connection->encrypted());
  }
}

TEST(ImapConnection, LogsInWithUnicodeQuoteBackslashAndSpaceInPassword) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(connection, nullptr);

  MailUser user = stack.unicode_user();
  ASSERT_NE(user.password.find('"'), std::string::npos);
  ASSERT_NE(user.password.find('\\'), std::string::npos);
  Status login = connection->Login(user.login, user.password);
  EXPECT_TRUE(login.ok()) << login.message();
}

TEST(ImapConnection, WrongPasswordIsUnauthenticatedAndNeverLogged) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(connection, nullptr);

  const std::string wrong = "wrong-Пароль-\"x\\y z";
  log::SetLevel(log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  Status login = connection->Login(stack.alice().login, wrong);
  std::string logged = ::testing::internal::GetCapturedStderr();
  log::SetLevel(log::Level::kInfo);

  EXPECT_EQ(login.kind(), ErrorKind::kUnauthenticated) << login.message();
  EXPECT_EQ(login.message().find(wrong), std::string::npos);
  EXPECT_NE(logged.find("imap_command=AUTHENTICATE"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("wrong-"), std::string::npos) << logged;
  EXPECT_FALSE(connection->logged_in());
}

TEST(ImapConnection, ConnectionLimitIsUnavailableNotAWrongPassword) {
  MailStack& stack = MailStack::Get();
  testing::MailUser user{"limit@example.test", "limit-secret"};
  ASSERT_TRUE(stack.AddUser(user));

  // Dovecot allows 10 sessions per user and address (mail_max_userip_connections).
  std::vector<std::unique_ptr<ImapConnection>> sessions;
  for (int i = 0; i < 10; ++i) {
    sessions.push_back(OpenOrDie(StackEndpoint(stack.imap_url())));
    ASSERT_NE(sessions.back(), nullptr);
    ASSERT_TRUE(sessions.back()->Login(user.login, user.password).ok()) << i;
  }
  std::unique_ptr<ImapConnection> one_more = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(one_more, nullptr);
  Status status = one_more->Login(user.login, user.password);
  EXPECT_EQ(status.kind(), ErrorKind::kServerUnavailable) << status.message();
}

TEST(ImapConnection, PasswordWithNulIsRefusedBeforeSending) {
  std::unique_ptr<ImapConnection> connection =
      OpenOrDie(StackEndpoint(MailStack::Get().imap_url()));
  ASSERT_NE(connection, nullptr);
  Status login = connection->Login("alice", std::string("a\0b", 3));
  EXPECT_EQ(login.kind(), ErrorKind::kUnauthenticated);
  EXPECT_TRUE(connection->Noop().ok());
}

TEST(ImapConnection, ClosedPortIsUnavailable) {
  uint16_t port;
  {
    Listener listener;
    port = listener.port();
  }
  Result<std::unique_ptr<ImapConnection>> connection =
      ImapConnection::Open(Endpoint("imap://127.0.0.1:" + std::to_string(port)), {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, ServerThatNeverGreetsIsUnavailableAfterTheTimeout) {
  Listener silent;
  ImapEndpoint endpoint = Endpoint("imap://127.0.0.1:" + std::to_string(silent.port()));
  endpoint.timeout = std::chrono::seconds(1);
  Result<std::unique_ptr<ImapConnection>> connection = ImapConnection::Open(endpoint, {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, ServerThatNeverHandshakesIsUnavailableAfterTheTimeout) {
  Listener silent;
  ImapEndpoint endpoint = Endpoint("imaps://127.0.0.1:" + std::to_string(silent.port()));
  endpoint.timeout = std::chrono::seconds(1);
  Result<std::unique_ptr<ImapConnection>> connection = ImapConnection::Open(endpoint, {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, PlainTextOnlyOnAllowedLoopbackWithoutStartTls) {
  const std::string greeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] plain only\r\n";
  {
    ScriptedServer server(greeting);
    Result<std::unique_ptr<ImapConnection>> refused =
        ImapConnection::Open(Endpoint(server.url(), /*allow_plain_loopback=*/false), {});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().kind(), ErrorKind::kServerFail);
    EXPECT_NE(refused.status().message().find("STARTTLS"), std::string::npos);
  }
  {
    ScriptedServer server(greeting);
    std::unique_ptr<ImapConnection> connection =
        OpenOrDie(Endpoint(server.url(), /*allow_plain_loopback=*/true));
    ASSERT_NE(connection, nullptr);
    EXPECT_FALSE(connection->encrypted());
    EXPECT_TRUE(connection->HasCapability("AUTH=PLAIN"));
  }
}

TEST(ImapConnection, RefusesPreauthenticatedServer) {
  ScriptedServer server("* PREAUTH [CAPABILITY IMAP4rev1] welcome back\r\n");
  Result<std::unique_ptr<ImapConnection>> connection =
      ImapConnection::Open(Endpoint(server.url(), true), {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerFail);
}

TEST(ImapConnection, ServerSayingByeInGreetingIsUnavailable) {
  ScriptedServer server("* BYE too many connections\r\n");
  Result<std::unique_ptr<ImapConnection>> connection =
      ImapConnection::Open(Endpoint(server.url(), true), {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, RefusesDataInjectedBeforeTheTlsHandshake) {
  ScriptedServer server("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n",
                        "OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n");
  Result<std::unique_ptr<ImapConnection>> connection =
      ImapConnection::Open(Endpoint(server.url()), {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kServerFail);
}

TEST(ImapConnection, RefusesNonImapUrl) {
  Result<std::unique_ptr<ImapConnection>> connection =
      ImapConnection::Open(Endpoint("smtp://127.0.0.1:587"), {});
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().kind(), ErrorKind::kInvalidArguments);
}

TEST(ImapConnection, NoAnswerKeepsTheConnectionUsable) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Login(stack.alice().login, stack.alice().password).ok());

  Status select = connection->Execute(
      "SELECT", [](mailimap* imap) { return mailimap_select(imap, "No/Such/Folder"); });
  EXPECT_EQ(select.kind(), ErrorKind::kServerFail);
  EXPECT_FALSE(select.message().empty());
  EXPECT_FALSE(connection->broken());
  EXPECT_TRUE(connection->Noop().ok());
}

TEST(ImapConnection, DroppedConnectionBecomesBroken) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Login(stack.alice().login, stack.alice().password).ok());

  // The network drops the connection behind the session's back.
  Status drop = connection->Execute("(drop)", [](mailimap* imap) {
    shutdown(mailstream_low_get_fd(mailstream_get_low(imap->imap_stream)), SHUT_RDWR);
    return MAILIMAP_NO_ERROR;
  });
  ASSERT_TRUE(drop.ok());
  EXPECT_FALSE(connection->broken());

  Status noop = connection->Noop();
  EXPECT_EQ(noop.kind(), ErrorKind::kServerUnavailable) << noop.message();
  EXPECT_TRUE(connection->broken());
  EXPECT_EQ(connection->Noop().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, LogoutClosesTheSession) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> connection = OpenOrDie(StackEndpoint(stack.imaps_url()));
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Login(stack.bob().login, stack.bob().password).ok());

  connection->Logout();
  EXPECT_TRUE(connection->broken());
  EXPECT_FALSE(connection->logged_in());
  EXPECT_EQ(connection->Noop().kind(), ErrorKind::kServerUnavailable);
}

TEST(ImapConnection, EachConnectionHasItsOwnId) {
  MailStack& stack = MailStack::Get();
  std::unique_ptr<ImapConnection> first = OpenOrDie(StackEndpoint(stack.imap_url()));
  std::unique_ptr<ImapConnection> second = OpenOrDie(StackEndpoint(stack.imap_url()));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->id(), second->id());
}

}  // namespace
}  // namespace konvert
