#include "model/mail/string_index.h"

#include <functional>

namespace konvert::mail {

StringIndex::StringIndex(size_t expected) {
  size_t capacity = 16;
  while (capacity < expected * 2) capacity <<= 1;
  slots_.assign(capacity, kEmpty);
  keys_.reserve(expected);
  hashes_.reserve(expected);
}

uint32_t StringIndex::Insert(std::string_view key, bool* added) {
  // Kept at most half full, so probe runs stay short.
  if ((keys_.size() + 1) * 2 > slots_.size()) Grow();

  size_t hash = std::hash<std::string_view>()(key);
  size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot] != kEmpty) {
    uint32_t number = slots_[slot];
    if (hashes_[number] == hash && keys_[number] == key) {
      *added = false;
      return number;
    }
    slot = (slot + 1) & mask;
  }

  uint32_t number = static_cast<uint32_t>(keys_.size());
  slots_[slot] = number;
  keys_.push_back(key);
  hashes_.push_back(hash);
  *added = true;
  return number;
}

void StringIndex::Grow() {
  slots_.assign(slots_.size() * 2, kEmpty);
  size_t mask = slots_.size() - 1;
  for (uint32_t number = 0; number < keys_.size(); ++number) {
    size_t slot = hashes_[number] & mask;
    while (slots_[slot] != kEmpty) slot = (slot + 1) & mask;
    slots_[slot] = number;
  }
}

}  // namespace konvert::mail
