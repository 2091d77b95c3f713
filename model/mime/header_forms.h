// The parsed forms of header fields that JMAP Email/get returns (RFC 8621 §4.1.2), built as
// RapidJSON values so that api/ can put them straight into a response.
//
// Every function takes a field's raw value (Header::raw) and never fails: a value that does
// not parse gives the form's "null" (RFC 8621 §4.1.2: servers return null rather than an
// error). Values are allocated in the caller's allocator, which owns them. Every string
// returned or put into a Value is valid UTF-8, whatever bytes the field held.
//
// Pure functions: any thread (each call uses only its own allocator).
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/mime/addresses.h"
#include "model/mime/dates.h"

namespace konvert::mime {

using JsonAllocator = rapidjson::Document::AllocatorType;

enum class HeaderForm { kRaw, kText, kAddresses, kGroupedAddresses, kMessageIds, kDate, kURLs };

// "asRaw" -> kRaw, …, "asURLs" -> kURLs; nullopt for anything else. The JMAP property
// "header:X:asText" spells the form after the second colon.
std::optional<HeaderForm> HeaderFormFromName(std::string_view name);

// Whether `form` may be requested for the field `header_name` (case-insensitive), per
// RFC 8621 §4.1.2: asRaw always; asText on Subject, Comments, Keywords, List-Id; asAddresses
// and asGroupedAddresses on From, Sender, Reply-To, To, Cc, Bcc and their Resent- forms;
// asMessageIds on Message-ID, In-Reply-To, References, Resent-Message-ID; asDate on Date and
// Resent-Date; asURLs on the RFC 2369 List- fields. Fields that RFC 5322 and RFC 2369 do not
// define accept every form; the defined ones accept only those listed for them.
bool FormAllowed(std::string_view header_name, HeaderForm form);

// The form of `raw` as JSON; dispatches to the functions below.
rapidjson::Value HeaderValue(std::string_view raw, HeaderForm form, JsonAllocator& allocator);

// RFC 8621 §4.1.2.2 Text: unfolded, leading and trailing whitespace removed, RFC 2047 words
// decoded, raw 8-bit text detected, control characters dropped, NFC.
std::string TextForm(std::string_view raw);

// Message ids without angle brackets (RFC 5322 §3.6.4), nullopt when there are none. Invalid
// UTF-8 in an id becomes U+FFFD.
std::optional<std::vector<std::string>> ParseMessageIds(std::string_view raw);

// URLs from "<url>" items (RFC 2369 §2), nullopt when there are none. Invalid UTF-8 in a URL
// becomes U+FFFD.
std::optional<std::vector<std::string>> ParseUrls(std::string_view raw);

rapidjson::Value AsRaw(std::string_view raw, JsonAllocator& allocator);
rapidjson::Value AsText(std::string_view raw, JsonAllocator& allocator);
// [{"name": String|null, "email": String}], groups flattened.
rapidjson::Value AsAddresses(std::string_view raw, JsonAllocator& allocator);
// [{"name": String|null, "addresses": [...]}].
rapidjson::Value AsGroupedAddresses(std::string_view raw, JsonAllocator& allocator);
rapidjson::Value AsMessageIds(std::string_view raw, JsonAllocator& allocator);
// The field's own local time and offset, "2024-01-02T03:04:05+01:00", or null.
rapidjson::Value AsDate(std::string_view raw, JsonAllocator& allocator);
rapidjson::Value AsURLs(std::string_view raw, JsonAllocator& allocator);

// One EmailAddress object (RFC 8621 §4.1.2.3).
rapidjson::Value AddressToJson(const Address& address, JsonAllocator& allocator);

}  // namespace konvert::mime
