// KonvertProcess: the real `konvert` binary, started by a test.
//
// Each instance runs the server built in this tree with a fresh data
// directory, a test certificate and `--listen 127.0.0.1:0`, then learns the
// port from the server's own `event=listening` log line. Its log (stderr)
// goes to a file that the test can read, e.g. to check that no password
// was logged. The destructor stops the process with SIGTERM.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace konvert::testing {

class KonvertProcess {
 public:
  // `args` come after the standard ones and win over them.
  explicit KonvertProcess(std::vector<std::string> args);
  ~KonvertProcess();
  KonvertProcess(const KonvertProcess&) = delete;
  KonvertProcess& operator=(const KonvertProcess&) = delete;

  // Starts the server and waits (bounded) until it listens. On failure
  // `error` holds why, including the server's log.
  bool Start(std::string* error);
  // Sends SIGTERM and waits; returns the exit status (-1 if killed).
  int Stop();
  // Runs the binary to completion with exactly `args` (no defaults added);
  // returns its exit status and its combined output in `output`.
  static int RunToExit(const std::vector<std::string>& args, std::string* output);

  uint16_t port() const { return port_; }
  // "https://127.0.0.1:PORT".
  std::string origin() const;
  std::string log() const;
  const std::string& data_dir() const { return data_dir_; }

  // The certificate and key every test server uses (generated once).
  static const std::string& CertFile();
  static const std::string& KeyFile();
  static std::string BinaryPath();

 private:
  std::vector<std::string> args_;
  std::string dir_;
  std::string data_dir_;
  std::string log_file_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// A new empty directory under the system's temporary directory.
std::string MakeTempDir(const std::string& prefix);

}  // namespace konvert::testing
