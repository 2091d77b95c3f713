// WorkerPool: the threads on which every blocking operation runs.
//
// Pistache's reactor threads only parse and write (DESIGN.md decision 6): a
// handler moves its ResponseWriter into a task, submits it here and returns.
// IMAP, SMTP and RocksDB calls then block a worker, never a reactor.
//
// Submit may be called from any thread. Tasks run in submission order on the
// first free worker. Shutdown (also run by the destructor) lets the running
// tasks finish, drops the queued ones and joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace konvert {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; returns false (and drops it) once Shutdown has begun.
  bool Submit(std::function<void()> task);
  void Shutdown();
  size_t queued() const;

 private:
  void Run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace konvert
