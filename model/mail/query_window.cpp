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

Result<std::string_view> ReadSortProperty(const rapidjson::Value& value, const std::string& field) {
  if (!value.IsObject()) return InvalidArgument(field, "not a Comparator");
  auto property = value.FindMember("property");
  if (property == value.MemberEnd() || !property->value.IsString()) {
    return InvalidArgument(field + "/property", "not a string");
  }
  return StringOf(property->value);
}

Status ParseComparatorMembers(const rapidjson::Value& value, const std::string& field,
                              bool* is_ascending, const ComparatorMember& other) {
  for (const auto& member : value.GetObject()) {
    std::string_view name = StringOf(member.name);
    std::string member_field = field + "/" + std::string(name);
    if (name == "property" || member.value.IsNull()) continue;

    if (name == "isAscending") {
      Result<bool> ascending = ReadBool(member.value, member_field);
      if (!ascending.ok()) return ascending.status();
      *is_ascending = *ascending;
      continue;
    }
    if (name != "collation") {
      Status status = other(name, member.value, member_field);
      if (!status.ok()) return status;
      continue;
    }

    // The sort keys are folded one way only; on ASCII text both agree.
    // LIMITATION: i;ascii-casemap sorts non-ASCII text like i;unicode-casemap.
    if (!member.value.IsString()) return InvalidArgument(member_field, "not a string");
    std::string_view collation = StringOf(member.value);
    if (collation != "i;unicode-casemap" && collation != "i;ascii-casemap") {
      return Status(ErrorKind::kUnsupportedSort,
                    member_field + ": \"" + std::string(collation) + "\" is not supported");
    }
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
