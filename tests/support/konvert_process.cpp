#include "tests/support/konvert_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace konvert::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct TestCertificate {
  std::string cert;
  std::string key;
};

const TestCertificate& Certificate() {
  static TestCertificate certificate;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string dir = MakeTempDir("konvert-cert");
    certificate.cert = dir + "/cert.pem";
    certificate.key = dir + "/key.pem";
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
        certificate.key + " -out " + certificate.cert + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) certificate.cert.clear();
  });
  return certificate;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& output_file) {
  pid_t pid = fork();
  if (pid != 0) return pid;

  int fd = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  std::vector<char*> argv;
  std::string binary = KonvertProcess::BinaryPath();
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = std::filesystem::temp_directory_path().string() + "/" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

const std::string& KonvertProcess::CertFile() { return Certificate().cert; }
const std::string& KonvertProcess::KeyFile() { return Certificate().key; }
std::string KonvertProcess::BinaryPath() {
  return std::string(KONVERT_BINARY_DIR) + "/api/konvert";
}

KonvertProcess::KonvertProcess(std::vector<std::string> args) : args_(std::move(args)) {
  dir_ = MakeTempDir("konvert-test");
  data_dir_ = dir_ + "/data";
  log_file_ = dir_ + "/konvert.log";
}

KonvertProcess::~KonvertProcess() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool KonvertProcess::Start(std::string* error) {
  if (CertFile().empty()) {
    *error = "could not generate the test certificate with openssl";
    return false;
  }
  std::vector<std::string> args = {"--listen",    "127.0.0.1:0", "--tls-cert", CertFile(),
                                   "--tls-key",   KeyFile(),     "--data-dir", data_dir_,
                                   "--log-level", "debug"};
  args.insert(args.end(), args_.begin(), args_.end());
  pid_ = Spawn(args, log_file_);

  // The server logs `event=listening ... port=N` once it accepts connections.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ReadFile(log_file_);
    size_t at = text.find("event=listening");
    if (at != std::string::npos) {
      size_t port_at = text.find(" port=", at);
      if (port_at != std::string::npos) {
        port_ = static_cast<uint16_t>(std::atoi(text.c_str() + port_at + 6));
        return port_ != 0;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "konvert exited at start-up: " + text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *error = "konvert did not listen within 20 s: " + ReadFile(log_file_);
  return false;
}

int KonvertProcess::Stop() {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 1000; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

int KonvertProcess::RunToExit(const std::vector<std::string>& args, std::string* output) {
  std::string dir = MakeTempDir("konvert-run");
  std::string file = dir + "/out.txt";
  pid_t pid = Spawn(args, file);
  int status = 0;
  waitpid(pid, &status, 0);
  *output = ReadFile(file);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string KonvertProcess::origin() const { return "https://127.0.0.1:" + std::to_string(port_); }

std::string KonvertProcess::log() const { return ReadFile(log_file_); }

}  // namespace konvert::testing
