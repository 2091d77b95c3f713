#include "api/session/session_resource.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace konvert::api {
namespace {

TEST(BuildSessionJson, BuildsAbsoluteUrlsFromThePublicUrl) {
  std::string json =
      BuildSessionJson("alice@example.test", "https://mail.example.org/mail", jmap::Limits{});
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError());

  EXPECT_STREQ(doc["apiUrl"].GetString(), "https://mail.example.org/mail/jmap/api");
  EXPECT_STREQ(doc["uploadUrl"].GetString(),
               "https://mail.example.org/mail/jmap/upload/{accountId}/");
  EXPECT_STREQ(doc["downloadUrl"].GetString(),
               "https://mail.example.org/mail/jmap/download/{accountId}/{blobId}/{name}"
               "?type={type}");
  EXPECT_STREQ(doc["eventSourceUrl"].GetString(),
               "https://mail.example.org/mail/jmap/eventsource"
               "?types={types}&closeafter={closeafter}&ping={ping}");
  EXPECT_STREQ(doc["username"].GetString(), "alice@example.test");
}

TEST(BuildSessionJson, AdvertisesLimitsAndThePrimaryAccount) {
  jmap::Limits limits;
  limits.max_calls_in_request = 7;
  std::string json = BuildSessionJson("alice@example.test", "https://h/webmail", limits);
  rapidjson::Document doc;
  doc.Parse(json.c_str());

  const auto& core = doc["capabilities"]["urn:ietf:params:jmap:core"];
  EXPECT_EQ(core["maxCallsInRequest"].GetUint(), 7u);
  EXPECT_TRUE(core.HasMember("maxSizeRequest"));
  EXPECT_TRUE(doc["capabilities"].HasMember("urn:ietf:params:jmap:mail"));

  std::string account = AccountIdFor("alice@example.test");
  EXPECT_STREQ(doc["primaryAccounts"]["urn:ietf:params:jmap:mail"].GetString(), account.c_str());
  EXPECT_TRUE(doc["accounts"][account.c_str()]["isPersonal"].GetBool());
}

TEST(AccountIdFor, IsStableAndDistinct) {
  EXPECT_EQ(AccountIdFor("alice@example.test"), AccountIdFor("alice@example.test"));
  EXPECT_NE(AccountIdFor("alice@example.test"), AccountIdFor("bob@example.test"));
  EXPECT_EQ(AccountIdFor("alice@example.test").find("alice"), std::string::npos);
}

TEST(BuildSessionJson, StateChangesWithTheSession) {
  jmap::Limits limits;
  std::string a = BuildSessionJson("alice@example.test", "https://h/webmail", limits);
  std::string b = BuildSessionJson("alice@example.test", "https://h/mail", limits);
  rapidjson::Document da, db;
  da.Parse(a.c_str());
  db.Parse(b.c_str());
  EXPECT_STRNE(da["state"].GetString(), db["state"].GetString());
}

}  // namespace
}  // namespace konvert::api
