#include "api/core/echo.h"

namespace konvert::api {
namespace {

Result<rapidjson::Value> Echo(MethodContext&, const rapidjson::Value& args,
                              rapidjson::Document::AllocatorType& alloc) {
  return rapidjson::Value(args, alloc);
}

}  // namespace

void RegisterCoreMethods(MethodRegistry& registry) {
  registry.AddCapability(kCoreCapability);
  registry.AddCapability(kMailCapability);
  registry.Register("Core/echo", kCoreCapability, Echo);
}

}  // namespace konvert::api
