#include "store/imap/session_pool.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <exception>

namespace konvert {
namespace {

log::Counter g_imap_unavailable("imap_unavailable");
log::Counter g_imap_login_failed("imap_login_failed");

void Wipe(std::string* secret) {
  if (!secret->empty()) OPENSSL_cleanse(secret->data(), secret->size());
  secret->clear();
}

ImapSessionPoolOptions Checked(ImapSessionPoolOptions options) {
  options.max_connections_per_user = std::max<size_t>(options.max_connections_per_user, 1);
  return options;
}

Status ShuttingDown() {
  return Status(ErrorKind::kServerUnavailable, "IMAP session pool is shutting down");
}

}  // namespace

struct ImapSessionPool::Job {
  Credentials credentials;       // the password is wiped once a connection is logged in
  std::optional<Digest> digest;  // empty if hashing failed: never reuse then
  log::Context context;
  Task task;
};

// Holds a user's slot while the job sits in the WorkerPool's queue. A
// WorkerPool that shuts down drops queued jobs without running them; the
// ticket then gives the slot back, so that Shutdown() does not wait forever.
struct ImapSessionPool::Ticket {
  ImapSessionPool* pool = nullptr;
  std::unique_ptr<Job> job;

  ~Ticket() {
    if (job != nullptr) pool->Abandon(job->credentials.login);
  }
};

ImapSessionPool::ImapSessionPool(ImapEndpoint endpoint, WorkerPool* workers,
                                 ImapSessionPoolOptions options)
    : endpoint_(std::move(endpoint)), workers_(workers), options_(Checked(options)) {
  if (RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) != 1) {
    log::Error("imap_pool_salt_failed", {}, {{"error", "RAND_bytes failed"}});
  }
  reaper_ = std::thread([this] { ReapIdle(); });
}

ImapSessionPool::~ImapSessionPool() { Shutdown(); }

void ImapSessionPool::Run(Credentials credentials, log::Context context, Task task) {
  std::optional<Digest> digest = PasswordDigest(credentials.password);
  auto job = std::make_unique<Job>(
      Job{std::move(credentials), digest, std::move(context), std::move(task)});

  Status refused;
  bool dispatch = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused = ShuttingDown();
    } else {
      User& user = users_[job->credentials.login];
      if (user.busy < options_.max_connections_per_user) {
        ++user.busy;
        ++in_flight_;
        dispatch = true;
      } else if (user.waiting.size() >= options_.max_waiting_per_user) {
        refused =
            Status(ErrorKind::kTooManyRequests, "too many IMAP requests queued for this user");
      } else {
        user.waiting.push_back(std::move(job));
      }
    }
  }

  if (dispatch) {
    Dispatch(std::move(job));
  } else if (!refused.ok()) {
    Wipe(&job->credentials.password);
    job->task(refused);
  }
}

void ImapSessionPool::Dispatch(std::unique_ptr<Job> job) {
  auto ticket = std::make_shared<Ticket>();
  ticket->pool = this;
  ticket->job = std::move(job);
  bool submitted = workers_->Submit([ticket] {
    std::unique_ptr<Job> job = std::move(ticket->job);
    ticket->pool->Serve(*job);
  });
  if (submitted) return;

  // The WorkerPool has stopped; `ticket` still holds the job.
  std::unique_ptr<Job> refused = std::move(ticket->job);
  Abandon(refused->credentials.login);
  Wipe(&refused->credentials.password);
  refused->task(ShuttingDown());
}

void ImapSessionPool::Serve(Job& job) {
  Result<std::unique_ptr<ImapConnection>> acquired = Acquire(job);
  Wipe(&job.credentials.password);
  std::unique_ptr<ImapConnection> connection;
  if (acquired.ok()) {
    connection = std::move(acquired).value();
    connection->set_context(job.context);
  }

  // The task must not take the worker down with it; a connection whose task
  // threw is in an unknown state and is closed.
  try {
    if (connection != nullptr) {
      job.task(connection.get());
    } else {
      job.task(acquired.status());
    }
  } catch (const std::exception& error) {
    log::Error("imap_task_threw", job.context, {{"error", error.what()}});
    if (connection != nullptr) connection->Logout();
  } catch (...) {
    log::Error("imap_task_threw", job.context, {{"error", "unknown exception"}});
    if (connection != nullptr) connection->Logout();
  }

  Return(job, std::move(connection));
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) drained_.notify_all();
}

