#include "api/thread/methods.h"

namespace konvert::api {

void RegisterThreadMethods(MethodRegistry& registry) {
  registry.Register("Thread/get", kMailCapability, ThreadGet);
  registry.Register("Thread/changes", kMailCapability, ThreadChanges);
}

}  // namespace konvert::api
