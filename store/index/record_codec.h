// RecordWriter / RecordReader: the compact binary form of the records that
// the mail cache keeps in RocksDB.
//
// A record is a sequence of unsigned varints and length-prefixed byte
// strings, written and read in the same order. The reader never trusts its
// input: every read reports a truncated or oversized field as failure
// instead of reading past the end, so that a corrupt record is a cache miss
// (issue 3), never a crash.
//
// Plain values; one thread at a time per object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace konvert {

class RecordWriter {
 public:
  void Uint(uint64_t value);
  void Int(int64_t value);  // zig-zag, so that small negatives stay short
  void Bytes(std::string_view value);
  void Bool(bool value) { Uint(value ? 1 : 0); }

  const std::string& data() const { return data_; }
  std::string Take() { return std::move(data_); }

 private:
  std::string data_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view data) : data_(data) {}

  // Each returns false once the input is exhausted or malformed; from then
  // on every read fails and ok() is false.
  bool Uint(uint64_t* value);
  bool Int(int64_t* value);
  bool Bytes(std::string* value);
  bool Bool(bool* value);

  bool ok() const { return ok_; }
  bool at_end() const { return data_.empty(); }

 private:
  std::string_view data_;
  bool ok_ = true;
};

}  // namespace konvert
