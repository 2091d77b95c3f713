// StringIndex: numbers distinct strings 0, 1, 2, … in the order first seen,
// for the per-thread work of a query (collapsing, thread keywords) over
// tens of thousands of threads. Open addressing over one array, so adding a
// string allocates nothing but the occasional doubling, unlike a node-based
// std::unordered_map.
//
// It keeps views: the strings must outlive it. One owner, one thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace konvert::mail {

class StringIndex {
 public:
  explicit StringIndex(size_t expected = 0);

  // The number of `key`, giving it the next number when it is new; then
  // `*added` is true.
  uint32_t Insert(std::string_view key, bool* added);

  size_t size() const { return keys_.size(); }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  void Grow();

  std::vector<uint32_t> slots_;  // numbers, or kEmpty; size a power of two
  std::vector<std::string_view> keys_;
  std::vector<size_t> hashes_;
};

}  // namespace konvert::mail
