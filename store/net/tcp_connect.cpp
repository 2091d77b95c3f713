#include "store/net/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace konvert {

using Clock = std::chrono::steady_clock;

namespace {

Status Unavailable(std::string message) {
  return Status(ErrorKind::kServerUnavailable, std::move(message));
}

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// "IMAP" or "SMTP", for messages.
std::string Label(const ServerUrl& url) {
  return url.scheme.rfind("imap", 0) == 0 ? "IMAP" : "SMTP";
}

}  // namespace

bool IsLoopbackAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  if (address->sa_family == AF_INET6) {
    const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  }
  return false;
}

namespace {

// Returns 0 or an errno value; ETIMEDOUT once `deadline` has passed.
int ConnectBefore(int fd, const addrinfo& address, Clock::time_point deadline) {
  if (connect(fd, address.ai_addr, address.ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;

  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return ETIMEDOUT;
    pollfd entry{fd, POLLOUT, 0};
    int ready = poll(&entry, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) return ETIMEDOUT;
    int error = 0;
    socklen_t size = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    return error;
  }
}

}  // namespace

// Tries each address of the host in turn, all within one deadline, so that a
// black-holed address cannot hold a worker longer than the timeout.
// LIMITATION: name resolution itself (getaddrinfo) has no timeout of its own;
// configure mail server hosts as addresses or in /etc/hosts where DNS is slow.
Result<TcpSocket> ConnectTcp(const ServerUrl& url, Clock::time_point deadline) {
  std::string what = Label(url);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  int resolved =
      getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &addresses);
  if (resolved != 0) {
    return Unavailable("cannot resolve " + what + " host " + url.host + ": " +
                       gai_strerror(resolved));
  }

  std::string last_error = "no address";
  for (const addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    address->ai_protocol);
    if (fd < 0) {
      last_error = ErrnoText(errno);
      continue;
    }
    int error = ConnectBefore(fd, *address, deadline);
    if (error != 0) {
      close(fd);
      last_error = error == ETIMEDOUT ? "timed out" : ErrnoText(error);
      continue;
    }

    // libetpan expects a blocking socket and bounds each read and write with
    // poll(2) itself.
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    TcpSocket result{fd, IsLoopbackAddress(address->ai_addr)};
    freeaddrinfo(addresses);
    return result;
  }
  freeaddrinfo(addresses);
  return Unavailable("cannot connect to " + what + " server " + url.ToString() + ": " + last_error);
}

}  // namespace konvert
