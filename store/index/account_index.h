// AccountIndex: what Konvert knows of one account's mail, in memory and in
// the RocksDB cache, plus the account's change log that JMAP states come
// from (DESIGN.md decisions 1, 4 and 5).
//
// It holds the mailboxes (IMAP folders) with their sync progress, every
// Email's summary and its copies ("locations": a mailbox and a UID), the
// threads, and a log of every change to a Mailbox, Email or Thread. The sync
// code (store/sync) is its only writer; JMAP methods read it. Every change
// is written to RocksDB first and applied in memory only once written, so
// the two never disagree. Message bodies are not kept: Email/get reads
// `Detail()` records and fetches body bytes from IMAP.
//
// State strings are "<epoch>-<seq>": the epoch is drawn when the account's
// cache is created, so states handed out before the cache was deleted or
// reset are recognised as unknown (cannotCalculateChanges) rather than
// misread.
//
// Threads: any thread may call any method. Readers share a lock; writers
// take it exclusively for the length of one change. Every method that
// touches the cache blocks on disk: worker threads only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/mail/email_summary.h"
#include "model/status.h"
#include "store/index/mail_cache.h"
#include "store/log/logger.h"

namespace konvert {

enum class ChangeType : uint8_t { kMailbox = 0, kEmail = 1, kThread = 2 };
enum class ChangeKind : uint8_t { kCreated = 0, kUpdated = 1, kDestroyed = 2 };

struct MailboxState {
  std::string id;         // JMAP Mailbox id, kept across renames
  std::string imap_name;  // the IMAP name as the server spells it (modified UTF-7)
  char delimiter = '/';   // hierarchy delimiter, 0 for a flat namespace
  std::string name;       // the last component, decoded to UTF-8
  std::optional<std::string> parent_id;
  std::optional<std::string> role;  // "inbox", "sent", … (RFC 8621 §2)
  bool subscribed = false;
  bool selectable = true;  // false for \Noselect / \NonExistent folders
  // The rights the user holds here (RFC 4314 letters), or empty when the
  // server has no ACL extension and every right is assumed.
  std::string rights;

  // Sync progress. UIDs in [initial_low, synced_uidnext) that exist are in
  // the index; those below initial_low are still to be fetched by the
  // initial sync, which is complete once initial_low <= 1. Flags are current
  // up to `highestmodseq` (0: the server has no CONDSTORE).
  uint32_t uidvalidity = 0;
  uint32_t synced_uidnext = 0;
  uint32_t initial_low = 0;
  uint64_t highestmodseq = 0;
  bool initialised = false;  // uidvalidity and the counters above are known
  // What the server's STATUS said at the last look; stands in for the
  // counts while the initial sync has not indexed the whole folder.
  uint32_t server_messages = 0;
  uint32_t server_unseen = 0;

  bool complete() const { return initialised && initial_low <= 1; }
};

// One copy of an Email: where it is in IMAP and the keywords of that copy.
struct Location {
  std::string mailbox_id;
  uint32_t uid = 0;
  std::vector<std::string> keywords;  // JMAP keywords, sorted
};

// What the sync learnt of a message it fetched, for AddMessages.
struct FetchedEmail {
  uint32_t uid = 0;
  std::vector<std::string> keywords;  // JMAP keywords of this copy, sorted
  // The Email (summary.keywords, mailbox_ids and thread_id are filled by the
  // index). `summary.id` is the content-derived id.
  mail::EmailSummary summary;
  std::string message_id;               // without <>, may be empty
  std::vector<std::string> references;  // References then In-Reply-To ids
  std::string detail;                   // the serialized Email/get record
};

struct MailboxCounts {
  uint64_t total_emails = 0;
  uint64_t unread_emails = 0;
  uint64_t total_threads = 0;
  uint64_t unread_threads = 0;
};

struct ChangesResult {
  std::string old_state;
  std::string new_state;
  bool has_more_changes = false;
  std::vector<std::string> created;
  std::vector<std::string> updated;
  std::vector<std::string> destroyed;
};

// The read-only view a reader gets inside Read(). Valid only during the call.
class AccountView {
 public:
  struct EmailEntry {
    mail::EmailSummary summary;
    std::vector<Location> locations;
  };

  const std::map<std::string, MailboxState>& mailboxes() const { return *mailboxes_; }
  const MailboxState* Mailbox(std::string_view id) const;
  const EmailEntry* Email(std::string_view id) const;
  // All Emails, in no particular order.
  const std::vector<const mail::EmailSummary*>& summaries() const;
  // The Email ids of a thread, sorted by receivedAt then id; empty if none.
  const std::vector<std::string>* Thread(std::string_view id) const;
  MailboxCounts Counts(std::string_view mailbox_id) const;
  // The Email at `uid` in `mailbox_id`, or nullptr.
  const EmailEntry* At(std::string_view mailbox_id, uint32_t uid) const;
  // UID -> Email id of every indexed message of a mailbox.
  const std::map<uint32_t, std::string>* Uids(std::string_view mailbox_id) const;
  std::string State(ChangeType type) const;

 private:
  friend class AccountIndex;
  const class AccountIndex* index_ = nullptr;
  const std::map<std::string, MailboxState>* mailboxes_ = nullptr;
};

class AccountIndex {
 public:
  // Loads the account's records from `cache`, or starts an empty index with
  // a new epoch. A record that cannot be read makes the whole account start
  // afresh (every state then answers cannotCalculateChanges). Blocks.
  // The change log keeps at least `changes_kept` entries; once it holds
  // twice as many, the older half goes, and /changes from before that
  // answers cannotCalculateChanges (RFC 8620 §5.2 allows it).
  static constexpr uint64_t kDefaultChangesKept = 250000;
  static Result<std::unique_ptr<AccountIndex>> Load(MailCache* cache, std::string account_id,
                                                    const log::Context& context,
                                                    uint64_t changes_kept = kDefaultChangesKept);

