#include "store/imap/imap_connection.h"

#include <libetpan/libetpan.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <mutex>
#include <vector>

#include "model/base64.h"
#include "store/net/certificate.h"
#include "store/net/tcp_connect.h"

namespace konvert {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<uint64_t> g_next_id{1};

Status Unavailable(std::string message) {
  return Status(ErrorKind::kServerUnavailable, std::move(message));
}

Status Fail(std::string message) { return Status(ErrorKind::kServerFail, std::move(message)); }

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// libetpan writes with send(2) without MSG_NOSIGNAL: a server that has closed
// its end would kill the whole process with SIGPIPE. Servers ignore it; the
// write then fails with EPIPE and the connection is marked broken.
void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

void Wipe(std::string* secret) {
  if (!secret->empty()) OPENSSL_cleanse(secret->data(), secret->size());
  secret->clear();
}

}  // namespace

ImapConnection::ImapConnection(const ImapEndpoint& endpoint, const log::Context& context)
    : endpoint_(endpoint), context_(context), id_(g_next_id.fetch_add(1)) {}

ImapConnection::~ImapConnection() {
  Logout();
  if (imap_ != nullptr) mailimap_free(imap_);
}

Result<std::unique_ptr<ImapConnection>> ImapConnection::Open(const ImapEndpoint& endpoint,
                                                             const log::Context& context) {
  const std::string& scheme = endpoint.url.scheme;
  if (scheme != "imap" && scheme != "imaps") {
    return Status(ErrorKind::kInvalidArguments, "IMAP URL must start with imap:// or imaps://");
  }
  IgnoreSigpipe();

  Clock::time_point start = Clock::now();
  Result<TcpSocket> tcp = ConnectTcp(endpoint.url, start + endpoint.timeout);
  std::unique_ptr<ImapConnection> connection(new ImapConnection(endpoint, context));
  if (tcp.ok()) connection->peer_is_loopback_ = tcp->loopback;
  Status status = tcp.ok() ? connection->Connect(tcp->fd) : tcp.status();
  connection->LogCommand("CONNECT", start, status);
  if (!status.ok()) return status;
  return connection;
}

Status ImapConnection::Connect(int fd) {
  imap_ = mailimap_new(0, nullptr);
  if (imap_ == nullptr) {
    close(fd);
    broken_ = true;
    return Fail("out of memory for an IMAP session");
  }
  auto timeout = static_cast<time_t>(endpoint_.timeout.count());
  mailimap_set_timeout(imap_, timeout);

  // Implicit TLS (RFC 8314 §3.3) wraps the socket before the greeting.
  bool tls = endpoint_.url.security == TransportSecurity::kTls;
  bool sni = WantsServerName(endpoint_.url.host);
  mailstream* stream = tls ? mailstream_ssl_open_with_callback_timeout(
                                 fd, timeout, sni ? SetServerName : nullptr, &endpoint_.url.host)
                           : mailstream_socket_open_timeout(fd, timeout);
  if (stream == nullptr) {
    close(fd);
    broken_ = true;
    if (!tls) return Fail("out of memory for an IMAP stream");
    return Unavailable("TLS handshake with IMAP server " + endpoint_.url.ToString() +
                       " failed or timed out");
  }
  encrypted_ = tls;
  if (tls) {
    Status trusted = CheckCertificate(stream);
    if (!trusted.ok()) {
      mailstream_close(stream);
      return trusted;
    }
  }

  // The greeting. PREAUTH (RFC 3501 §7.1.4) would skip the user's login and
  // forbid STARTTLS, so such a server cannot be used.
  int code = mailimap_connect(imap_, stream);
  if (code == MAILIMAP_NO_ERROR_AUTHENTICATED) {
    broken_ = true;
    return Fail("IMAP server sent PREAUTH; Konvert must log each user in itself");
  }
  if (code != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) return StatusFromEtpan(code, "greeting");

  Status status = RefreshCapabilities();
  if (!status.ok() || tls) return status;

  // imap:// (RFC 3501 §6.2.1): STARTTLS whenever offered; plain text only on
  // a loopback path the operator allowed, by name and by connected address.
  if (HasCapability("STARTTLS")) return StartTls();
  if (PlainTextAllowed()) return Status::Ok();
  broken_ = true;
  return Fail("IMAP server " + endpoint_.url.ToString() +
              " does not offer STARTTLS; use imaps:// or enable TLS on the server");
}

