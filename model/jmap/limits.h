// Limits: the numbers advertised in the JMAP session's core capability
// (RFC 8620 §2) and enforced by api/. Plain value, any thread.
#pragma once

#include <cstdint>

namespace konvert::jmap {

struct Limits {
  uint64_t max_size_upload = 50'000'000;
  uint32_t max_concurrent_upload = 4;
  uint64_t max_size_request = 10'000'000;
  uint32_t max_concurrent_requests = 8;
  uint32_t max_calls_in_request = 32;
  uint32_t max_objects_in_get = 500;
  uint32_t max_objects_in_set = 500;
  // Not advertised: a request nested deeper than this is refused with
  // `limit` before it is built into a DOM, so no input can exhaust the stack.
  uint32_t max_json_depth = 64;
  // Not advertised: the largest response body, in bytes. Result references
  // let a small request copy earlier answers again and again, so without it
  // a few kilobytes could ask for a response of any size.
  uint64_t max_size_response = 16'000'000;
};

}  // namespace konvert::jmap
