#include "api/jmap/method_registry.h"

#include <utility>

namespace konvert::api {

void MethodRegistry::AddCapability(std::string_view urn) { capabilities_.emplace(urn); }

bool MethodRegistry::Register(std::string_view name, std::string_view capability,
                              MethodHandler handler) {
  AddCapability(capability);
  Method method{std::string(name), std::string(capability), std::move(handler)};
  return methods_.emplace(std::string(name), std::move(method)).second;
}

const Method* MethodRegistry::Find(std::string_view name) const {
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

bool MethodRegistry::HasCapability(std::string_view urn) const {
  return capabilities_.find(urn) != capabilities_.end();
}

}  // namespace konvert::api
