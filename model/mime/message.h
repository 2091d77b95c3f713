// The MIME structure of one RFC 5322 message, as RFC 8621 §4.1.4 (bodyStructure) sees it.
//
// ParseMessage reads the raw bytes once and returns a tree of Parts that point back into
// them by offset; no body is copied or decoded, so the caller keeps the raw message and
// passes it to PartText (preview.h) to read one part. The parser never fails: malformed MIME
// (missing boundaries, bad headers, LF-only line ends, truncated input) still gives the best
// tree it can, because RFC 8621 servers must show whatever mail they hold.
//
// Part ids follow IMAP body sections (RFC 3501 §6.4.5): a message whose root is not
// multipart has one part, "1"; the children of a multipart root are "1", "2", …; the
// children of part "2" are "2.1", "2.2", …. A multipart root, which IMAP leaves unnamed, is
// "0". Ids are unique within a message and stable across parses of the same bytes.
// message/rfc822 parts are leaves (RFC 8621 does not descend into attached messages).
//
// Plain values: any thread. ParseMessage is linear in the input: one pass over the lines,
// where a line starting with "--" is compared with at most Limits::max_depth boundaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konvert::mime {

// One header field as it appears, in order.
struct Header {
  std::string name;  // as written, e.g. "Content-Type"
  std::string raw;   // the bytes after the colon to the end of the field, folding kept
                     // (JMAP header:X:asRaw); the field's final line break is not included.
                     // Bytes as written, not necessarily UTF-8: AsRaw (header_forms.h)
                     // gives text
};

// Every string of a Part is valid UTF-8, whatever bytes the message held. The ASCII tokens
// (type, charset, disposition, transfer_encoding) count as absent when they hold other bytes;
// cid, language and location keep what is valid, with U+FFFD for the rest.
struct Part {
  std::string part_id;
  std::vector<Header> headers;
  std::string type;  // lowercase "type/subtype"; text/plain when absent or invalid
                     // (RFC 2045 §5.2), message/rfc822 inside multipart/digest (RFC 2046 §5.1.5)
  std::optional<std::string> charset;      // lowercased parameter, "us-ascii" for text/* without
  bool charset_given = false;              // false when `charset` is only the RFC 2046 default
  std::optional<std::string> name;         // decoded file name: disposition filename, else type
                                           // name; SanitizeFileName (content_fields.h) applied
  std::optional<std::string> disposition;  // lowercase, e.g. "inline", "attachment"
  std::optional<std::string> cid;          // Content-ID without the angle brackets
  std::optional<std::vector<std::string>> language;
  std::optional<std::string> location;
  std::string transfer_encoding;  // lowercase, "7bit" when absent
  size_t offset = 0;              // where this part's header block starts in the raw message
  size_t body_offset = 0;         // where the (still transfer-encoded) body starts
  size_t body_length = 0;         // the encoded body's length; the line break before the next
                                  // boundary belongs to the boundary (RFC 2046 §5.1.1)
  uint64_t size = 0;              // body length after transfer decoding (RFC 8621 `size`)
  std::vector<Part> sub_parts;    // multipart/* only

  bool IsMultipart() const { return type.starts_with("multipart/"); }
};

struct Message {
  std::vector<Header> headers;  // the top-level header fields (also root.headers)
  Part root;
  bool truncated = false;  // a Limits value was hit; what was parsed is still valid
};

// Bounds on what one message may cost; Message::truncated tells that one was hit.
//
// Header blocks: every field is read, so a huge field costs time but not memory, and the
// fields after it are still found. A field (name and value) is cut to its first
// max_field_bytes, at the start of a UTF-8 sequence. The block then keeps each field in order
// while the fields kept so far number fewer than max_headers and their bytes fit in
// max_header_bytes; a field that does not fit is dropped alone and later ones that fit are
// still kept. The first Content-Type, Content-Disposition, Content-Transfer-Encoding,
// Content-ID, Content-Language and Content-Location of a block are always kept (cut like any
// field), because the part's structure is read from them. A block thus keeps at most
// max_header_bytes + 6 * max_field_bytes bytes in max_headers + 6 fields.
struct Limits {
  size_t max_depth = 32;               // nested multiparts below this are left unparsed
  size_t max_parts = 1000;             // parts beyond this are dropped
  size_t max_field_bytes = 256 << 10;  // per field; the rest is cut. Room for a Subject of
                                       // 3000 encoded-words (246 KB, a cyrus-imapd test)
  size_t max_header_bytes = 1 << 20;   // fields kept per header block, in bytes
  size_t max_headers = 5000;           // fields kept per header block
};

// Parses `raw`. Accepts CRLF and LF-only line ends, and an mbox "From " line before the
// headers. Never fails.
Message ParseMessage(std::string_view raw, const Limits& limits = Limits());

// The raw value of the first header named `name` (ASCII case-insensitive), or nullptr.
const Header* FindHeader(const std::vector<Header>& headers, std::string_view name);

// True when `a` and `b` are equal ignoring ASCII case (header names, charset names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace konvert::mime
