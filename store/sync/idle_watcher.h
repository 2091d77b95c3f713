// IdleWatcher: one IMAP connection per active account that waits in IDLE
// (RFC 2177) on INBOX and says when the server reports anything, so that
// new mail reaches the index (and, later, push) without waiting for the
// user's next request.
//
// The watcher owns its own connection, outside the ImapSessionPool, because
// it holds it for as long as it runs; with the pool's four that makes five
// of the ten connections Dovecot allows per user and address. It reconnects
// after failures with a growing pause, and re-enters IDLE every 25 minutes
// (servers drop an IDLE after 30, RFC 2177 §3).
//
// Threads: the watcher runs on a thread of its own, which also calls
// `changed`; `changed` must not block for long. The destructor stops the
// thread and waits for it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "store/imap/imap_connection.h"
#include "store/imap/session_pool.h"
#include "store/log/logger.h"

namespace konvert {

class IdleWatcher {
 public:
  // `wanted` is asked at every renewal and every report; the watcher ends
  // when it says false (the account has not been used for a while).
  IdleWatcher(ImapEndpoint endpoint, Credentials credentials, log::Context context,
              std::function<void()> changed, std::function<bool()> wanted);
  ~IdleWatcher();
  IdleWatcher(const IdleWatcher&) = delete;
  IdleWatcher& operator=(const IdleWatcher&) = delete;

  // False once the watcher gave up (the server has no IDLE, or the login
  // was refused); the caller may start a new one later.
  bool running() const { return running_.load(); }

 private:
  void Run();
  // One connection's life: connect, log in, watch until stopped or broken.
  Status Watch();
  Status WatchLoop(ImapConnection& imap, struct _mailstream* stream);
  bool WaitStop(std::chrono::milliseconds pause);

  const ImapEndpoint endpoint_;
  const Credentials credentials_;
  const log::Context context_;
  const std::function<void()> changed_;
  const std::function<bool()> wanted_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  // The stream waiting in IDLE, for the destructor to interrupt.
  struct _mailstream* waiting_ = nullptr;
  std::atomic<bool> running_{true};
  std::thread thread_;
};

}  // namespace konvert
