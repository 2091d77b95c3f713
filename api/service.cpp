#include "api/service.h"

#include <algorithm>
#include <ctime>

#include "api/auth/credentials.h"
#include "api/core/echo.h"
#include "api/email/methods.h"
#include "api/http/reply.h"
#include "api/mailbox/methods.h"
#include "api/session/session_resource.h"
#include "api/thread/methods.h"

namespace konvert::api {
namespace {

using HttpMethod = Pistache::Http::Method;
using Pistache::Http::Request;

log::Counter g_auth_failures("auth_failures");
log::Counter g_csrf_refused("csrf_refused");
log::Counter g_throttled("login_throttled");

// The account throttle counts per client address and login.
std::string AccountThrottleKey(const std::string& client, const std::string& login) {
  return client + "\n" + login;
}

}  // namespace

// Reports a password attempt's outcome to the throttle exactly once, when
// the last copy of the task that carries it is gone.
struct Service::PasswordAttempt {
  PasswordAttempt(Service* service, std::string client, Credentials credentials)
      : service(service), client(std::move(client)), credentials(std::move(credentials)) {}
  ~PasswordAttempt() {
    auto now = std::chrono::steady_clock::now();
    service->address_throttle_.End(client, outcome, now);
    service->account_throttle_.End(AccountThrottleKey(client, credentials.login), outcome, now);
    if (outcome == LoginThrottle::Outcome::kSucceeded) {
      service->verified_.Remember(credentials.login, credentials.password, now);
    }
  }

  Service* service;
  std::string client;
  Credentials credentials;
  LoginThrottle::Outcome outcome = LoginThrottle::Outcome::kUnknown;
};

namespace {

// HTTP/1.1 connections persist unless a side says otherwise (RFC 9112
// §9.3), but Pistache 0.0.5 closes them unless the client asked for
// keep-alive explicitly; a new TLS handshake per request would be costly.
void KeepAliveUnlessClosed(const Request& request, Pistache::Http::ResponseWriter& response) {
  using Pistache::Http::ConnectionControl;
  namespace header = Pistache::Http::Header;
  if (request.version() != Pistache::Http::Version::Http11) return;
  auto connection = request.headers().tryGet<header::Connection>();
  if (connection && connection->control() == ConnectionControl::Close) return;
  response.headers().remove<header::Connection>();
  response.headers().add<header::Connection>(ConnectionControl::KeepAlive);
}

// The address of the client: the peer, or, when the peer is a trusted
// reverse proxy, the last address it appended to X-Forwarded-For.
std::string ClientAddress(const Request& request, const std::vector<std::string>& proxies) {
  std::string peer = request.address().host();
  if (std::find(proxies.begin(), proxies.end(), peer) == proxies.end()) return peer;
  std::optional<std::string> forwarded = HeaderValue(request, "X-Forwarded-For");
  if (!forwarded) return peer;
  size_t comma = forwarded->rfind(',');
  std::string last = forwarded->substr(comma == std::string::npos ? 0 : comma + 1);
  last.erase(0, last.find_first_not_of(" \t"));
  last.erase(last.find_last_not_of(" \t") + 1);
  return last.empty() ? peer : last;
}

LoginThrottle::Options AddressThrottleOptions() {
  LoginThrottle::Options options;
  options.free_failures = 30;
  options.max_in_flight = 32;
  return options;
}

LoginThrottle::Options AccountThrottleOptions() {
  LoginThrottle::Options options;
  options.free_failures = 5;
  options.max_in_flight = 5;
  return options;
}

int64_t UnixNow() { return static_cast<int64_t>(std::time(nullptr)); }

std::string MethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::Get:
      return "GET";
    case HttpMethod::Post:
      return "POST";
    case HttpMethod::Head:
      return "HEAD";
    case HttpMethod::Options:
      return "OPTIONS";
    case HttpMethod::Put:
      return "PUT";
    case HttpMethod::Delete:
      return "DELETE";
    default:
      return "OTHER";
  }
}

ImapEndpoint EndpointOf(const Config& config) {
  ImapEndpoint endpoint;
  endpoint.url = config.imap;
  endpoint.allow_plain_loopback = config.allow_plain_loopback;
  endpoint.tls_ca_file = config.mail_ca_file;
  return endpoint;
}

}  // namespace

Service::Service(Config config, std::string server_key)
    : config_(std::move(config)),
      limits_(),
      sealer_(std::move(server_key)),
      address_throttle_(AddressThrottleOptions()),
      account_throttle_(AccountThrottleOptions()),
      workers_(config_.worker_threads),
      imap_pool_(EndpointOf(config_), &workers_),
      dispatcher_(limits_, registry_) {
  RegisterCoreMethods(registry_);
  RegisterMailboxMethods(registry_);
  RegisterThreadMethods(registry_);
  RegisterEmailMethods(registry_);
  LoadStaticFiles();

  // Our own pages are served from the public URL, or from the listener itself
  // when a browser reaches it directly.
  allowed_origins_.push_back(OriginOf(config_.public_url));
  std::string host = config_.listen_host.find(':') != std::string::npos
                         ? "[" + config_.listen_host + "]"
                         : config_.listen_host;
  allowed_origins_.push_back(
      OriginOf("https://" + host + ":" + std::to_string(config_.listen_port)));
}

