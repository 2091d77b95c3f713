#include "tests/support/jmap_client.h"

#include <gtest/gtest.h>

#include "tests/support/json_text.h"

namespace konvert::testing {

std::string MethodResult::type() const {
  if (!error() || !args.IsObject() || !args.HasMember("type") || !args["type"].IsString()) {
    return "";
  }
  return args["type"].GetString();
}

JmapClient::JmapClient(const KonvertProcess& server, MailUser user, std::string base_path)
    : server_(server), user_(std::move(user)), base_path_(std::move(base_path)) {}

const std::string& JmapClient::account_id() {
  if (!account_id_.empty()) return account_id_;
  HttpRequest request;
  request.method = "GET";
  request.url = server_.origin() + base_path_ + "/.well-known/jmap";
  request.basic_login = user_.login;
  request.basic_password = user_.password;
  HttpResponse response = client_.Send(request);
  rapidjson::Document session;
  session.Parse(response.body.c_str());
  if (response.status != 200 || !session.IsObject() || !session.HasMember("primaryAccounts")) {
    ADD_FAILURE() << "session: HTTP " << response.status << " " << response.body;
    return account_id_;
  }
  account_id_ = session["primaryAccounts"]["urn:ietf:params:jmap:mail"].GetString();
  return account_id_;
}

rapidjson::Document JmapClient::Request(const std::string& method_calls, long* status) {
  HttpRequest request;
  request.method = "POST";
  request.url = server_.origin() + base_path_ + "/jmap/api";
  request.headers = {"Content-Type: application/json"};
  request.basic_login = user_.login;
  request.basic_password = user_.password;
  request.body = R"({"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],)"
                 R"("methodCalls":)" +
                 method_calls + "}";
  HttpResponse response = client_.Send(request);
  if (status != nullptr) *status = response.status;
  rapidjson::Document doc;
  doc.Parse(response.body.c_str(), response.body.size());
  if (status == nullptr && response.status != 200) {
    ADD_FAILURE() << "JMAP request: HTTP " << response.status << " " << response.body;
  }
  return doc;
}

MethodResult JmapClient::Method(const std::string& method, const std::string& args) {
  rapidjson::Document arguments;
  arguments.Parse(args.c_str());
  if (!arguments.IsObject()) {
    ADD_FAILURE() << "test arguments are not a JSON object: " << args;
    arguments.SetObject();
  }
  if (!arguments.HasMember("accountId")) {
    arguments.AddMember("accountId",
                        rapidjson::Value(account_id().c_str(), arguments.GetAllocator()),
                        arguments.GetAllocator());
  }
  rapidjson::Document response =
      Request("[[\"" + method + "\"," + JsonText(arguments) + ",\"c\"]]");
  MethodResult result;
  if (!response.IsObject() || !response.HasMember("methodResponses") ||
      response["methodResponses"].Empty()) {
    ADD_FAILURE() << method << ": no method response";
    result.args.SetObject();
    return result;
  }
  const rapidjson::Value& call = response["methodResponses"][0];
  result.name = call[0].GetString();
  result.args.CopyFrom(call[1], result.args.GetAllocator());
  return result;
}

}  // namespace konvert::testing
