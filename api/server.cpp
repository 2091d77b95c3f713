#include "api/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pistache/endpoint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "api/service.h"
#include "store/log/logger.h"

namespace konvert::api {
namespace {

// One handler per reactor thread (Pistache clones the prototype); all share
// the Service.
class HttpHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  explicit HttpHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override {
    service_->Handle(request, std::move(response));
  }

 private:
  std::shared_ptr<Service> service_;
};

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

// LIMITATION: Pistache 0.0.5 runs the TLS handshake of every new connection
// with a blocking SSL_accept on its single accept thread, so a client that
// connects and stays silent would stop all other clients from connecting.
// Linux copies a listening socket's receive timeout to each accepted socket,
// so a timeout on the listener bounds that stall; it cannot remove it. A
// handshake makes two reads, so one silent connection stalls accepting for up
// to twice the timeout, and many of them in a row for that many times over.
// README tells operators to put a reverse proxy in front on the internet. Pistache does not expose
// the listening socket, so it is found among the process's descriptors by port.
constexpr int kHandshakeTimeoutSeconds = 3;

bool BoundHandshakes(uint16_t port) {
  bool found = false;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::atoi(entry.path().filename().c_str());
    int listening = 0;
    socklen_t size = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening) continue;

    sockaddr_storage address{};
    socklen_t address_size = sizeof(address);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_size) != 0) continue;
    uint16_t bound = address.ss_family == AF_INET6
                         ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                         : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    if (bound != port) continue;

    timeval timeout{kHandshakeTimeoutSeconds, 0};
    found |= setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) == 0;
    found &= setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) == 0;
  }
  return found;
}

// Port 0 asks for any free port. The Service must know the real one before
// the first request (for its public URL and allowed origins), but Pistache
// binds and starts serving in one call; so the port is chosen here first.
// Another process could take it in between; Start then fails to bind.
uint16_t FreePort(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), "0", &hints, &found) != 0 || found == nullptr) return 0;

  uint16_t port = 0;
  int fd = socket(found->ai_family, SOCK_STREAM, 0);
  if (fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0) {
    sockaddr_storage address{};
    socklen_t size = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = address.ss_family == AF_INET6
               ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
               : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  return port;
}

}  // namespace

Server::Server(Config config, std::string server_key)
    : config_(std::move(config)), server_key_(std::move(server_key)) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  // Pistache aborts the process on an unreadable certificate; check first.
  if (!Readable(config_.tls_cert) || !Readable(config_.tls_key)) {
    return Status(ErrorKind::kServerFail, "cannot read --tls-cert or --tls-key");
  }

  if (config_.listen_port == 0) {
    config_.listen_port = FreePort(config_.listen_host);
    if (config_.listen_port == 0) return Status(ErrorKind::kServerFail, "no free port");
  }
  DerivePublicUrl(&config_);
  service_ = std::make_shared<Service>(config_, std::move(server_key_));
  Status opened = service_->Open();
  if (!opened.ok()) return opened;

  // LIMITATION: Pistache reads a whole body into memory on a reactor thread
  // before Konvert sees the request, parsing a 10 MB body in about a second,
  // and answers bodies past maxRequestSize and malformed HTTP with its own
  // plain-text errors. It also drops a second request pipelined in the same
  // read as the first (browsers and common clients do not pipeline). All of
  // this needs a different HTTP layer to change.
  try {
    Pistache::Address address(config_.listen_host, Pistache::Port(config_.listen_port));
    endpoint_ = std::make_unique<Pistache::Http::Endpoint>(address);
    const jmap::Limits& limits = service_->limits();
    auto options = Pistache::Http::Endpoint::options()
                       .threads(static_cast<int>(config_.reactor_threads))
                       .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay)
                       // Headers and a little slack above the JMAP limit, so that an
                       // oversized JMAP body gets our `limit` problem, not a bare 413.
                       .maxRequestSize(limits.max_size_request + 64 * 1024)
                       .maxResponseSize(256 * 1024 * 1024)
                       .headerTimeout(std::chrono::seconds(20))
                       .bodyTimeout(std::chrono::seconds(120))
                       .keepaliveTimeout(std::chrono::seconds(120));
    endpoint_->init(options);
    endpoint_->useSSL(config_.tls_cert, config_.tls_key);
    endpoint_->setHandler(std::make_shared<HttpHandler>(service_));
    endpoint_->serveThreaded();
    if (!BoundHandshakes(port())) {
      log::Warn("handshake_timeout_not_set", log::Context(), {{"port", unsigned{port()}}});
    }
  } catch (const std::exception& e) {
    endpoint_.reset();
    return Status(ErrorKind::kServerFail, std::string("cannot start HTTPS: ") + e.what());
  }

  log::Info("listening", log::Context(),
            {{"host", config_.listen_host},
             {"port", static_cast<unsigned>(port())},
             {"public_url", config_.public_url}});
  return Status::Ok();
}

uint16_t Server::port() const {
  return endpoint_ ? static_cast<uint16_t>(endpoint_->getPort()) : 0;
}

void Server::Stop() {
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
  if (service_) service_->Shutdown();
}

}  // namespace konvert::api
