#include "model/mime/dates.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace konvert::mime {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int MonthNumber(std::string_view token) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string lower = Lower(token.substr(0, 3));
  if (token.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == lower) return i + 1;
  }
  return 0;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Zone offset in minutes; false when `token` is no zone.
bool ZoneOffset(std::string_view token, int* minutes) {
  if ((token[0] == '+' || token[0] == '-') && token.size() == 5 && AllDigits(token.substr(1))) {
    int hh = ToInt(token.substr(1, 2));
    int mm = ToInt(token.substr(3, 2));
    if (hh > 23 || mm > 59) return false;
    *minutes = (token[0] == '-' ? -1 : 1) * (hh * 60 + mm);
    return true;
  }
  // RFC 5322 §4.3 obsolete zone names.
  static constexpr struct {
    std::string_view name;
    int hours;
  } kNames[] = {{"ut", 0},   {"utc", 0},  {"gmt", 0},  {"z", 0},    {"est", -5}, {"edt", -4},
                {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
  std::string lower = Lower(token);
  for (const auto& zone : kNames) {
    if (zone.name == lower) {
      *minutes = zone.hours * 60;
      return true;
    }
  }
  // Military letters are unreliable in practice: RFC 5322 says to read them as -0000.
  if (lower.size() == 1 && std::isalpha(static_cast<unsigned char>(lower[0]))) {
    *minutes = 0;
    return true;
  }
  return false;
}

std::vector<std::string_view> Tokens(std::string_view raw, std::string* storage) {
  // Comments are dropped first; ',' separates like whitespace.
  storage->clear();
  int depth = 0;
  for (char c : raw) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      storage->push_back(c == ',' || c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
    }
  }
  std::vector<std::string_view> tokens;
  std::string_view s = *storage;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > b) tokens.push_back(s.substr(b, i - b));
  }
  return tokens;
}

}  // namespace

std::optional<DateTime> ParseDateTime(std::string_view raw) {
  std::string storage;
  std::vector<std::string_view> tokens = Tokens(raw, &storage);
  size_t t = 0;
  // Day of week, possibly misspelt; it carries nothing RFC 5322 lets us check.
  if (t < tokens.size() && std::isalpha(static_cast<unsigned char>(tokens[t][0])) &&
      MonthNumber(tokens[t]) == 0) {
    ++t;
  }
  if (t + 3 > tokens.size()) return std::nullopt;

  // "2 Jan 2024" (RFC 5322) or "Jan 2 2024" (asctime-like).
  int day = 0, month = 0;
  if (AllDigits(tokens[t]) && (month = MonthNumber(tokens[t + 1])) != 0) {
    day = ToInt(tokens[t]);
  } else if ((month = MonthNumber(tokens[t])) != 0 && AllDigits(tokens[t + 1])) {
    day = ToInt(tokens[t + 1]);
  } else {
    return std::nullopt;
  }
  t += 2;

  std::string_view year_token = tokens[t++];
  std::string_view time_token;
  if (year_token.find(':') != std::string_view::npos && t < tokens.size()) {
    time_token = year_token;  // asctime puts the time before the year
    year_token = tokens[t++];
  } else if (t < tokens.size()) {
    time_token = tokens[t++];
  }
  if (!AllDigits(year_token) || year_token.size() > 4 || year_token.size() < 2) {
    return std::nullopt;
  }
  int64_t year = ToInt(year_token);
  if (year_token.size() == 2) year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3
  if (year_token.size() == 3) year += 1900;

  int hour = 0, minute = 0, second = 0;
  if (!time_token.empty()) {
    int parts[3] = {0, 0, 0};
    int n = 0;
    size_t b = 0;
    while (n < 3) {
      size_t colon = time_token.find(':', b);
      std::string_view piece = time_token.substr(
          b, colon == std::string_view::npos ? std::string_view::npos : colon - b);
      if (!AllDigits(piece) || piece.size() > 2) return std::nullopt;
      parts[n++] = ToInt(piece);
      if (colon == std::string_view::npos) break;
      b = colon + 1;
    }
    if (n < 2) return std::nullopt;
    hour = parts[0];
    minute = parts[1];
    second = parts[2];
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (second == 60) second = 59;  // a leap second, which Unix time cannot name

  int offset = 0;
  if (t < tokens.size() && !ZoneOffset(tokens[t], &offset)) offset = 0;

  DateTime out;
  out.offset_minutes = offset;
  out.utc_seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
                    static_cast<int64_t>(offset) * 60;
  return out;
}

std::optional<int64_t> ParseDate(std::string_view raw) {
  std::optional<DateTime> date = ParseDateTime(raw);
  if (!date) return std::nullopt;
  return date->utc_seconds;
}

namespace {

std::string FormatLocal(int64_t local_seconds) {
  int64_t days = local_seconds / 86400;
  int64_t rem = local_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

}  // namespace

std::string FormatUtcDate(int64_t seconds) { return FormatLocal(seconds) + "Z"; }

std::string FormatDate(const DateTime& date) {
  std::string out = FormatLocal(date.utc_seconds + static_cast<int64_t>(date.offset_minutes) * 60);
  if (date.offset_minutes == 0) return out + "Z";
  int abs = date.offset_minutes < 0 ? -date.offset_minutes : date.offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%c%02d:%02d", date.offset_minutes < 0 ? '-' : '+', abs / 60,
                abs % 60);
  return out + buf;
}

}  // namespace konvert::mime
