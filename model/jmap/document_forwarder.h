// DocumentForwarder: a RapidJSON SAX handler that passes every event on to
// a Document being built.
//
// Builders that check or change some events (a depth limit, copying every
// string) derive from it and redefine only those methods; RapidJSON calls
// handler methods on the derived type, so the redefinitions take effect
// without virtual calls. Any thread; one builder per document.
#pragma once

#include <cstdint>

#include "rapidjson/document.h"

namespace konvert::jmap {

class DocumentForwarder {
 public:
  using SizeType = rapidjson::SizeType;

  explicit DocumentForwarder(rapidjson::Document& document) : document_(document) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* s, SizeType n, bool copy) { return document_.RawNumber(s, n, copy); }
  bool String(const char* s, SizeType n, bool copy) { return document_.String(s, n, copy); }
  bool Key(const char* s, SizeType n, bool copy) { return document_.Key(s, n, copy); }
  bool StartObject() { return document_.StartObject(); }
  bool EndObject(SizeType members) { return document_.EndObject(members); }
  bool StartArray() { return document_.StartArray(); }
  bool EndArray(SizeType elements) { return document_.EndArray(elements); }

 protected:
  rapidjson::Document& document_;
};

}  // namespace konvert::jmap