Result<std::unique_ptr<ImapConnection>> ImapSessionPool::Acquire(Job& job) {
  std::unique_ptr<ImapConnection> reused;
  std::unique_ptr<ImapConnection> evicted;
  Clock::time_point idle_since;
  {
    std::lock_guard lock(mutex_);
    User& user = users_[job.credentials.login];

    // The most recently used match first: the server is least likely to have
    // dropped it.
    for (auto it = user.idle.rbegin(); job.digest && it != user.idle.rend(); ++it) {
      if (CRYPTO_memcmp(it->digest.data(), job.digest->data(), it->digest.size()) != 0) continue;
      reused = std::move(it->connection);
      idle_since = it->since;
      user.idle.erase(std::next(it).base());
      break;
    }

    // All slots are taken by connections that logged in with another
    // password: the oldest of them makes room.
    if (reused == nullptr && !user.idle.empty() &&
        user.busy + user.idle.size() > options_.max_connections_per_user) {
      evicted = std::move(user.idle.front().connection);
      user.idle.erase(user.idle.begin());
    }
  }
  evicted.reset();

  if (reused != nullptr) {
    reused->set_context(job.context);
    bool check = Clock::now() - idle_since >= options_.check_after_idle;
    // A connection the server closed (or said BYE on) while it sat idle
    // would fail the task's first command; it is replaced instead.
    if (!reused->broken() && !reused->PeerHungUp() && (!check || reused->Noop().ok())) {
      return reused;
    }
    log::Debug("imap_connection_replaced", job.context);
    reused.reset();
  }
  return Connect(job);
}

// Opens and logs in a new connection. On failure the connection is closed
// before this returns, so a refused login leaves nothing open.
Result<std::unique_ptr<ImapConnection>> ImapSessionPool::Connect(Job& job) {
  Result<std::unique_ptr<ImapConnection>> opened = ImapConnection::Open(endpoint_, job.context);
  Status status = opened.ok() ? (*opened)->Login(job.credentials.login, job.credentials.password)
                              : opened.status();
  if (status.ok()) return opened;

  switch (status.kind()) {
    case ErrorKind::kUnauthenticated:
      g_imap_login_failed.Increment();
      log::Info("imap_login_failed", job.context, {{"error", status.message()}});
      break;
    case ErrorKind::kServerUnavailable:
      g_imap_unavailable.Increment();
      log::Warn("imap_unavailable", job.context, {{"error", status.message()}});
      break;
    default:
      log::Warn("imap_connect_failed", job.context, {{"error", status.message()}});
      break;
  }
  return status;
}

// Gives the slot back, keeps a healthy connection for the user's next task
// and starts the user's next waiting task, if any.
void ImapSessionPool::Return(const Job& job, std::unique_ptr<ImapConnection> connection) {
  std::unique_ptr<ImapConnection> closing;
  std::unique_ptr<Job> next;
  {
    std::lock_guard lock(mutex_);
    const std::string& login = job.credentials.login;
    if (connection != nullptr && !connection->broken() && job.digest && !stopping_) {
      connection->set_context({});
      users_[login].idle.push_back({std::move(connection), *job.digest, Clock::now()});
      reaper_wake_.notify_one();
    } else {
      closing = std::move(connection);
    }
    next = ReleaseSlotLocked(login, /*take_next=*/true);
  }
  if (next != nullptr) Dispatch(std::move(next));
  closing.reset();
}

void ImapSessionPool::Abandon(const std::string& login) {
  std::lock_guard lock(mutex_);
  ReleaseSlotLocked(login, /*take_next=*/false);
  if (--in_flight_ == 0) drained_.notify_all();
}

