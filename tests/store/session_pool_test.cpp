#include "store/imap/session_pool.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libetpan/libetpan.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/mail_stack.h"

namespace konvert {
namespace {

using testing::MailStack;
using testing::MailUser;

ImapEndpoint StackEndpoint() {
  ImapEndpoint endpoint;
  endpoint.url = *ParseServerUrl(MailStack::Get().imap_url());
  endpoint.timeout = std::chrono::seconds(5);
  endpoint.tls_ca_file = MailStack::Get().dir() + "/tls/cert.pem";
  return endpoint;
}

Credentials Of(const MailUser& user) { return {user.login, user.password}; }

uint64_t CounterValue(std::string_view name) {
  for (const auto& [counter, value] : log::CounterSnapshot()) {
    if (counter == name) return value;
  }
  return 0;
}

// What a task saw.
struct Outcome {
  Status status;
  uint64_t connection_id = 0;
};

// Runs one task through the pool and waits until it has run. `body` gets the
// connection when there is one.
Outcome RunAndWait(ImapSessionPool& pool, Credentials credentials,
                   const std::function<void(ImapConnection*)>& body = {}) {
  std::promise<Outcome> done;
  pool.Run(std::move(credentials), {}, [&](Result<ImapConnection*> connection) {
    Outcome outcome;
    if (connection.ok()) {
      outcome.connection_id = (*connection)->id();
      if (body) body(*connection);
    } else {
      outcome.status = connection.status();
    }
    done.set_value(outcome);
  });
  return done.get_future().get();
}

// With a single worker thread, jobs run one after another: once this returns,
// every job submitted before it, including the pool's bookkeeping after a
// task, has finished.
void Drain(WorkerPool& workers) {
  std::promise<void> done;
  workers.Submit([&] { done.set_value(); });
  done.get_future().wait();
}

// Cuts the connection under the session, as a network failure would.
void DropConnection(ImapConnection* connection) {
  Status dropped = connection->Execute("(drop)", [](mailimap* imap) {
    shutdown(mailstream_low_get_fd(mailstream_get_low(imap->imap_stream)), SHUT_RDWR);
    return MAILIMAP_NO_ERROR;
  });
  EXPECT_TRUE(dropped.ok());
}

// A gate tasks wait at until the test opens it, and a count of the tasks
// that have reached it.
class Gate {
 public:
  void Arrive() {
    std::unique_lock lock(mutex_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void WaitForArrivals(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return arrived_ >= count; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

TEST(ImapSessionPool, ReusesTheConnectionForTheSameUser) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailUser alice = MailStack::Get().alice();

  Outcome first = RunAndWait(pool, Of(alice), [](ImapConnection* connection) {
    EXPECT_TRUE(connection->logged_in());
    EXPECT_TRUE(connection->Noop().ok());
  });
  ASSERT_TRUE(first.status.ok()) << first.status.message();
  Drain(workers);
  EXPECT_EQ(pool.connections(alice.login), 1u);

  Outcome second = RunAndWait(pool, Of(alice));
  ASSERT_TRUE(second.status.ok()) << second.status.message();
  EXPECT_EQ(second.connection_id, first.connection_id);
}

TEST(ImapSessionPool, UsersNeverShareConnections) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailStack& stack = MailStack::Get();

  Outcome alice = RunAndWait(pool, Of(stack.alice()));
  Drain(workers);
  Outcome bob = RunAndWait(pool, Of(stack.bob()));
  Drain(workers);
  ASSERT_TRUE(alice.status.ok());
  ASSERT_TRUE(bob.status.ok());
  EXPECT_NE(alice.connection_id, bob.connection_id);
  EXPECT_EQ(pool.connections(stack.alice().login), 1u);
  EXPECT_EQ(pool.connections(stack.bob().login), 1u);
}

TEST(ImapSessionPool, LogsInUserWithUnicodePassword) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  Outcome outcome = RunAndWait(pool, Of(MailStack::Get().unicode_user()));
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.message();
}

TEST(ImapSessionPool, WrongPasswordNeverGetsAnotherPasswordsConnection) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailUser alice = MailStack::Get().alice();
  Outcome good = RunAndWait(pool, Of(alice));
  ASSERT_TRUE(good.status.ok());
  Drain(workers);

