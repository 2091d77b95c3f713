#include "model/mail/email_order.h"

#include <algorithm>

namespace konvert::mail {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

bool IsString(EmailSortProperty property) {
  return property == EmailSortProperty::kFrom || property == EmailSortProperty::kTo ||
         property == EmailSortProperty::kSubject;
}

const std::string& StringKey(const EmailSummary& email, EmailSortProperty property) {
  switch (property) {
    case EmailSortProperty::kFrom:
      return email.from_key;
    case EmailSortProperty::kTo:
      return email.to_key;
    default:
      return email.subject_key;
  }
}

// An unsigned key whose order is the order of `value`.
uint64_t SignedKey(int64_t value) { return static_cast<uint64_t>(value) ^ kSignBit; }

// The first 8 bytes of a string key, big-endian, so that integer order is
// byte order; strings equal in those bytes compare in full afterwards.
uint64_t PrefixKey(std::string_view text) {
  uint64_t key = 0;
  for (size_t i = 0; i < 8; ++i) {
    key = (key << 8) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0);
  }
  return key;
}

uint64_t NumericKey(const EmailSummary& email, const EmailComparator& comparator,
                    ThreadKeywords* threads) {
  switch (comparator.property) {
    case EmailSortProperty::kReceivedAt:
      return SignedKey(email.received_at);
    case EmailSortProperty::kSentAt:
      return SignedKey(email.sent_at);
    case EmailSortProperty::kSize:
      return email.size;
    case EmailSortProperty::kHasKeyword:
      return HasKeyword(email, comparator.keyword) ? 1 : 0;
    case EmailSortProperty::kAllInThreadHaveKeyword:
      return threads->Check(email, ThreadQuantifier::kAll, comparator.keyword) ? 1 : 0;
    case EmailSortProperty::kSomeInThreadHaveKeyword:
      return threads->Check(email, ThreadQuantifier::kSome, comparator.keyword) ? 1 : 0;
    default:
      return 0;
  }
}

}  // namespace

bool SortNeedsThreads(const std::vector<EmailComparator>& sort) {
  return std::any_of(sort.begin(), sort.end(), [](const EmailComparator& comparator) {
    return comparator.property == EmailSortProperty::kAllInThreadHaveKeyword ||
           comparator.property == EmailSortProperty::kSomeInThreadHaveKeyword;
  });
}

EmailOrder::EmailOrder(const std::vector<EmailComparator>& sort, ThreadKeywords* threads)
    : threads_(threads) {
  std::vector<EmailComparator> comparators = sort;
  if (comparators.empty()) comparators.push_back({EmailSortProperty::kReceivedAt, "", false});

  first_ = comparators.front();
  size_t first_column = IsString(first_.property) ? 0 : 1;
  for (size_t i = first_column; i < comparators.size(); ++i) {
    columns_.push_back(Column{comparators[i], {}, {}});
  }
}

void EmailOrder::Reserve(size_t count) {
  rows_.reserve(count);
  for (Column& column : columns_) {
    if (IsString(column.comparator.property)) {
      column.strings.reserve(count);
    } else {
      column.keys.reserve(count);
    }
  }
}

SortEntry EmailOrder::Add(const EmailSummary* email) {
  SortEntry entry;
  entry.row = static_cast<uint32_t>(rows_.size());
  rows_.push_back(email);

  if (IsString(first_.property)) {
    entry.key = PrefixKey(StringKey(*email, first_.property));
  } else {
    entry.key = NumericKey(*email, first_, threads_);
  }
  if (!first_.is_ascending) entry.key = ~entry.key;
  entry.tie = ~SignedKey(email->received_at);

  for (Column& column : columns_) {
    const EmailComparator& comparator = column.comparator;
    if (IsString(comparator.property)) {
      column.strings.push_back(StringKey(*email, comparator.property));
    } else {
      uint64_t key = NumericKey(*email, comparator, threads_);
      column.keys.push_back(comparator.is_ascending ? key : ~key);
    }
  }
  return entry;
}

int EmailOrder::CompareColumn(const Column& column, uint32_t a, uint32_t b) const {
  if (!IsString(column.comparator.property)) {
    uint64_t key_a = column.keys[a];
    uint64_t key_b = column.keys[b];
    return key_a < key_b ? -1 : (key_a > key_b ? 1 : 0);
  }
  int order = column.strings[a].compare(column.strings[b]);
  if (!column.comparator.is_ascending) order = -order;
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

bool EmailOrder::LessAfterKey(const SortEntry& a, const SortEntry& b) const {
  for (const Column& column : columns_) {
    int order = CompareColumn(column, a.row, b.row);
    if (order != 0) return order < 0;
  }

  // RFC 8620 §5.5 leaves ties to the server; a fixed rule keeps paging and
  // queryChanges consistent between calls.
  if (a.tie != b.tie) return a.tie < b.tie;
  return rows_[a.row]->id < rows_[b.row]->id;
}

}  // namespace konvert::mail
