// EmailOrder: the total order an Email/query sorts by, built once per query
// so that each comparison reads precomputed keys and allocates nothing.
//
// Every comparator becomes a column of unsigned keys (numbers, booleans) or
// a reference to the summary's folded string key; the first comparator is
// also packed into each SortEntry (a string's first 8 bytes), so most
// comparisons decide on that one integer. Ties go to receivedAt descending,
// then id. One per query, on one thread; it points into `rows`, which must
// outlive it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/mail/email_query.h"

namespace konvert::mail {

struct SortEntry {
  uint64_t key = 0;  // the first comparator's packed key
  uint32_t row = 0;  // index into the rows the order was built for
};

class EmailOrder {
 public:
  // `sort` empty means receivedAt descending. `threads` is used only by the
  // thread-keyword sorts.
  EmailOrder(const std::vector<EmailComparator>& sort, std::span<const EmailSummary* const> rows,
             ThreadKeywords* threads);

  // One entry per row, in row order.
  std::vector<SortEntry> Entries() const;

  bool Less(const SortEntry& a, const SortEntry& b) const;

 private:
  struct Column {
    EmailSortProperty property;
    bool is_ascending;
    std::vector<uint64_t> keys;  // empty for the string properties
  };

  int CompareColumn(const Column& column, uint32_t a, uint32_t b) const;

  std::span<const EmailSummary* const> rows_;
  std::vector<Column> columns_;
  std::vector<uint64_t> first_keys_;
  // The packed key decides the first column entirely (it is not a string).
  bool first_is_exact_ = false;
};

// True when `sort` needs the other Emails of a thread.
bool SortNeedsThreads(const std::vector<EmailComparator>& sort);

}  // namespace konvert::mail
