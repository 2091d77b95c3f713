// Integration tests of the mail stack itself (tests/support/mailstack.sh):
// the real Dovecot and Postfix behave as Konvert's tests and demo expect.
// Plain IMAP and SMTP are spoken over raw loopback sockets, so every byte of
// a login is under the test's control; libcurl is used where TLS is the point.
#include "tests/support/mail_stack.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace konvert::testing {
namespace {

using std::chrono::steady_clock;

constexpr auto kDeliveryTimeout = std::chrono::seconds(30);
constexpr int kReadTimeoutSeconds = 10;

// One TCP connection to 127.0.0.1 that reads CRLF-terminated lines. Reads
// give up after a timeout, so a silent server fails a test instead of
// hanging it.
class LineConnection {
 public:
  explicit LineConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }

    timeval timeout{kReadTimeoutSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~LineConnection() {
    if (fd_ >= 0) close(fd_);
  }
  LineConnection(const LineConnection&) = delete;
  LineConnection& operator=(const LineConnection&) = delete;

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // The next line without its CRLF; nullopt on timeout, error or end of stream.
  std::optional<std::string> ReadLine() {
    while (true) {
      size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }

      char chunk[4096];
      ssize_t received = fd_ < 0 ? -1 : recv(fd_, chunk, sizeof chunk, 0);
      if (received <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(received));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// An IMAP quoted string (RFC 3501 §4.3): backslash and double quote escaped.
std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// A word no earlier run of the shared stack has used.
std::string UniqueToken() {
  std::random_device random;
  char token[17];
  std::snprintf(token, sizeof token, "%08x%08x", random(), random());
  return token;
}

struct ImapReply {
  std::vector<std::string> untagged;  // every line before the tagged one
  std::string tagged;                 // "OK …", "NO …"; empty if the connection failed

  bool ok() const { return StartsWith(tagged, "OK"); }

  // The first untagged line that starts with `prefix`, or "".
  std::string Find(std::string_view prefix) const {
    for (const std::string& line : untagged) {
      if (StartsWith(line, prefix)) return line;
    }
    return "";
  }
};

// A plain-text IMAP client just big enough for these tests. Responses with
// literals are not framed, so it never fetches message content.
class ImapClient {
 public:
  explicit ImapClient(uint16_t port) : connection_(port) {
    greeting_ = connection_.ReadLine().value_or("");
  }

  const std::string& greeting() const { return greeting_; }

  ImapReply Command(const std::string& command) {
    const std::string tag = NextTag();
    if (!connection_.Send(tag + " " + command + "\r\n")) return {};
    return ReadReply(tag);
  }

  // `command` followed by a synchronising literal (RFC 3501 §4.3): the server
  // sees `literal` byte for byte, whatever it contains.
  ImapReply CommandWithLiteral(const std::string& command, std::string_view literal) {
    const std::string tag = NextTag();
    connection_.Send(tag + " " + command + " {" + std::to_string(literal.size()) + "}\r\n");
    std::optional<std::string> go_ahead = connection_.ReadLine();
    if (!go_ahead) return {};
    if (!StartsWith(*go_ahead, "+")) return {{}, go_ahead->substr(tag.size() + 1)};

    connection_.Send(literal);
    connection_.Send("\r\n");
    return ReadReply(tag);
  }

  ImapReply Login(const MailUser& user) {
    return CommandWithLiteral("LOGIN " + Quote(user.login), user.password);
  }

  // Sits in IDLE (RFC 2177) until the server reports a new message or the
  // read times out. False when the connection broke.
  bool IdleUntilNewMessage() {
    const std::string tag = NextTag();
    connection_.Send(tag + " IDLE\r\n");
    std::optional<std::string> go_ahead = connection_.ReadLine();
    if (!go_ahead || !StartsWith(*go_ahead, "+")) return false;

    while (std::optional<std::string> line = connection_.ReadLine()) {
      if (EndsWith(*line, " EXISTS")) break;
    }
    connection_.Send("DONE\r\n");
    return ReadReply(tag).ok();
  }

 private:
  std::string NextTag() { return "t" + std::to_string(++tag_number_); }

  ImapReply ReadReply(const std::string& tag) {
    ImapReply reply;
    while (std::optional<std::string> line = connection_.ReadLine()) {
      if (StartsWith(*line, tag + " ")) {
        reply.tagged = line->substr(tag.size() + 1);
        return reply;
      }
      reply.untagged.push_back(std::move(*line));
    }
    return reply;
  }

  LineConnection connection_;
  std::string greeting_;
  int tag_number_ = 0;
};

// A plain SMTP client that returns the reply code of each command (the last
// line of a multi-line reply, RFC 5321 §4.2.1); -1 when the connection broke.
class SmtpClient {
 public:
  explicit SmtpClient(uint16_t port) : connection_(port) { greeting_ = ReadReply(); }

  int greeting() const { return greeting_; }

  int Command(const std::string& command) {
    if (!connection_.Send(command + "\r\n")) return -1;
    return ReadReply();
  }

 private:
  int ReadReply() {
    while (std::optional<std::string> line = connection_.ReadLine()) {
      if (line->size() < 3) return -1;
      if (line->size() == 3 || (*line)[3] == ' ') return std::stoi(line->substr(0, 3));
    }
    return -1;
  }

  LineConnection connection_;
  int greeting_;
};

size_t AppendToString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t ReadFromView(char* buffer, size_t size, size_t count, void* in) {
  auto* rest = static_cast<std::string_view*>(in);
  size_t n = std::min(size * count, rest->size());
  rest->copy(buffer, n);
  rest->remove_prefix(n);
  return n;
}

// A libcurl handle that logs in as `user` over TLS and trusts only the
// stack's own certificate, so a success also proves the certificate is valid
// for 127.0.0.1.
CURL* TlsSession(const std::string& url, const MailUser& user) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(curl, CURLOPT_CAINFO, MailStack::Get().ca_file().c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, user.login.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, user.password.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  return curl;
}

// The mailbox list libcurl gets over `url`; fails the test on any error.
std::string ListOverTls(const std::string& url, const MailUser& user) {
  std::string listing;
  CURL* curl = TlsSession(url + "/", user);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &listing);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);

  EXPECT_EQ(code, CURLE_OK) << url << ": " << curl_easy_strerror(code);
  return listing;
}

// Submits `message` as `user` to `recipient` with STARTTLS and SMTP AUTH.
CURLcode Submit(const MailUser& user, const std::string& recipient, std::string_view message) {
  CURL* curl = TlsSession(MailStack::Get().submission_url(), user);
  const std::string from = "<" + user.login + ">";
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + recipient + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadFromView);
  curl_easy_setopt(curl, CURLOPT_READDATA, &message);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return code;
}

