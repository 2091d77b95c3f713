// Service: what Konvert does with one HTTP request, behind the endpoint.
//
// It owns the shared state of the server (configuration, the token sealer,
// the login throttle, the IMAP session pool, the worker pool and the JMAP
// dispatcher) and routes each request under the base path:
//
//   GET  /.well-known/jmap, {base}/.well-known/jmap   the JMAP session
//   POST {base}/jmap/api                              JMAP requests
//   GET  {base}/jmap/download/...                     blobs (RFC 8620 §6.2)
//   POST {base}/auth/login, {base}/auth/logout        the session cookie
//   GET  {base}/...                                   the frontend's files
//
// Handle runs on a Pistache reactor thread and never blocks: it checks what
// it can from the headers, then hands IMAP work to the pool, whose task
// answers through the moved ResponseWriter on a worker thread.
#pragma once

#include <pistache/http.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/auth/login_throttle.h"
#include "api/auth/session_token.h"
#include "api/auth/verified_passwords.h"
#include "api/config.h"
#include "api/http/reply.h"
#include "api/jmap/dispatcher.h"
#include "api/jmap/method_registry.h"
#include "model/jmap/limits.h"
#include "store/imap/session_pool.h"
#include "store/log/logger.h"
#include "store/sync/mail_store.h"
#include "store/worker_pool.h"

namespace konvert::api {

class Service {
 public:
  Service(Config config, std::string server_key);
  ~Service();

  // Opens the mail cache under the data directory. Fails with kServerFail
  // when it cannot be opened (e.g. another konvert uses the same directory).
  // Main thread, before the first request.
  Status Open();

  // Reactor thread. Answers every request exactly once.
  void Handle(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter writer);

  // Stops the workers and closes IMAP connections; requests still queued
  // are dropped. Main thread, after the endpoint has stopped.
  void Shutdown();

  const Config& config() const { return config_; }
  const jmap::Limits& limits() const { return limits_; }

 private:
  struct PasswordAttempt;

  // Who a request is, once its headers have been read.
  struct Identity {
    Credentials credentials;
    bool by_cookie = false;
    // A password came with this request (login or Basic): failures count
    // towards the login throttle.
    bool by_password = false;
    std::string session_id;  // Cookie and bearer only.
  };

  // What every handler gets: the request's log fields and timing.
  struct Exchange {
    log::Context log;
    std::chrono::steady_clock::time_point started;
    std::string client;
    std::string path;
    std::string http_method;
    // Set when the browser sent fetch metadata: a 401 then carries no Basic
    // challenge, so that the app never makes a browser pop up its own dialog.
    bool from_browser = false;
  };

  using Writer = std::shared_ptr<Pistache::Http::ResponseWriter>;

  void HandleSession(const Pistache::Http::Request& request, Writer writer, Exchange exchange);
  void HandleApi(const Pistache::Http::Request& request, Writer writer, Exchange exchange);
  void HandleDownload(const Pistache::Http::Request& request, Writer writer, Exchange exchange);
  void HandleLogin(const Pistache::Http::Request& request, Writer writer, Exchange exchange);
  void HandleLogout(const Pistache::Http::Request& request, Writer writer, Exchange exchange);
  void HandleStatic(const Pistache::Http::Request& request, Writer writer, Exchange exchange);

  // Loads the frontend's files into memory so that serving them never
  // touches the disk on a reactor thread.
  void LoadStaticFiles();

  // Reads the identity from Authorization or the cookie. Fails with
  // kUnauthenticated or kForbidden (CSRF).
  Result<Identity> Authenticate(const Pistache::Http::Request& request, bool changes_state);

  // Runs `work` with a logged-in IMAP connection of `identity` on a worker;
  // answers 401/429/503 itself when there is none. A password in
  // `identity` passes the login throttle first.
  void WithImap(const Identity& identity, Writer writer, const Exchange& exchange,
                std::function<void(ImapConnection&)> work);

  // Sends a failure and logs the request as finished.
  void Fail(const Writer& writer, const Exchange& exchange, const Status& status,
            std::vector<Header> extra = {});
  void Finished(const Exchange& exchange, int status, std::string_view methods = "");

  // Admits a password attempt of `login` from `client` under both throttles;
  // returns the seconds to wait, or 0 when admitted.
  int64_t AdmitPasswordAttempt(const std::string& client, const std::string& login,
                               std::chrono::steady_clock::time_point now);

  bool IsRevoked(const std::string& session_id);
  void Revoke(const std::string& session_id, int64_t expires_at);

  bool EnterRequest(const std::string& login);
  void LeaveRequest(const std::string& login);

  const Config config_;
  const jmap::Limits limits_;
  const TokenSealer sealer_;
  std::vector<std::string> allowed_origins_;

  // Declared before the pools: tasks the pool drops at shutdown still end
  // their password attempts in these.
  LoginThrottle address_throttle_;
  LoginThrottle account_throttle_;
  VerifiedPasswords verified_;
  WorkerPool workers_;
  ImapSessionPool imap_pool_;
  std::unique_ptr<MailStore> mail_store_;
  MethodRegistry registry_;
  Dispatcher dispatcher_;

  std::atomic<uint64_t> next_request_id_{1};

  std::mutex mutex_;
  // LIMITATION: revoked sessions are kept in this process only, so after a
  // logout the old cookie still opens on another node or after a restart
  // until it expires; sharing them needs the replicated store of a later issue.
  std::unordered_map<std::string, int64_t> revoked_;
  // Frontend files by path below the base path ("/index.html").
  struct StaticFile {
    std::string content;
    std::string type;
  };
  std::unordered_map<std::string, StaticFile> static_files_;
  std::unordered_map<std::string, uint32_t> in_flight_;
};

}  // namespace konvert::api
