#include "store/index/account_index.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "store/index/hashed_id.h"
#include "store/index/record_codec.h"

namespace konvert {
namespace {

// The first field of every record; a record of another version is a miss.
constexpr uint64_t kRecordVersion = 1;

// Record kinds, the byte after the account prefix.
constexpr char kMeta = 'S';
constexpr char kMailbox = 'M';
constexpr char kLocation = 'L';
constexpr char kEmail = 'E';
constexpr char kDetail = 'D';
constexpr char kMessageThread = 'T';
constexpr char kChange = 'C';

std::string BigEndian(uint64_t value, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t FromBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

void Insert(std::vector<std::string>* sorted, const std::string& value) {
  auto it = std::lower_bound(sorted->begin(), sorted->end(), value);
  if (it == sorted->end() || *it != value) sorted->insert(it, value);
}

void WriteStrings(RecordWriter& w, const std::vector<std::string>& values) {
  w.Uint(values.size());
  for (const std::string& v : values) w.Bytes(v);
}

bool ReadStrings(RecordReader& r, std::vector<std::string>* values) {
  uint64_t count = 0;
  if (!r.Uint(&count) || count > 100000) return false;
  values->resize(count);
  for (std::string& v : *values) {
    if (!r.Bytes(&v)) return false;
  }
  return true;
}

bool ReadVersion(RecordReader& r) {
  uint64_t version = 0;
  return r.Uint(&version) && version == kRecordVersion;
}

std::string EncodeMailbox(const MailboxState& m) {
  RecordWriter w;
  w.Uint(kRecordVersion);
  w.Bytes(m.imap_name);
  w.Uint(static_cast<unsigned char>(m.delimiter));
  w.Bytes(m.name);
  w.Bool(m.parent_id.has_value());
  w.Bytes(m.parent_id.value_or(""));
  w.Bool(m.role.has_value());
  w.Bytes(m.role.value_or(""));
  w.Bool(m.subscribed);
  w.Bool(m.selectable);
  w.Bytes(m.rights);
  w.Uint(m.uidvalidity);
  w.Uint(m.synced_uidnext);
  w.Uint(m.initial_low);
  w.Uint(m.highestmodseq);
  w.Bool(m.initialised);
  w.Uint(m.server_messages);
  w.Uint(m.server_unseen);
  return w.Take();
}

bool DecodeMailbox(std::string_view data, MailboxState* m) {
  RecordReader r(data);
  uint64_t delimiter = 0, uidvalidity = 0, uidnext = 0, low = 0, messages = 0, unseen = 0;
  bool has_parent = false, has_role = false;
  std::string parent, role;
  if (!ReadVersion(r) || !r.Bytes(&m->imap_name) || !r.Uint(&delimiter) || !r.Bytes(&m->name) ||
      !r.Bool(&has_parent) || !r.Bytes(&parent) || !r.Bool(&has_role) || !r.Bytes(&role) ||
      !r.Bool(&m->subscribed) || !r.Bool(&m->selectable) || !r.Bytes(&m->rights) ||
      !r.Uint(&uidvalidity) || !r.Uint(&uidnext) || !r.Uint(&low) || !r.Uint(&m->highestmodseq) ||
      !r.Bool(&m->initialised) || !r.Uint(&messages) || !r.Uint(&unseen)) {
    return false;
  }
  m->server_messages = static_cast<uint32_t>(messages);
  m->server_unseen = static_cast<uint32_t>(unseen);
  m->delimiter = static_cast<char>(delimiter);
  if (has_parent) m->parent_id = parent;
  if (has_role) m->role = role;
  m->uidvalidity = static_cast<uint32_t>(uidvalidity);
  m->synced_uidnext = static_cast<uint32_t>(uidnext);
  m->initial_low = static_cast<uint32_t>(low);
  return r.at_end();
}

std::string EncodeEmail(const mail::EmailSummary& s) {
  RecordWriter w;
  w.Uint(kRecordVersion);
  w.Bytes(s.thread_id);
  w.Int(s.received_at);
  w.Int(s.sent_at);
  w.Uint(s.size);
  w.Bool(s.has_attachment);
  w.Bytes(s.from_key);
  w.Bytes(s.to_key);
  w.Bytes(s.subject_key);
  return w.Take();
}

bool DecodeEmail(std::string_view data, mail::EmailSummary* s) {
  RecordReader r(data);
  return ReadVersion(r) && r.Bytes(&s->thread_id) && r.Int(&s->received_at) && r.Int(&s->sent_at) &&
         r.Uint(&s->size) && r.Bool(&s->has_attachment) && r.Bytes(&s->from_key) &&
         r.Bytes(&s->to_key) && r.Bytes(&s->subject_key) && r.at_end();
}

std::string EncodeLocation(const std::string& email_id, const std::vector<std::string>& keywords) {
  RecordWriter w;
  w.Uint(kRecordVersion);
  w.Bytes(email_id);
  WriteStrings(w, keywords);
  return w.Take();
}

std::string EncodeChange(ChangeType type, ChangeKind kind, const std::string& id) {
  RecordWriter w;
  w.Uint(kRecordVersion);
  w.Uint(static_cast<uint64_t>(type));
  w.Uint(static_cast<uint64_t>(kind));
  w.Bytes(id);
  return w.Take();
}

bool DecodeChange(std::string_view data, ChangeType* type, ChangeKind* kind, std::string* id) {
  RecordReader r(data);
  uint64_t t = 0, k = 0;
  if (!ReadVersion(r) || !r.Uint(&t) || !r.Uint(&k) || !r.Bytes(id) || t > 2 || k > 2) {
    return false;
  }
  *type = static_cast<ChangeType>(t);
  *kind = static_cast<ChangeKind>(k);
  return r.at_end();
}

std::string ThreadIdFor(const std::string& root, const std::string& subject_key) {
  return HashedId('T', root + '\0' + subject_key, 12);
}

bool Unread(const std::vector<std::string>& keywords) {
  return !std::binary_search(keywords.begin(), keywords.end(), "$seen") &&
         !std::binary_search(keywords.begin(), keywords.end(), "$draft");
}

}  // namespace

// The writes and JMAP changes of one mutation, committed together.
struct AccountIndex::Pending {
  CacheBatch batch;
  std::vector<Change> changes;
  std::set<std::string> touched_mailboxes;
  std::set<std::string> touched_emails;
  std::set<std::string> touched_threads;
  std::set<std::string> created_emails;  // recorded as created in this mutation
};

AccountIndex::AccountIndex(MailCache* cache, std::string account_id, log::Context context,
                           uint64_t changes_kept)
    : cache_(cache),
      account_id_(std::move(account_id)),
      context_(std::move(context)),
      changes_kept_(std::max<uint64_t>(1, changes_kept)) {}

std::string AccountIndex::Key(char kind, std::string_view rest) const {
  std::string key;
  key.reserve(account_id_.size() + rest.size() + 3);
  key.push_back('A');
  key.append(account_id_);
  key.push_back('\0');
  key.push_back(kind);
  key.append(rest);
  return key;
}

Result<std::unique_ptr<AccountIndex>> AccountIndex::Load(MailCache* cache, std::string account_id,
                                                         const log::Context& context,
                                                         uint64_t changes_kept) {
  std::unique_ptr<AccountIndex> index(
      new AccountIndex(cache, std::move(account_id), context, changes_kept));
  index->cache_generation_ = cache->generation();
  Status loaded = index->LoadRecords();
  if (loaded.ok() && index->cache_generation_ == cache->generation()) return index;

  // Anything unreadable: this account starts afresh from IMAP.
  if (loaded.kind() != ErrorKind::kNotFound) {
    log::Warn("account_cache_reset", context, {{"error", loaded.message()}});
  }
  std::string id = index->account_id_;
  index.reset(new AccountIndex(cache, std::move(id), context, changes_kept));
  index->cache_generation_ = cache->generation();
  Status fresh = index->StartFresh();
  if (!fresh.ok()) return fresh;
  return index;
}

Status AccountIndex::StartFresh() {
  Status deleted = cache_->DeletePrefix(Key(kMeta).substr(0, account_id_.size() + 2));
  if (!deleted.ok()) return deleted;
  epoch_ = RandomHex(6);
  Pending pending;
  PutMeta(pending);
  return cache_->Write(pending.batch);
}

void AccountIndex::PutMeta(Pending& pending) {
  RecordWriter w;
  w.Uint(kRecordVersion);
  w.Bytes(epoch_);
  w.Uint(seq_);
  w.Uint(min_seq_);
  for (uint64_t last : last_seq_) w.Uint(last);
  pending.batch.Put(Key(kMeta), w.Take());
}

Status AccountIndex::LoadRecords() {
  Status corrupt(ErrorKind::kServerFail, "unreadable cache record");
  Result<std::optional<std::string>> meta = cache_->Get(Key(kMeta));
  if (!meta.ok()) return meta.status();
  if (!meta->has_value()) return Status(ErrorKind::kNotFound, "no cache for this account yet");
  RecordReader r(**meta);
  if (!ReadVersion(r) || !r.Bytes(&epoch_) || !r.Uint(&seq_) || !r.Uint(&min_seq_) ||
      !r.Uint(&last_seq_[0]) || !r.Uint(&last_seq_[1]) || !r.Uint(&last_seq_[2])) {
    return corrupt;
  }

  bool ok = true;
  Status scanned = cache_->Scan(Key(kMailbox), [&](std::string_view key, std::string_view value) {
    MailboxState m;
    m.id = std::string(key.substr(Key(kMailbox).size()));
    ok = DecodeMailbox(value, &m);
    if (ok) mailboxes_[m.id] = std::move(m);
    return ok;
  });
  if (!scanned.ok() || !ok) return scanned.ok() ? corrupt : scanned;

  scanned = cache_->Scan(Key(kEmail), [&](std::string_view key, std::string_view value) {
    AccountView::EmailEntry entry;
    entry.summary.id = std::string(key.substr(Key(kEmail).size()));
    ok = DecodeEmail(value, &entry.summary);
    if (!ok) return false;
    threads_[entry.summary.thread_id].push_back(entry.summary.id);
    thread_subjects_.emplace(entry.summary.thread_id, entry.summary.subject_key);
    if (!entry.summary.subject_key.empty()) {
      subject_times_[entry.summary.subject_key].emplace(entry.summary.received_at,
                                                        entry.summary.thread_id);
    }
    emails_.emplace(entry.summary.id, std::move(entry));
    return true;
  });
  if (!scanned.ok() || !ok) return scanned.ok() ? corrupt : scanned;

  // Location keys: mailbox id, NUL, 4-byte UID.
  size_t prefix = Key(kLocation).size();
  scanned = cache_->Scan(Key(kLocation), [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(prefix);
    size_t nul = rest.find('\0');
    Location location;
    std::string email_id;
    RecordReader lr(value);
    ok = nul != std::string_view::npos && rest.size() == nul + 5 && ReadVersion(lr) &&
         lr.Bytes(&email_id) && ReadStrings(lr, &location.keywords);
    if (!ok) return false;
    auto email = emails_.find(email_id);
    ok = email != emails_.end() && mailboxes_.count(std::string(rest.substr(0, nul))) == 1;
    if (!ok) return false;
    location.mailbox_id = std::string(rest.substr(0, nul));
    location.uid = static_cast<uint32_t>(FromBigEndian(rest.substr(nul + 1)));
    uids_[location.mailbox_id][location.uid] = email_id;
    email->second.locations.push_back(std::move(location));
    return true;
  });
  if (!scanned.ok() || !ok) return scanned.ok() ? corrupt : scanned;

  prefix = Key(kMessageThread).size();
  scanned = cache_->Scan(Key(kMessageThread), [&](std::string_view key, std::string_view value) {
    message_threads_.emplace(std::string(key.substr(prefix)), std::string(value));
    return true;
  });
  if (!scanned.ok()) return scanned;

  // Derived fields: keywords and mailboxes of each Email, thread order.
  for (auto& [id, entry] : emails_) {
    if (entry.locations.empty()) return corrupt;
    for (const Location& location : entry.locations) {
      Insert(&entry.summary.mailbox_ids, location.mailbox_id);
      for (const std::string& k : location.keywords) Insert(&entry.summary.keywords, k);
    }
  }
  for (auto& [thread, members] : threads_) {
    std::sort(members.begin(), members.end(), [this](const std::string& a, const std::string& b) {
      const auto& x = emails_.at(a).summary;
      const auto& y = emails_.at(b).summary;
      return x.received_at != y.received_at ? x.received_at < y.received_at : a < b;
    });
  }
  return Status::Ok();
}

void AccountIndex::Read(const std::function<void(const AccountView&)>& read) const {
  std::shared_lock lock(mutex_);
  AccountView view;
  view.index_ = this;
  view.mailboxes_ = &mailboxes_;
  read(view);
}

std::string AccountIndex::StateOf(uint64_t seq) const { return epoch_ + "-" + std::to_string(seq); }

std::string AccountIndex::State(ChangeType type) const {
  std::shared_lock lock(mutex_);
  return StateOf(last_seq_[static_cast<int>(type)]);
}

Result<uint64_t> AccountIndex::ParseState(ChangeType, std::string_view state) const {
  Status unknown(ErrorKind::kCannotCalculateChanges,
                 "sinceState: unknown or too old; fetch everything again");
  size_t dash = state.find('-');
  if (dash == std::string_view::npos || state.substr(0, dash) != epoch_) return unknown;
  std::string_view digits = state.substr(dash + 1);
  if (digits.empty() || digits.size() > 19) return unknown;
  uint64_t seq = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return unknown;
    seq = seq * 10 + static_cast<uint64_t>(c - '0');
  }
  if (seq < min_seq_ || seq > seq_) return unknown;
  return seq;
}

Result<ChangesResult> AccountIndex::Changes(ChangeType type, std::string_view since_state,
                                            uint64_t max_changes) const {
  std::shared_lock lock(mutex_);
  Result<uint64_t> since = ParseState(type, since_state);
  if (!since.ok()) return since.status();

  // First and last kind of each id in log order, up to max_changes ids.
  struct Seen {
    ChangeKind first;
    ChangeKind last;
  };
  std::vector<std::string> order;
  std::unordered_map<std::string, Seen> seen;
  uint64_t reached = *since;
  bool more = false;
  bool corrupt = false;
  Status scanned = cache_->Scan(Key(kChange), [&](std::string_view key, std::string_view value) {
    uint64_t seq = FromBigEndian(key.substr(Key(kChange).size()));
    if (seq <= *since) return true;
    if (seq > seq_) return false;
    ChangeType t;
    ChangeKind k;
    std::string id;
    if (!DecodeChange(value, &t, &k, &id)) {
      corrupt = true;
      return false;
    }
    if (t == type) {
      auto it = seen.find(id);
      if (it == seen.end()) {
        if (order.size() == max_changes) {
          more = true;
          return false;
        }
        order.push_back(id);
        seen.emplace(id, Seen{k, k});
      } else {
        it->second.last = k;
      }
    }
    reached = seq;
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (corrupt) return Status(ErrorKind::kCannotCalculateChanges, "the change log is unreadable");

  ChangesResult result;
  result.old_state = std::string(since_state);
  result.has_more_changes = more;
  result.new_state = more ? StateOf(reached) : StateOf(last_seq_[static_cast<int>(type)]);
  for (const std::string& id : order) {
    const Seen& s = seen.at(id);
    if (s.first == ChangeKind::kCreated && s.last == ChangeKind::kDestroyed) continue;
    if (s.first == ChangeKind::kCreated) {
      result.created.push_back(id);
    } else if (s.last == ChangeKind::kDestroyed) {
      result.destroyed.push_back(id);
    } else {
      result.updated.push_back(id);
    }
  }
  return result;
}

Result<std::unordered_set<std::string>> AccountIndex::ChangedSince(
    ChangeType type, std::string_view since_state) const {
  Result<ChangesResult> changes = Changes(type, since_state, UINT64_MAX);
  if (!changes.ok()) return changes.status();
  std::unordered_set<std::string> ids;
  for (auto* list : {&changes->created, &changes->updated, &changes->destroyed}) {
    ids.insert(list->begin(), list->end());
  }
  return ids;
}

void AccountIndex::Record(Pending& pending, ChangeType type, ChangeKind kind,
                          const std::string& id) {
  pending.changes.push_back(Change{type, kind, id});
}

Status AccountIndex::Commit(Pending& pending) {
  // Updates of mailboxes whose counts may have moved, and of threads, are
  // recorded once per mutation.
  for (const std::string& id : pending.touched_mailboxes) {
    if (mailboxes_.count(id) != 0) Record(pending, ChangeType::kMailbox, ChangeKind::kUpdated, id);
  }
  for (const std::string& id : pending.touched_threads) {
    auto it = threads_.find(id);
    bool gone = it == threads_.end() || it->second.empty();
    if (gone) threads_.erase(id);
    Record(pending, ChangeType::kThread, gone ? ChangeKind::kDestroyed : ChangeKind::kUpdated, id);
  }
  for (const Change& change : pending.changes) {
    ++seq_;
    last_seq_[static_cast<int>(change.type)] = seq_;
    pending.batch.Put(Key(kChange, BigEndian(seq_, 8)),
                      EncodeChange(change.type, change.kind, change.id));
  }
  bool trim = seq_ - min_seq_ > 2 * changes_kept_;
  uint64_t old_min = min_seq_;
  if (trim) min_seq_ = seq_ - changes_kept_;
  PutMeta(pending);
  {
    std::lock_guard summaries_lock(summaries_mutex_);
    summaries_valid_ = false;
  }
  Status written = cache_->Write(pending.batch);
  if (!written.ok() || !trim) return written;
  return cache_->DeleteRange(Key(kChange, BigEndian(old_min + 1, 8)),
                             Key(kChange, BigEndian(min_seq_ + 1, 8)));
}

void AccountIndex::PutMailboxRecord(Pending& pending, const MailboxState& mailbox) {
  pending.batch.Put(Key(kMailbox, mailbox.id), EncodeMailbox(mailbox));
}

void AccountIndex::PutEmailRecord(Pending& pending, const AccountView::EmailEntry& entry) {
  pending.batch.Put(Key(kEmail, entry.summary.id), EncodeEmail(entry.summary));
}

Status AccountIndex::SetMailboxes(std::vector<MailboxState> mailboxes) {
  std::unique_lock lock(mutex_);
  Pending pending;
  std::set<std::string> present;
  for (MailboxState& m : mailboxes) {
    present.insert(m.id);
    auto it = mailboxes_.find(m.id);
    if (it == mailboxes_.end()) {
      Record(pending, ChangeType::kMailbox, ChangeKind::kCreated, m.id);
      PutMailboxRecord(pending, m);
      mailboxes_.emplace(m.id, std::move(m));
      continue;
    }
    MailboxState& known = it->second;
    bool changed = known.imap_name != m.imap_name || known.name != m.name ||
                   known.parent_id != m.parent_id || known.role != m.role ||
                   known.subscribed != m.subscribed || known.rights != m.rights ||
                   known.selectable != m.selectable;
    if (!changed) continue;
    known.imap_name = m.imap_name;
    known.delimiter = m.delimiter;
    known.name = m.name;
    known.parent_id = m.parent_id;
    known.role = m.role;
    known.subscribed = m.subscribed;
    known.rights = m.rights;
    known.selectable = m.selectable;
    pending.touched_mailboxes.insert(m.id);
    PutMailboxRecord(pending, known);
  }

  std::vector<std::string> gone;
  for (const auto& [id, m] : mailboxes_) {
    if (present.count(id) == 0) gone.push_back(id);
  }
  for (const std::string& id : gone) {
    std::vector<uint32_t> uids;
    if (auto it = uids_.find(id); it != uids_.end()) {
      for (const auto& [uid, email] : it->second) uids.push_back(uid);
    }
    for (uint32_t uid : uids) DropCopy(pending, id, uid);
    uids_.erase(id);
    mailboxes_.erase(id);
    pending.touched_mailboxes.erase(id);
    pending.batch.Delete(Key(kMailbox, id));
    Record(pending, ChangeType::kMailbox, ChangeKind::kDestroyed, id);
  }
  for (const std::string& id : pending.touched_emails) RecomputeEmail(pending, id);
  if (pending.changes.empty() && pending.touched_mailboxes.empty()) return Status::Ok();
  return Commit(pending);
}

Status AccountIndex::SaveSyncState(const MailboxState& mailbox) {
  std::unique_lock lock(mutex_);
  auto it = mailboxes_.find(mailbox.id);
  if (it == mailboxes_.end()) return Status(ErrorKind::kNotFound, "mailbox is gone");
  MailboxState& known = it->second;
  known.uidvalidity = mailbox.uidvalidity;
  known.synced_uidnext = mailbox.synced_uidnext;
  known.initial_low = mailbox.initial_low;
  known.highestmodseq = mailbox.highestmodseq;
  known.initialised = mailbox.initialised;
  known.server_messages = mailbox.server_messages;
  known.server_unseen = mailbox.server_unseen;
  CacheBatch batch;
  batch.Put(Key(kMailbox, known.id), EncodeMailbox(known));
  return cache_->Write(batch);
}

Status AccountIndex::ResetMailbox(const MailboxState& fresh) {
  std::unique_lock lock(mutex_);
  auto it = mailboxes_.find(fresh.id);
  if (it == mailboxes_.end()) return Status(ErrorKind::kNotFound, "mailbox is gone");
  Pending pending;
  std::vector<uint32_t> uids;
  if (auto u = uids_.find(fresh.id); u != uids_.end()) {
    for (const auto& [uid, email] : u->second) uids.push_back(uid);
  }
  for (uint32_t uid : uids) DropCopy(pending, fresh.id, uid);
  for (const std::string& id : pending.touched_emails) RecomputeEmail(pending, id);
  MailboxState& known = it->second;
  known.uidvalidity = fresh.uidvalidity;
  known.synced_uidnext = fresh.synced_uidnext;
  known.initial_low = fresh.initial_low;
  known.highestmodseq = fresh.highestmodseq;
  known.initialised = fresh.initialised;
  PutMailboxRecord(pending, known);
  pending.touched_mailboxes.insert(fresh.id);
  Status status = Commit(pending);
  // Whatever a client knew before this point may name UIDs of the old
  // mailbox: /changes from those states is refused.
  min_seq_ = seq_;
  Pending meta;
  PutMeta(meta);
  Status saved = cache_->Write(meta.batch);
  return status.ok() ? saved : status;
}

std::string AccountIndex::AssignThread(Pending& pending, const FetchedEmail& message) {
  // A reply joins the thread of any message it names (RFC 5256 REFERENCES),
  // the conversation's root first, as long as its base subject is the same:
  // a new subject in a reply is a new conversation in every mail client
  // users compare us with.
  std::vector<const std::string*> ids;
  for (const std::string& ref : message.references) ids.push_back(&ref);
  if (!message.message_id.empty()) ids.push_back(&message.message_id);
  const std::string& subject = message.summary.subject_key;

  std::string thread;
  for (const std::string* id : ids) {
    auto it = message_threads_.find(*id);
    if (it == message_threads_.end()) continue;
    auto known = thread_subjects_.find(it->second);
    if (known == thread_subjects_.end() || known->second == subject) {
      thread = it->second;
      break;
    }
  }

  // A reply none of whose ids are known yet (a client that sends only
  // In-Reply-To, met before its parent) joins a recent thread of the same
  // subject, so that the order the sync meets messages in does not split
  // conversations.
  if (thread.empty() && !message.references.empty() && !subject.empty()) {
    thread = RecentThreadOfSubject(subject, message.summary.received_at);
  }

  if (thread.empty()) {
    // Named after the conversation's root message and subject, so that a
    // rebuilt cache names it the same; a message without ids starts a
    // thread named after itself.
    std::string root =
        !message.references.empty() ? message.references.front() : message.message_id;
    thread = root.empty() ? "T" + message.summary.id.substr(1) : ThreadIdFor(root, subject);
    auto existing = threads_.find(thread);
    if (existing == threads_.end() || existing->second.empty()) {
      thread_subjects_[thread] = subject;
      Record(pending, ChangeType::kThread, ChangeKind::kCreated, thread);
    }
  }
  for (const std::string* id : ids) {
    if (message_threads_.emplace(*id, thread).second) {
      pending.batch.Put(Key(kMessageThread, *id), thread);
    }
  }
  return thread;
}

void AccountIndex::ForgetSubjectTime(const mail::EmailSummary& summary) {
  auto times = subject_times_.find(summary.subject_key);
  if (times == subject_times_.end()) return;
  auto [begin, end] = times->second.equal_range(summary.received_at);
  for (auto it = begin; it != end; ++it) {
    if (it->second == summary.thread_id) {
      times->second.erase(it);
      break;
    }
  }
  if (times->second.empty()) subject_times_.erase(times);
}

std::string AccountIndex::RecentThreadOfSubject(const std::string& subject,
                                                int64_t received_at) const {
  constexpr int64_t kWindow = 30 * 24 * 3600;
  auto times = subject_times_.find(subject);
  if (times == subject_times_.end() || times->second.empty()) return "";
  // The neighbours in time on either side; the nearer one wins.
  const auto& by_time = times->second;
  auto after = by_time.lower_bound(received_at);
  std::string best;
  int64_t best_distance = kWindow + 1;
  auto consider = [&](std::multimap<int64_t, std::string>::const_iterator it) {
    int64_t distance = std::llabs(it->first - received_at);
    if (distance < best_distance || (distance == best_distance && it->second < best)) {
      best_distance = distance;
      best = it->second;
    }
  };
  if (after != by_time.end()) consider(after);
  if (after != by_time.begin()) consider(std::prev(after));
  return best;
}

void AccountIndex::AddCopy(Pending& pending, const std::string& mailbox_id, FetchedEmail message) {
  std::map<uint32_t, std::string>& uids = uids_[mailbox_id];
  if (auto known = uids.find(message.uid); known != uids.end()) {
    // Fetched again (a query read it from IMAP before the sync did): only
    // its keywords may have moved on.
    if (known->second == message.summary.id) {
      for (Location& location : emails_[known->second].locations) {
        if (location.mailbox_id != mailbox_id || location.uid != message.uid) continue;
        if (location.keywords == message.keywords) return;
        location.keywords = std::move(message.keywords);
        pending.batch.Put(Key(kLocation, mailbox_id + '\0' + BigEndian(message.uid, 4)),
                          EncodeLocation(known->second, location.keywords));
        pending.touched_emails.insert(known->second);
        pending.touched_mailboxes.insert(mailbox_id);
      }
      return;
    }
    DropCopy(pending, mailbox_id, message.uid);
  }

  const std::string id = message.summary.id;
  auto it = emails_.find(id);
  if (it == emails_.end()) {
    AccountView::EmailEntry entry;
    entry.summary = message.summary;
    entry.summary.mailbox_ids.clear();
    entry.summary.keywords.clear();
    entry.summary.thread_id = AssignThread(pending, message);
    if (!entry.summary.subject_key.empty()) {
      subject_times_[entry.summary.subject_key].emplace(entry.summary.received_at,
                                                        entry.summary.thread_id);
    }
    std::vector<std::string>& members = threads_[entry.summary.thread_id];
    members.push_back(id);
    std::sort(members.begin(), members.end(), [&](const std::string& a, const std::string& b) {
      const auto& x = a == id ? entry.summary : emails_.at(a).summary;
      const auto& y = b == id ? entry.summary : emails_.at(b).summary;
      return x.received_at != y.received_at ? x.received_at < y.received_at : a < b;
    });
    pending.touched_threads.insert(entry.summary.thread_id);
    Record(pending, ChangeType::kEmail, ChangeKind::kCreated, id);
    pending.created_emails.insert(id);
    PutEmailRecord(pending, entry);
    pending.batch.Put(Key(kDetail, id), std::move(message.detail));
    it = emails_.emplace(id, std::move(entry)).first;
  } else {
    pending.touched_emails.insert(id);
  }

  Location location{mailbox_id, message.uid, std::move(message.keywords)};
  pending.batch.Put(Key(kLocation, mailbox_id + '\0' + BigEndian(message.uid, 4)),
                    EncodeLocation(id, location.keywords));
  it->second.locations.push_back(std::move(location));
  uids[message.uid] = id;
  pending.touched_mailboxes.insert(mailbox_id);
}

void AccountIndex::DropCopy(Pending& pending, const std::string& mailbox_id, uint32_t uid) {
  auto mailbox = uids_.find(mailbox_id);
  if (mailbox == uids_.end()) return;
  auto found = mailbox->second.find(uid);
  if (found == mailbox->second.end()) return;
  std::string id = found->second;
  mailbox->second.erase(found);
  pending.batch.Delete(Key(kLocation, mailbox_id + '\0' + BigEndian(uid, 4)));
  pending.touched_mailboxes.insert(mailbox_id);

  auto it = emails_.find(id);
  if (it == emails_.end()) return;
  std::vector<Location>& locations = it->second.locations;
  locations.erase(
      std::remove_if(locations.begin(), locations.end(),
                     [&](const Location& l) { return l.mailbox_id == mailbox_id && l.uid == uid; }),
      locations.end());
  if (!locations.empty()) {
    pending.touched_emails.insert(id);
    return;
  }

  // The last copy is gone: so is the Email.
  std::string thread = it->second.summary.thread_id;
  ForgetSubjectTime(it->second.summary);
  std::vector<std::string>& members = threads_[thread];
  members.erase(std::remove(members.begin(), members.end(), id), members.end());
  pending.touched_threads.insert(thread);
  pending.touched_emails.erase(id);
  emails_.erase(it);
  pending.batch.Delete(Key(kEmail, id));
  pending.batch.Delete(Key(kDetail, id));
  Record(pending, ChangeType::kEmail, ChangeKind::kDestroyed, id);
}

void AccountIndex::RecomputeEmail(Pending& pending, const std::string& email_id) {
  auto it = emails_.find(email_id);
  if (it == emails_.end()) return;
  mail::EmailSummary& summary = it->second.summary;
  std::vector<std::string> mailboxes, keywords;
  for (const Location& location : it->second.locations) {
    Insert(&mailboxes, location.mailbox_id);
    for (const std::string& k : location.keywords) Insert(&keywords, k);
  }
  bool created = pending.created_emails.count(email_id) != 0;
  if (!created && mailboxes == summary.mailbox_ids && keywords == summary.keywords) return;
  summary.mailbox_ids = std::move(mailboxes);
  summary.keywords = std::move(keywords);
  if (!created) Record(pending, ChangeType::kEmail, ChangeKind::kUpdated, email_id);
  pending.touched_threads.insert(summary.thread_id);
}

Status AccountIndex::AddMessages(const std::string& mailbox_id,
                                 std::vector<FetchedEmail> messages) {
  std::unique_lock lock(mutex_);
  if (mailboxes_.count(mailbox_id) == 0) return Status(ErrorKind::kNotFound, "mailbox is gone");
  Pending pending;
  for (FetchedEmail& message : messages) {
    pending.touched_emails.insert(message.summary.id);
    AddCopy(pending, mailbox_id, std::move(message));
  }
  for (const std::string& id : pending.touched_emails) RecomputeEmail(pending, id);
  return Commit(pending);
}

Status AccountIndex::SetKeywords(
    const std::string& mailbox_id,
    const std::vector<std::pair<uint32_t, std::vector<std::string>>>& changes) {
  std::unique_lock lock(mutex_);
  auto mailbox = uids_.find(mailbox_id);
  if (mailbox == uids_.end()) return Status::Ok();
  Pending pending;
  for (const auto& [uid, keywords] : changes) {
    auto found = mailbox->second.find(uid);
    if (found == mailbox->second.end()) continue;
    auto email = emails_.find(found->second);
    if (email == emails_.end()) continue;
    for (Location& location : email->second.locations) {
      if (location.mailbox_id != mailbox_id || location.uid != uid) continue;
      if (location.keywords == keywords) break;
      location.keywords = keywords;
      pending.batch.Put(Key(kLocation, mailbox_id + '\0' + BigEndian(uid, 4)),
                        EncodeLocation(email->first, keywords));
      pending.touched_emails.insert(email->first);
      pending.touched_mailboxes.insert(mailbox_id);
    }
  }
  for (const std::string& id : pending.touched_emails) RecomputeEmail(pending, id);
  if (pending.batch.empty()) return Status::Ok();
  return Commit(pending);
}

Status AccountIndex::RemoveMessages(const std::string& mailbox_id,
                                    const std::vector<uint32_t>& uids) {
  std::unique_lock lock(mutex_);
  Pending pending;
  for (uint32_t uid : uids) DropCopy(pending, mailbox_id, uid);
  for (const std::string& id : pending.touched_emails) RecomputeEmail(pending, id);
  if (pending.batch.empty()) return Status::Ok();
  return Commit(pending);
}

Result<std::optional<std::string>> AccountIndex::Detail(std::string_view email_id) const {
  return cache_->Get(Key(kDetail, email_id));
}

Status AccountIndex::SaveDetail(std::string_view email_id, std::string detail) {
  CacheBatch batch;
  batch.Put(Key(kDetail, email_id), std::move(detail));
  return cache_->Write(batch);
}

void AccountIndex::ComputeCounts() const {
  if (counts_seq_ == seq_) return;
  counts_.clear();
  std::unordered_map<std::string, std::unordered_set<std::string>> threads, unread_threads;
  for (const auto& [id, entry] : emails_) {
    for (const Location& location : entry.locations) {
      MailboxCounts& c = counts_[location.mailbox_id];
      // One Email in a mailbox counts once, however many copies it has there.
      bool first = true;
      for (const Location& other : entry.locations) {
        if (&other == &location) break;
        if (other.mailbox_id == location.mailbox_id) first = false;
      }
      if (!first) continue;
      ++c.total_emails;
      bool unread = Unread(entry.summary.keywords);
      if (unread) ++c.unread_emails;
      threads[location.mailbox_id].insert(entry.summary.thread_id);
      if (unread) unread_threads[location.mailbox_id].insert(entry.summary.thread_id);
    }
  }
  for (auto& [mailbox, set] : threads) counts_[mailbox].total_threads = set.size();
  for (auto& [mailbox, set] : unread_threads) counts_[mailbox].unread_threads = set.size();
  counts_seq_ = seq_;
}

const MailboxState* AccountView::Mailbox(std::string_view id) const {
  auto it = mailboxes_->find(std::string(id));
  return it == mailboxes_->end() ? nullptr : &it->second;
}

const AccountView::EmailEntry* AccountView::Email(std::string_view id) const {
  auto it = index_->emails_.find(std::string(id));
  return it == index_->emails_.end() ? nullptr : &it->second;
}

const std::vector<const mail::EmailSummary*>& AccountView::summaries() const {
  std::lock_guard lock(index_->summaries_mutex_);
  if (!index_->summaries_valid_) {
    index_->summaries_.clear();
    index_->summaries_.reserve(index_->emails_.size());
    for (const auto& [id, entry] : index_->emails_) index_->summaries_.push_back(&entry.summary);
    index_->summaries_valid_ = true;
  }
  return index_->summaries_;
}

const std::vector<std::string>* AccountView::Thread(std::string_view id) const {
  auto it = index_->threads_.find(std::string(id));
  return it == index_->threads_.end() || it->second.empty() ? nullptr : &it->second;
}

MailboxCounts AccountView::Counts(std::string_view mailbox_id) const {
  std::lock_guard lock(index_->summaries_mutex_);
  index_->ComputeCounts();
  auto it = index_->counts_.find(std::string(mailbox_id));
  MailboxCounts counts = it == index_->counts_.end() ? MailboxCounts() : it->second;

  // LIMITATION: until a folder's initial sync is done its counts are the
  // server's STATUS (copies, not distinct Emails; threads not known, so
  // taken as one per message).
  const MailboxState* m = Mailbox(mailbox_id);
  if (m != nullptr && !m->complete() && m->server_messages > counts.total_emails) {
    counts.total_emails = m->server_messages;
    counts.unread_emails = std::max<uint64_t>(counts.unread_emails, m->server_unseen);
    counts.total_threads = std::max(counts.total_threads, counts.total_emails);
    counts.unread_threads = std::max(counts.unread_threads, counts.unread_emails);
  }
  return counts;
}

const AccountView::EmailEntry* AccountView::At(std::string_view mailbox_id, uint32_t uid) const {
  const std::map<uint32_t, std::string>* uids = Uids(mailbox_id);
  if (uids == nullptr) return nullptr;
  auto it = uids->find(uid);
  return it == uids->end() ? nullptr : Email(it->second);
}

const std::map<uint32_t, std::string>* AccountView::Uids(std::string_view mailbox_id) const {
  auto it = index_->uids_.find(std::string(mailbox_id));
  return it == index_->uids_.end() ? nullptr : &it->second;
}

std::string AccountView::State(ChangeType type) const {
  return index_->StateOf(index_->last_seq_[static_cast<int>(type)]);
}

}  // namespace konvert