// The attributes of `mailbox` in a LIST reply, e.g. "\HasNoChildren \Sent".
std::string ListAttributes(const ImapReply& list, const std::string& mailbox) {
  for (const std::string& line : list.untagged) {
    if (!StartsWith(line, "* LIST (") || !EndsWith(line, "\"/\" " + mailbox)) continue;
    return line.substr(8, line.find(')') - 8);
  }
  return "(not listed)";
}

TEST(MailStack, AliceLogsInOverImap) {
  ImapClient imap(MailStack::Get().imap_port());
  ASSERT_TRUE(StartsWith(imap.greeting(), "* OK")) << imap.greeting();
  EXPECT_NE(imap.greeting().find("STARTTLS"), std::string::npos) << imap.greeting();

  ImapReply login = imap.Login(MailStack::Get().alice());
  EXPECT_TRUE(login.ok()) << login.tagged;
  EXPECT_NE(login.tagged.find("CONDSTORE"), std::string::npos) << login.tagged;
  EXPECT_NE(login.tagged.find("NOTIFY"), std::string::npos) << login.tagged;
}

TEST(MailStack, WrongPasswordIsRefused) {
  ImapClient imap(MailStack::Get().imap_port());
  ImapReply login = imap.Login({"alice@example.test", "not-alice-secret"});
  EXPECT_FALSE(login.ok());
  EXPECT_NE(login.tagged.find("AUTHENTICATIONFAILED"), std::string::npos) << login.tagged;
}

TEST(MailStack, UnicodePasswordWorksAsLiteralAndAsQuotedString) {
  const MailUser ivan = MailStack::Get().unicode_user();

  ImapClient by_literal(MailStack::Get().imap_port());
  ImapReply login = by_literal.Login(ivan);
  EXPECT_TRUE(login.ok()) << login.tagged;

  ImapClient by_quoted(MailStack::Get().imap_port());
  login = by_quoted.Command("LOGIN " + Quote(ivan.login) + " " + Quote(ivan.password));
  EXPECT_TRUE(login.ok()) << login.tagged;
}

TEST(MailStack, ListShowsSpecialUseFolders) {
  ImapClient imap(MailStack::Get().imap_port());
  ASSERT_TRUE(imap.Login(MailStack::Get().alice()).ok());

  ImapReply list = imap.Command("LIST \"\" \"*\"");
  ASSERT_TRUE(list.ok()) << list.tagged;
  for (const char* name : {"Drafts", "Sent", "Trash", "Junk", "Archive"}) {
    EXPECT_NE(ListAttributes(list, name).find(std::string("\\") + name), std::string::npos)
        << name << " lacks its special-use flag: " << ListAttributes(list, name);
  }
  EXPECT_NE(ListAttributes(list, "INBOX"), "(not listed)");
}

