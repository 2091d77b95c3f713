// MethodContext: what a JMAP method handler knows about the request it
// serves, besides its arguments.
//
// The server fills the identity fields before Dispatcher::Handle; the
// dispatcher resets the per-request fields (`created_ids`,
// `implicit_calls`) and points `log` at the method while its handler runs.
// More fields are added as methods need them; it stays a plain struct.
//
// One request is served by one thread at a time, so no field is locked.
#pragma once

#include <string>
#include <vector>

#include "model/jmap/created_ids.h"
#include "model/jmap/limits.h"
#include "rapidjson/document.h"
#include "store/imap/imap_connection.h"
#include "store/imap/session_pool.h"
#include "store/log/logger.h"
#include "store/sync/mail_store.h"

namespace konvert::api {

// A call the server makes on the client's behalf right after a method, with
// the same call id (RFC 8621 `onSuccessDestroyOriginal`,
// `onSuccessUpdateEmail`). Its arguments live in the response allocator the
// handler was given.
struct ImplicitCall {
  std::string name;
  rapidjson::Value arguments;
};

struct MethodContext {
  std::string account_id;
  std::string login;
  log::Context log;

  // The user's IMAP session for this request, lent by the pool for the
  // request's duration; null in unit tests of methods that need no IMAP.
  ImapConnection* imap = nullptr;

  // The session object's current `state`, echoed as `sessionState`.
  std::string session_state;

  // The limits advertised in the session (maxObjectsInGet, …).
  jmap::Limits limits;

  // The user's login and password, kept for the background sync's own
  // connections; never logged.
  Credentials credentials;
  // The server's mail index; null in unit tests of methods that need none.
  // Mail methods reach the account through PreparedMail (api/mail/).
  MailStore* mail_store = nullptr;
  std::shared_ptr<MailAccount> mail;
  bool mail_prepared = false;

  // Creation id -> server id for this request (RFC 8620 §5.3). A handler adds
  // each record it creates and resolves "#creationId" through it.
  jmap::CreatedIds created_ids;

  // Filled by a handler that succeeded; the dispatcher runs these next.
  std::vector<ImplicitCall> implicit_calls;
};

}  // namespace konvert::api
