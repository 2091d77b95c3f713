// EmailOrder: the total order an Email/query sorts by, built once per query
// so that each comparison reads precomputed keys and allocates nothing.
//
// Rows are added one by one as the filter accepts them, so each summary is
// read once while it is in cache. Every comparator after the first becomes
// a column of unsigned keys (numbers, booleans) or of views of the folded
// string keys. The first comparator is packed into each SortEntry (a
// string's first 8 bytes), and so is the tie-breaker, receivedAt descending,
// so most comparisons decide on integers in the entries themselves. The last
// tie-breaker is the id.
//
// One per query, on one thread; it points into the summaries, which must
// outlive it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/mail/email_query.h"

namespace konvert::mail {

struct SortEntry {
  uint64_t key = 0;  // the first comparator's packed key
  uint64_t tie = 0;  // receivedAt, packed so that ascending is newest first
  uint32_t row = 0;  // index of the row in the EmailOrder
};

class EmailOrder {
 public:
  // `sort` empty means receivedAt descending. `threads` is used only by the
  // thread-keyword sorts.
  EmailOrder(const std::vector<EmailComparator>& sort, ThreadKeywords* threads);

  // Makes room for `count` rows.
  void Reserve(size_t count);

  // Adds `email` as the next row and returns its entry. At most 2^32 - 1.
  SortEntry Add(const EmailSummary* email);

  const EmailSummary& Row(uint32_t row) const { return *rows_[row]; }

  // Inline for the common case, which the packed keys decide; sorting
  // 100,000 entries calls it about two million times.
  bool Less(const SortEntry& a, const SortEntry& b) const {
    if (a.key != b.key) return a.key < b.key;
    if (columns_.empty() && a.tie != b.tie) return a.tie < b.tie;
    return LessAfterKey(a, b);
  }

 private:
  struct Column {
    EmailComparator comparator;
    std::vector<uint64_t> keys;             // numbers and booleans
    std::vector<std::string_view> strings;  // from, to, subject
  };

  int CompareColumn(const Column& column, uint32_t a, uint32_t b) const;
  // Less for entries with equal packed keys.
  bool LessAfterKey(const SortEntry& a, const SortEntry& b) const;

  ThreadKeywords* threads_;
  std::vector<const EmailSummary*> rows_;
  EmailComparator first_;
  // Every comparator after the first; for a string first comparator, also
  // that one, to compare past the packed prefix.
  std::vector<Column> columns_;
};

// True when `sort` needs the other Emails of a thread.
bool SortNeedsThreads(const std::vector<EmailComparator>& sort);

}  // namespace konvert::mail
