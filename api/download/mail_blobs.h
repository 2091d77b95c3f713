// Mail blobs: the blob ids Konvert gives messages and their parts (RFC 8620
// §6), and MessageSource, which reads a message's Email/get record and bytes
// from the cache and, for what the cache does not hold, from IMAP.
//
// Blob ids. An Email id is "M" + hex digits of the SHA-256 of the raw
// message (store/sync/email_ingest.h), so the bytes behind an id never
// change and a blob id can be derived from it without storing anything:
//   "B<hex>"            the whole message, as IMAP holds it (RFC 5322 bytes)
//   "B<hex>_<section>"  one leaf part, transfer-decoded, where <section> is
//                       the part id with '.' written as '-' ("2.1" -> "2-1"),
//                       since ids allow only [A-Za-z0-9_-] (RFC 8620 §1.2).
// A blob id therefore names its Email, and download finds the bytes by
// looking the Email up in the account's index: another account's blob id
// names nothing there.
//
// MessageSource reads bodies with BODY.PEEK, so reading never sets \Seen.
// It selects folders on the request's IMAP connection, which the sync reads
// through ImapConnection::selected().
//
// Threads: a MessageSource belongs to one method call on one worker thread
// (one IMAP connection). Every call blocks on IMAP and the cache. The blob
// id functions are pure: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/message/email_record.h"
#include "model/status.h"
#include "store/imap/imap_connection.h"
#include "store/index/account_index.h"
#include "store/log/logger.h"
#include "store/sync/mail_store.h"

namespace konvert::api {

// The blob id of the whole message of `email_id`.
std::string MessageBlobId(std::string_view email_id);

// The blob id of part `part_id` of `email_id`.
std::string PartBlobId(std::string_view email_id, std::string_view part_id);

struct BlobRef {
  std::string email_id;
  std::string part_id;  // empty: the whole message
};

// The Email and part a blob id names; nullopt for anything that is not a
// blob id of the scheme above.
std::optional<BlobRef> ParseBlobId(std::string_view blob_id);

// One IMAP copy of an Email, resolved from the index's Location.
struct MessageCopy {
  std::string folder;  // the IMAP name
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
};

// The copies of `entry` whose folders the index knows, in the order to try.
std::vector<MessageCopy> CopiesOf(const AccountView& view, const AccountView::EmailEntry& entry);

class MessageSource {
 public:
  MessageSource(ImapConnection* imap, AccountIndex* index, log::Context log);

  // The Email/get record of `email_id`: from the cache, or, when the cache
  // has none or cannot read it, rebuilt from the message fetched whole from
  // any copy and saved back (DESIGN.md decision 1). kNotFound when no copy
  // is left on IMAP; kServerUnavailable / kServerFail from IMAP or the cache.
  Result<EmailRecord> Record(const std::string& email_id, const std::vector<MessageCopy>& copies);

  // The raw message, fetched whole from any copy. Errors as Record.
  Result<std::string> Raw(const std::string& email_id, const std::vector<MessageCopy>& copies);

  // The still transfer-encoded body of leaf `part` of `email_id`, fetched
  // by its byte range from any copy (or cut from a message this source
  // fetched whole last). Errors as Record.
  Result<std::string> Body(const std::string& email_id, const std::vector<MessageCopy>& copies,
                           const mime::Part& part);

 private:
  // Selects the copy's folder unless this source selected it last. False
  // when the folder's UIDVALIDITY moved on: the copy is stale.
  Result<bool> Select(const MessageCopy& copy);
  Result<std::string> FetchWhole(const std::string& email_id,
                                 const std::vector<MessageCopy>& copies);

  ImapConnection* const imap_;
  AccountIndex* const index_;
  const log::Context log_;
  std::string selected_;
  // The last message fetched whole, so that its bodies need no second fetch.
  std::string raw_id_;
  std::string raw_;
};

// The bytes of blob `blob_id` of `account` for download: the raw message, or
// the part decoded from its transfer encoding (no charset conversion). An
// Email the index does not know yet is looked for again after catching the
// index up with IMAP. kNotFound for a malformed id, an unknown Email or
// part, a multipart part, or a message gone from IMAP.
Result<std::string> ReadMailBlob(MailAccount& account, ImapConnection& imap,
                                 const Credentials& credentials, std::string_view blob_id,
                                 const log::Context& log);

}  // namespace konvert::api
