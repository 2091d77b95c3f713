// The JMAP session resource and API endpoint of Service (RFC 8620 §2, §3).
#include "api/http/reply.h"
#include "api/service.h"
#include "api/session/session_resource.h"
#include "model/jmap/request.h"

namespace konvert::api {

void Service::HandleSession(const Pistache::Http::Request& request, Writer writer,
                            Exchange exchange) {
  Result<Identity> identity = Authenticate(request, false);
  if (!identity.ok()) return Fail(writer, exchange, identity.status());

  std::string login = identity->credentials.login;
  WithImap(*identity, writer, exchange, [this, writer, exchange, login](ImapConnection&) {
    int status = SendJson(*writer, 200, BuildSessionJson(login, config_.public_url, limits_));
    Finished(exchange, status);
  });
}

void Service::HandleApi(const Pistache::Http::Request& request, Writer writer, Exchange exchange) {
  // Checked before anything else so that an oversized body costs no IMAP work.
  if (request.body().size() > limits_.max_size_request) {
    return Fail(writer, exchange,
                Status(ErrorKind::kLimit, std::string(jmap::kLimitMaxSizeRequest) +
                                              ": the body is larger than " +
                                              std::to_string(limits_.max_size_request) + " bytes"));
  }
  Result<Identity> identity = Authenticate(request, true);
  if (!identity.ok()) return Fail(writer, exchange, identity.status());

  // The per-account limit counts requests whose credentials IMAP accepted:
  // counted earlier, anyone could lock an account out with wrong passwords.
  std::string login = identity->credentials.login;
  Credentials credentials = identity->credentials;
  std::string body = request.body();
  WithImap(*identity, writer, exchange,
           [this, writer, exchange, login, credentials = std::move(credentials),
            body = std::move(body)](ImapConnection& imap) {
             if (!EnterRequest(login)) {
               return Fail(writer, exchange,
                           Status(ErrorKind::kLimit,
                                  "maxConcurrentRequests: too many requests of this account "
                                  "at once"));
             }
             MethodContext context;
             context.account_id = AccountIdFor(login);
             context.login = login;
             context.log = exchange.log.With("account", login);
             context.imap = &imap;
             context.session_state = SessionStateFor(login, config_.public_url, limits_);
             context.limits = limits_;
             context.credentials = credentials;
             context.mail_store = mail_store_.get();

             ApiReply reply = dispatcher_.Handle(body, context);
             LeaveRequest(login);
             int status = reply.http_status == 200
                              ? SendJson(*writer, 200, reply.body)
                              : SendBody(*writer, reply.http_status, reply.body,
                                         "application/problem+json; charset=utf-8");
             Finished(exchange, status, reply.methods);
           });
}

}  // namespace konvert::api
