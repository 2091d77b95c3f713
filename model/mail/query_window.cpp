#include "model/mail/query_window.h"

#include <algorithm>

#include "model/mail/json_args.h"

namespace konvert::mail {

Status ParseWindowArgument(std::string_view name, const rapidjson::Value& value,
                           QueryWindow* window, bool* handled) {
  *handled = true;
  if (name != "position" && name != "anchor" && name != "anchorOffset" && name != "limit" &&
      name != "calculateTotal") {
    *handled = false;
    return Status::Ok();
  }
  if (value.IsNull()) return Status::Ok();

  if (name == "position" || name == "anchorOffset") {
    Result<int64_t> number = ReadInt(value, name);
    if (!number.ok()) return number.status();
    (name == "position" ? window->position : window->anchor_offset) = *number;
  } else if (name == "anchor") {
    Result<std::string> id = ReadId(value, name);
    if (!id.ok()) return id.status();
    window->anchor = std::move(*id);
  } else if (name == "limit") {
    // RFC 8620 §5.5: a negative limit MUST be rejected with invalidArguments.
    Result<uint64_t> limit = ReadUnsignedInt(value, name);
    if (!limit.ok()) return limit.status();
    window->limit = *limit;
  } else {
    Result<bool> flag = ReadBool(value, name);
    if (!flag.ok()) return flag.status();
    window->calculate_total = *flag;
  }
  return Status::Ok();
}

WindowSpan ComputeWindow(size_t count, const QueryWindow& window,
                         std::optional<size_t> anchor_index) {
  int64_t start = 0;
  if (anchor_index) {
    start = static_cast<int64_t>(*anchor_index) + window.anchor_offset;
  } else {
    start = window.position;
    if (start < 0) start += static_cast<int64_t>(count);
  }
  if (start < 0) start = 0;

  WindowSpan span;
  span.position = static_cast<uint64_t>(start);
  span.begin = static_cast<size_t>(std::min<uint64_t>(span.position, count));
  span.end = count;
  if (window.limit && *window.limit < count - span.begin) {
    span.end = span.begin + static_cast<size_t>(*window.limit);
  }
  return span;
}

}  // namespace konvert::mail