Status ImapConnection::StartTls() {
  Clock::time_point start = Clock::now();
  Status status = StatusFromEtpan(mailimap_starttls(imap_), "STARTTLS");
  LogCommand("STARTTLS", start, status);
  if (!status.ok()) return status;

  // Bytes that arrived after the server's OK but before the handshake would
  // later be read as if they had come through TLS: the response injection
  // of CVE-2020-15953. A correct server sends nothing there.
  mailstream* stream = imap_->imap_stream;
  if (stream->read_buffer_len != 0) {
    broken_ = true;
    return Fail("IMAP server sent data between STARTTLS and the TLS handshake");
  }

  mailstream_low* plain = mailstream_get_low(stream);
  bool sni = WantsServerName(endpoint_.url.host);
  mailstream_low* secure = mailstream_low_tls_open_with_callback_timeout(
      mailstream_low_get_fd(plain), static_cast<time_t>(endpoint_.timeout.count()),
      sni ? SetServerName : nullptr, &endpoint_.url.host);
  if (secure == nullptr) {
    broken_ = true;
    return Unavailable("TLS handshake after STARTTLS with IMAP server " + endpoint_.url.ToString() +
                       " failed or timed out");
  }
  mailstream_low_free(plain);
  mailstream_set_low(stream, secure);
  encrypted_ = true;
  Status trusted = CheckCertificate(stream);
  if (!trusted.ok()) return trusted;

  // What the server said in plain text may have been forged; ask again.
  ForgetCapabilities();
  return RefreshCapabilities();
}

Status ImapConnection::CheckCertificate(mailstream* stream) {
  Status verified =
      VerifyServerCertificate(stream, endpoint_.url.host, endpoint_.tls_ca_file, "IMAP");
  if (verified.ok()) return verified;

  // An unverified certificate is no weaker than the plain text allowed here.
  if (PlainTextAllowed()) {
    log::Debug("imap_certificate_unverified", context_, {{"error", verified.message()}});
    return Status::Ok();
  }
  broken_ = true;
  return verified;
}

bool ImapConnection::PlainTextAllowed() const {
  return endpoint_.allow_plain_loopback && endpoint_.url.IsLoopback() && peer_is_loopback_;
}

Status ImapConnection::Login(std::string_view login, std::string_view password) {
  if (broken_ || imap_ == nullptr) return Unavailable("IMAP connection is closed");
  if (logged_in_) return Fail("IMAP connection is already logged in");
  if (login.empty()) return Status(ErrorKind::kUnauthenticated, "login is empty");
  if (login.find('\0') != std::string_view::npos || password.find('\0') != std::string_view::npos) {
    return Status(ErrorKind::kUnauthenticated, "login and password must not contain NUL");
  }

  Status status;
  if (HasCapability("AUTH=PLAIN")) {
    status = AuthenticatePlain(login, password);
  } else if (HasCapability("LOGINDISABLED")) {
    broken_ = true;
    status = Fail("IMAP server allows neither AUTHENTICATE PLAIN nor LOGIN");
  } else {
    status = LoginPlainText(login, password);
  }
  if (!status.ok()) return status;

  // A server may list its post-login capabilities in the tagged OK
  // (RFC 3501 §7.1); ForgetCapabilities() before the command tells us
  // whether it did.
  logged_in_ = true;
  status = RefreshCapabilities();
  if (!status.ok()) return status;
  return EnableQresync();
}

