#include "model/mail/filter_tree.h"

namespace konvert::mail {

Result<FilterOperator> ReadFilterOperator(const rapidjson::Value& value, const std::string& field,
                                          int depth) {
  if (!value.IsObject()) return InvalidArgument(field, "not a FilterOperator or FilterCondition");
  if (depth > kMaxFilterDepth) {
    return Status(ErrorKind::kUnsupportedFilter, field + ": operators nested too deeply");
  }
  auto op = value.FindMember("operator");
  if (op == value.MemberEnd()) return FilterOperator::kCondition;

  // A FilterOperator: exactly "operator" and "conditions" (RFC 8620 §5.5).
  std::string_view name = op->value.IsString() ? StringOf(op->value) : "";
  FilterOperator parsed = FilterOperator::kCondition;
  if (name == "AND") {
    parsed = FilterOperator::kAnd;
  } else if (name == "OR") {
    parsed = FilterOperator::kOr;
  } else if (name == "NOT") {
    parsed = FilterOperator::kNot;
  } else {
    return InvalidArgument(field + "/operator", "not \"AND\", \"OR\" or \"NOT\"");
  }
  for (const auto& member : value.GetObject()) {
    std::string_view member_name = StringOf(member.name);
    if (member_name != "operator" && member_name != "conditions") {
      return InvalidArgument(field + "/" + std::string(member_name), "not allowed in an operator");
    }
  }
  auto conditions = value.FindMember("conditions");
  if (conditions == value.MemberEnd() || !conditions->value.IsArray()) {
    return InvalidArgument(field + "/conditions", "not an array");
  }
  return parsed;
}

}  // namespace konvert::mail
