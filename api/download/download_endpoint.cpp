// Service's download endpoint (RFC 8620 §6.2); see download.h.
#include "api/download/download.h"
#include "api/download/mail_blobs.h"
#include "api/http/reply.h"
#include "api/service.h"
#include "api/session/session_resource.h"

namespace konvert::api {
namespace {

// Blob ids derive from the message's bytes (mail_blobs.h), so the bytes
// behind a URL never change and the browser may keep them; only its own
// private cache, since they are the user's mail.
constexpr char kCacheControl[] = "private, max-age=604800, immutable";

// Should a browser ever render a blob rather than save it, it runs as an
// opaque origin with nothing allowed, so mail cannot script our pages.
constexpr char kSandbox[] = "default-src 'none'; sandbox";

// What a failed read tells the client. Not found is the client's business;
// what IMAP or the cache said otherwise names the operator's servers, so it
// goes to the log only.
std::pair<Status, std::vector<Header>> ClientFailure(const Status& status,
                                                     const log::Context& log) {
  if (status.kind() == ErrorKind::kNotFound) return {status, {}};
  log::Warn("download_failed", log, {{"error", status.message()}});
  if (status.kind() == ErrorKind::kServerUnavailable) {
    return {Status(status.kind(), "the mail server is unavailable; try again shortly"),
            {{"Retry-After", "5"}}};
  }
  return {Status(ErrorKind::kServerFail, "the blob could not be read"), {}};
}

}  // namespace

void Service::HandleDownload(const Pistache::Http::Request& request, Writer writer,
                             Exchange exchange) {
  std::string_view rest = exchange.path;
  rest.remove_prefix(config_.base_path.size() + kDownloadPath.size());
  std::optional<DownloadTarget> target = ParseDownloadPath(rest);
  if (!target.has_value())
    return Fail(writer, exchange, Status(ErrorKind::kNotFound, "no such blob"));
  // Reading a blob changes nothing, and a cookie only comes along with
  // same-site requests (SameSite=Strict), so no CSRF check.
  Result<Identity> identity = Authenticate(request, false);
  if (!identity.ok()) return Fail(writer, exchange, identity.status());

  std::optional<std::string> type = request.query().get("type");
  std::optional<std::string> decoded_type = type ? PercentDecode(*type) : std::nullopt;
  std::string content_type = DownloadContentType(decoded_type.value_or(""));
  std::string disposition = AttachmentDisposition(target->name);
  std::string login = identity->credentials.login;
  Credentials credentials = identity->credentials;
  WithImap(*identity, writer, exchange,
           [this, writer, exchange, login, credentials, target = std::move(*target),
            content_type = std::move(content_type),
            disposition = std::move(disposition)](ImapConnection& imap) {
             // Another account's blob is not found rather than forbidden, so
             // that ids tell nothing about other accounts (RFC 8620 §6.2).
             if (target.account_id != AccountIdFor(login)) {
               return Fail(writer, exchange, Status(ErrorKind::kNotFound, "no such blob"));
             }
             if (mail_store_ == nullptr) {
               return Fail(writer, exchange,
                           Status(ErrorKind::kServerFail, "mail is not available on this server"));
             }
             if (!EnterRequest(login)) {
               return Fail(writer, exchange,
                           Status(ErrorKind::kLimit,
                                  "maxConcurrentRequests: too many requests of this account "
                                  "at once"));
             }
             log::Context log = exchange.log.With("account", login);
             Result<std::shared_ptr<MailAccount>> account = mail_store_->Account(target.account_id);
             Result<std::string> blob =
                 account.ok() ? ReadMailBlob(**account, imap, credentials, target.blob_id, log)
                              : account.status();
             LeaveRequest(login);
             if (!blob.ok()) {
               auto [status, headers] = ClientFailure(blob.status(), log);
               return Fail(writer, exchange, status, std::move(headers));
             }

             // LIMITATION: the whole blob is held in memory. Pistache 0.0.5's
             // ResponseStream can send chunks, but it queues each one to the
             // reactor with no backpressure, and libetpan reads a FETCH
             // literal whole, so streaming would not bound memory without
             // ranged IMAP reads and incremental transfer decoding.
             int status = SendBody(*writer, 200, *blob, content_type,
                                   {{"Content-Disposition", disposition},
                                    {"Cache-Control", kCacheControl},
                                    {"Content-Security-Policy", kSandbox}});
             Finished(exchange, status);
           });
}

}  // namespace konvert::api
