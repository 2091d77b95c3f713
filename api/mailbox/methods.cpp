#include "api/mailbox/methods.h"

namespace konvert::api {

void RegisterMailboxMethods(MethodRegistry& registry) {
  registry.Register("Mailbox/get", kMailCapability, MailboxGet);
  registry.Register("Mailbox/changes", kMailCapability, MailboxChanges);
  registry.Register("Mailbox/query", kMailCapability, MailboxQuery);
  registry.Register("Mailbox/queryChanges", kMailCapability, MailboxQueryChanges);
}

}  // namespace konvert::api
