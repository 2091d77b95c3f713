#include "model/jmap/problem.h"

#include "model/jmap/request.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace konvert::jmap {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

Value Copy(std::string_view text, rapidjson::Document::AllocatorType& alloc) {
  return Value(text.data(), static_cast<SizeType>(text.size()), alloc);
}

}  // namespace

std::string ProblemDetails(const Status& status, int http_status) {
  std::string type = "urn:ietf:params:jmap:error:" + std::string(ErrorKindName(status.kind()));
  std::string_view limit = LimitName(status);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("type");
  writer.String(type.data(), static_cast<SizeType>(type.size()));
  writer.Key("status");
  writer.Int(http_status);
  writer.Key("detail");
  writer.String(status.message().data(), static_cast<SizeType>(status.message().size()));
  if (!limit.empty()) {
    writer.Key("limit");
    writer.String(limit.data(), static_cast<SizeType>(limit.size()));
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Value MethodError(const Status& status, std::string_view call_id,
                  rapidjson::Document::AllocatorType& alloc) {
  Value arguments(rapidjson::kObjectType);
  arguments.AddMember("type", Copy(ErrorKindName(status.kind()), alloc), alloc);
  if (!status.message().empty()) {
    arguments.AddMember("description", Copy(status.message(), alloc), alloc);
  }

  Value invocation(rapidjson::kArrayType);
  invocation.PushBack("error", alloc);
  invocation.PushBack(arguments, alloc);
  invocation.PushBack(Copy(call_id, alloc), alloc);
  return invocation;
}

}  // namespace konvert::jmap
