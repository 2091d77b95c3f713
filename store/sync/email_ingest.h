// IngestMessage: turns a message fetched from IMAP into what AccountIndex
// stores — the content-derived Email id, the summary that queries use, the
// thread hints and the serialized Email/get record.
//
// Ids: Dovecot has no OBJECTID (RFC 8474), so the Email id is derived from
// the message's bytes (SHA-256 of the raw message). IMAP messages never
// change, and COPY and MOVE keep the bytes, so a message keeps its id when
// moved or copied, and both copies are one Email (RFC 8621 §4.1.1); an id
// can only ever name messages with exactly these bytes.
//
// Pure computation plus hashing: any thread.
#pragma once

#include "store/index/account_index.h"
#include "store/sync/imap_mail.h"

namespace konvert {

// "M" followed by 24 hex digits of the SHA-256 of `raw`.
std::string EmailIdFor(std::string_view raw);

FetchedEmail IngestMessage(const FetchedMessage& message);

// JMAP keywords of IMAP `flags`, sorted, without duplicates.
std::vector<std::string> KeywordsOf(const std::vector<std::string>& flags);

}  // namespace konvert
