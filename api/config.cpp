#include "api/config.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace konvert::api {
namespace {

struct Setting {
  const char* name;
  const char* value_hint;
  const char* help;
};

constexpr Setting kSettings[] = {
    {"config", "FILE", "read settings from FILE (lines `name = value`, # comments)"},
    {"listen", "HOST:PORT", "HTTPS listener (default 127.0.0.1:8443)"},
    {"base-path", "PATH", "path prefix of app and API (default /webmail)"},
    {"public-url", "URL", "externally visible https URL incl. base path (default from listen)"},
    {"imap", "URL", "imap://host:port (STARTTLS) or imaps://host:port (required)"},
    {"smtp", "URL", "smtp://host:port (STARTTLS submission) or smtps://host:port"},
    {"mail-ca", "FILE", "CA certificates for the IMAP/SMTP servers (default: system store)"},
    {"allow-plain-loopback", "[BOOL]", "allow IMAP/SMTP without TLS on loopback hosts"},
    {"data-dir", "DIR", "cache and server key (default /var/lib/konvert)"},
    {"tls-cert", "FILE", "PEM certificate chain for HTTPS (required)"},
    {"tls-key", "FILE", "PEM private key for HTTPS (required)"},
    {"log-level", "LEVEL", "error, warn, info (default) or debug"},
    {"static-dir", "DIR", "built frontend to serve under the base path"},
    {"trusted-proxies", "IP,IP", "reverse proxies whose X-Forwarded-For names the client"},
    {"worker-threads", "N", "threads for IMAP, SMTP and storage work (default 16)"},
    {"reactor-threads", "N", "HTTP reactor threads (default 2)"},
    {"session-lifetime", "SECONDS", "how long a login stays valid (default 604800)"},
};

Status Invalid(const std::string& name, const std::string& why) {
  return Status(ErrorKind::kInvalidArguments, "setting '" + name + "': " + why);
}

bool ParseUint(const std::string& text, uint64_t max, uint64_t* out) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return false;
  *out = value;
  return true;
}

Status ParseListen(const std::string& text, Config* config) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return Invalid("listen", "expected HOST:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint64_t port = 0;
  if (!ParseUint(text.substr(colon + 1), 65535, &port)) {
    return Invalid("listen", "port must be a number from 0 to 65535");
  }
  config->listen_host = host;
  config->listen_port = static_cast<uint16_t>(port);
  return Status::Ok();
}

std::string StripSlashes(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

Status ApplySetting(const std::string& name, const std::string& value, Config* config) {
  uint64_t number = 0;
  if (name == "listen") return ParseListen(value, config);
  if (name == "base-path") {
    std::string path = StripSlashes(value);
    if (!path.empty() && path.front() != '/') return Invalid(name, "must start with '/'");
    if (path.find_first_of("?#% ") != std::string::npos) return Invalid(name, "bad character");
    config->base_path = path;
  } else if (name == "public-url") {
    std::string url = StripSlashes(value);
    if (url.rfind("https://", 0) != 0 || url.size() <= 8) {
      return Invalid(name, "must be an absolute https:// URL");
    }
    config->public_url = url;
  } else if (name == "imap" || name == "smtp") {
    Result<ServerUrl> url = ParseServerUrl(value);
    if (!url.ok()) return Invalid(name, url.status().message());
    bool imap_scheme = url->scheme == "imap" || url->scheme == "imaps";
    if (imap_scheme != (name == "imap")) return Invalid(name, "wrong scheme for this setting");
    (name == "imap" ? config->imap : config->smtp) = *url;
  } else if (name == "allow-plain-loopback") {
    if (value != "true" && value != "false") return Invalid(name, "expected true or false");
    config->allow_plain_loopback = value == "true";
  } else if (name == "mail-ca") {
    config->mail_ca_file = value;
  } else if (name == "data-dir") {
    config->data_dir = value;
  } else if (name == "tls-cert") {
    config->tls_cert = value;
  } else if (name == "tls-key") {
    config->tls_key = value;
  } else if (name == "log-level") {
    if (value != "error" && value != "warn" && value != "info" && value != "debug") {
      return Invalid(name, "expected error, warn, info or debug");
    }
    config->log_level = value;
  } else if (name == "trusted-proxies") {
    config->trusted_proxies.clear();
    std::stringstream list(value);
    for (std::string ip; std::getline(list, ip, ',');) {
      ip = Trim(ip);
      if (!ip.empty()) config->trusted_proxies.push_back(ip);
    }
  } else if (name == "static-dir") {
    config->static_dir = value;
  } else if (name == "worker-threads" || name == "reactor-threads") {
    if (!ParseUint(value, 256, &number) || number == 0) return Invalid(name, "expected 1..256");
    (name == "worker-threads" ? config->worker_threads : config->reactor_threads) =
        static_cast<uint32_t>(number);
  } else if (name == "session-lifetime") {
    if (!ParseUint(value, 365ull * 24 * 3600, &number) || number < 60) {
      return Invalid(name, "expected 60..31536000 seconds");
    }
    config->session_lifetime = static_cast<uint32_t>(number);
  } else {
    return Invalid(name, "unknown setting");
  }
  return Status::Ok();
}

Status Finish(Config* config) {
  if (config->imap.host.empty()) return Invalid("imap", "required");
  if (config->tls_cert.empty() || config->tls_key.empty()) {
    return Invalid("tls-cert", "HTTPS needs both --tls-cert and --tls-key");
  }
  // With port 0 the server derives the URL once it knows the port it got.
  if (config->listen_port != 0) DerivePublicUrl(config);
  return Status::Ok();
}

}  // namespace

