#include "store/log/logger.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <mutex>

namespace konvert::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kError:
      return "error";
    case Level::kWarn:
      return "warn";
    case Level::kInfo:
      return "info";
    case Level::kDebug:
      return "debug";
  }
  return "info";
}

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8Length(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || n > s.size() || (n == 2 && c < 0xc2)) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  if (n == 3 && ((c == 0xe0 && byte(1) < 0xa0) || (c == 0xed && byte(1) >= 0xa0))) return 0;
  if (n == 4 && ((c == 0xf0 && byte(1) < 0x90) || c > 0xf4 || (c == 0xf4 && byte(1) >= 0x90))) {
    return 0;
  }
  return n;
}

void AppendEscaped(std::string* out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// Values with spaces, quotes, control characters or bytes that are not
// UTF-8 are quoted and escaped, so that a line always splits back into the
// same fields and stays valid UTF-8 whatever a client or server sent.
void AppendValue(std::string* out, std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) plain = false;
  }
  if (plain) {
    out->append(value);
    return;
  }
  out->push_back('"');
  while (!value.empty()) {
    unsigned char c = static_cast<unsigned char>(value[0]);
    size_t n = Utf8Length(value);
    if (n == 0 || c < ' ' || c == 0x7f) {
      AppendEscaped(out, c);
      n = 1;
    } else {
      if (c == '"' || c == '\\') out->push_back('\\');
      out->append(value.substr(0, n));
    }
    value.remove_prefix(n);
  }
  out->push_back('"');
}

void AppendField(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(' ');
  out->append(key);
  out->push_back('=');
  AppendValue(out, value);
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000));
  return buf;
}

std::mutex& CounterMutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<Counter*>& Counters() {
  static std::vector<Counter*> counters;
  return counters;
}

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  for (Level l : {Level::kError, Level::kWarn, Level::kInfo, Level::kDebug}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool Enabled(Level level) { return static_cast<int>(level) <= g_level.load(); }

Context Context::With(std::string_view key, std::string_view value) const {
  Context copy = *this;
  copy.fields_.emplace_back(key, value);
  return copy;
}

std::string FormatLine(Level level, std::string_view event, const Context& context,
                       std::initializer_list<Field> fields) {
  std::string line = "ts=" + Timestamp();
  AppendField(&line, "level", LevelName(level));
  AppendField(&line, "event", event);
  for (const Field& f : context.fields()) AppendField(&line, f.key, f.value);
  for (const Field& f : fields) AppendField(&line, f.key, f.value);
  line.push_back('\n');
  return line;
}

void Write(Level level, std::string_view event, const Context& context,
           std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line = FormatLine(level, event, context, fields);

  // One write per line keeps lines from different threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

Counter::Counter(std::string_view name) : name_(name) {
  std::lock_guard lock(CounterMutex());
  Counters().push_back(this);
}

std::vector<std::pair<std::string, uint64_t>> CounterSnapshot() {
  std::lock_guard lock(CounterMutex());
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const Counter* c : Counters()) out.emplace_back(c->name(), c->value());
  return out;
}

}  // namespace konvert::log
