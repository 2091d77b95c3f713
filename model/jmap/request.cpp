#include "model/jmap/request.h"

#include <cstring>
#include <utility>

#include "model/jmap/document_forwarder.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

namespace konvert::jmap {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

// The iterative parser keeps its state on the heap, so even a refused body
// never recurses; encoding validation makes invalid UTF-8 a parse error.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// True when `text` holds the UTF-8 form of a UTF-16 surrogate (ED A0..BF).
// RapidJSON 1.1.0 encodes a lone "\uDC00" escape that way instead of failing,
// and such a string could not be written back as valid UTF-8.
bool HasSurrogate(const char* text, SizeType length) {
  const char* end = text + length;
  for (const char* p = text; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '\xED', static_cast<size_t>(end - p)));
    if (p == nullptr || p + 1 == end) return false;
    if (static_cast<unsigned char>(p[1]) >= 0xA0) return true;
  }
  return false;
}

// Feeds the SAX events of the reader into a Document, but refuses to open a
// container deeper than the limit, so a deep value is never built.
class DepthLimitedBuilder : public DocumentForwarder {
 public:
  DepthLimitedBuilder(rapidjson::Document& document, uint32_t max_depth)
      : DocumentForwarder(document), max_depth_(max_depth) {}

  bool String(const char* s, SizeType n, bool copy) {
    return CheckString(s, n) && document_.String(s, n, copy);
  }
  bool Key(const char* s, SizeType n, bool copy) {
    return CheckString(s, n) && document_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && document_.StartObject(); }
  bool EndObject(SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return Enter() && document_.StartArray(); }
  bool EndArray(SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

  bool too_deep() const { return too_deep_; }
  bool surrogate() const { return surrogate_; }

 private:
  bool Enter() {
    if (depth_ >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  bool CheckString(const char* s, SizeType n) {
    surrogate_ = HasSurrogate(s, n);
    return !surrogate_;
  }

  const uint32_t max_depth_;
  uint32_t depth_ = 0;
  bool too_deep_ = false;
  bool surrogate_ = false;
};

Status ParseJson(std::string_view body, uint32_t max_depth, rapidjson::Document* document) {
  // JSON text holds a control character only escaped, inside a string (RFC
  // 8259 §2, §7), so a raw NUL byte is never valid. RapidJSON's streams read
  // one as the end of input and would accept whatever follows it unread.
  if (size_t nul = body.find('\0'); nul != std::string_view::npos) {
    return Status(
        ErrorKind::kNotJson,
        "body: a raw NUL byte, which JSON text never holds (at byte " + std::to_string(nul) + ")");
  }

  rapidjson::ParseResult parsed;
  bool too_deep = false;
  bool surrogate = false;
  auto generate = [&](rapidjson::Document& handler) {
    DepthLimitedBuilder builder(handler, max_depth);
    rapidjson::MemoryStream stream(body.data(), body.size());
    rapidjson::Reader reader;
    parsed = reader.Parse<kParseFlags>(stream, builder);
    too_deep = builder.too_deep();
    surrogate = builder.surrogate();
    return !parsed.IsError();
  };
  document->Populate(generate);
  if (!parsed.IsError()) return Status::Ok();

  std::string at = " (at byte " + std::to_string(parsed.Offset()) + ")";
  if (too_deep) {
    return Status(ErrorKind::kLimit, std::string(kLimitMaxJsonDepth) + ": nesting deeper than " +
                                         std::to_string(max_depth) + " levels" + at);
  }
  if (surrogate) {
    return Status(ErrorKind::kNotJson, "body: a string holds a lone UTF-16 surrogate" + at);
  }
  return Status(ErrorKind::kNotJson,
                std::string("body: ") + rapidjson::GetParseError_En(parsed.Code()) + at);
}

Status NotRequest(const std::string& path, std::string_view why) {
  return Status(ErrorKind::kNotRequest, path + ": " + std::string(why));
}

std::string Text(const Value& value) {
  return std::string(value.GetString(), value.GetStringLength());
}

Status ReadUsing(const Value& root, Request* request) {
  auto it = root.FindMember("using");
  if (it == root.MemberEnd()) return NotRequest("using", "missing");
  if (!it->value.IsArray()) return NotRequest("using", "must be an array of capability URNs");

  const Value& list = it->value;
  for (SizeType i = 0; i < list.Size(); ++i) {
    if (!list[i].IsString()) {
      return NotRequest("using[" + std::to_string(i) + "]", "must be a string");
    }
    request->using_capabilities.insert(Text(list[i]));
  }
  return Status::Ok();
}

// Checks one [name, arguments, callId] triple and moves it into `request`.
Status ReadInvocation(Value& call, SizeType index, Request* request) {
  std::string path = "methodCalls[" + std::to_string(index) + "]";
  if (!call.IsArray() || call.Size() != 3) {
    return NotRequest(path, "must be an array [name, arguments, callId]");
  }
  if (!call[0].IsString()) return NotRequest(path + "[0]", "method name must be a string");
  if (!call[1].IsObject()) return NotRequest(path + "[1]", "arguments must be an object");
  if (!call[2].IsString()) return NotRequest(path + "[2]", "call id must be a string");

  request->method_calls.push_back(
      Invocation{Text(call[0]), Value(std::move(call[1])), Text(call[2])});
  return Status::Ok();
}

Status ReadMethodCalls(Value& root, const Limits& limits, Request* request) {
  auto it = root.FindMember("methodCalls");
  if (it == root.MemberEnd()) return NotRequest("methodCalls", "missing");
  if (!it->value.IsArray()) return NotRequest("methodCalls", "must be an array of invocations");

  Value& calls = it->value;
  if (calls.Size() > limits.max_calls_in_request) {
    return Status(ErrorKind::kLimit, std::string(kLimitMaxCallsInRequest) + ": " +
                                         std::to_string(calls.Size()) + " method calls, at most " +
                                         std::to_string(limits.max_calls_in_request) + " allowed");
  }

  request->method_calls.reserve(calls.Size());
  for (SizeType i = 0; i < calls.Size(); ++i) {
    Status status = ReadInvocation(calls[i], i, request);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

// `createdIds` is optional (RFC 8620 §3.3); null is taken as absent.
Status ReadCreatedIds(const Value& root, Request* request) {
  auto it = root.FindMember("createdIds");
  if (it == root.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsObject()) return NotRequest("createdIds", "must be an object of ids");

  CreatedIds& ids = request->created_ids.emplace();
  for (const auto& member : it->value.GetObject()) {
    std::string creation_id = Text(member.name);
    if (!member.value.IsString())
      return NotRequest("createdIds." + creation_id, "must be a string");
    ids.Add(std::move(creation_id), Text(member.value));
  }
  return Status::Ok();
}

}  // namespace

Result<Request> ParseRequest(std::string_view body, const Limits& limits) {
  if (body.size() > limits.max_size_request) {
    return Status(ErrorKind::kLimit, std::string(kLimitMaxSizeRequest) + ": body of " +
                                         std::to_string(body.size()) + " bytes, at most " +
                                         std::to_string(limits.max_size_request) + " allowed");
  }

  Request request;
  Status status = ParseJson(body, limits.max_json_depth, &request.document);
  if (!status.ok()) return status;
  if (!request.document.IsObject()) return NotRequest("request", "must be a JSON object");

  status = ReadUsing(request.document, &request);
  if (status.ok()) status = ReadMethodCalls(request.document, limits, &request);
  if (status.ok()) status = ReadCreatedIds(request.document, &request);
  if (!status.ok()) return status;
  return request;
}

std::string_view LimitName(const Status& status) {
  if (status.kind() != ErrorKind::kLimit) return {};
  std::string_view message = status.message();
  size_t colon = message.find(": ");
  return colon == std::string_view::npos ? std::string_view() : message.substr(0, colon);
}

}  // namespace konvert::jmap
