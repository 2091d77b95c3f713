// Filter trees of /query methods (RFC 8620 §5.5): a FilterCondition, or a
// FilterOperator ("AND", "OR", "NOT") over further filters. The operator
// shell is the same for every data type, so it is parsed here once;
// Email/query and Mailbox/query supply how to read one property of their
// FilterCondition.
//
// Pure code; a parsed tree is a plain value any thread may read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/mail/json_args.h"
#include "model/status.h"
#include "rapidjson/document.h"

namespace konvert::mail {

// Operators nest at most this deep; deeper filters are unsupportedFilter.
inline constexpr int kMaxFilterDepth = 16;

enum class FilterOperator { kCondition, kAnd, kOr, kNot };

template <typename Condition>
struct FilterTree {
  using Operator = FilterOperator;

  Operator op = Operator::kCondition;
  Condition condition;               // when op is kCondition
  std::vector<FilterTree> operands;  // otherwise; NOT means "none of them"
};

// Checks what does not depend on the data type: `value` is an object, at
// most kMaxFilterDepth operators deep (kUnsupportedFilter beyond), and when
// it has "operator", that is "AND", "OR" or "NOT" beside nothing but a
// "conditions" array (kInvalidArguments otherwise). Returns kCondition for a
// FilterCondition. `field` names `value` in errors.
Result<FilterOperator> ReadFilterOperator(const rapidjson::Value& value, const std::string& field,
                                          int depth);

// Parses `value` as a FilterTree. `parse_property(name, value, field,
// Condition*)` reads one property of a FilterCondition, null ones included,
// and returns a Status; the first failure ends the parse.
template <typename Condition, typename ParseProperty>
Result<FilterTree<Condition>> ParseFilterTree(const rapidjson::Value& value,
                                              const std::string& field,
                                              const ParseProperty& parse_property, int depth = 0) {
  Result<FilterOperator> op = ReadFilterOperator(value, field, depth);
  if (!op.ok()) return op.status();

  FilterTree<Condition> filter;
  filter.op = *op;
  if (filter.op == FilterOperator::kCondition) {
    for (const auto& member : value.GetObject()) {
      std::string_view name = StringOf(member.name);
      Status status =
          parse_property(name, member.value, field + "/" + std::string(name), &filter.condition);
      if (!status.ok()) return status;
    }
    return filter;
  }

  const rapidjson::Value& conditions = value.FindMember("conditions")->value;
  for (rapidjson::SizeType i = 0; i < conditions.Size(); ++i) {
    Result<FilterTree<Condition>> operand = ParseFilterTree<Condition>(
        conditions[i], field + "/conditions/" + std::to_string(i), parse_property, depth + 1);
    if (!operand.ok()) return operand.status();
    filter.operands.push_back(std::move(*operand));
  }
  return filter;
}

}  // namespace konvert::mail
