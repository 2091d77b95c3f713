#include "store/sync/mail_store.h"

#include <chrono>

namespace konvert {
namespace {

// A background slice gives its connection back after about this long, so
// that the user's own requests never wait long behind the initial sync.
constexpr std::chrono::milliseconds kSlice{250};

// An account's IDLE connection is given up this long after its last request.
constexpr std::chrono::minutes kWatchAfterUse{15};

}  // namespace

MailAccount::MailAccount(MailStore* store, std::unique_ptr<AccountIndex> index,
                         log::Context context)
    : store_(store),
      index_(std::move(index)),
      sync_(index_.get(), context),
      context_(std::move(context)) {}

Status MailAccount::Prepare(ImapConnection& imap, const Credentials& credentials) {
  Status status = sync_.Refresh(imap);
  if (!status.ok()) return status;
  StartWatcher(credentials);

  bool incomplete = false;
  index_->Read([&incomplete](const AccountView& view) {
    for (const auto& [id, m] : view.mailboxes()) {
      if (m.selectable && !m.complete()) incomplete = true;
    }
  });
  if (incomplete) StartBackground(credentials);
  return Status::Ok();
}

void MailAccount::StartBackground(const Credentials& credentials) {
  {
    std::lock_guard lock(mutex_);
    credentials_ = credentials;
  }
  if (store_->stopping_.load() || running_.exchange(true)) return;
  ScheduleSlice();
}

void MailAccount::ScheduleSlice() {
  Credentials credentials;
  {
    std::lock_guard lock(mutex_);
    credentials = credentials_;
  }
  std::shared_ptr<MailAccount> self = shared_from_this();
  store_->pool_->Run(
      credentials, context_.With("task", "initial_sync"),
      [self](Result<ImapConnection*> connection) { self->BackgroundSlice(std::move(connection)); });
}

void MailAccount::BackgroundSlice(Result<ImapConnection*> connection) {
  auto finish = [this] {
    std::lock_guard lock(mutex_);
    running_.store(false);
    idle_.notify_all();
  };
  if (!connection.ok()) {
    log::Warn("initial_sync_paused", context_, {{"error", connection.status().message()}});
    return finish();
  }

  auto until = std::chrono::steady_clock::now() + kSlice;
  bool more = true;
  while (more && std::chrono::steady_clock::now() < until) {
    Result<bool> step = sync_.InitialStep(**connection);
    if (!step.ok()) {
      log::Warn("initial_sync_paused", context_, {{"error", step.status().message()}});
      return finish();
    }
    more = *step;
  }
  if (!more || store_->stopping_.load()) return finish();
  ScheduleSlice();
}

void MailAccount::StartWatcher(const Credentials& credentials) {
  std::lock_guard lock(mutex_);
  credentials_ = credentials;
  last_used_ = std::chrono::steady_clock::now();
  if (store_->stopping_.load() || (watcher_ != nullptr && watcher_->running())) return;
  std::weak_ptr<MailAccount> weak = weak_from_this();
  watcher_ = std::make_unique<IdleWatcher>(
      store_->pool_->endpoint(), credentials, context_,
      [weak] {
        if (auto self = weak.lock()) self->QueueRefresh();
      },
      [weak] {
        auto self = weak.lock();
        if (self == nullptr || self->store_->stopping_.load()) return false;
        std::lock_guard lock(self->mutex_);
        return std::chrono::steady_clock::now() - self->last_used_ < kWatchAfterUse;
      });
}

void MailAccount::StopWatcher() {
  std::unique_ptr<IdleWatcher> watcher;
  {
    std::lock_guard lock(mutex_);
    watcher = std::move(watcher_);
  }
  watcher.reset();
}

void MailAccount::QueueRefresh() {
  // One catch-up waiting is enough however much news arrives meanwhile.
  if (refresh_queued_.exchange(true) || store_->stopping_.load()) return;
  Credentials credentials;
  {
    std::lock_guard lock(mutex_);
    credentials = credentials_;
  }
  std::shared_ptr<MailAccount> self = shared_from_this();
  store_->pool_->Run(
      credentials, context_.With("task", "idle_refresh"),
      [self](Result<ImapConnection*> connection) {
        self->refresh_queued_.store(false);
        if (!connection.ok()) return;
        Status status = self->sync_.Refresh(**connection);
        if (!status.ok()) {
          log::Warn("idle_refresh_failed", self->context_, {{"error", status.message()}});
        }
        std::lock_guard lock(self->mutex_);
        self->idle_refreshes_.fetch_add(1);
        self->idle_.notify_all();
      });
}

bool MailAccount::WaitIdleRefresh(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [&] { return idle_refreshes_.load() > seen; });
}

bool MailAccount::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !running_.load(); });
}

MailStore::MailStore(std::unique_ptr<MailCache> cache, ImapSessionPool* pool, log::Context context)
    : cache_(std::move(cache)), pool_(pool), context_(std::move(context)) {}

MailStore::~MailStore() { Shutdown(); }

Result<std::unique_ptr<MailStore>> MailStore::Open(const std::string& directory,
                                                   ImapSessionPool* pool,
                                                   const log::Context& context) {
  Result<std::unique_ptr<MailCache>> cache = MailCache::Open(directory, context);
  if (!cache.ok()) return cache.status();
  return std::unique_ptr<MailStore>(new MailStore(std::move(*cache), pool, context));
}

Result<std::shared_ptr<MailAccount>> MailStore::Account(const std::string& account_id) {
  std::shared_ptr<MailAccount> stale;
  std::lock_guard lock(mutex_);
  if (auto it = accounts_.find(account_id); it != accounts_.end()) {
    if (it->second->index().cache_generation() == cache_->generation()) return it->second;
    // The cache was rebuilt after damage: what this account loaded is gone.
    stale = std::move(it->second);
    accounts_.erase(it);
    stale->StopWatcher();
  }
  log::Context context = context_.With("account_id", account_id);
  Result<std::unique_ptr<AccountIndex>> index =
      AccountIndex::Load(cache_.get(), account_id, context);
  if (!index.ok()) return index.status();
  std::shared_ptr<MailAccount> account(new MailAccount(this, std::move(*index), context));
  accounts_.emplace(account_id, account);
  return account;
}

void MailStore::Shutdown() {
  stopping_.store(true);
  std::map<std::string, std::shared_ptr<MailAccount>> accounts;
  {
    std::lock_guard lock(mutex_);
    accounts = accounts_;
  }
  for (auto& [id, account] : accounts) account->StopWatcher();
}

}  // namespace konvert
