// Login and logout of Service: the session cookie (DESIGN.md decision 7).
//
// POST {base}/auth/login takes {"login": …, "password": …} as JSON, checks it
// with an IMAP LOGIN and answers with the session cookie: HttpOnly (no script
// reads it), Secure (HTTPS only), SameSite=Strict (no other site sends it).
// The cookie's path is "/" because the JMAP session also lives at the root
// (/.well-known/jmap). The body also tells the account and the session URL.
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

#include "api/auth/credentials.h"
#include "api/http/reply.h"
#include "api/service.h"
#include "api/session/session_resource.h"
#include "model/base64.h"

namespace konvert::api {
namespace {

constexpr size_t kMaxLoginBody = 16 * 1024;

std::string CookieHeader(const std::string& value, int64_t max_age) {
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; Secure; SameSite=Strict";
}

Result<Credentials> ParseLoginBody(const std::string& body) {
  if (body.size() > kMaxLoginBody) {
    return Status(ErrorKind::kInvalidArguments, "login body is too large");
  }
  // RapidJSON would stop at a NUL and ignore what follows; JSON never has one.
  if (body.find('\0') != std::string::npos) {
    return Status(ErrorKind::kInvalidArguments, "login body holds a NUL byte");
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                    body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status(ErrorKind::kInvalidArguments, "expected a JSON object {login, password}");
  }
  auto login = doc.FindMember("login");
  auto password = doc.FindMember("password");
  if (login == doc.MemberEnd() || !login->value.IsString() || login->value.GetStringLength() == 0) {
    return Status(ErrorKind::kInvalidArguments, "'login' must be a non-empty string");
  }
  if (password == doc.MemberEnd() || !password->value.IsString()) {
    return Status(ErrorKind::kInvalidArguments, "'password' must be a string");
  }
  std::string l =
      CanonicalLogin(std::string(login->value.GetString(), login->value.GetStringLength()));
  std::string p(password->value.GetString(), password->value.GetStringLength());
  if (l.find('\0') != std::string::npos || p.find('\0') != std::string::npos) {
    return Status(ErrorKind::kInvalidArguments, "'login' and 'password' must not hold NUL");
  }
  return Credentials{l, p};
}

std::string RandomId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "";
  return Base64Encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)),
                      Base64Alphabet::kUrl);
}

std::string LoginReply(const std::string& login, const std::string& public_url) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  std::string account = AccountIdFor(login);
  std::string session = public_url + "/.well-known/jmap";
  w.StartObject();
  w.Key("username");
  w.String(login.data(), login.size());
  w.Key("accountId");
  w.String(account.data(), account.size());
  w.Key("sessionUrl");
  w.String(session.data(), session.size());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

void Service::HandleLogin(const Pistache::Http::Request& request, Writer writer,
                          Exchange exchange) {
  // A login form posted from another site would log the victim into the
  // attacker's mailbox; browsers always send one of these headers on POST.
  auto origin = HeaderValue(request, "Origin");
  auto fetch_site = HeaderValue(request, "Sec-Fetch-Site");
  if ((origin || fetch_site) && !PassesCsrfCheck(origin, fetch_site, allowed_origins_)) {
    return Fail(writer, exchange, Status(ErrorKind::kForbidden, "cross-site login refused"));
  }

  Result<Credentials> credentials = ParseLoginBody(request.body());
  if (!credentials.ok()) return Fail(writer, exchange, credentials.status());

  Identity identity;
  identity.credentials = *credentials;
  identity.by_password = true;
  std::string login = credentials->login;
  std::string password = credentials->password;
  WithImap(identity, writer, exchange, [this, writer, exchange, login, password](ImapConnection&) {
    SessionClaims claims;
    claims.login = login;
    claims.password = password;
    claims.issued_at = static_cast<int64_t>(std::time(nullptr));
    claims.expires_at = claims.issued_at + config_.session_lifetime;
    claims.session_id = RandomId();
    Result<std::string> token = sealer_.Seal(claims);
    if (!token.ok() || claims.session_id.empty()) {
      return Fail(writer, exchange, Status(ErrorKind::kServerFail, "cannot create a session"));
    }

    log::Info("login", exchange.log.With("account", login), {{"session", claims.session_id}});
    int status = SendJson(*writer, 200, LoginReply(login, config_.public_url),
                          {{"Set-Cookie", CookieHeader(*token, config_.session_lifetime)}});
    Finished(exchange, status);
  });
}

void Service::HandleLogout(const Pistache::Http::Request& request, Writer writer,
                           Exchange exchange) {
  Result<Identity> identity = Authenticate(request, true);
  if (!identity.ok() && identity.status().kind() == ErrorKind::kForbidden) {
    return Fail(writer, exchange, identity.status());
  }

  // Ends the session on this node even if the client keeps a copy of the
  // token; the cookie itself is cleared in the browser.
  if (identity.ok() && !identity->session_id.empty()) {
    Revoke(identity->session_id, static_cast<int64_t>(std::time(nullptr)) +
                                     static_cast<int64_t>(config_.session_lifetime));
    log::Info("logout", exchange.log.With("account", identity->credentials.login),
              {{"session", identity->session_id}});
  }
  SetHeader(*writer, "Set-Cookie", CookieHeader("", 0));
  SetHeader(*writer, "Cache-Control", "no-store");
  writer->send(Pistache::Http::Code::No_Content);
  Finished(exchange, 204);
}

}  // namespace konvert::api
