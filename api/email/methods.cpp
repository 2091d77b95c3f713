#include "api/email/methods.h"

namespace konvert::api {

void RegisterEmailMethods(MethodRegistry& registry) {
  registry.Register("Email/get", kMailCapability, EmailGet);
  registry.Register("Email/changes", kMailCapability, EmailChanges);
  registry.Register("Email/query", kMailCapability, EmailQuery);
  registry.Register("Email/queryChanges", kMailCapability, EmailQueryChanges);
}

}  // namespace konvert::api
