#include "store/net/certificate.h"

#include <arpa/inet.h>
#include <libetpan/libetpan.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

namespace konvert {
namespace {

Status Fail(std::string message) { return Status(ErrorKind::kServerFail, std::move(message)); }

}  // namespace

bool WantsServerName(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) != 1 && inet_pton(AF_INET6, host.c_str(), &v6) != 1;
}

void SetServerName(mailstream_ssl_context* ssl, void* data) {
  auto* host = static_cast<std::string*>(data);
  mailstream_ssl_set_server_name(ssl, host->data());
}

namespace {

bool IsAddressLiteral(const std::string& host) { return !WantsServerName(host); }

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct X509StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct X509StoreCtxFree {
  void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

}  // namespace

Status VerifyServerCertificate(mailstream* stream, const std::string& host,
                               const std::string& ca_file, const std::string& what) {
  std::vector<std::unique_ptr<X509, X509Free>> chain;
  carray* presented = mailstream_get_certificate_chain(stream);
  for (unsigned i = 0; presented != nullptr && i < carray_count(presented); ++i) {
    auto* der = static_cast<MMAPString*>(carray_get(presented, i));
    const auto* bytes = reinterpret_cast<const unsigned char*>(der->str);
    X509* certificate = d2i_X509(nullptr, &bytes, static_cast<long>(der->len));
    if (certificate != nullptr) chain.emplace_back(certificate);
  }
  if (presented != nullptr) mailstream_certificate_chain_free(presented);
  if (chain.empty()) return Fail(what + " server presented no certificate");

  std::unique_ptr<X509_STORE, X509StoreFree> trusted(X509_STORE_new());
  std::unique_ptr<STACK_OF(X509), X509StackFree> intermediates(sk_X509_new_null());
  std::unique_ptr<X509_STORE_CTX, X509StoreCtxFree> context(X509_STORE_CTX_new());
  if (!trusted || !intermediates || !context) return Fail("out of memory verifying a certificate");
  bool loaded = ca_file.empty() ? X509_STORE_set_default_paths(trusted.get()) == 1
                                : X509_STORE_load_file(trusted.get(), ca_file.c_str()) == 1;
  if (!loaded) return Fail("cannot load the trusted certificates for " + what);
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(intermediates.get(), chain[i].get());

  if (X509_STORE_CTX_init(context.get(), trusted.get(), chain[0].get(), intermediates.get()) != 1) {
    return Fail("cannot verify the certificate of the " + what + " server");
  }
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* checks = X509_STORE_CTX_get0_param(context.get());
  if (IsAddressLiteral(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(checks, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(checks, host.c_str(), host.size());
  }
  if (X509_verify_cert(context.get()) == 1) return Status::Ok();

  int error = X509_STORE_CTX_get_error(context.get());
  return Fail("certificate of " + what + " server " + host +
              " is not trusted: " + X509_verify_cert_error_string(error));
}

}  // namespace konvert