Status ImapConnection::AuthenticatePlain(std::string_view login, std::string_view password) {
  // RFC 4616 §2: an empty authorization identity, NUL, the login, NUL, the
  // password. Base64 carries any byte of a UTF-8 password.
  std::string message;
  message.reserve(login.size() + password.size() + 2);
  message.push_back('\0');
  message.append(login);
  message.push_back('\0');
  message.append(password);
  std::string encoded = Base64Encode(message, Base64Alphabet::kStandard);
  Wipe(&message);

  // With SASL-IR (RFC 4959) the response goes on the command line; without
  // it, after the server's empty "+" challenge (RFC 3501 §6.2.2).
  bool initial_response = HasCapability("SASL-IR");
  std::string line = initial_response ? "AUTHENTICATE PLAIN " + encoded + "\r\n"
                                      : std::string("AUTHENTICATE PLAIN\r\n");
  if (!initial_response) encoded += "\r\n";
  ForgetCapabilities();

  Clock::time_point start = Clock::now();
  mailstream* stream = imap_->imap_stream;
  mailstream_set_privacy(stream, 0);
  int code = mailimap_send_current_tag(imap_);
  if (code == MAILIMAP_NO_ERROR && mailstream_write(stream, line.data(), line.size()) < 0) {
    code = MAILIMAP_ERROR_STREAM;
  }
  if (code == MAILIMAP_NO_ERROR && mailstream_flush(stream) < 0) code = MAILIMAP_ERROR_STREAM;
  if (code == MAILIMAP_NO_ERROR && mailimap_read_line(imap_) == nullptr) {
    code = MAILIMAP_ERROR_STREAM;
  }
  if (code == MAILIMAP_NO_ERROR && !initial_response && imap_->imap_stream_buffer->str[0] == '+') {
    if (mailstream_write(stream, encoded.data(), encoded.size()) < 0 ||
        mailstream_flush(stream) < 0 || mailimap_read_line(imap_) == nullptr) {
      code = MAILIMAP_ERROR_STREAM;
    }
  }
  mailstream_set_privacy(stream, 1);
  Wipe(&line);
  Wipe(&encoded);

  // The tagged answer, with any untagged lines before it.
  mailimap_response* response = nullptr;
  if (code == MAILIMAP_NO_ERROR) code = mailimap_parse_response(imap_, &response);
  Status status = StatusFromEtpan(code, "AUTHENTICATE");
  if (status.ok()) {
    int state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
    mailimap_response_free(response);
    if (state == MAILIMAP_RESP_COND_STATE_OK) {
      imap_->imap_state = MAILIMAP_STATE_AUTHENTICATED;
    } else {
      status = LoginRefused();
    }
  }
  LogCommand("AUTHENTICATE", start, status);
  return status;
}

// LIMITATION: LOGIN sends the password as a quoted string, which RFC 3501 §9
// restricts to 7-bit characters. Dovecot accepts UTF-8 there, other servers
// may not; Konvert uses LOGIN only when a server lacks AUTH=PLAIN.
Status ImapConnection::LoginPlainText(std::string_view login, std::string_view password) {
  if (login.find_first_of("\r\n") != std::string_view::npos ||
      password.find_first_of("\r\n") != std::string_view::npos) {
    return Status(ErrorKind::kUnauthenticated, "login and password must not contain line breaks");
  }
  std::string login_text(login);
  std::string password_text(password);
  ForgetCapabilities();

  Clock::time_point start = Clock::now();
  int code = mailimap_login(imap_, login_text.c_str(), password_text.c_str());
  Wipe(&password_text);
  Status status = code == MAILIMAP_ERROR_LOGIN ? LoginRefused() : StatusFromEtpan(code, "LOGIN");
  LogCommand("LOGIN", start, status);
  return status;
}

