// AccountSync: keeps one account's AccountIndex in step with its IMAP
// server (DESIGN.md decisions 3 and 4).
//
// Two activities share it:
// - Refresh(), run at the start of every JMAP request that reads mail and
//   when IDLE reports news: the folder list, then each folder whose STATUS
//   moved — UIDVALIDITY checked (a change resets that folder), expunges and
//   flag changes from QRESYNC (else CONDSTORE CHANGEDSINCE, else a full
//   FLAGS fetch and UID SEARCH ALL), and messages that arrived since.
// - InitialStep(), run by the background sync: fetches the next batch of
//   older messages of the next folder not yet complete, newest first, INBOX
//   first, so that a large mailbox fills in without holding up requests.
//
// Folder ids: a folder keeps its Mailbox id while its name stays; a folder
// that disappears while one with the same UIDVALIDITY appears was renamed
// and keeps its id too. Folders in other users' and shared namespaces, and
// the folders Konvert keeps contacts and calendars in, are not mailboxes.
//
// LIMITATION: while a folder's initial sync runs, an Email that also lies in
// that folder shows only the mailboxes and keywords indexed so far; finding
// every copy at once would mean searching each unsynced folder for it.
//
// Threads: any thread; one activity at a time per account (an internal
// mutex makes the others wait). Every method blocks on IMAP and disk.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/status.h"
#include "store/imap/imap_connection.h"
#include "store/index/account_index.h"
#include "store/log/logger.h"
#include "store/sync/imap_mail.h"

namespace konvert {

// Top-level folders that hold contacts and calendar events (DESIGN.md
// decision 2); they and their children are never shown as mailboxes.
inline constexpr const char* kHiddenFolders[] = {"Contacts", "Calendar"};

// One page of a folder read straight from IMAP (DESIGN.md decision 3).
struct ImapPage {
  std::vector<std::string> ids;  // Email ids in the server's sort order
  uint64_t position = 0;
  uint64_t total = 0;
};

struct SyncOptions {
  // Messages fetched whole per UID FETCH at most, and bytes per batch at
  // most (a single larger message is still fetched alone).
  size_t batch_messages = 250;
  size_t batch_bytes = 16 << 20;
};

class AccountSync {
 public:
  AccountSync(AccountIndex* index, log::Context context, SyncOptions options = SyncOptions());

  // Catches the index up with the server as described above. Folders whose
  // initial sync is still running get their new mail, flag changes and
  // expunges too. Errors come from IMAP (kServerUnavailable, kServerFail)
  // or the cache.
  Status Refresh(ImapConnection& imap);

  // Fetches one batch of older messages; `first` names a mailbox to fill
  // before any other. Returns true while some folder is still incomplete.
  Result<bool> InitialStep(ImapConnection& imap, const std::string& first = "");

  // A page of `mailbox_id` sorted by the server (UID SORT, or UID order),
  // for a query on a folder whose initial sync is not finished: the
  // messages of the page that are not indexed yet are fetched and indexed on
  // the way. `position` may be negative (from the end). kNotFound for an
  // unknown mailbox; IMAP errors as they come.
  Result<ImapPage> PageFromImap(ImapConnection& imap, const std::string& mailbox_id,
                                ImapSortKey key, bool ascending, int64_t position, uint64_t limit);

  // Runs InitialStep on `mailbox_id` until it is complete. Blocks for as
  // long as that folder takes.
  Status CompleteMailbox(ImapConnection& imap, const std::string& mailbox_id);

 private:
  Status RefreshFolders(ImapConnection& imap);
  Status RefreshFolder(ImapConnection& imap, const MailboxState& mailbox);
  Status Initialise(ImapConnection& imap, const MailboxState& mailbox);
  Status FetchNew(ImapConnection& imap, const std::string& mailbox_id, uint32_t first,
                  uint32_t last);
  Result<bool> StepLocked(ImapConnection& imap, const std::string& first);
  std::optional<MailboxState> NextIncomplete(const std::string& first) const;

  AccountIndex* const index_;
  const log::Context context_;
  const SyncOptions options_;

  std::mutex mutex_;
  std::optional<std::vector<std::string>> shared_prefixes_;
  // Per folder: how many UIDs the next initial batch spans; grows when a
  // range held few messages (sparse UIDs after many expunges).
  std::unordered_map<std::string, uint32_t> window_;
};

// RFC 8621 §2 role of a folder from its SPECIAL-USE attributes (RFC 6154),
// or nullopt.
std::optional<std::string> RoleFromAttributes(const std::vector<std::string>& attributes);

// The role a folder's name suggests when the server marks none ("Sent
// Items", "Trash", "Отправленные", …), or nullopt.
std::optional<std::string> RoleFromName(std::string_view name);

}  // namespace konvert
