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

// Values with spaces, quotes or control characters are quoted so that a
// line always splits back into the same fields.
void AppendValue(std::string* out, std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) plain = false;
  }
  if (plain) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < ' ' || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
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

void Write(Level level, std::string_view event, const Context& context,
           std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;

  std::string line = "ts=" + Timestamp();
  AppendField(&line, "level", LevelName(level));
  AppendField(&line, "event", event);
  for (const Field& f : context.fields()) AppendField(&line, f.key, f.value);
  for (const Field& f : fields) AppendField(&line, f.key, f.value);
  line.push_back('\n');

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
