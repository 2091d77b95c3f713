#include "api/session/session_resource.h"

#include <openssl/sha.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace konvert::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string HexSha256(std::string_view text, size_t hex_chars) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < SHA256_DIGEST_LENGTH && out.size() < hex_chars; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

void Key(Writer& w, std::string_view key) { w.Key(key.data(), key.size()); }

void String(Writer& w, std::string_view value) { w.String(value.data(), value.size()); }

void CoreCapability(Writer& w, const jmap::Limits& limits) {
  w.StartObject();
  Key(w, "maxSizeUpload");
  w.Uint64(limits.max_size_upload);
  Key(w, "maxConcurrentUpload");
  w.Uint(limits.max_concurrent_upload);
  Key(w, "maxSizeRequest");
  w.Uint64(limits.max_size_request);
  Key(w, "maxConcurrentRequests");
  w.Uint(limits.max_concurrent_requests);
  Key(w, "maxCallsInRequest");
  w.Uint(limits.max_calls_in_request);
  Key(w, "maxObjectsInGet");
  w.Uint(limits.max_objects_in_get);
  Key(w, "maxObjectsInSet");
  w.Uint(limits.max_objects_in_set);
  Key(w, "collationAlgorithms");
  w.StartArray();
  String(w, "i;ascii-casemap");
  String(w, "i;unicode-casemap");
  w.EndArray();
  w.EndObject();
}

// RFC 8621 §1.3.1.
void MailAccountCapability(Writer& w, const jmap::Limits& limits) {
  w.StartObject();
  Key(w, "maxMailboxesPerEmail");
  w.Null();
  Key(w, "maxMailboxDepth");
  w.Null();
  Key(w, "maxSizeMailboxName");
  w.Uint(490);
  Key(w, "maxSizeAttachmentsPerEmail");
  w.Uint64(limits.max_size_upload);
  Key(w, "emailQuerySortOptions");
  w.StartArray();
  for (const char* option : {"receivedAt", "sentAt", "size", "from", "to", "subject", "hasKeyword",
                             "allInThreadHaveKeyword", "someInThreadHaveKeyword"}) {
    String(w, option);
  }
  w.EndArray();
  Key(w, "mayCreateTopLevelMailbox");
  w.Bool(true);
  w.EndObject();
}

}  // namespace

std::string AccountIdFor(std::string_view login) {
  return "a" + HexSha256(std::string("konvert-account:") + std::string(login), 20);
}

std::string SessionStateFor(std::string_view login, std::string_view public_url,
                            const jmap::Limits& limits) {
  rapidjson::Document doc;
  std::string json = BuildSessionJson(login, public_url, limits);
  doc.Parse(json.c_str(), json.size());
  return doc.IsObject() && doc.HasMember("state") ? doc["state"].GetString() : "";
}

std::string BuildSessionJson(std::string_view login, std::string_view public_url,
                             const jmap::Limits& limits) {
  std::string account = AccountIdFor(login);
  std::string base(public_url);

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();

  Key(w, "capabilities");
  w.StartObject();
  Key(w, kCapabilityCore);
  CoreCapability(w, limits);
  Key(w, kCapabilityMail);
  w.StartObject();
  w.EndObject();
  w.EndObject();

  Key(w, "accounts");
  w.StartObject();
  Key(w, account);
  w.StartObject();
  Key(w, "name");
  String(w, login);
  Key(w, "isPersonal");
  w.Bool(true);
  Key(w, "isReadOnly");
  w.Bool(false);
  Key(w, "accountCapabilities");
  w.StartObject();
  Key(w, kCapabilityCore);
  w.StartObject();
  w.EndObject();
  Key(w, kCapabilityMail);
  MailAccountCapability(w, limits);
  w.EndObject();
  w.EndObject();
  w.EndObject();

  Key(w, "primaryAccounts");
  w.StartObject();
  Key(w, kCapabilityCore);
  String(w, account);
  Key(w, kCapabilityMail);
  String(w, account);
  w.EndObject();

  Key(w, "username");
  String(w, login);
  Key(w, "apiUrl");
  String(w, base + std::string(kApiPath));
  Key(w, "downloadUrl");
  String(w, base + std::string(kDownloadPath) + "{accountId}/{blobId}/{name}?type={type}");
  Key(w, "uploadUrl");
  String(w, base + std::string(kUploadPath) + "{accountId}/");
  Key(w, "eventSourceUrl");
  String(w, base + std::string(kEventSourcePath) +
                "?types={types}&closeafter={closeafter}&ping={ping}");

  // The state changes whenever anything above does (RFC 8620 §2).
  std::string so_far(buffer.GetString(), buffer.GetSize());
  Key(w, "state");
  String(w, HexSha256(so_far, 16));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace konvert::api