std::unique_ptr<ImapSessionPool::Job> ImapSessionPool::ReleaseSlotLocked(const std::string& login,
                                                                         bool take_next) {
  auto it = users_.find(login);
  if (it == users_.end()) return nullptr;
  User& user = it->second;
  if (user.busy > 0) --user.busy;

  std::unique_ptr<Job> next;
  if (take_next && !stopping_ && !user.waiting.empty()) {
    next = std::move(user.waiting.front());
    user.waiting.pop_front();
    ++user.busy;
    ++in_flight_;
  }
  if (user.busy == 0 && user.idle.empty() && user.waiting.empty()) users_.erase(it);
  return next;
}

void ImapSessionPool::Shutdown() {
  std::vector<std::unique_ptr<Job>> refused;
  std::vector<std::unique_ptr<ImapConnection>> closing;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto it = users_.begin(); it != users_.end();) {
      User& user = it->second;
      for (std::unique_ptr<Job>& job : user.waiting) refused.push_back(std::move(job));
      for (IdleConnection& idle : user.idle) closing.push_back(std::move(idle.connection));
      user.waiting.clear();
      user.idle.clear();
      it = user.busy == 0 ? users_.erase(it) : std::next(it);
    }
  }
  reaper_wake_.notify_all();
  if (reaper_.joinable()) reaper_.join();

  for (std::unique_ptr<Job>& job : refused) {
    Wipe(&job->credentials.password);
    job->task(ShuttingDown());
  }
  closing.clear();

  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return in_flight_ == 0; });
}

size_t ImapSessionPool::CloseIdleSince(Clock::time_point cutoff) {
  std::vector<std::unique_ptr<ImapConnection>> closing;
  {
    std::lock_guard lock(mutex_);
    for (auto it = users_.begin(); it != users_.end();) {
      std::vector<IdleConnection>& idle = it->second.idle;
      auto fresh = std::find_if(idle.begin(), idle.end(),
                                [&](const IdleConnection& entry) { return entry.since > cutoff; });
      for (auto stale = idle.begin(); stale != fresh; ++stale) {
        closing.push_back(std::move(stale->connection));
      }
      idle.erase(idle.begin(), fresh);
      const User& user = it->second;
      bool empty = user.busy == 0 && user.idle.empty() && user.waiting.empty();
      it = empty ? users_.erase(it) : std::next(it);
    }
  }

  size_t closed = closing.size();
  closing.clear();
  if (closed > 0) log::Debug("imap_idle_closed", {}, {{"connections", closed}});
  return closed;
}

// The pool's own thread: sleeps until the oldest idle connection expires.
void ImapSessionPool::ReapIdle() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = Clock::time_point::max();
    for (const auto& [login, user] : users_) {
      if (!user.idle.empty()) next = std::min(next, user.idle.front().since);
    }
    if (next == Clock::time_point::max()) {
      reaper_wake_.wait(lock);
    } else {
      reaper_wake_.wait_until(lock, next + options_.idle_timeout);
    }
    if (stopping_) break;

    lock.unlock();
    CloseIdleSince(Clock::now() - options_.idle_timeout);
    lock.lock();
  }
}

size_t ImapSessionPool::connections(std::string_view login) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(login);
  return it == users_.end() ? 0 : it->second.busy + it->second.idle.size();
}

size_t ImapSessionPool::waiting(std::string_view login) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(login);
  return it == users_.end() ? 0 : it->second.waiting.size();
}

std::optional<ImapSessionPool::Digest> ImapSessionPool::PasswordDigest(
    std::string_view password) const {
  Digest digest{};
  unsigned int size = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(context, salt_.data(), salt_.size()) == 1 &&
            EVP_DigestUpdate(context, password.data(), password.size()) == 1 &&
            EVP_DigestFinal_ex(context, digest.data(), &size) == 1;
  EVP_MD_CTX_free(context);
  if (!ok) {
    log::Error("imap_pool_digest_failed", {});
    return std::nullopt;
  }
  return digest;
}

}  // namespace konvert
