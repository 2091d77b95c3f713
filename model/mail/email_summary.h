// EmailSummary: the few facts about one Email that Email/query filters and
// sorts on, kept in memory for every message of an account.
//
// The store fills one per Email from its cache and keeps it current; the
// query code (model/mail/email_query.h) only reads it. A plain value: any
// thread may read a summary that no thread is changing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace konvert::mail {

struct EmailSummary {
  std::string id;         // JMAP Email id
  std::string thread_id;  // JMAP Thread id
  // Ids of the mailboxes holding a copy, sorted, no duplicates.
  std::vector<std::string> mailbox_ids;
  // JMAP keywords (lower case, "$seen", "$label1", …) of any copy, sorted, no
  // duplicates; IMAP \Deleted and \Recent never appear.
  std::vector<std::string> keywords;
  int64_t received_at = 0;  // INTERNALDATE, seconds since the epoch, UTC
  int64_t sent_at = 0;      // the Date header in UTC seconds; received_at when absent
  uint64_t size = 0;        // RFC822.SIZE
  bool has_attachment = false;
  // Sort keys (RFC 8621 §4.4.2): the first From/To address's name, else its
  // address, and the subject without "Re:"/"Fwd:" prefixes, each already
  // folded for comparison (model/mail/collation.h).
  std::string from_key;
  std::string to_key;
  std::string subject_key;
};

}  // namespace konvert::mail
