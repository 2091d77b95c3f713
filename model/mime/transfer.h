// Content-Transfer-Encoding decoding (RFC 2045 §6) for message bodies and encoded-words.
//
// Decoders are lenient, because RFC 8621 servers must show whatever mail arrived: base64
// skips characters outside its alphabet and tolerates missing padding; quoted-printable keeps
// invalid escapes literally. The size functions give the decoded length without building it,
// so that a part's RFC 8621 `size` costs no allocation.
//
// Pure functions: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace konvert::mime {

// Decodes `body` per `transfer_encoding` (case-insensitive): "base64", "quoted-printable",
// "x-uuencode"/"x-uue"/"uuencode"; anything else ("7bit", "8bit", "binary", unknown) is the
// identity.
std::string DecodeTransfer(std::string_view body, std::string_view transfer_encoding);

// The length DecodeTransfer would return, computed without keeping the decoded bytes.
uint64_t DecodedSize(std::string_view body, std::string_view transfer_encoding);

// Base64 as MIME uses it (RFC 2045 §6.8): non-alphabet characters skipped, '=' ends a
// quantum (decoding resumes after it, for bodies glued from several encoded chunks), a
// trailing partial quantum of 2 or 3 characters still yields its bytes.
std::string DecodeBase64(std::string_view text);

// Quoted-printable of bodies (RFC 2045 §6.7): "=XX" (either case of hex) decoded, invalid
// escapes kept as written, soft line breaks removed, whitespace at the end of an encoded line
// dropped (rule 3: it was added in transport). Line breaks are kept as they were (CRLF or LF).
std::string DecodeQuotedPrintable(std::string_view text);

// The "Q" encoding of RFC 2047 §4.2: QP where "_" stands for a space and there are no lines.
std::string DecodeQEncoding(std::string_view text);

}  // namespace konvert::mime
