// Config: how one Konvert process is set up, from a config file and flags.
//
// Every setting has one name, used both as a flag (`--public-url X` or
// `--public-url=X`) and as a line of the config file (`public-url = X`).
// Flags win over the file. `konvert --help` prints the table below.
//
// Parsing is pure and runs once on the main thread before the server starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/server_url.h"
#include "model/status.h"

namespace konvert::api {

struct Config {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8443;
  // Where the app and API live on this listener, e.g. "/webmail"; "" for the root.
  std::string base_path = "/webmail";
  // The URL clients see, e.g. "https://mail.example.org/mail" behind a proxy.
  // Every URL in the JMAP session is built from it. No trailing slash.
  std::string public_url;
  ServerUrl imap;
  ServerUrl smtp;
  // PEM file of the CAs that sign the IMAP and SMTP servers' certificates;
  // empty for the system's trust store.
  std::string mail_ca_file;
  // Lets IMAP and SMTP run without TLS when their host is a loopback address.
  bool allow_plain_loopback = false;
  std::string data_dir = "/var/lib/konvert";
  std::string tls_cert;
  std::string tls_key;
  std::string log_level = "info";
  // Built frontend files served under the base path; empty serves none.
  std::string static_dir;
  // Reverse proxies (exact IP addresses) whose X-Forwarded-For names the
  // real client, for the login throttle and the logs.
  std::vector<std::string> trusted_proxies;
  uint32_t worker_threads = 16;
  uint32_t reactor_threads = 2;
  // Seconds a login stays valid.
  uint32_t session_lifetime = 7 * 24 * 3600;
};

// The text of `konvert --help`.
std::string ConfigHelp();

// Parses argv (without argv[0]). `--config FILE` loads that file first; the
// other flags then override it. Returns kInvalidArguments naming the setting
// at fault. `*help` is set when --help was given.
Result<Config> ParseConfig(const std::vector<std::string>& args, bool* help);

// Sets public_url from the listener and base path unless it is set.
void DerivePublicUrl(Config* config);

// Parses config file text; exposed for tests.
Status ApplyConfigText(const std::string& text, Config* config);

}  // namespace konvert::api