// A NO to LOGIN or AUTHENTICATE. The response code (RFC 5530) tells a wrong
// password from a server that cannot check it right now.
Status ImapConnection::LoginRefused() {
  mailimap_response_info* info = imap_->imap_response_info;
  std::string code = info != nullptr && info->rsp_atom != nullptr ? Upper(info->rsp_atom) : "";
  std::string text = ServerText();
  if (code == "UNAVAILABLE") return Unavailable("IMAP server cannot log users in now: " + text);
  // Dovecot answers [LIMIT] when the user already has mail_max_userip_connections
  // sessions from our address: the password was fine, the server is full.
  if (code == "LIMIT" || code == "INUSE") return Unavailable("IMAP server refused: " + text);
  if (code == "PRIVACYREQUIRED") return Fail("IMAP server requires a more private connection");
  return Status(ErrorKind::kUnauthenticated, "IMAP server refused the login: " + text);
}

bool ImapConnection::HasCapability(std::string_view name) const {
  return capabilities_.count(Upper(name)) > 0;
}

// Reads the capabilities libetpan has stored from a greeting or a response
// code, or asks with CAPABILITY when it has none.
// ENABLE is allowed only before a folder is selected (RFC 5161 §3.1), so
// QRESYNC (RFC 7162 §3.2.3), which sync relies on, is turned on right after
// the login for the life of the session.
Status ImapConnection::EnableQresync() {
  if (!HasCapability("QRESYNC") || !HasCapability("ENABLE")) return Status::Ok();
  Status status = Execute("ENABLE", [](mailimap* raw) {
    mailimap_capability_data* wanted = mailimap_capability_data_new(clist_new());
    struct mailimap_capability* cap =
        mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, nullptr, strdup("QRESYNC"));
    clist_append(wanted->cap_list, cap);
    mailimap_capability_data* result = nullptr;
    int code = mailimap_enable(raw, wanted, &result);
    mailimap_capability_data_free(wanted);
    if (result != nullptr) mailimap_capability_data_free(result);
    return code;
  });
  if (status.ok()) MarkEnabled("QRESYNC");
  // A server that refuses is still usable, with CONDSTORE or plain sync.
  return broken_ ? status : Status::Ok();
}

Status ImapConnection::RefreshCapabilities() {
  mailimap_connection_info* info = imap_->imap_connection_info;
  if (info == nullptr || info->imap_capability == nullptr) {
    Status status = Execute("CAPABILITY", [](mailimap* imap) {
      mailimap_capability_data* data = nullptr;
      int code = mailimap_capability(imap, &data);
      if (data != nullptr) mailimap_capability_data_free(data);
      return code;
    });
    if (!status.ok()) return status;
    info = imap_->imap_connection_info;
    if (info == nullptr || info->imap_capability == nullptr) {
      return Fail("IMAP server listed no capabilities");
    }
  }

  capabilities_.clear();
  for (clistiter* item = clist_begin(info->imap_capability->cap_list); item != nullptr;
       item = clist_next(item)) {
    auto* capability = static_cast<struct mailimap_capability*>(clist_content(item));
    if (capability->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE) {
      if (capability->cap_data.cap_auth_type != nullptr) {
        capabilities_.insert("AUTH=" + Upper(capability->cap_data.cap_auth_type));
      }
    } else if (capability->cap_data.cap_name != nullptr) {
      capabilities_.insert(Upper(capability->cap_data.cap_name));
    }
  }
  return Status::Ok();
}

void ImapConnection::ForgetCapabilities() {
  mailimap_connection_info* info = imap_->imap_connection_info;
  if (info != nullptr && info->imap_capability != nullptr) {
    mailimap_capability_data_free(info->imap_capability);
    info->imap_capability = nullptr;
  }
}

Status ImapConnection::Noop() {
  return Execute("NOOP", [](mailimap* imap) { return mailimap_noop(imap); });
}

void ImapConnection::Logout() {
  if (imap_ != nullptr && imap_->imap_stream != nullptr) {
    if (broken_) {
      CloseStream();
    } else {
      // mailimap_logout closes the stream whatever the server answers.
      Clock::time_point start = Clock::now();
      int code = mailimap_logout(imap_);
      bool answered = code == MAILIMAP_NO_ERROR || code == MAILIMAP_ERROR_LOGOUT;
      LogCommand("LOGOUT", start, answered ? Status::Ok() : StatusFromEtpan(code, "LOGOUT"));
    }
  }
  broken_ = true;
  logged_in_ = false;
}

