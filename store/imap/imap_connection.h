// ImapConnection: one IMAP session with the organisation's mail server,
// built on libetpan's `mailimap`.
//
// Open() connects, secures the connection (implicit TLS for imaps://,
// STARTTLS for imap://) and reads the server's capabilities; Login() then
// authenticates one user. After that the session belongs to that user only.
//
// Ownership: the caller of Open() owns the connection, normally
// ImapSessionPool, which lends it to one task at a time. The object owns the
// socket and the libetpan session; destroying it logs out if the session is
// still healthy and always closes the socket.
//
// Threads: not thread-safe. One thread at a time may use a connection, and
// every call that talks to the server blocks for up to the endpoint's timeout
// per connect, handshake, read or write: call them on worker threads only,
// never on a reactor thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "model/server_url.h"
#include "model/status.h"
#include "store/log/logger.h"

struct mailimap;
struct _mailstream;
typedef struct _mailstream mailstream;

namespace konvert {

struct ImapEndpoint {
  ServerUrl url;  // imap:// or imaps://
  // Lets an imap:// server whose host and connected address are both loopback
  // be used in plain text when it offers no STARTTLS. STARTTLS is still used
  // whenever it is offered. Has no effect on any other host.
  bool allow_plain_loopback = false;
  // Bound on connecting, on the TLS handshake and on each read or write.
  std::chrono::seconds timeout{15};
  // PEM file with the certificates trusted to sign the server's; empty for
  // the system's trust store. The certificate must also name the URL's host.
  // Where allow_plain_loopback applies, an unverifiable certificate is
  // accepted, since plain text would be too.
  std::string tls_ca_file;
};

class ImapConnection {
 public:
  // Connects and secures the session; does not log in. Errors:
  // kServerUnavailable when the server cannot be reached, refuses, closes the
  // connection or does not answer within the timeout; kServerFail when it
  // answers but cannot be used safely (no STARTTLS, an untrusted
  // certificate, PREAUTH); kInvalidArguments for a URL that is not imap:// or imaps://.
  // Blocks.
  static Result<std::unique_ptr<ImapConnection>> Open(const ImapEndpoint& endpoint,
                                                      const log::Context& context);

  ~ImapConnection();
  ImapConnection(const ImapConnection&) = delete;
  ImapConnection& operator=(const ImapConnection&) = delete;

  // Authenticates with AUTHENTICATE PLAIN (RFC 4616) when the server offers
  // it, which carries any UTF-8 password; otherwise with LOGIN. Refreshes
  // Capabilities() afterwards. Errors: kUnauthenticated for credentials the
  // server refuses, kServerUnavailable for a lost connection or a server that
  // says it is unavailable, kServerFail otherwise. No message holds the
  // password. Blocks.
  Status Login(std::string_view login, std::string_view password);

  // The server's capabilities in upper case ("IMAP4REV1", "AUTH=PLAIN",
  // "CONDSTORE"), as last announced: after STARTTLS, then after Login().
  const std::set<std::string>& Capabilities() const { return capabilities_; }
  bool HasCapability(std::string_view name) const;

  // NOOP; checks that the session still works. Blocks.
  Status Noop();

  // True when the server has closed the connection or sent something
  // unasked (BYE) since the last command: a quick look at the socket, no
  // round trip. Never blocks.
  bool PeerHungUp() const;

  // Sends LOGOUT when the session is healthy, then closes the socket.
  // Afterwards broken() is true. Blocks.
  void Logout();

  // Runs one libetpan call that sends one IMAP command named `imap_command`
  // (e.g. "UID FETCH"), logs it at debug with its duration, and turns the
  // libetpan result into a Status: a NO answer is kServerFail with the
  // server's text; a lost or garbled stream is kServerUnavailable or
  // kServerFail and marks the connection broken. Sync code uses raw() only
  // inside `call`. Blocks.
  Status Execute(std::string_view imap_command, const std::function<int(mailimap*)>& call);

  // True once the session can no longer be used: after an I/O or protocol
  // failure, and after Logout(). A broken connection is closed, not reused.
  bool broken() const { return broken_; }
  bool logged_in() const { return logged_in_; }
  // True when the session runs over TLS (imaps:// or after STARTTLS).
  bool encrypted() const { return encrypted_; }
  // Extensions turned on with ENABLE (RFC 5161), e.g. "QRESYNC", which
  // stay on for the life of the session.
  bool enabled(std::string_view extension) const {
    return enabled_.count(std::string(extension)) != 0;
  }
  void MarkEnabled(std::string_view extension) { enabled_.insert(std::string(extension)); }

  // The folder last selected on this session (set by the sync's SELECT),
  // empty when none.
  const std::string& selected() const { return selected_; }
  void set_selected(std::string folder) { selected_ = std::move(folder); }

  // A number unique to this connection within the process.
  uint64_t id() const { return id_; }

  // The fields every later log line of this connection carries; the pool
  // sets them to those of the request the connection currently serves.
  void set_context(log::Context context) { context_ = std::move(context); }

  // The libetpan session for sync code; see Execute().
  mailimap* raw() { return imap_; }

 private:
  ImapConnection(const ImapEndpoint& endpoint, const log::Context& context);

  Status Connect(int fd);
  Status StartTls();
  Status CheckCertificate(mailstream* stream);
  bool PlainTextAllowed() const;
  Status AuthenticatePlain(std::string_view login, std::string_view password);
  Status LoginPlainText(std::string_view login, std::string_view password);
  Status LoginRefused();
  Status RefreshCapabilities();
  Status EnableQresync();
  void ForgetCapabilities();
  void CloseStream();
  Status StatusFromEtpan(int code, std::string_view imap_command);
  std::string ServerText() const;
  void LogCommand(std::string_view imap_command, std::chrono::steady_clock::time_point start,
                  const Status& status) const;

  ImapEndpoint endpoint_;
  log::Context context_;
  mailimap* imap_ = nullptr;
  std::set<std::string> capabilities_;
  std::set<std::string> enabled_;
  std::string selected_;
  uint64_t id_ = 0;
  bool broken_ = false;
  bool logged_in_ = false;
  bool encrypted_ = false;
  bool peer_is_loopback_ = false;
};

}  // namespace konvert
