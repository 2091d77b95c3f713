// JmapClient: a small JMAP client for integration tests, speaking to a
// KonvertProcess over HTTPS with HTTP Basic auth as one mail user.
//
// Method() sends one method call and returns its response arguments;
// accountId is filled in unless the arguments name one. Failures of the
// transport are reported with ADD_FAILURE. One thread at a time.
#pragma once

#include <string>

#include "rapidjson/document.h"
#include "tests/support/https_client.h"
#include "tests/support/konvert_process.h"
#include "tests/support/mail_stack.h"

namespace konvert::testing {

struct MethodResult {
  std::string name;          // "Email/get", or "error"
  rapidjson::Document args;  // the response arguments
  bool error() const { return name == "error"; }
  std::string type() const;  // the error type, for errors
};

class JmapClient {
 public:
  JmapClient(const KonvertProcess& server, MailUser user, std::string base_path = "/webmail");

  // The account id of the user, from the session resource.
  const std::string& account_id();

  // Sends {"using": [core, mail], "methodCalls": `method_calls`} and returns
  // the whole response; HTTP status in `status` when given.
  rapidjson::Document Request(const std::string& method_calls, long* status = nullptr);

  // One call of `method` with `args` (a JSON object's text).
  MethodResult Method(const std::string& method, const std::string& args = "{}");

 private:
  const KonvertProcess& server_;
  MailUser user_;
  std::string base_path_;
  std::string account_id_;
  HttpsClient client_{KonvertProcess::CertFile()};
};

}  // namespace konvert::testing
