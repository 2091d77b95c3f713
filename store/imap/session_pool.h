// ImapSessionPool: the logged-in IMAP connections of each user, lent to one
// task at a time and kept for the user's next requests.
//
// Each user (keyed by login) has at most `max_connections_per_user` live
// connections, busy or idle; Dovecot allows 10 per user and client address,
// and all of Konvert's connections come from one address. A connection is
// never shared between users, and is reused for a request only when the
// password presented now matches the one it logged in with (compared as
// salted SHA-256 digests in constant time; the pool keeps no plain copy once
// the login is done).
//
// Run() never blocks: it hands the task to the WorkerPool when the user has a
// free slot, or queues it in the user's own queue, without holding a worker,
// until one of that user's connections comes back. So one user's slow
// mailbox cannot stall anyone else. Connections idle longer than
// `idle_timeout` are closed by the pool's own thread.
//
// Ownership: the pool owns every connection; a task borrows one for the
// length of its call. The WorkerPool must outlive this pool.
//
// Threads: Run() may be called from any thread, including Pistache reactor
// threads. Tasks run on worker threads. Shutdown() and the destructor block
// until running tasks have finished; never call them from inside a task.
//
// LIMITATION: a password changed on the IMAP server is noticed only when the
// user's connections are replaced, i.e. after they were idle for
// `idle_timeout`; Dovecot keeps such sessions open as well.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "model/status.h"
#include "store/imap/imap_connection.h"
#include "store/log/logger.h"
#include "store/worker_pool.h"

namespace konvert {

struct Credentials {
  std::string login;
  std::string password;
};

struct ImapSessionPoolOptions {
  size_t max_connections_per_user = 4;
  // Tasks a user may have waiting for a slot; more are refused with
  // kTooManyRequests rather than queued without bound.
  size_t max_waiting_per_user = 256;
  // An idle connection is closed after this long.
  std::chrono::seconds idle_timeout{300};
  // An idle connection is checked with NOOP before reuse once it has been
  // idle this long; a dead one is replaced without the task noticing.
  std::chrono::seconds check_after_idle{60};
};

class ImapSessionPool {
 public:
  // Receives a logged-in connection, or why there is none: kUnauthenticated
  // for credentials the server refuses, kServerUnavailable when the server
  // cannot be reached or the pool is shutting down, kTooManyRequests when
  // the user's queue is full, kServerFail otherwise. The connection is lent
  // until the task returns; a task that finds it broken() need not say so.
  using Task = std::function<void(Result<ImapConnection*>)>;

  ImapSessionPool(ImapEndpoint endpoint, WorkerPool* workers,
                  ImapSessionPoolOptions options = ImapSessionPoolOptions());
  ~ImapSessionPool();
  ImapSessionPool(const ImapSessionPool&) = delete;
  ImapSessionPool& operator=(const ImapSessionPool&) = delete;

  // Runs `task` on a worker thread with one of the user's connections. Never
  // blocks; when the task is refused at once (full queue, shutdown) it is
  // called with the error on the calling thread before Run returns.
  void Run(Credentials credentials, log::Context context, Task task);

  // Closes the idle connections, answers queued tasks with
  // kServerUnavailable, waits for running tasks and closes their connections
  // when they return. Later Run() calls are refused. Blocks.
  void Shutdown();

  // Closes every connection that has been idle since before `cutoff` and
  // returns how many. The pool's thread calls it with now - idle_timeout.
  // Blocks while logging the connections out.
  size_t CloseIdleSince(std::chrono::steady_clock::time_point cutoff);

  // The server every connection of the pool goes to.
  const ImapEndpoint& endpoint() const { return endpoint_; }

  // The user's live connections (busy and idle) and waiting tasks.
  size_t connections(std::string_view login) const;
  size_t waiting(std::string_view login) const;

 private:
  using Clock = std::chrono::steady_clock;
  using Digest = std::array<unsigned char, 32>;
  struct Job;
  struct Ticket;

  struct IdleConnection {
    std::unique_ptr<ImapConnection> connection;
    Digest digest;
    Clock::time_point since;
  };

  struct User {
    size_t busy = 0;  // slots of tasks that are queued in the WorkerPool or running
    std::vector<IdleConnection> idle;  // oldest first
    std::deque<std::unique_ptr<Job>> waiting;
  };

  std::optional<Digest> PasswordDigest(std::string_view password) const;
  void Dispatch(std::unique_ptr<Job> job);
  void Serve(Job& job);
  Result<std::unique_ptr<ImapConnection>> Acquire(Job& job);
  Result<std::unique_ptr<ImapConnection>> Connect(Job& job);
  void Return(const Job& job, std::unique_ptr<ImapConnection> connection);
  void Abandon(const std::string& login);
  std::unique_ptr<Job> ReleaseSlotLocked(const std::string& login, bool take_next);
  void ReapIdle();

  const ImapEndpoint endpoint_;
  WorkerPool* const workers_;
  const ImapSessionPoolOptions options_;
  std::array<unsigned char, 16> salt_{};

  mutable std::mutex mutex_;
  std::condition_variable reaper_wake_;
  std::condition_variable drained_;
  std::map<std::string, User, std::less<>> users_;
  size_t in_flight_ = 0;  // jobs handed to the WorkerPool and not yet finished
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace konvert
