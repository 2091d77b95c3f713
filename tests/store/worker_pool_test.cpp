#include "store/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

namespace konvert {
namespace {

TEST(WorkerPool, RunsTasksOnItsThreads) {
  WorkerPool pool(3);
  std::latch done(30);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(pool.Submit([&] {
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      done.count_down();
    }));
  }
  done.wait();
  EXPECT_LE(threads.size(), 3u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPool, ShutdownFinishesRunningTasksAndDropsQueuedOnes) {
  WorkerPool pool(1);
  std::latch started(1);
  std::mutex mutex;
  std::condition_variable release;
  bool go = false;
  std::atomic<int> ran{0};

  pool.Submit([&] {
    started.count_down();
    std::unique_lock lock(mutex);
    release.wait(lock, [&] { return go; });
    ran++;
  });
  started.wait();
  pool.Submit([&] { ran += 100; });
  EXPECT_EQ(pool.queued(), 1u);

  std::thread stopper([&] { pool.Shutdown(); });
  // Shutdown refuses new tasks and drops the queue in one step; once Submit
  // fails, the queued task is gone.
  while (pool.Submit([] {})) std::this_thread::yield();
  {
    std::lock_guard lock(mutex);
    go = true;
  }
  release.notify_all();
  stopper.join();

  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace konvert