Service::~Service() { Shutdown(); }

Status Service::Open() {
  Result<std::unique_ptr<MailStore>> store =
      MailStore::Open(config_.data_dir + "/cache", &imap_pool_, log::Context());
  if (!store.ok()) return store.status();
  mail_store_ = std::move(*store);
  return Status::Ok();
}

void Service::Shutdown() {
  if (mail_store_ != nullptr) mail_store_->Shutdown();
  imap_pool_.Shutdown();
  workers_.Shutdown();
}

void Service::Handle(const Request& request, Pistache::Http::ResponseWriter response) {
  Exchange exchange;
  exchange.started = std::chrono::steady_clock::now();
  exchange.client = ClientAddress(request, config_.trusted_proxies);
  exchange.path = request.resource();
  exchange.http_method = MethodName(request.method());
  exchange.from_browser = request.headers().tryGetRaw("Sec-Fetch-Site").has_value();
  exchange.log = log::Context().With("request_id", std::to_string(next_request_id_++));
  KeepAliveUnlessClosed(request, response);
  auto writer = std::make_shared<Pistache::Http::ResponseWriter>(std::move(response));

  const std::string& path = exchange.path;
  const std::string& base = config_.base_path;
  bool under_base =
      path.rfind(base, 0) == 0 && (path.size() == base.size() || path[base.size()] == '/');
  std::string rest = under_base ? path.substr(base.size()) : "";
  HttpMethod method = request.method();

  // HEAD gets no body, so it is refused without one rather than answered
  // with a body a keep-alive client would take for the next response.
  if (method == HttpMethod::Head) {
    SetHeader(*writer, "Allow", "GET, POST");
    writer->send(Pistache::Http::Code::Method_Not_Allowed);
    return Finished(exchange, 405);
  }

  auto wrong_method = [&](const char* allowed) {
    Fail(writer, exchange,
         Status(ErrorKind::kMethodNotAllowed, std::string("use ") + allowed + " for " + path),
         {{"Allow", allowed}});
  };
  if (path == "/.well-known/jmap" || (under_base && rest == "/.well-known/jmap")) {
    if (method != HttpMethod::Get) return wrong_method("GET");
    return HandleSession(request, writer, std::move(exchange));
  }
  if (under_base && rest == kApiPath) {
    if (method != HttpMethod::Post) return wrong_method("POST");
    return HandleApi(request, writer, std::move(exchange));
  }
  if (under_base && rest.rfind(kDownloadPath, 0) == 0) {
    if (method != HttpMethod::Get) return wrong_method("GET");
    return HandleDownload(request, writer, std::move(exchange));
  }
  if (under_base && (rest == "/auth/login" || rest == "/auth/logout")) {
    if (method != HttpMethod::Post) return wrong_method("POST");
    if (rest == "/auth/login") return HandleLogin(request, writer, std::move(exchange));
    return HandleLogout(request, writer, std::move(exchange));
  }
  // The app's own routes fall back to index.html; JMAP and auth paths never do.
  bool api_path = rest.rfind("/jmap/", 0) == 0 || rest.rfind("/auth/", 0) == 0;
  if (under_base && method == HttpMethod::Get && !api_path) {
    return HandleStatic(request, writer, std::move(exchange));
  }
  Fail(writer, exchange, Status(ErrorKind::kNotFound, "no such resource"));
}

Result<Service::Identity> Service::Authenticate(const Request& request, bool changes_state) {
  Identity identity;
  std::optional<std::string> authorization = HeaderValue(request, "Authorization");
  std::optional<std::string> token;

  if (authorization) {
    if (auto basic = ParseBasicAuthorization(*authorization)) {
      identity.credentials = Credentials{CanonicalLogin(basic->login), basic->password};
      identity.by_password = true;
      return identity;
    }
    token = ParseBearerAuthorization(*authorization);
    if (!token) return Status(ErrorKind::kUnauthenticated, "unsupported Authorization scheme");
  } else if (auto cookie = HeaderValue(request, "Cookie")) {
    token = FindCookie(*cookie, kSessionCookie);
    identity.by_cookie = token.has_value();
  }
  if (!token) return Status(ErrorKind::kUnauthenticated, "authentication required");

  Result<SessionClaims> claims = sealer_.Open(*token, UnixNow());
  if (!claims.ok() || IsRevoked(claims->session_id)) {
    g_auth_failures.Increment();
    return Status(ErrorKind::kUnauthenticated, "session expired or invalid; log in again");
  }

  // A cookie rides along with any request a browser sends, including those
  // another site makes it send; changes must come from our own pages.
  if (identity.by_cookie && changes_state &&
      !PassesCsrfCheck(HeaderValue(request, "Origin"), HeaderValue(request, "Sec-Fetch-Site"),
                       allowed_origins_)) {
    g_csrf_refused.Increment();
    return Status(ErrorKind::kForbidden, "cross-site request refused (Origin/Sec-Fetch-Site)");
  }

  identity.credentials = Credentials{CanonicalLogin(claims->login), claims->password};
  identity.session_id = claims->session_id;
  return identity;
}

