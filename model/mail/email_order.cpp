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
uint64_t PrefixKey(const std::string& text) {
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

EmailOrder::EmailOrder(const std::vector<EmailComparator>& sort,
                       std::span<const EmailSummary* const> rows, ThreadKeywords* threads)
    : rows_(rows) {
  std::vector<EmailComparator> comparators = sort;
  if (comparators.empty()) {
    comparators.push_back({EmailSortProperty::kReceivedAt, "", false});
  }

  for (const EmailComparator& comparator : comparators) {
    Column column{comparator.property, comparator.is_ascending, {}};
    if (!IsString(comparator.property)) {
      column.keys.reserve(rows.size());
      for (const EmailSummary* email : rows) {
        uint64_t key = NumericKey(*email, comparator, threads);
        column.keys.push_back(comparator.is_ascending ? key : ~key);
      }
    }
    columns_.push_back(std::move(column));
  }

  // The first column packed into each entry.
  const Column& first = columns_.front();
  first_is_exact_ = !IsString(first.property);
  if (first_is_exact_) {
    first_keys_ = first.keys;
    return;
  }
  first_keys_.reserve(rows.size());
  for (const EmailSummary* email : rows) {
    uint64_t key = PrefixKey(StringKey(*email, first.property));
    first_keys_.push_back(first.is_ascending ? key : ~key);
  }
}

std::vector<SortEntry> EmailOrder::Entries() const {
  std::vector<SortEntry> entries(rows_.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i] = SortEntry{first_keys_[i], static_cast<uint32_t>(i)};
  }
  return entries;
}

int EmailOrder::CompareColumn(const Column& column, uint32_t a, uint32_t b) const {
  if (!column.keys.empty()) {
    uint64_t key_a = column.keys[a];
    uint64_t key_b = column.keys[b];
    return key_a < key_b ? -1 : (key_a > key_b ? 1 : 0);
  }
  int order = StringKey(*rows_[a], column.property).compare(StringKey(*rows_[b], column.property));
  if (!column.is_ascending) order = -order;
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

bool EmailOrder::Less(const SortEntry& a, const SortEntry& b) const {
  if (a.key != b.key) return a.key < b.key;

  for (size_t i = first_is_exact_ ? 1 : 0; i < columns_.size(); ++i) {
    int order = CompareColumn(columns_[i], a.row, b.row);
    if (order != 0) return order < 0;
  }

  // RFC 8620 §5.5 leaves ties to the server; a fixed rule keeps paging and
  // queryChanges consistent between calls.
  const EmailSummary& email_a = *rows_[a.row];
  const EmailSummary& email_b = *rows_[b.row];
  if (email_a.received_at != email_b.received_at) {
    return email_a.received_at > email_b.received_at;
  }
  return email_a.id < email_b.id;
}

}  // namespace konvert::mail
