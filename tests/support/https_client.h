// HttpsClient: a small libcurl client for the integration tests.
//
// Trusts exactly the certificate it is given (the one the test generated for
// Konvert), keeps no cookies of its own, and never follows redirects, so that
// a test sees each answer as the server sent it. One instance per thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace konvert::testing {

struct HttpResponse {
  long status = 0;  // 0 when the request failed below HTTP.
  std::string error;
  // Lower-cased header names; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
  std::vector<std::string> set_cookies;
  std::string body;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::string basic_login;  // Basic auth when not empty.
  std::string basic_password;
  long timeout_seconds = 30;
  // Source address, e.g. "127.0.0.2", to act as another client on loopback.
  std::string local_address;
};

class HttpsClient {
 public:
  explicit HttpsClient(std::string ca_file) : ca_file_(std::move(ca_file)) {}
  HttpResponse Send(const HttpRequest& request) const;

  HttpResponse Get(const std::string& url, std::vector<std::string> headers = {}) const;
  HttpResponse PostJson(const std::string& url, const std::string& body,
                        std::vector<std::string> headers = {}) const;

 private:
  std::string ca_file_;
};

// The value of cookie `name` set by `response`, or "".
std::string CookieValue(const HttpResponse& response, const std::string& name);

}  // namespace konvert::testing
