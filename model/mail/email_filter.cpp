#include "model/mail/email_filter.h"

#include <algorithm>
#include <array>

#include "model/mail/json_args.h"
#include "model/mail/keywords.h"

namespace konvert::mail {
namespace {

// RFC 8621 §4.4.1 conditions that search text. They are refused rather than
// ignored, since ignoring one would widen the results.
// LIMITATION: the text conditions are unsupportedFilter until a search index exists.
constexpr std::array<std::string_view, 8> kTextConditions = {
    "text", "from", "to", "cc", "bcc", "subject", "body", "header",
};

Status Unsupported(std::string_view field, std::string_view what) {
  return Status(ErrorKind::kUnsupportedFilter, std::string(field) + ": " + std::string(what));
}

Result<std::string> ReadKeyword(const rapidjson::Value& value, std::string_view field) {
  if (!value.IsString()) return InvalidArgument(field, "not a string");
  std::optional<std::string> keyword = NormalizeKeyword(StringOf(value));
  if (!keyword) return InvalidArgument(field, "not a valid keyword");
  return std::move(*keyword);
}

Status ReadIds(const rapidjson::Value& value, std::string_view field,
               std::vector<std::string>* ids) {
  if (!value.IsArray()) return InvalidArgument(field, "not an array of Ids");
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    Result<std::string> id = ReadId(value[i], std::string(field) + "/" + std::to_string(i));
    if (!id.ok()) return id.status();
    ids->push_back(std::move(*id));
  }
  return Status::Ok();
}

template <typename T>
Status Assign(Result<T> result, std::optional<T>* out) {
  if (!result.ok()) return result.status();
  *out = std::move(*result);
  return Status::Ok();
}

Status ParseProperty(std::string_view name, const rapidjson::Value& value, const std::string& field,
                     EmailCondition* condition) {
  if (name == "inMailbox") return Assign(ReadId(value, field), &condition->in_mailbox);
  if (name == "inMailboxOtherThan") {
    std::vector<std::string> ids;
    Status status = ReadIds(value, field, &ids);
    if (!status.ok()) return status;
    condition->in_mailbox_other_than = std::move(ids);
    return Status::Ok();
  }
  if (name == "before") return Assign(ReadUtcDate(value, field), &condition->before);
  if (name == "after") return Assign(ReadUtcDate(value, field), &condition->after);
  if (name == "minSize") return Assign(ReadUnsignedInt(value, field), &condition->min_size);
  if (name == "maxSize") return Assign(ReadUnsignedInt(value, field), &condition->max_size);
  if (name == "allInThreadHaveKeyword") {
    return Assign(ReadKeyword(value, field), &condition->all_in_thread_have_keyword);
  }
  if (name == "someInThreadHaveKeyword") {
    return Assign(ReadKeyword(value, field), &condition->some_in_thread_have_keyword);
  }
  if (name == "noneInThreadHaveKeyword") {
    return Assign(ReadKeyword(value, field), &condition->none_in_thread_have_keyword);
  }
  if (name == "hasKeyword") return Assign(ReadKeyword(value, field), &condition->has_keyword);
  if (name == "notKeyword") return Assign(ReadKeyword(value, field), &condition->not_keyword);
  if (name == "hasAttachment") return Assign(ReadBool(value, field), &condition->has_attachment);

  if (std::find(kTextConditions.begin(), kTextConditions.end(), name) != kTextConditions.end()) {
    return Unsupported(field, "text search is not supported yet");
  }
  return Unsupported(field, "unknown filter property");
}

bool InMailbox(const EmailSummary& email, std::string_view mailbox_id) {
  return std::find(email.mailbox_ids.begin(), email.mailbox_ids.end(), mailbox_id) !=
         email.mailbox_ids.end();
}

}  // namespace

Result<EmailFilter> ParseEmailFilter(const rapidjson::Value& value, std::string_view field) {
  auto parse_property = [](std::string_view name, const rapidjson::Value& property,
                           const std::string& property_field, EmailCondition* condition) {
    if (property.IsNull()) return Status::Ok();
    return ParseProperty(name, property, property_field, condition);
  };
  return ParseFilterTree<EmailCondition>(value, std::string(field), parse_property);
}

bool FilterNeedsThreads(const EmailFilter& filter) {
  if (filter.op == EmailFilter::Operator::kCondition) return filter.condition.NeedsThreads();
  return std::any_of(filter.operands.begin(), filter.operands.end(), FilterNeedsThreads);
}

void CollectInMailbox(const EmailFilter& filter, std::vector<std::string>* ids) {
  if (filter.condition.in_mailbox) ids->push_back(*filter.condition.in_mailbox);
  for (const EmailFilter& operand : filter.operands) CollectInMailbox(operand, ids);
}

bool EmailMatcher::Matches(const EmailFilter& filter, const EmailSummary& email) {
  switch (filter.op) {
    case EmailFilter::Operator::kCondition:
      return Matches(filter.condition, email);
    case EmailFilter::Operator::kAnd:
      for (const EmailFilter& operand : filter.operands) {
        if (!Matches(operand, email)) return false;
      }
      return true;
    case EmailFilter::Operator::kOr:
      for (const EmailFilter& operand : filter.operands) {
        if (Matches(operand, email)) return true;
      }
      return false;
    case EmailFilter::Operator::kNot:
      for (const EmailFilter& operand : filter.operands) {
        if (Matches(operand, email)) return false;
      }
      return true;
  }
  return false;
}

bool EmailMatcher::Matches(const EmailCondition& condition, const EmailSummary& email) {
  if (condition.in_mailbox && !InMailbox(email, *condition.in_mailbox)) return false;
  if (condition.in_mailbox_other_than) {
    // In at least one mailbox that is not in the list (RFC 8621 §4.4.1).
    const std::vector<std::string>& excluded = *condition.in_mailbox_other_than;
    bool elsewhere =
        std::any_of(email.mailbox_ids.begin(), email.mailbox_ids.end(), [&](const std::string& id) {
          return std::find(excluded.begin(), excluded.end(), id) == excluded.end();
        });
    if (!elsewhere) return false;
  }
  if (condition.before && email.received_at >= *condition.before) return false;
  if (condition.after && email.received_at < *condition.after) return false;
  if (condition.min_size && email.size < *condition.min_size) return false;
  if (condition.max_size && email.size >= *condition.max_size) return false;
  if (condition.has_keyword && !HasKeyword(email, *condition.has_keyword)) return false;
  if (condition.not_keyword && HasKeyword(email, *condition.not_keyword)) return false;
  if (condition.has_attachment && email.has_attachment != *condition.has_attachment) return false;

  if (!condition.NeedsThreads()) return true;
  if (condition.all_in_thread_have_keyword &&
      !threads_->Check(email, ThreadQuantifier::kAll, *condition.all_in_thread_have_keyword)) {
    return false;
  }
  if (condition.some_in_thread_have_keyword &&
      !threads_->Check(email, ThreadQuantifier::kSome, *condition.some_in_thread_have_keyword)) {
    return false;
  }
  if (condition.none_in_thread_have_keyword &&
      !threads_->Check(email, ThreadQuantifier::kNone, *condition.none_in_thread_have_keyword)) {
    return false;
  }
  return true;
}

}  // namespace konvert::mail