  uint64_t failures_before = CounterValue("imap_login_failed");
  Outcome wrong = RunAndWait(pool, {alice.login, alice.password + "-wrong"});
  Drain(workers);
  EXPECT_EQ(wrong.status.kind(), ErrorKind::kUnauthenticated);
  EXPECT_EQ(wrong.connection_id, 0u);
  EXPECT_EQ(CounterValue("imap_login_failed"), failures_before + 1);

  // The refused login left nothing open; the good connection is still there.
  EXPECT_EQ(pool.connections(alice.login), 1u);
  EXPECT_EQ(RunAndWait(pool, Of(alice)).connection_id, good.connection_id);
}

TEST(ImapSessionPool, UnreachableServerIsUnavailable) {
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size), 0);
  close(probe);

  ImapEndpoint endpoint;
  endpoint.url = *ParseServerUrl("imap://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  WorkerPool workers(1);
  ImapSessionPool pool(endpoint, &workers);

  uint64_t before = CounterValue("imap_unavailable");
  Outcome outcome = RunAndWait(pool, Of(MailStack::Get().alice()));
  Drain(workers);
  EXPECT_EQ(outcome.status.kind(), ErrorKind::kServerUnavailable);
  EXPECT_EQ(CounterValue("imap_unavailable"), before + 1);
  EXPECT_EQ(pool.connections(MailStack::Get().alice().login), 0u);
}

TEST(ImapSessionPool, BrokenConnectionIsNotKept) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailUser alice = MailStack::Get().alice();

  Outcome first = RunAndWait(pool, Of(alice), [](ImapConnection* connection) {
    DropConnection(connection);
    EXPECT_FALSE(connection->Noop().ok());
  });
  Drain(workers);
  EXPECT_EQ(pool.connections(alice.login), 0u);

  Outcome second = RunAndWait(pool, Of(alice));
  ASSERT_TRUE(second.status.ok());
  EXPECT_NE(second.connection_id, first.connection_id);
}

TEST(ImapSessionPool, ReplacesIdleConnectionThatDiedUnnoticed) {
  // Once with a NOOP before reuse, once without (the connection was used a
  // moment ago): then the closed socket itself gives it away. Either way the
  // next task never sees the dead session.
  for (std::chrono::seconds check_after : {std::chrono::seconds(0), std::chrono::seconds(60)}) {
    ImapSessionPoolOptions options;
    options.check_after_idle = check_after;
    WorkerPool workers(1);
    ImapSessionPool pool(StackEndpoint(), &workers, options);
    MailUser alice = MailStack::Get().alice();

    Outcome first = RunAndWait(pool, Of(alice), DropConnection);
    Drain(workers);
    ASSERT_EQ(pool.connections(alice.login), 1u);

    Outcome second = RunAndWait(
        pool, Of(alice), [](ImapConnection* connection) { EXPECT_TRUE(connection->Noop().ok()); });
    ASSERT_TRUE(second.status.ok()) << second.status.message();
    EXPECT_NE(second.connection_id, first.connection_id) << check_after.count();
  }
}

TEST(ImapSessionPool, ClosesIdleConnections) {
  WorkerPool workers(1);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailUser alice = MailStack::Get().alice();
  Outcome first = RunAndWait(pool, Of(alice));
  Drain(workers);

  EXPECT_EQ(pool.CloseIdleSince(std::chrono::steady_clock::now() - std::chrono::hours(1)), 0u);
  EXPECT_EQ(pool.CloseIdleSince(std::chrono::steady_clock::now()), 1u);
  EXPECT_EQ(pool.connections(alice.login), 0u);
  EXPECT_NE(RunAndWait(pool, Of(alice)).connection_id, first.connection_id);
}

