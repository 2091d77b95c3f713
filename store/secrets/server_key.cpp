#include "store/secrets/server_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace konvert {
namespace {

Status Fail(const std::string& what, const std::string& path) {
  return Status(ErrorKind::kServerFail, what + " " + path + ": " + std::strerror(errno));
}

Result<std::string> ReadKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail("cannot open", path);

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Fail("cannot stat", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status(ErrorKind::kServerFail, path + " is readable by others; chmod 600 it");
  }

  std::string key(kServerKeySize + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kServerKeySize)) {
    return Status(ErrorKind::kServerFail, path + " does not hold a 32-byte key");
  }
  key.resize(kServerKeySize);
  return key;
}

}  // namespace

Result<std::string> LoadOrCreateServerKey(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status(ErrorKind::kServerFail, "cannot create " + data_dir + ": " + ec.message());
  ::chmod(data_dir.c_str(), 0700);

  std::string path = data_dir + "/server.key";
  std::string key(kServerKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kServerKeySize) != 1) {
    return Status(ErrorKind::kServerFail, "no randomness for the server key");
  }

  // O_EXCL: of two nodes starting at once on a shared directory, one wins
  // and both then read the winner's key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno != EEXIST) return Fail("cannot create", path);
    return ReadKey(path);
  }
  bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(path.c_str());
    return Fail("cannot write", path);
  }
  return key;
}

}  // namespace konvert