bool ImapConnection::PeerHungUp() const {
  if (broken_ || imap_ == nullptr || imap_->imap_stream == nullptr) return true;
  // Bytes already buffered by libetpan between commands are unasked too.
  if (imap_->imap_stream->read_buffer_len != 0) return true;
  int fd = mailstream_low_get_fd(mailstream_get_low(imap_->imap_stream));
  if (fd < 0) return true;
  pollfd check{fd, POLLIN | POLLRDHUP, 0};
  return poll(&check, 1, 0) != 0;
}

Status ImapConnection::Execute(std::string_view imap_command,
                               const std::function<int(mailimap*)>& call) {
  if (broken_ || imap_ == nullptr || imap_->imap_stream == nullptr) {
    return Unavailable("IMAP connection is closed");
  }
  Clock::time_point start = Clock::now();
  Status status = StatusFromEtpan(call(imap_), imap_command);
  LogCommand(imap_command, start, status);
  return status;
}

void ImapConnection::CloseStream() {
  if (imap_ == nullptr || imap_->imap_stream == nullptr) return;
  mailstream_close(imap_->imap_stream);
  imap_->imap_stream = nullptr;
  imap_->imap_state = MAILIMAP_STATE_DISCONNECTED;
}

Status ImapConnection::StatusFromEtpan(int code, std::string_view imap_command) {
  std::string command(imap_command);
  switch (code) {
    case MAILIMAP_NO_ERROR:
    case MAILIMAP_NO_ERROR_AUTHENTICATED:
    case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
      return Status::Ok();

    // The stream failed, timed out or was closed: nothing more can be read.
    case MAILIMAP_ERROR_STREAM:
    case MAILIMAP_ERROR_CONNECTION_REFUSED:
    case MAILIMAP_ERROR_SSL:
      broken_ = true;
      CloseStream();
      return Unavailable("IMAP server " + endpoint_.url.ToString() +
                         " closed the connection or did not answer in time (" + command + ")");
    case MAILIMAP_ERROR_FATAL:
    case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
      broken_ = true;
      CloseStream();
      return Unavailable("IMAP server ended the session: " + ServerText());

    // After an answer libetpan could not follow, or a BAD (which libetpan
    // reports the same way as a tag mismatch), the position in the stream is
    // uncertain; the connection is replaced rather than trusted.
    case MAILIMAP_ERROR_PARSE:
    case MAILIMAP_ERROR_PROTOCOL:
      broken_ = true;
      CloseStream();
      return Fail("IMAP server answered " + command + " with a reply Konvert cannot use");
    case MAILIMAP_ERROR_MEMORY:
      broken_ = true;
      CloseStream();
      return Fail("out of memory during IMAP " + command);

    case MAILIMAP_ERROR_BAD_STATE:
    case MAILIMAP_ERROR_INVAL:
      return Fail("IMAP " + command + " is not allowed in this session state");
    default:
      return Fail("IMAP " + command + " failed: " + ServerText());
  }
}

// The human-readable text of the last tagged or BYE response, as sent by the
// server and cut to a length fit for an error message.
std::string ImapConnection::ServerText() const {
  if (imap_ == nullptr || imap_->imap_response == nullptr || imap_->imap_response[0] == '\0') {
    return "no reason given";
  }
  std::string text(imap_->imap_response);
  if (text.size() > 200) text.resize(200);
  return text;
}

void ImapConnection::LogCommand(std::string_view imap_command, Clock::time_point start,
                                const Status& status) const {
  if (!log::Enabled(log::Level::kDebug)) return;
  int64_t duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  if (status.ok()) {
    log::Debug("imap_command_finished", context_,
               {{"imap_command", imap_command}, {"duration_us", duration_us}});
  } else {
    log::Debug("imap_command_finished", context_,
               {{"imap_command", imap_command},
                {"duration_us", duration_us},
                {"error", status.message()}});
  }
}

}  // namespace konvert
