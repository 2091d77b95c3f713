#include "store/index/record_codec.h"

namespace konvert {

void RecordWriter::Uint(uint64_t value) {
  while (value >= 0x80) {
    data_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  data_.push_back(static_cast<char>(value));
}

void RecordWriter::Int(int64_t value) {
  Uint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
}

void RecordWriter::Bytes(std::string_view value) {
  Uint(value.size());
  data_.append(value);
}

bool RecordReader::Uint(uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; ok_ && shift < 64; shift += 7) {
    if (data_.empty()) break;
    auto byte = static_cast<unsigned char>(data_.front());
    data_.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  ok_ = false;
  return false;
}

bool RecordReader::Int(int64_t* value) {
  uint64_t raw = 0;
  if (!Uint(&raw)) return false;
  *value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return true;
}

bool RecordReader::Bytes(std::string* value) {
  uint64_t size = 0;
  if (!Uint(&size)) return false;
  if (size > data_.size()) {
    ok_ = false;
    return false;
  }
  value->assign(data_.substr(0, size));
  data_.remove_prefix(size);
  return true;
}

bool RecordReader::Bool(bool* value) {
  uint64_t raw = 0;
  if (!Uint(&raw) || raw > 1) {
    ok_ = false;
    return false;
  }
  *value = raw == 1;
  return true;
}

}  // namespace konvert
