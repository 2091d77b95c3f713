// RFC 5322 §3.3 date-times (with the obsolete forms of §4.3) and their RFC 3339 spelling,
// which JMAP's Date and UTCDate types use (RFC 8620 §1.4).
//
// Pure functions: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace konvert::mime {

struct DateTime {
  int64_t utc_seconds = 0;  // seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;   // the zone written in the field, east of UTC
};

// Parses a Date-like field value: optional day of week, day, month name, 2-, 3- or 4-digit
// year, hh:mm with optional :ss, a numeric zone or an obsolete name ("EST", "GMT", military
// letters count as -0000 per RFC 5322 §4.3), comments ignored. nullopt for anything else.
std::optional<DateTime> ParseDateTime(std::string_view raw);

// ParseDateTime's instant only.
std::optional<int64_t> ParseDate(std::string_view raw);

// "2024-01-02T03:04:05Z" (RFC 8620 UTCDate).
std::string FormatUtcDate(int64_t seconds);

// "2024-01-02T03:04:05+01:00": the local time of `date` with its offset (RFC 8620 Date);
// a zero offset is written "Z".
std::string FormatDate(const DateTime& date);

}  // namespace konvert::mime
