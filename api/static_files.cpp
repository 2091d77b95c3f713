// The frontend's files, served by Service under the base path.
//
// They are read into memory once at start-up (a built app is a few hundred
// kilobytes), so that a reactor thread never waits on the disk. Paths that
// name no file and have no extension get index.html: the app routes itself.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/http/reply.h"
#include "api/service.h"

namespace konvert::api {
namespace {

constexpr uintmax_t kMaxStaticBytes = 64 * 1024 * 1024;

std::string TypeOf(const std::filesystem::path& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  std::string ext = path.extension().string();
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

}  // namespace

void Service::LoadStaticFiles() {
  if (config_.static_dir.empty()) return;

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(config_.static_dir, ec);
  uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    total += it->file_size();
    if (total > kMaxStaticBytes) {
      log::Warn("static_files_too_large", log::Context(), {{"path", root.string()}});
      break;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    std::string relative = "/" + fs::relative(it->path(), root).generic_string();
    static_files_[relative] = StaticFile{content.str(), TypeOf(it->path())};
  }
  if (ec) log::Warn("static_files_unreadable", log::Context(), {{"error", ec.message()}});
  log::Info("static_files_loaded", log::Context(),
            {{"count", static_cast<uint64_t>(static_files_.size())}});
}

void Service::HandleStatic(const Pistache::Http::Request& request, Writer writer,
                           Exchange exchange) {
  (void)request;
  std::string rest = exchange.path.substr(config_.base_path.size());

  // The app's relative URLs need the trailing slash.
  if (rest.empty()) {
    std::string location = config_.public_url + "/";
    SetHeader(*writer, "Location", location);
    writer->send(Pistache::Http::Code::Moved_Permanently);
    return Finished(exchange, 301);
  }
  if (rest == "/") rest = "/index.html";

  auto it = static_files_.find(rest);
  if (it == static_files_.end() && rest.find('.') == std::string::npos) {
    it = static_files_.find("/index.html");
  }
  if (it == static_files_.end()) {
    return Fail(writer, exchange, Status(ErrorKind::kNotFound, "no such file"));
  }
  int status = SendBody(*writer, 200, it->second.content, it->second.type);
  Finished(exchange, status);
}

}  // namespace konvert::api
