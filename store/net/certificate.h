// Checking a mail server's TLS certificate.
//
// libetpan's TLS layer accepts any certificate, so Konvert checks the chain
// a server presented itself, before any credential is sent: it must lead to
// a trusted certificate and name the host (RFC 9525 §6; an address literal
// must appear as an IP address entry). Also the Server Name Indication
// callback that libetpan's TLS setup takes.
//
// Pure computation on the presented chain (plus reading the CA file): worker
// threads only.
#pragma once

#include <string>

#include "model/status.h"

struct _mailstream;
struct mailstream_ssl_context;

namespace konvert {

// True for DNS names, false for address literals, which SNI (RFC 6066 §3)
// never carries.
bool WantsServerName(const std::string& host);

// A libetpan SSL context callback; `data` is a std::string* with the host.
void SetServerName(mailstream_ssl_context* ssl, void* data);

// kServerFail naming `what` ("IMAP") when the chain does not verify against
// `ca_file` (empty: the system's trust store) or does not name `host`.
Status VerifyServerCertificate(_mailstream* stream, const std::string& host,
                               const std::string& ca_file, const std::string& what);

}  // namespace konvert
