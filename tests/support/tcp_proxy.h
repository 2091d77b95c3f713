// TcpProxy: a loopback TCP forwarder a test puts between konvert and the
// mail server, so that it can cut the connection at a moment it chooses
// ("the IMAP server went away mid-request") and restore it.
//
// Listens on 127.0.0.1 on a free port; each accepted connection is relayed
// to the target on a thread of its own. Cut() closes every relayed
// connection and refuses new ones until Restore(). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace konvert::testing {

class TcpProxy {
 public:
  explicit TcpProxy(uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  uint16_t port() const { return port_; }
  void Cut();
  void Restore();

 private:
  void Accept();
  void Relay(int client);

  uint16_t target_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::mutex mutex_;
  std::set<int> open_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace konvert::testing
