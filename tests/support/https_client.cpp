#include "tests/support/https_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace konvert::testing {
namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * count;

  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  if (name == "set-cookie") response->set_cookies.push_back(value);
  response->headers[name] = value;
  return size * count;
}

}  // namespace

HttpResponse HttpsClient::Send(const HttpRequest& request) const {
  HttpResponse response;
  CURL* curl = curl_easy_init();
  if (!curl) {
    response.error = "curl_easy_init failed";
    return response;
  }

  curl_slist* headers = nullptr;
  for (const std::string& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, request.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.local_address.empty()) {
    curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + request.local_address).c_str());
  }
  if (!request.basic_login.empty()) {
    std::string userpwd = request.basic_login + ":" + request.basic_password;
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.basic_login.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.basic_password.c_str());
  }

  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

HttpResponse HttpsClient::Get(const std::string& url, std::vector<std::string> headers) const {
  HttpRequest request;
  request.url = url;
  request.headers = std::move(headers);
  return Send(request);
}

HttpResponse HttpsClient::PostJson(const std::string& url, const std::string& body,
                                   std::vector<std::string> headers) const {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = body;
  request.headers = std::move(headers);
  request.headers.push_back("Content-Type: application/json");
  return Send(request);
}

std::string CookieValue(const HttpResponse& response, const std::string& name) {
  for (const std::string& cookie : response.set_cookies) {
    if (cookie.rfind(name + "=", 0) != 0) continue;
    size_t end = cookie.find(';');
    return cookie.substr(name.size() + 1, end == std::string::npos ? end : end - name.size() - 1);
  }
  return "";
}

}  // namespace konvert::testing