void Service::WithImap(const Identity& identity, Writer writer, const Exchange& exchange,
                       std::function<void(ImapConnection&)> work) {
  // A password sent with this request is a login attempt: admitted by the
  // throttle first, and its outcome reported when IMAP has answered (or the
  // task is dropped, which the guard reports as unknown).
  std::shared_ptr<PasswordAttempt> attempt;
  auto now = std::chrono::steady_clock::now();
  const Credentials& credentials = identity.credentials;
  if (identity.by_password && !verified_.Contains(credentials.login, credentials.password, now)) {
    int64_t wait = AdmitPasswordAttempt(exchange.client, credentials.login, now);
    if (wait > 0) {
      g_throttled.Increment();
      return Fail(writer, exchange,
                  Status(ErrorKind::kTooManyRequests,
                         "too many failed logins; retry after " + std::to_string(wait) + " s"),
                  {{"Retry-After", std::to_string(wait)}});
    }
    attempt = std::make_shared<PasswordAttempt>(this, exchange.client, credentials);
  }

  log::Context ctx = exchange.log.With("account", identity.credentials.login);
  imap_pool_.Run(identity.credentials, ctx,
                 [this, writer, exchange, attempt,
                  work = std::move(work)](Result<ImapConnection*> connection) mutable {
                   if (connection.ok()) {
                     if (attempt) attempt->outcome = LoginThrottle::Outcome::kSucceeded;
                     return work(**connection);
                   }
                   Status status = connection.status();
                   switch (status.kind()) {
                     case ErrorKind::kUnauthenticated:
                       g_auth_failures.Increment();
                       if (attempt) attempt->outcome = LoginThrottle::Outcome::kFailed;
                       return Fail(writer, exchange,
                                   Status(status.kind(), "wrong login or password"));
                     case ErrorKind::kTooManyRequests:
                       return Fail(writer, exchange, status, {{"Retry-After", "1"}});
                     default:
                       // The detail names the IMAP server, which is the
                       // operator's business: it goes to the log, not the client.
                       log::Warn("imap_failed", exchange.log, {{"error", status.message()}});
                       return Fail(writer, exchange,
                                   Status(ErrorKind::kServerUnavailable,
                                          "the mail server is unavailable; try again shortly"),
                                   {{"Retry-After", "5"}});
                   }
                 });
}

// Two counts: per address and login, so that guessing one account stops
// after a few failures and a correct login of another account does not
// reset it; and per address alone, with more room, so that spraying many
// accounts from one address stops too.
int64_t Service::AdmitPasswordAttempt(const std::string& client, const std::string& login,
                                      std::chrono::steady_clock::time_point now) {
  int64_t wait = address_throttle_.Begin(client, now);
  if (wait > 0) return wait;
  wait = account_throttle_.Begin(AccountThrottleKey(client, login), now);
  if (wait > 0) address_throttle_.End(client, LoginThrottle::Outcome::kUnknown, now);
  return wait;
}

void Service::Fail(const Writer& writer, const Exchange& exchange, const Status& status,
                   std::vector<Header> extra) {
  if (status.kind() == ErrorKind::kUnauthenticated && !exchange.from_browser) {
    extra.emplace_back("WWW-Authenticate", "Basic realm=\"Konvert\", charset=\"UTF-8\"");
  }
  int code = SendProblem(*writer, status, extra);
  log::Context ctx = exchange.log.With("error", status.message());
  Finished(Exchange{ctx, exchange.started, exchange.client, exchange.path, exchange.http_method},
           code);
}

void Service::Finished(const Exchange& exchange, int status, std::string_view methods) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - exchange.started)
                    .count();
  log::Info("request_finished", exchange.log,
            {{"client", exchange.client},
             {"http_method", exchange.http_method},
             {"path", exchange.path},
             {"method", methods},
             {"status", status},
             {"duration_us", static_cast<int64_t>(micros)}});
}

bool Service::IsRevoked(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  return revoked_.count(session_id) > 0;
}

void Service::Revoke(const std::string& session_id, int64_t expires_at) {
  std::lock_guard lock(mutex_);
  int64_t now = UnixNow();
  for (auto it = revoked_.begin(); it != revoked_.end();) {
    it = it->second <= now ? revoked_.erase(it) : std::next(it);
  }
  revoked_[session_id] = expires_at;
}

bool Service::EnterRequest(const std::string& login) {
  std::lock_guard lock(mutex_);
  uint32_t& count = in_flight_[login];
  if (count >= limits_.max_concurrent_requests) return false;
  ++count;
  return true;
}

void Service::LeaveRequest(const std::string& login) {
  std::lock_guard lock(mutex_);
  auto it = in_flight_.find(login);
  if (it == in_flight_.end()) return;
  if (--it->second == 0) in_flight_.erase(it);
}

}  // namespace konvert::api
