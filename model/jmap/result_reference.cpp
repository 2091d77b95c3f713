#include "model/jmap/result_reference.h"

#include <charconv>
#include <utility>
#include <vector>

namespace konvert::jmap {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

Status Invalid(std::string message) {
  return Status(ErrorKind::kInvalidResultReference, std::move(message));
}

Status Prefixed(std::string_view prefix, const Status& status) {
  return Status(status.kind(), std::string(prefix) + ": " + status.message());
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view View(const Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

Value Ref(std::string_view text) {
  return Value(rapidjson::StringRef(text.data(), static_cast<SizeType>(text.size())));
}

// Splits an RFC 6901 pointer into unescaped reference tokens: "~1" stands
// for '/', "~0" for '~', and any other '~' makes the pointer invalid.
Result<std::vector<std::string>> SplitPointer(std::string_view path) {
  std::vector<std::string> tokens;
  if (path.empty()) return tokens;
  if (path.front() != '/') return Invalid("path " + Quoted(path) + ": must start with '/'");

  std::string token;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (path[i] != '~') {
      token.push_back(path[i]);
      continue;
    }

    char next = i + 1 < path.size() ? path[i + 1] : '\0';
    if (next != '0' && next != '1') {
      return Invalid("path " + Quoted(path) + ": '~' must be followed by '0' or '1'");
    }
    token.push_back(next == '0' ? '~' : '/');
    ++i;
  }
  return tokens;
}

// An array index as RFC 6901 allows it: "0" or digits without a leading zero.
bool ParseIndex(std::string_view token, SizeType* index) {
  if (token.empty() || (token.size() > 1 && token.front() == '0')) return false;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), *index);
  return ec == std::errc() && end == token.data() + token.size();
}

struct PointerWalk {
  std::string_view path;
  const std::vector<std::string>& tokens;
  JsonAllocator& alloc;
};

// Walks the tokens from `first` on. Recursion happens only at `*`, and each
// `*` steps into a nested array of `value`, so the depth is bounded by the
// nesting of the response, not by the length of the client's path.
Result<Value> Walk(const PointerWalk& walk, const Value& value, size_t first) {
  const Value* current = &value;
  for (size_t i = first; i < walk.tokens.size(); ++i) {
    const std::string& token = walk.tokens[i];
    std::string at = "path " + Quoted(walk.path) + ": ";

    if (current->IsArray() && token == "*") {
      Value mapped(rapidjson::kArrayType);
      for (const Value& item : current->GetArray()) {
        Result<Value> result = Walk(walk, item, i + 1);
        if (!result.ok()) return result.status();
        if (!result->IsArray()) {
          mapped.PushBack(std::move(*result), walk.alloc);
          continue;
        }
        for (Value& inner : result->GetArray()) mapped.PushBack(std::move(inner), walk.alloc);
      }
      return mapped;
    }

    if (current->IsArray()) {
      SizeType index = 0;
      if (!ParseIndex(token, &index)) return Invalid(at + Quoted(token) + " is not an array index");
      if (index >= current->Size()) {
        return Invalid(at + "index " + token + " is past the end of an array of " +
                       std::to_string(current->Size()));
      }
      current = &(*current)[index];
      continue;
    }

    if (!current->IsObject()) {
      return Invalid(at + Quoted(token) + " applied to a value that is neither object nor array");
    }
    auto member = current->FindMember(Ref(token));
    if (member == current->MemberEnd()) return Invalid(at + "no property " + Quoted(token));
    current = &member->value;
  }
  return Value(*current, walk.alloc);
}

}  // namespace

bool HasResultReferences(const Value& arguments) {
  if (!arguments.IsObject()) return false;
  for (const auto& member : arguments.GetObject()) {
    if (member.name.GetStringLength() > 0 && member.name.GetString()[0] == '#') return true;
  }
  return false;
}

Result<ResultReference> ParseResultReference(std::string_view argument, const Value& value) {
  std::string at(argument);
  if (!value.IsObject()) return Invalid(at + ": must be a ResultReference object");

  ResultReference reference;
  const std::pair<const char*, std::string*> fields[] = {
      {"resultOf", &reference.result_of}, {"name", &reference.name}, {"path", &reference.path}};
  for (const auto& [property, out] : fields) {
    auto member = value.FindMember(property);
    if (member == value.MemberEnd() || !member->value.IsString()) {
      return Invalid(at + ": " + property + " must be a string");
    }
    *out = std::string(View(member->value));
  }
  return reference;
}

Result<Value> EvaluatePointer(const Value& root, std::string_view path, JsonAllocator& alloc) {
  Result<std::vector<std::string>> tokens = SplitPointer(path);
  if (!tokens.ok()) return tokens.status();
  return Walk(PointerWalk{path, *tokens, alloc}, root, 0);
}

Result<Value> EvaluateResultReference(const ResultReference& reference, const Value& responses,
                                      JsonAllocator& alloc) {
  const Value* found = nullptr;
  if (responses.IsArray()) {
    for (const Value& response : responses.GetArray()) {
      if (response.IsArray() && response.Size() == 3 && response[2].IsString() &&
          View(response[2]) == reference.result_of) {
        found = &response;
        break;
      }
    }
  }
  if (found == nullptr) {
    return Invalid("no earlier response has call id " + Quoted(reference.result_of));
  }

  std::string_view answered = (*found)[0].IsString() ? View((*found)[0]) : std::string_view();
  if (answered != reference.name) {
    return Invalid("call " + Quoted(reference.result_of) + " answered " + Quoted(answered) +
                   ", not " + Quoted(reference.name));
  }
  return EvaluatePointer((*found)[1], reference.path, alloc);
}

Result<Value> ResolveResultReferences(const Value& arguments, const Value& responses,
                                      JsonAllocator& alloc,
                                      const std::function<Status(const Value&)>& admit) {
  if (!arguments.IsObject()) {
    return Status(ErrorKind::kInvalidArguments, "arguments: must be an object");
  }

  Value resolved(rapidjson::kObjectType);
  for (const auto& member : arguments.GetObject()) {
    std::string_view name = View(member.name);
    if (!name.starts_with('#')) {
      resolved.AddMember(Value(name.data(), static_cast<SizeType>(name.size()), alloc),
                         Value(member.value, alloc), alloc);
      continue;
    }

    // RFC 8620 §3.7: the same argument in both forms is invalidArguments.
    std::string_view plain = name.substr(1);
    if (arguments.HasMember(Ref(plain))) {
      return Status(ErrorKind::kInvalidArguments,
                    std::string(plain) + ": given both plainly and as " + Quoted(name));
    }

    Result<ResultReference> reference = ParseResultReference(name, member.value);
    if (!reference.ok()) return reference.status();
    Result<Value> value = EvaluateResultReference(*reference, responses, alloc);
    if (!value.ok()) return Prefixed(name, value.status());
    if (admit) {
      Status admitted = admit(*value);
      if (!admitted.ok()) return admitted;
    }
    resolved.AddMember(Value(plain.data(), static_cast<SizeType>(plain.size()), alloc),
                       std::move(*value), alloc);
  }
  return resolved;
}

}  // namespace konvert::jmap
