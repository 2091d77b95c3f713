#include "store/sync/idle_watcher.h"

#include <libetpan/libetpan.h>

namespace konvert {
namespace {

constexpr std::chrono::minutes kIdleRenew{25};
constexpr std::chrono::seconds kFirstPause{5};
constexpr std::chrono::seconds kLongestPause{300};

}  // namespace

IdleWatcher::IdleWatcher(ImapEndpoint endpoint, Credentials credentials, log::Context context,
                         std::function<void()> changed, std::function<bool()> wanted)
    : endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      context_(context.With("task", "idle")),
      changed_(std::move(changed)),
      wanted_(std::move(wanted)) {
  thread_ = std::thread([this] { Run(); });
}

IdleWatcher::~IdleWatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // libetpan's own way to end a wait in IDLE from another thread.
    if (waiting_ != nullptr) mailstream_interrupt_idle(waiting_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool IdleWatcher::WaitStop(std::chrono::milliseconds pause) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, pause, [this] { return stopping_; });
}

void IdleWatcher::Run() {
  std::chrono::seconds pause = kFirstPause;
  for (;;) {
    Status status = Watch();
    if (WaitStop(std::chrono::milliseconds(0)) || !wanted_()) break;
    if (status.kind() == ErrorKind::kUnauthenticated || status.kind() == ErrorKind::kNotFound) {
      log::Info("idle_stopped", context_, {{"error", status.message()}});
      break;
    }
    log::Warn("idle_interrupted", context_, {{"error", status.message()}});
    if (WaitStop(pause)) break;
    pause = std::min(kLongestPause, pause * 2);
  }
  running_.store(false);
}

Status IdleWatcher::Watch() {
  Result<std::unique_ptr<ImapConnection>> opened = ImapConnection::Open(endpoint_, context_);
  if (!opened.ok()) return opened.status();
  ImapConnection& imap = **opened;
  Status status = imap.Login(credentials_.login, credentials_.password);
  if (!status.ok()) return status;
  if (!imap.HasCapability("IDLE")) {
    // LIMITATION: without IDLE new mail is noticed at the user's next
    // request only.
    return Status(ErrorKind::kNotFound, "the IMAP server has no IDLE");
  }
  status = imap.Execute("EXAMINE", [](mailimap* raw) { return mailimap_examine(raw, "INBOX"); });
  if (!status.ok()) return status;
  // Whatever arrived before this connection was watching is news too.
  changed_();

  mailstream* stream = imap.raw()->imap_stream;
  if (mailstream_setup_idle(stream) != 0) {
    return Status(ErrorKind::kServerFail, "cannot wait for IDLE on this connection");
  }
  status = WatchLoop(imap, stream);
  // A failed command closes the stream, and with it what setup made.
  if (imap.raw()->imap_stream == stream) mailstream_unsetup_idle(stream);
  return status;
}

Status IdleWatcher::WatchLoop(ImapConnection& imap, mailstream* stream) {
  for (;;) {
    Status status = imap.Execute("IDLE", [](mailimap* raw) { return mailimap_idle(raw); });
    if (!status.ok()) return status;

    // The destructor may interrupt the wait, and only the wait: the stream
    // is published for exactly that span, while it is certainly open.
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return Status::Ok();
      waiting_ = stream;
    }
    // mailstream_wait_idle also sees bytes already read into libetpan's or
    // TLS's buffers, which a poll() on the socket would miss.
    int seconds = static_cast<int>(std::chrono::seconds(kIdleRenew).count());
    int waited = mailstream_wait_idle(stream, seconds);
    {
      std::lock_guard lock(mutex_);
      waiting_ = nullptr;
    }

    status = imap.Execute("DONE", [](mailimap* raw) { return mailimap_idle_done(raw); });
    if (waited == MAILSTREAM_IDLE_INTERRUPTED || waited == MAILSTREAM_IDLE_CANCELLED ||
        !wanted_()) {
      return Status::Ok();
    }
    if (!status.ok()) return status;
    if (waited == MAILSTREAM_IDLE_ERROR) {
      return Status(ErrorKind::kServerUnavailable, "IMAP connection failed while in IDLE");
    }
    if (waited == MAILSTREAM_IDLE_HASDATA) {
      log::Debug("idle_news", context_);
      changed_();
    }
  }
}

}  // namespace konvert
