#include "api/auth/credentials.h"

#include <algorithm>
#include <cctype>

#include "model/base64.h"

namespace konvert::api {
namespace {

// The credentials after an auth scheme, compared case-insensitively
// (RFC 9110 §11.1).
std::optional<std::string_view> AfterScheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  }
  std::string_view rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header) {
  std::optional<std::string_view> encoded = AfterScheme(header, "basic");
  if (!encoded) return std::nullopt;

  std::string decoded;
  if (!Base64Decode(*encoded, Base64Alphabet::kStandard, &decoded)) return std::nullopt;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  if (decoded.find('\0') != std::string::npos) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::optional<std::string> ParseBearerAuthorization(std::string_view header) {
  std::optional<std::string_view> token = AfterScheme(header, "bearer");
  if (!token) return std::nullopt;
  return std::string(*token);
}

std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    size_t semi = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semi));
    cookie_header = semi == std::string_view::npos ? "" : cookie_header.substr(semi + 1);

    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

bool PassesCsrfCheck(std::optional<std::string_view> origin,
                     std::optional<std::string_view> sec_fetch_site,
                     const std::vector<std::string>& allowed_origins) {
  // Fetch metadata is set by the browser alone and cannot be forged by a page.
  if (sec_fetch_site) return *sec_fetch_site == "same-origin";
  if (!origin) return false;
  return std::find(allowed_origins.begin(), allowed_origins.end(), *origin) !=
         allowed_origins.end();
}

std::string CanonicalLogin(std::string login) {
  for (char& c : login) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return login;
}

std::string OriginOf(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  size_t path = url.find('/', scheme_end + 3);
  std::string origin(url.substr(0, path));
  std::transform(origin.begin(), origin.end(), origin.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  // The default port is not written in an Origin header (RFC 6454 §6.2).
  if (origin.size() > 4 && origin.compare(origin.size() - 4, 4, ":443") == 0 &&
      origin.rfind("https://", 0) == 0) {
    origin.resize(origin.size() - 4);
  }
  return origin;
}

}  // namespace konvert::api
