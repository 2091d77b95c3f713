// The IMAP commands that mail sync and Email/get need, on one logged-in
// ImapConnection: folder lists, STATUS, SELECT with CONDSTORE/QRESYNC
// (RFC 7162), UID FETCH of messages, flags and byte ranges, UID SEARCH.
//
// Each function sends its commands through ImapConnection::Execute, so a
// failure arrives as that Status (kServerUnavailable for a lost server,
// kServerFail for a NO). Nothing here changes a message: bodies are read
// with BODY.PEEK, so reading never sets \Seen.
//
// Threads: as ImapConnection, one thread at a time per connection. Every
// function blocks on the network: worker threads only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"
#include "store/imap/imap_connection.h"

namespace konvert {

struct ImapFolder {
  std::string name;  // as the server spells it (modified UTF-7)
  char delimiter = 0;
  // Attributes in lower case without the backslash: "noselect", "sent", …
  std::vector<std::string> attributes;
  bool subscribed = false;
  bool HasAttribute(std::string_view attribute) const;
};

struct FolderStatus {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint32_t messages = 0;
  uint32_t unseen = 0;         // STATUS only
  uint64_t highestmodseq = 0;  // 0 without CONDSTORE
};

struct FlagUpdate {
  uint32_t uid = 0;
  std::vector<std::string> flags;  // IMAP flags as sent: "\\Seen", "$label1"
};

// A closed range of UIDs; `last` 0 stands for "*".
using UidRange = std::pair<uint32_t, uint32_t>;

struct SelectedFolder {
  FolderStatus status;
  // With QRESYNC: UIDs expunged since the known modseq, and the flags of
  // messages changed since it (RFC 7162 §3.2.5).
  std::vector<UidRange> vanished;
  std::vector<FlagUpdate> changed;
  bool resynced = false;  // the QRESYNC answer above is present
};

struct FetchedMessage {
  uint32_t uid = 0;
  std::vector<std::string> flags;
  int64_t internal_date = 0;  // UTC seconds
  uint64_t size = 0;
  uint64_t modseq = 0;
  std::string raw;  // the whole message, when asked for
};

// LIST "" "*" and LSUB "" "*" (personal namespace only).
Result<std::vector<ImapFolder>> ListFolders(ImapConnection& imap);

// STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY [HIGHESTMODSEQ]).
Result<FolderStatus> StatusOf(ImapConnection& imap, const std::string& folder);

// SELECT; with QRESYNC and a known (uidvalidity, modseq), SELECT … (QRESYNC
// …) so that the answer carries what changed, when the session has QRESYNC
// enabled (ImapConnection::Login does that when the server offers it).
Result<SelectedFolder> SelectFolder(ImapConnection& imap, const std::string& folder,
                                    uint32_t known_uidvalidity, uint64_t known_modseq);

// UID FETCH first:last (UID FLAGS INTERNALDATE RFC822.SIZE [MODSEQ]
// [BODY.PEEK[]]) in the selected folder. Only UIDs in [first, last] are
// returned (IMAP's "n:*" may answer the last message even below n).
Result<std::vector<FetchedMessage>> FetchMessages(ImapConnection& imap, uint32_t first,
                                                  uint32_t last, bool with_body);

// UID FETCH 1:* (FLAGS) [(CHANGEDSINCE since)] in the selected folder.
Result<std::vector<FlagUpdate>> FetchFlags(ImapConnection& imap, uint64_t changed_since);

// UID SEARCH ALL in the selected folder, ascending.
Result<std::vector<uint32_t>> SearchAllUids(ImapConnection& imap);

// UID FETCH uid BODY.PEEK[]<offset.length> in the selected folder; kNotFound
// when the message is gone.
Result<std::string> FetchRange(ImapConnection& imap, uint32_t uid, uint64_t offset,
                               uint64_t length);

enum class ImapSortKey { kArrival, kDate, kSize };

// UID SORT (RFC 5256) of every message in the selected folder; without the
// SORT extension, UID SEARCH ALL (UID order is arrival order) for kArrival,
// and kServerFail otherwise.
Result<std::vector<uint32_t>> SortUids(ImapConnection& imap, ImapSortKey key, bool reverse);

// The prefixes of the other-users and shared namespaces (RFC 2342), whose
// folders are not the user's own mailboxes. Empty without NAMESPACE.
Result<std::vector<std::string>> SharedNamespacePrefixes(ImapConnection& imap);

// MYRIGHTS (RFC 4314 §3.5): the user's rights on `folder`, e.g. "lrswipkxtecda";
// nullopt when the server has no ACL extension.
Result<std::optional<std::string>> MyRights(ImapConnection& imap, const std::string& folder);

}  // namespace konvert