TEST(ImapSessionPool, AtMostFourConnectionsPerUser) {
  constexpr int kTasks = 10;
  WorkerPool workers(kTasks);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailUser alice = MailStack::Get().alice();

  Gate gate;
  std::mutex mutex;
  std::set<uint64_t> ids;
  int active = 0;
  int most_active = 0;
  int succeeded = 0;
  std::latch done(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    pool.Run(Of(alice), {}, [&](Result<ImapConnection*> connection) {
      {
        std::lock_guard lock(mutex);
        if (connection.ok()) {
          ++succeeded;
          ids.insert((*connection)->id());
        }
        most_active = std::max(most_active, ++active);
      }
      gate.Arrive();
      {
        std::lock_guard lock(mutex);
        --active;
      }
      done.count_down();
    });
  }

  // Four tasks hold the four slots; the other six wait in alice's queue.
  gate.WaitForArrivals(4);
  EXPECT_EQ(pool.waiting(alice.login), 6u);
  EXPECT_EQ(pool.connections(alice.login), 4u);
  gate.Open();
  done.wait();

  EXPECT_EQ(succeeded, kTasks);
  EXPECT_LE(ids.size(), 4u);
  EXPECT_EQ(most_active, 4);
}

TEST(ImapSessionPool, QueuedTasksHoldNoWorkerAndOtherUsersStillRun) {
  // Five workers: four for alice's busy slots, one left for everyone else.
  WorkerPool workers(5);
  ImapSessionPool pool(StackEndpoint(), &workers);
  MailStack& stack = MailStack::Get();

  Gate gate;
  std::latch alice_done(10);
  for (int i = 0; i < 10; ++i) {
    pool.Run(Of(stack.alice()), {}, [&](Result<ImapConnection*> connection) {
      EXPECT_TRUE(connection.ok());
      gate.Arrive();
      alice_done.count_down();
    });
  }
  gate.WaitForArrivals(4);
  EXPECT_EQ(pool.waiting(stack.alice().login), 6u);
  EXPECT_EQ(workers.queued(), 0u);

  Outcome bob = RunAndWait(pool, Of(stack.bob()));
  EXPECT_TRUE(bob.status.ok()) << bob.status.message();

  gate.Open();
  alice_done.wait();
}

TEST(ImapSessionPool, FullQueueIsRefusedAtOnce) {
  ImapSessionPoolOptions options;
  options.max_connections_per_user = 1;
  options.max_waiting_per_user = 1;
  WorkerPool workers(2);
  ImapSessionPool pool(StackEndpoint(), &workers, options);
  MailUser alice = MailStack::Get().alice();

  Gate gate;
  std::latch done(2);
  for (int i = 0; i < 2; ++i) {
    pool.Run(Of(alice), {}, [&](Result<ImapConnection*>) {
      gate.Arrive();
      done.count_down();
    });
  }
  gate.WaitForArrivals(1);

  std::optional<Status> refused;
  pool.Run(Of(alice), {},
           [&](Result<ImapConnection*> connection) { refused = connection.status(); });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->kind(), ErrorKind::kTooManyRequests);

  gate.Open();
  done.wait();
}

TEST(ImapSessionPool, ShutdownAnswersQueuedTasksAndRefusesNewOnes) {
  ImapSessionPoolOptions options;
  options.max_connections_per_user = 1;
  WorkerPool workers(2);
  ImapSessionPool pool(StackEndpoint(), &workers, options);
  MailUser alice = MailStack::Get().alice();

  Gate gate;
  std::promise<void> running_done;
  pool.Run(Of(alice), {}, [&](Result<ImapConnection*> connection) {
    EXPECT_TRUE(connection.ok());
    gate.Arrive();
    running_done.set_value();
  });
  gate.WaitForArrivals(1);

  std::promise<Status> queued;
  pool.Run(Of(alice), {},
           [&](Result<ImapConnection*> connection) { queued.set_value(connection.status()); });
  std::thread stopper([&] { pool.Shutdown(); });
  EXPECT_EQ(queued.get_future().get().kind(), ErrorKind::kServerUnavailable);

  gate.Open();
  running_done.get_future().wait();
  stopper.join();
  EXPECT_EQ(pool.connections(alice.login), 0u);

  std::optional<Status> late;
  pool.Run(Of(alice), {}, [&](Result<ImapConnection*> connection) { late = connection.status(); });
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->kind(), ErrorKind::kServerUnavailable);
}

}  // namespace
}  // namespace konvert
