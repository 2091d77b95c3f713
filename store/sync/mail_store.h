// MailStore: every account's mail index and sync, for the whole server.
//
// Account() gives the MailAccount of a login, loading its index from the
// cache on first use. MailAccount::Prepare(), called by a JMAP request with
// the IMAP connection the request was lent, catches the index up with the
// server and makes sure the account's background initial sync is running.
// The background sync borrows connections from the ImapSessionPool in short
// slices (one batch each), so the user's own requests interleave with it.
//
// Ownership: the server owns one MailStore; accounts live as long as it.
// The pool must outlive it. Threads: any thread; every call that loads or
// syncs blocks (worker threads only).
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "model/status.h"
#include "store/imap/session_pool.h"
#include "store/index/account_index.h"
#include "store/index/mail_cache.h"
#include "store/log/logger.h"
#include "store/sync/account_sync.h"
#include "store/sync/idle_watcher.h"

namespace konvert {

class MailStore;

class MailAccount : public std::enable_shared_from_this<MailAccount> {
 public:
  AccountIndex& index() { return *index_; }
  AccountSync& sync() { return sync_; }

  // Catches up with IMAP on `imap` (see AccountSync::Refresh) and starts the
  // background sync if some folder is incomplete. `credentials` are kept
  // (in memory only) for the background sync's own connections.
  Status Prepare(ImapConnection& imap, const Credentials& credentials);

  // True while the background initial sync has work queued or running.
  bool syncing() const { return running_.load(); }

  // How many catch-ups IDLE news has led to so far, and a wait until that
  // number exceeds `seen` (or `timeout` passes). For tests.
  uint64_t idle_refreshes() const { return idle_refreshes_.load(); }
  bool WaitIdleRefresh(uint64_t seen, std::chrono::milliseconds timeout);

  // Blocks until the background sync has nothing left to do or failed, or
  // `timeout` passed; returns whether it is idle. For tests and benchmarks.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  friend class MailStore;
  MailAccount(MailStore* store, std::unique_ptr<AccountIndex> index, log::Context context);
  void StartBackground(const Credentials& credentials);
  // Queues the next background slice with the kept credentials.
  void ScheduleSlice();
  void BackgroundSlice(Result<ImapConnection*> connection);
  void StartWatcher(const Credentials& credentials);
  void QueueRefresh();
  void StopWatcher();

  MailStore* const store_;
  std::unique_ptr<AccountIndex> index_;
  AccountSync sync_;
  log::Context context_;

  std::mutex mutex_;
  std::condition_variable idle_;
  Credentials credentials_;
  std::atomic<bool> running_{false};
  std::unique_ptr<IdleWatcher> watcher_;
  std::chrono::steady_clock::time_point last_used_;
  std::atomic<bool> refresh_queued_{false};
  std::atomic<uint64_t> idle_refreshes_{0};
};

class MailStore {
 public:
  // Opens (or creates) the cache in `directory`. Blocks.
  static Result<std::unique_ptr<MailStore>> Open(const std::string& directory,
                                                 ImapSessionPool* pool,
                                                 const log::Context& context);
  ~MailStore();

  // The account `account_id`, loaded on first use. Blocks on the cache.
  Result<std::shared_ptr<MailAccount>> Account(const std::string& account_id);

  // Stops starting background work; slices already running finish.
  void Shutdown();

 private:
  friend class MailAccount;
  MailStore(std::unique_ptr<MailCache> cache, ImapSessionPool* pool, log::Context context);

  std::unique_ptr<MailCache> cache_;
  ImapSessionPool* const pool_;
  const log::Context context_;
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<MailAccount>> accounts_;
};

}  // namespace konvert
