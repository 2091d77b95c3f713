// Reading JMAP method arguments: typed getters over RapidJSON values that
// fail with kInvalidArguments naming the field ("filter/conditions/1/before:
// not a UTCDate"), shared by the /query parsers of model/mail.
//
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

// kInvalidArguments with the message "<field>: <what>".
Status InvalidArgument(std::string_view field, std::string_view what);

// The text of a string value; the caller has checked IsString().
std::string_view StringOf(const rapidjson::Value& value);

// An Id (RFC 8620 §1.2): 1 to 255 of A–Z a–z 0–9 "-" "_".
bool IsJmapId(std::string_view text);

Result<std::string> ReadString(const rapidjson::Value& value, std::string_view field);
Result<std::string> ReadId(const rapidjson::Value& value, std::string_view field);
Result<bool> ReadBool(const rapidjson::Value& value, std::string_view field);
// Int: an integer in -2^53+1 … 2^53-1 (RFC 8620 §1.3).
Result<int64_t> ReadInt(const rapidjson::Value& value, std::string_view field);
// UnsignedInt: an Int that is not negative.
Result<uint64_t> ReadUnsignedInt(const rapidjson::Value& value, std::string_view field);

// A UTCDate (RFC 8620 §1.4, "2024-01-02T03:04:05Z", optional fraction of a
// second) as whole seconds since the epoch, a fraction rounding up: Konvert's
// times have whole seconds, so `t < date` and `t >= date` keep their meaning.
Result<int64_t> ReadUtcDate(const rapidjson::Value& value, std::string_view field);

}  // namespace konvert::mail