TEST(MailStack, ImapsAndStartTlsPresentTheStackCertificate) {
  const MailStack& stack = MailStack::Get();
  EXPECT_NE(ListOverTls(stack.imaps_url(), stack.bob()).find("INBOX"), std::string::npos);
  EXPECT_NE(ListOverTls(stack.imap_url(), stack.bob()).find("INBOX"), std::string::npos);
}

TEST(MailStack, SubmissionDeliversAliceToBob) {
  const MailStack& stack = MailStack::Get();
  const std::string subject = "stack-check-" + UniqueToken();
  const std::string message =
      "From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\n"
      "Subject: " +
      subject + "\r\n\r\nDelivered through Postfix.\r\n";
  CURLcode code = Submit(stack.alice(), "bob@example.test", message);
  ASSERT_EQ(code, CURLE_OK) << curl_easy_strerror(code);

  // Waits on IDLE, not on a clock: LMTP delivery wakes the session up.
  ImapClient imap(stack.imap_port());
  ASSERT_TRUE(imap.Login(stack.bob()).ok());
  ASSERT_TRUE(imap.Command("SELECT INBOX").ok());
  const auto deadline = steady_clock::now() + kDeliveryTimeout;
  while (true) {
    ImapReply search = imap.Command("UID SEARCH SUBJECT " + Quote(subject));
    ASSERT_TRUE(search.ok()) << search.tagged;
    if (search.Find("* SEARCH ") != "") break;

    ASSERT_LT(steady_clock::now(), deadline) << subject << " never reached bob's INBOX";
    ASSERT_TRUE(imap.IdleUntilNewMessage());
  }
}

TEST(MailStack, SubmissionRefusesMailWithoutLogin) {
  SmtpClient smtp(MailStack::Get().submission_port());
  ASSERT_EQ(smtp.greeting(), 220);
  ASSERT_EQ(smtp.Command("EHLO mail-stack-test"), 250);
  ASSERT_EQ(smtp.Command("MAIL FROM:<alice@example.test>"), 250);

  EXPECT_EQ(smtp.Command("RCPT TO:<someone@elsewhere.invalid>"), 554);
  EXPECT_EQ(smtp.Command("RCPT TO:<bob@example.test>"), 554);
}

TEST(MailStack, PublicContactsAreReadOnlyExceptForAdmin) {
  const MailStack& stack = MailStack::Get();
  const std::string card = "Subject: card\r\nContent-Type: text/plain\r\n\r\nhello\r\n";

  ImapClient alice(stack.imap_port());
  ASSERT_TRUE(alice.Login(stack.alice()).ok());
  const std::string namespaces = alice.Command("NAMESPACE").Find("* NAMESPACE ");
  EXPECT_TRUE(EndsWith(namespaces, " ((\"Public/\" \"/\"))")) << namespaces;
  EXPECT_NE(ListAttributes(alice.Command("LIST \"\" \"Public/*\""), "Public/Contacts"),
            "(not listed)");
  EXPECT_TRUE(EndsWith(alice.Command("MYRIGHTS \"Public/Contacts\"").Find("* MYRIGHTS"), " lr"));
  ImapReply append = alice.CommandWithLiteral("APPEND \"Public/Contacts\"", card);
  EXPECT_NE(append.tagged.find("NOPERM"), std::string::npos) << append.tagged;

  // The administrator may write; the test removes its message again.
  ImapClient admin(stack.imap_port());
  ASSERT_TRUE(admin.Login(stack.admin()).ok());
  append = admin.CommandWithLiteral("APPEND \"Public/Contacts\"", card);
  ASSERT_TRUE(append.ok()) << append.tagged;
  unsigned validity = 0;
  unsigned uid = 0;
  ASSERT_EQ(std::sscanf(append.tagged.c_str(), "OK [APPENDUID %u %u]", &validity, &uid), 2);
  ASSERT_TRUE(admin.Command("SELECT \"Public/Contacts\"").ok());
  const std::string uid_text = std::to_string(uid);
  EXPECT_TRUE(admin.Command("UID STORE " + uid_text + " +FLAGS.SILENT (\\Deleted)").ok());
  EXPECT_TRUE(admin.Command("UID EXPUNGE " + uid_text).ok());
}

TEST(MailStack, AddUserTakesEffectWithoutRestart) {
  const std::string token = UniqueToken();
  const MailUser carol{"carol-" + token + "@example.org", "carol \"secret\" \\ " + token};
  ASSERT_TRUE(MailStack::Get().AddUser(carol));
  ASSERT_TRUE(MailStack::Get().AddUser(carol));

  ImapClient imap(MailStack::Get().imap_port());
  ImapReply login = imap.Login(carol);
  EXPECT_TRUE(login.ok()) << login.tagged;
}

}  // namespace
}  // namespace konvert::testing
