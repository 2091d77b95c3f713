// Logger: one line per event, `key=value` fields, four levels.
//
// A line looks like
//   ts=2026-12-04T16:40:00.123Z level=info event=request_finished request_id=7 status=200
// Fields come from a short documented list: request_id, account, method, mailbox,
// imap_command, duration_us, error, plus a few event-specific ones (status, path,
// client, port). A LogContext carries the fields of a request so that every line
// logged while serving it inherits them.
//
// Never pass a password, token, cookie or message body as a field value.
//
// Thread-safe: each line is written with one write(2) call to stderr.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace konvert::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Parses "error", "warn", "info", "debug"; false for anything else.
bool ParseLevel(std::string_view text, Level* level);
void SetLevel(Level level);
bool Enabled(Level level);

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, int64_t v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, uint64_t v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}

  std::string key;
  std::string value;
};

// The fields shared by every line of one request or task. Cheap to copy.
class Context {
 public:
  Context() = default;
  Context With(std::string_view key, std::string_view value) const;
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

void Write(Level level, std::string_view event, const Context& context,
           std::initializer_list<Field> fields = {});

// The line Write would write, newline included; exposed for tests.
std::string FormatLine(Level level, std::string_view event, const Context& context,
                       std::initializer_list<Field> fields = {});

inline void Error(std::string_view event, const Context& c, std::initializer_list<Field> f = {}) {
  Write(Level::kError, event, c, f);
}
inline void Warn(std::string_view event, const Context& c, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, event, c, f);
}
inline void Info(std::string_view event, const Context& c, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, event, c, f);
}
inline void Debug(std::string_view event, const Context& c, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, event, c, f);
}

// Counters for what operators alert on (failed logins, IMAP unavailable, ...).
// Named once at namespace scope; Increment is lock-free.
class Counter {
 public:
  explicit Counter(std::string_view name);
  void Increment() { value_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  std::string_view name() const { return name_; }

 private:
  std::string name_;
  std::atomic<uint64_t> value_{0};
};

// Every counter with its value, in the order they were created.
std::vector<std::pair<std::string, uint64_t>> CounterSnapshot();

}  // namespace konvert::log