  // Runs `read` with the index locked for reading.
  void Read(const std::function<void(const AccountView&)>& read) const;

  // The folder list as the server now has it: new ones are created, gone
  // ones destroyed (with their copies), changed names/roles/subscriptions
  // updated. Sync progress fields of known mailboxes are kept from the
  // index, not taken from `mailboxes`.
  Status SetMailboxes(std::vector<MailboxState> mailboxes);

  // Saves sync progress (uidvalidity, uidnext, modseq, initial_low) of a
  // known mailbox; not a JMAP change.
  Status SaveSyncState(const MailboxState& mailbox);

  // UIDVALIDITY changed (RFC 3501 §2.3.1.1): forgets every copy in the
  // mailbox and stores `fresh` as its new sync state. Earlier states of all
  // types can no longer be answered by /changes.
  Status ResetMailbox(const MailboxState& fresh);

  // Adds copies fetched from `mailbox_id`. A message whose id is already
  // known becomes another copy of that Email.
  Status AddMessages(const std::string& mailbox_id, std::vector<FetchedEmail> messages);

  // Sets the keywords of copies already indexed; unknown UIDs are ignored.
  Status SetKeywords(const std::string& mailbox_id,
                     const std::vector<std::pair<uint32_t, std::vector<std::string>>>& changes);

  // Forgets copies that the server expunged; unknown UIDs are ignored.
  Status RemoveMessages(const std::string& mailbox_id, const std::vector<uint32_t>& uids);

  // The serialized Email/get record of `email_id`, or nullopt when it is not
  // cached (or unreadable). Blocks.
  Result<std::optional<std::string>> Detail(std::string_view email_id) const;
  // Replaces that record, e.g. after a cache miss was refetched. Blocks.
  Status SaveDetail(std::string_view email_id, std::string detail);

  // RFC 8620 §5.2 for one type. kCannotCalculateChanges for a state of
  // another epoch, before the oldest change kept, or malformed.
  Result<ChangesResult> Changes(ChangeType type, std::string_view since_state,
                                uint64_t max_changes) const;
  // Every id of `type` changed since `since_state` (for /queryChanges).
  Result<std::unordered_set<std::string>> ChangedSince(ChangeType type,
                                                       std::string_view since_state) const;

  std::string State(ChangeType type) const;
  const std::string& account_id() const { return account_id_; }
  // The MailCache generation this index was loaded under; when the cache's
  // own has moved on, the cache was rebuilt and this index must be reloaded.
  uint64_t cache_generation() const { return cache_generation_; }

 private:
  friend class AccountView;
  struct Change {
    ChangeType type;
    ChangeKind kind;
    std::string id;
  };
  struct Pending;

  AccountIndex(MailCache* cache, std::string account_id, log::Context context,
               uint64_t changes_kept);
  Status LoadRecords();
  Status StartFresh();
  Status Commit(Pending& pending);
  std::string StateOf(uint64_t seq) const;
  Result<uint64_t> ParseState(ChangeType type, std::string_view state) const;

  void AddCopy(Pending& pending, const std::string& mailbox_id, FetchedEmail message);
  void DropCopy(Pending& pending, const std::string& mailbox_id, uint32_t uid);
  void RecomputeEmail(Pending& pending, const std::string& email_id);
  void PutMailboxRecord(Pending& pending, const MailboxState& mailbox);
  void PutEmailRecord(Pending& pending, const AccountView::EmailEntry& entry);
  void PutMeta(Pending& pending);
  void Record(Pending& pending, ChangeType type, ChangeKind kind, const std::string& id);
  std::string AssignThread(Pending& pending, const FetchedEmail& message);
  // The thread of base subject `subject` with a member received closest to
  // `received_at`, within 30 days; "" when none.
  std::string RecentThreadOfSubject(const std::string& subject, int64_t received_at) const;
  void ForgetSubjectTime(const mail::EmailSummary& summary);
  void ComputeCounts() const;

  std::string Key(char kind, std::string_view rest = {}) const;

  MailCache* const cache_;
  const std::string account_id_;
  const log::Context context_;
  const uint64_t changes_kept_;
  uint64_t cache_generation_ = 0;

  mutable std::shared_mutex mutex_;
  std::string epoch_;
  uint64_t seq_ = 0;
  // Changes at or before this seq are not in the log any more.
  uint64_t min_seq_ = 0;
  uint64_t last_seq_[3] = {0, 0, 0};
  std::map<std::string, MailboxState> mailboxes_;
  std::unordered_map<std::string, AccountView::EmailEntry> emails_;
  std::unordered_map<std::string, std::map<uint32_t, std::string>> uids_;
  std::unordered_map<std::string, std::vector<std::string>> threads_;
  std::unordered_map<std::string, std::string> thread_subjects_;
  std::unordered_map<std::string, std::string> message_threads_;  // Message-ID -> thread
  // Base subject -> (receivedAt -> thread) of every Email, for replies whose
  // references are all unknown (RecentThreadOfSubject).
  std::unordered_map<std::string, std::multimap<int64_t, std::string>> subject_times_;
  mutable std::vector<const mail::EmailSummary*> summaries_;
  mutable bool summaries_valid_ = false;
  mutable std::mutex summaries_mutex_;
  mutable std::unordered_map<std::string, MailboxCounts> counts_;
  mutable uint64_t counts_seq_ = UINT64_MAX;
};

}  // namespace konvert
