#include "model/server_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace konvert {
namespace {

struct SchemeInfo {
  std::string_view name;
  uint16_t default_port;
  TransportSecurity security;
};

// Default ports: RFC 3501 §2.1 and RFC 8314 §7.3 for IMAP, RFC 6409 §3.1 and
// RFC 8314 §7.3 for submission.
constexpr std::array<SchemeInfo, 4> kSchemes = {{
    {"imap", 143, TransportSecurity::kStartTls},
    {"imaps", 993, TransportSecurity::kTls},
    {"smtp", 587, TransportSecurity::kStartTls},
    {"smtps", 465, TransportSecurity::kTls},
}};

Status Invalid(std::string message) {
  return Status(ErrorKind::kInvalidArguments, std::move(message));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsIpv4(const std::string& host) {
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

bool IsIpv6(const std::string& host) {
  in6_addr addr{};
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// A DNS name as RFC 1123 §2.1 allows it, plus '_' which some internal zones
// use. A name made only of digits and dots must be a valid IPv4 address, so
// that a typo such as "127.0.0.300" is caught here and not by the resolver.
Status CheckHostName(const std::string& host) {
  if (host.empty()) return Invalid("host is missing");
  if (host.size() > 253) return Invalid("host is longer than 253 characters");

  bool numeric = true;
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    if (!ok) return Invalid("host contains a character not allowed in a host name");
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') numeric = false;
  }
  if (numeric) {
    return IsIpv4(host) ? Status::Ok() : Invalid("host is not a valid IPv4 address");
  }

  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == std::string::npos) end = host.size();
    std::string_view label(host.data() + start, end - start);
    if (label.empty()) return Invalid("host has an empty label");
    if (label.size() > 63) return Invalid("host has a label longer than 63 characters");
    if (label.front() == '-' || label.back() == '-') {
      return Invalid("host has a label that starts or ends with '-'");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status ParsePort(std::string_view text, uint16_t* port) {
  if (text.empty()) return Invalid("port is empty after ':'");
  if (text.size() > 5) return Invalid("port must be 1..65535");
  uint32_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return Invalid("port must be a number");
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return Invalid("port must be 1..65535");
  *port = static_cast<uint16_t>(value);
  return Status::Ok();
}

}  // namespace

bool ServerUrl::IsLoopback() const {
  std::string name = Lower(host);
  if (name == "localhost") return true;

  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

std::string ServerUrl::ToString() const {
  bool bracket = host.find(':') != std::string::npos;
  std::string out = scheme + "://";
  out += bracket ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  return out;
}

Result<ServerUrl> ParseServerUrl(std::string_view text) {
  size_t separator = text.find("://");
  if (separator == std::string_view::npos) {
    return Invalid("expected scheme://host[:port], e.g. imaps://mail.example.org");
  }

  // Scheme.
  std::string scheme = Lower(text.substr(0, separator));
  auto known = std::find_if(kSchemes.begin(), kSchemes.end(),
                            [&](const SchemeInfo& info) { return info.name == scheme; });
  if (known == kSchemes.end()) {
    bool printable =
        !scheme.empty() && scheme.size() <= 16 &&
        std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        });
    std::string shown = printable ? "\"" + scheme + "\"" : "in the URL";
    return Invalid("unknown scheme " + shown + " (expected imap, imaps, smtp or smtps)");
  }

  // Authority: no user info, nothing after it but an optional '/'.
  std::string_view authority = text.substr(separator + 3);
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.find('@') != std::string_view::npos) {
    return Invalid("user info is not allowed; credentials come from the login");
  }
  if (authority.find_first_of("/?#") != std::string_view::npos) {
    return Invalid("paths, queries and fragments are not allowed");
  }

  // Host, bracketed for IPv6 (RFC 3986 §3.2.2), then an optional port.
  ServerUrl url;
  url.scheme = scheme;
  url.port = known->default_port;
  url.security = known->security;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("IPv6 address lacks its closing ']'");
    url.host = Lower(authority.substr(1, close - 1));
    if (!IsIpv6(url.host)) return Invalid("host is not a valid IPv6 address");
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return Invalid("unexpected text after ']'");
  } else {
    size_t colon = authority.find(':');
    if (colon != authority.rfind(':')) return Invalid("an IPv6 host must be in brackets");
    url.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) rest = authority.substr(colon);
    Status host_ok = CheckHostName(url.host);
    if (!host_ok.ok()) return host_ok;
  }

  if (!rest.empty()) {
    Status port_ok = ParsePort(rest.substr(1), &url.port);
    if (!port_ok.ok()) return port_ok;
  }
  return url;
}

}  // namespace konvert
