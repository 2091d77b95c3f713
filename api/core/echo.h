// Core/echo (RFC 8620 §4) and the registration of the core methods.
//
// Core/echo answers with its arguments unchanged, so a client can test its
// connection and its request shape. Stateless; any thread.
#pragma once

#include "api/jmap/method_registry.h"

namespace konvert::api {

// Registers Core/echo and declares the capabilities the server supports:
// urn:ietf:params:jmap:core and urn:ietf:params:jmap:mail (the mail methods
// register themselves under it). Call once at start-up.
void RegisterCoreMethods(MethodRegistry& registry);

}  // namespace konvert::api