void DerivePublicUrl(Config* config) {
  if (!config->public_url.empty()) return;
  std::string host = config->listen_host;
  if (host == "0.0.0.0" || host == "::") host = "localhost";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  config->public_url =
      "https://" + host + ":" + std::to_string(config->listen_port) + config->base_path;
}

std::string ConfigHelp() {
  std::ostringstream out;
  out << "Usage: konvert [--config FILE] [--NAME VALUE | --NAME=VALUE]...\n"
      << "Konvert serves JMAP and the webmail app over HTTPS in front of IMAP/SMTP.\n"
      << "Each setting may also stand in the config file as `NAME = VALUE`; flags win.\n\n";
  for (const Setting& s : kSettings) {
    std::string left = std::string("  --") + s.name + " " + s.value_hint;
    out << left << std::string(left.size() < 34 ? 34 - left.size() : 1, ' ') << s.help << "\n";
  }
  out << "  --help                          print this text\n";
  return out.str();
}

Status ApplyConfigText(const std::string& text, Config* config) {
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;

    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return Status(ErrorKind::kInvalidArguments,
                    "config line " + std::to_string(number) + ": expected NAME = VALUE");
    }
    std::string name = Trim(line.substr(0, eq));
    if (name == "config") return Invalid(name, "not allowed inside a config file");
    Status status = ApplySetting(name, Trim(line.substr(eq + 1)), config);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Result<Config> ParseConfig(const std::vector<std::string>& args, bool* help) {
  *help = false;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;

  // First pass: split flags into name/value pairs and find --config.
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      return Config{};
    }
    if (arg.rfind("--", 0) != 0) return Invalid(arg, "not a flag");
    std::string name = arg.substr(2);
    std::string value;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (name == "allow-plain-loopback") {
      // A bare flag means true; a following true or false is its value.
      bool given = i + 1 < args.size() && (args[i + 1] == "true" || args[i + 1] == "false");
      value = given ? args[++i] : "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Invalid(name, "missing value");
    }
    if (name == "config") {
      config_file = value;
    } else {
      flags.emplace_back(name, value);
    }
  }

  // The file first, so that flags override it.
  Config config;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) return Invalid("config", "cannot read " + config_file);
    std::stringstream text;
    text << in.rdbuf();
    Status status = ApplyConfigText(text.str(), &config);
    if (!status.ok()) return status;
  }
  for (const auto& [name, value] : flags) {
    Status status = ApplySetting(name, value, &config);
    if (!status.ok()) return status;
  }

  Status status = Finish(&config);
  if (!status.ok()) return status;
  return config;
}

}  // namespace konvert::api
