// MailStack: finds the stack that ctest's `mailstack` fixture started, or
// starts one with tests/support/mailstack.sh and stops it at exit. The script
// owns everything about Dovecot and Postfix; this file only runs it and reads
// the ports it wrote to DIR/env.
#include "tests/support/mail_stack.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string_view>
#include <vector>

extern char** environ;

namespace konvert::testing {
namespace {

constexpr char kScript[] = KONVERT_MAILSTACK_SCRIPT;

// The stack this process started itself, stopped by StopOwnStack at exit.
std::string own_dir;
bool keep_own_dir = false;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "MailStack: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(1);
}

// Runs the script without a shell, so a password reaches it byte for byte.
// Returns its exit code, or -1 when it could not run or was killed.
int RunScript(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kScript));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = 0;
  if (posix_spawn(&pid, kScript, nullptr, nullptr, argv.data(), environ) != 0) return -1;

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// LIMITATION: a test program killed by a signal (a ctest timeout) cannot run
// this; its stack keeps running until `mailstack.sh stop DIR` is run by hand.
void StopOwnStack() {
  if (own_dir.empty()) return;
  RunScript({"stop", own_dir});
  if (keep_own_dir) return;

  std::error_code ignored;
  std::filesystem::remove_all(own_dir, ignored);
}

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    Fail("no " + path + ": the `mailstack_start` ctest fixture did not run; run the tests " +
         "through ctest, or unset KONVERT_MAILSTACK_DIR to start a stack of this program's own");
  }

  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

uint16_t PortFrom(const std::map<std::string, std::string>& env, const std::string& key,
                  const std::string& path) {
  auto it = env.find(key);
  int port = 0;
  if (it != env.end()) {
    std::string_view text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size()) port = 0;
  }
  if (port <= 0 || port > 65535) Fail(path + " has no valid " + key);
  return static_cast<uint16_t>(port);
}

std::string Url(const char* scheme, uint16_t port) {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port);
}

}  // namespace

MailStack& MailStack::Get() {
  static MailStack* stack = [] {
    auto* created = new MailStack();
    const char* shared_dir = std::getenv("KONVERT_MAILSTACK_DIR");
    if (shared_dir != nullptr && *shared_dir != '\0') {
      created->LoadEnv(shared_dir);
      return created;
    }

    // A short path: Dovecot's unix sockets live under it.
    char dir[] = "/tmp/konvert-mailstack-XXXXXX";
    if (mkdtemp(dir) == nullptr) Fail("cannot create a directory in /tmp for a mail stack");
    own_dir = dir;
    std::atexit(StopOwnStack);

    std::fprintf(stderr, "MailStack: starting a mail stack of this program's own in %s\n", dir);
    if (RunScript({"start", own_dir}) != 0) {
      keep_own_dir = true;
      Fail(std::string(kScript) + " could not start a mail stack; its logs are in " + own_dir +
           "/log");
    }
    created->LoadEnv(own_dir);
    return created;
  }();
  return *stack;
}

void MailStack::LoadEnv(const std::string& dir) {
  const std::string path = dir + "/env";
  const auto env = ReadEnvFile(path);

  dir_ = dir;
  imap_port_ = PortFrom(env, "IMAP_PORT", path);
  imaps_port_ = PortFrom(env, "IMAPS_PORT", path);
  submission_port_ = PortFrom(env, "SUBMISSION_PORT", path);
  lmtp_port_ = PortFrom(env, "LMTP_PORT", path);
}

std::string MailStack::imap_url() const { return Url("imap", imap_port_); }
std::string MailStack::imaps_url() const { return Url("imaps", imaps_port_); }
std::string MailStack::submission_url() const { return Url("smtp", submission_port_); }
std::string MailStack::ca_file() const { return dir_ + "/tls/cert.pem"; }

MailUser MailStack::alice() const { return {"alice@example.test", "alice-secret"}; }
MailUser MailStack::bob() const { return {"bob@example.test", "bob-secret"}; }
MailUser MailStack::admin() const { return {"admin@example.test", "admin-secret"}; }

MailUser MailStack::unicode_user() const {
  return {"ivan@example.test", "пароль \"кавычки\" \\ x"};
}

bool MailStack::AddUser(const MailUser& user) const {
  return RunScript({"adduser", dir_, user.login, user.password}) == 0;
}

}  // namespace konvert::testing
