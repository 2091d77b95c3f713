#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace konvert::testing {
namespace {

int ConnectLoopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TcpProxy::TcpProxy(uint16_t target_port) : target_port_(target_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t size = sizeof(address);
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = ntohs(address.sin_port);
  listen(listener_, 64);
  acceptor_ = std::thread([this] { Accept(); });
}

TcpProxy::~TcpProxy() {
  stopping_.store(true);
  Cut();
  shutdown(listener_, SHUT_RDWR);
  close(listener_);
  acceptor_.join();
  for (std::thread& relay : relays_) relay.join();
}

void TcpProxy::Cut() {
  cut_.store(true);
  std::lock_guard lock(mutex_);
  for (int fd : open_) shutdown(fd, SHUT_RDWR);
}

void TcpProxy::Restore() { cut_.store(false); }

void TcpProxy::Accept() {
  while (!stopping_.load()) {
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    if (cut_.load()) {
      close(client);
      continue;
    }
    std::lock_guard lock(mutex_);
    relays_.emplace_back([this, client] { Relay(client); });
  }
}

void TcpProxy::Relay(int client) {
  int server = ConnectLoopback(target_port_);
  if (server < 0) {
    close(client);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    open_.insert(client);
    open_.insert(server);
  }
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  char buffer[16384];
  bool open = true;
  while (open && !cut_.load()) {
    if (poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0 || write(fds[1 - i].fd, buffer, static_cast<size_t>(n)) != n) open = false;
    }
  }
  std::lock_guard lock(mutex_);
  open_.erase(client);
  open_.erase(server);
  close(client);
  close(server);
}

}  // namespace konvert::testing
