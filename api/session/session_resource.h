// SessionResource: the JMAP session object (RFC 8620 §2) for one user.
//
// Every URL in it is absolute and built from the configured public URL
// (DESIGN.md decision 8), so the same build serves clients directly at
// https://HOST:8443/webmail and behind a reverse proxy at https://HOST/mail.
//
// Pure: any thread.
#pragma once

#include <string>
#include <string_view>

#include "model/jmap/limits.h"

namespace konvert::api {

inline constexpr std::string_view kCapabilityCore = "urn:ietf:params:jmap:core";
inline constexpr std::string_view kCapabilityMail = "urn:ietf:params:jmap:mail";

// Paths below the base path / public URL.
// LIMITATION: upload and the event source are advertised as RFC 8620
// requires but answer 404 until blob storage and push exist.
inline constexpr std::string_view kApiPath = "/jmap/api";
inline constexpr std::string_view kDownloadPath = "/jmap/download/";
inline constexpr std::string_view kUploadPath = "/jmap/upload/";
inline constexpr std::string_view kEventSourcePath = "/jmap/eventsource";

// The id of the one account of `login`: stable across nodes and restarts,
// and not revealing the login to a reader of ids.
std::string AccountIdFor(std::string_view login);

// The session object as JSON. `public_url` has no trailing slash.
std::string BuildSessionJson(std::string_view login, std::string_view public_url,
                             const jmap::Limits& limits);

// The `state` of that session object, which API responses carry as
// `sessionState` so that clients know when to refetch the session.
std::string SessionStateFor(std::string_view login, std::string_view public_url,
                            const jmap::Limits& limits);

}  // namespace konvert::api
