// Server: the HTTPS endpoint of Konvert.
//
// Owns a Pistache endpoint (TLS 1.2+ only, TCP_NODELAY, size and time
// limits) whose reactor threads hand every request to a Service. Plain HTTP
// on the port never gets content: the TLS handshake fails and the
// connection is closed.
//
// Start and Stop are called from the main thread.
#pragma once

#include <memory>
#include <string>

#include "api/config.h"
#include "model/status.h"

namespace Pistache::Http {
class Endpoint;
}

namespace konvert::api {

class Service;

class Server {
 public:
  Server(Config config, std::string server_key);
  ~Server();

  // Binds and starts serving in background threads. kServerFail when the
  // port cannot be bound or the certificate or key cannot be loaded.
  Status Start();
  // The bound port (useful with port 0).
  uint16_t port() const;
  void Stop();

 private:
  Config config_;
  std::string server_key_;
  std::shared_ptr<Service> service_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
};

}  // namespace konvert::api
