// Credentials: reading who a request claims to be from its headers.
//
// Three ways in (DESIGN.md decision 7): the session cookie set by login (a
// sealed token), `Authorization: Bearer <the same token>` for API clients,
// and `Authorization: Basic` with the mailbox login and password (RFC 7617).
// Only parsing lives here; checking a password is IMAP's job.
//
// Pure functions: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konvert::api {

inline constexpr std::string_view kSessionCookie = "konvert_session";

struct BasicCredentials {
  std::string login;
  std::string password;
};

// Parses `Basic <base64(login:password)>`; the password may hold any UTF-8,
// including ':'. Nothing when the scheme differs or the value is malformed.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header);

// The token of `Bearer <token>`; nothing for other schemes.
std::optional<std::string> ParseBearerAuthorization(std::string_view header);

// The value of cookie `name` in a Cookie header (RFC 6265 §5.4).
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

// True when a cookie-authenticated request that changes state comes from our
// own pages: `Sec-Fetch-Site: same-origin`, or else an `Origin` that is one of
// `allowed_origins` (e.g. "https://mail.example.org"). A request with neither
// header is refused: browsers send at least one on every POST.
bool PassesCsrfCheck(std::optional<std::string_view> origin,
                     std::optional<std::string_view> sec_fetch_site,
                     const std::vector<std::string>& allowed_origins);

// The login as Konvert keys accounts and connections by: ASCII lower case.
// Dovecot, like most IMAP servers, folds logins the same way
// (auth_username_format = %Lu), so "Alice@Example.test" is alice's mailbox
// and must get alice's account id and connection pool.
std::string CanonicalLogin(std::string login);

// "https://host[:port]" of an absolute URL; "" when it has no scheme.
std::string OriginOf(std::string_view url);

}  // namespace konvert::api
