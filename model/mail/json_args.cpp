#include "model/mail/json_args.h"

namespace konvert::mail {
namespace {

constexpr int64_t kMaxSafeInt = (int64_t{1} << 53) - 1;
constexpr size_t kMaxIdLength = 255;

// Days since 1970-01-01 of a proleptic Gregorian date (the usual
// era-based conversion, exact for every year).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int64_t DaysInMonth(int64_t year, int64_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads `count` digits at `*pos`; false when any is not a digit.
bool Digits(std::string_view text, size_t* pos, size_t count, int64_t* out) {
  if (*pos + count > text.size()) return false;
  int64_t value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += count;
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

Status InvalidArgument(std::string_view field, std::string_view what) {
  return Status(ErrorKind::kInvalidArguments, std::string(field) + ": " + std::string(what));
}

std::string_view StringOf(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

bool IsJmapId(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdLength) return false;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> ReadString(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsString()) return InvalidArgument(field, "not a string");
  return std::string(StringOf(value));
}

Result<std::string> ReadId(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsString() || !IsJmapId(StringOf(value))) return InvalidArgument(field, "not an Id");
  return std::string(StringOf(value));
}

Result<bool> ReadBool(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsBool()) return InvalidArgument(field, "not a boolean");
  return value.GetBool();
}

Result<int64_t> ReadInt(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsInt64()) return InvalidArgument(field, "not an Int");
  int64_t number = value.GetInt64();
  if (number > kMaxSafeInt || number < -kMaxSafeInt) return InvalidArgument(field, "out of range");
  return number;
}

Result<uint64_t> ReadUnsignedInt(const rapidjson::Value& value, std::string_view field) {
  Result<int64_t> number = ReadInt(value, field);
  if (!number.ok()) return InvalidArgument(field, "not an UnsignedInt");
  if (*number < 0) return InvalidArgument(field, "negative");
  return static_cast<uint64_t>(*number);
}

Result<int64_t> ReadUtcDate(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsString()) return InvalidArgument(field, "not a UTCDate");
  std::string_view text = StringOf(value);

  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool ok =
      Digits(text, &pos, 4, &year) && Expect(text, &pos, '-') && Digits(text, &pos, 2, &month) &&
      Expect(text, &pos, '-') && Digits(text, &pos, 2, &day) && Expect(text, &pos, 'T') &&
      Digits(text, &pos, 2, &hour) && Expect(text, &pos, ':') && Digits(text, &pos, 2, &minute) &&
      Expect(text, &pos, ':') && Digits(text, &pos, 2, &second);
  if (!ok || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return InvalidArgument(field, "not a UTCDate");
  }

  // time-secfrac: "." 1*DIGIT; any non-zero digit rounds up a second.
  bool fraction = false;
  if (pos < text.size() && text[pos] == '.') {
    size_t first = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (text[pos] != '0') fraction = true;
      ++pos;
    }
    if (pos == first) return InvalidArgument(field, "not a UTCDate");
  }
  // RFC 8620 §1.4: a UTCDate's offset is always "Z".
  if (!Expect(text, &pos, 'Z') || pos != text.size()) {
    return InvalidArgument(field, "not a UTCDate (time zone must be \"Z\")");
  }

  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second +
         (fraction ? 1 : 0);
}

}  // namespace konvert::mail
