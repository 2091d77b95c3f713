// EmailRecord: what the cache keeps of one message for Email/get — its
// header fields, its MIME tree with the byte range of every part, the three
// body lists of RFC 8621 §4.1.4, the preview and hasAttachment — and its
// serialized form.
//
// The sync builds one from the raw message it fetched (MakeEmailRecord) and
// stores SerializeEmailRecord's bytes; Email/get reads them back with
// ParseEmailRecord and fetches only the body bytes it needs from IMAP, by
// the part's byte range. The bodies themselves are not in the record.
//
// Plain values and pure functions: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/mime/message.h"

namespace konvert {

struct EmailRecord {
  mime::Message message;
  std::vector<std::string> text_body;    // partIds, in order
  std::vector<std::string> html_body;    // partIds, in order
  std::vector<std::string> attachments;  // partIds, in order
  std::string preview;
  bool has_attachment = false;
  uint64_t size = 0;  // of the whole raw message
};

// Parses `raw` and computes everything above.
EmailRecord MakeEmailRecord(std::string_view raw);

// The record as bytes (versioned JSON), and back. ParseEmailRecord gives
// nullopt for bytes that are corrupt or of another version: a cache miss.
std::string SerializeEmailRecord(const EmailRecord& record);
std::optional<EmailRecord> ParseEmailRecord(std::string_view bytes);

// The part with `part_id` in the tree under `root`, or nullptr.
const mime::Part* FindPart(const mime::Part& root, std::string_view part_id);

}  // namespace konvert
