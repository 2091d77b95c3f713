#include "store/log/logger.h"

#include <gtest/gtest.h>

namespace konvert::log {
namespace {

// The line without its timestamp and newline.
std::string Fields(std::string_view event, const Context& context,
                   std::initializer_list<Field> fields) {
  std::string line = FormatLine(Level::kInfo, event, context, fields);
  return line.substr(line.find(' ') + 1, line.size() - line.find(' ') - 2);
}

TEST(Logger, WritesKeyValueFieldsWithInheritedContext) {
  Context context = Context().With("request_id", "7").With("account", "alice@example.test");
  EXPECT_EQ(Fields("request_finished", context, {{"status", 200}, {"duration_us", int64_t{35}}}),
            "level=info event=request_finished request_id=7 account=alice@example.test "
            "status=200 duration_us=35");
}

TEST(Logger, QuotesAndEscapesValuesThatWouldSplitTheLine) {
  struct Case {
    std::string value;
    std::string written;
  };
  const Case cases[] = {
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"a=b", "\"a=b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"line\nbreak", "\"line\\x0abreak\""},
      {"Фёдор", "\"Фёдор\""},
      {"bad\xff\xfe utf8", "\"bad\\xff\\xfe utf8\""},
      {"cut \xd0", "\"cut \\xd0\""},
      {"surrogate \xed\xa0\x80", "\"surrogate \\xed\\xa0\\x80\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Fields("e", Context(), {{"error", c.value}}), "level=info event=e error=" + c.written)
        << c.value;
  }
}

TEST(Logger, LevelsFilter) {
  SetLevel(Level::kWarn);
  EXPECT_TRUE(Enabled(Level::kError));
  EXPECT_FALSE(Enabled(Level::kInfo));
  SetLevel(Level::kDebug);
  EXPECT_TRUE(Enabled(Level::kDebug));
  Level parsed;
  EXPECT_TRUE(ParseLevel("warn", &parsed));
  EXPECT_EQ(parsed, Level::kWarn);
  EXPECT_FALSE(ParseLevel("loud", &parsed));
}

TEST(Counter, CountsAndIsListed) {
  static Counter counter("test_counter");
  uint64_t before = counter.value();
  counter.Increment();
  counter.Increment();
  bool found = false;
  for (const auto& [name, value] : CounterSnapshot()) {
    if (name == "test_counter") found = value == before + 2;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace konvert::log
