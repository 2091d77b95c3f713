// TCP connections to the mail servers, bounded in time.
//
// IMAP now and SMTP later connect the same way: every address of the host in
// turn, all within one deadline, then a blocking socket with TCP_NODELAY that
// libetpan bounds per read and write itself.
//
// Blocks up to the deadline: worker threads only.
#pragma once

#include <sys/socket.h>

#include <chrono>

#include "model/server_url.h"
#include "model/status.h"

namespace konvert {

struct TcpSocket {
  int fd = -1;
  // The peer's address is a loopback one (127.0.0.0/8, ::1, mapped).
  bool loopback = false;
};

bool IsLoopbackAddress(const sockaddr* address);

// A connected socket, owned by the caller. kServerUnavailable when the host
// cannot be resolved or no address answers before `deadline`.
Result<TcpSocket> ConnectTcp(const ServerUrl& url, std::chrono::steady_clock::time_point deadline);

}  // namespace konvert
