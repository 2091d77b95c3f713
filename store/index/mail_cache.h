// MailCache: the RocksDB database under the data directory that caches what
// Konvert has learnt from IMAP (DESIGN.md decision 1).
//
// Everything in it can be rebuilt from the IMAP server, so the cache is
// disposable: a database written by another format version is wiped and
// started afresh when opened, and callers treat a record they cannot read
// as missing. When RocksDB itself reports damage (a checksum mismatch in a
// table file), the whole database is destroyed and recreated at once, the
// call fails with kServerUnavailable, and generation() moves on so that
// every account reloads from IMAP. Keys are opaque byte strings;
// AccountIndex owns the layout. Error messages never name files; the log
// gets the details.
//
// Ownership: the server owns one MailCache for its lifetime. Threads: every
// method may be called from any thread at the same time (RocksDB is
// thread-safe). Every method blocks on disk I/O: worker threads only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"
#include "store/log/logger.h"

namespace rocksdb {
class DB;
class Status;
}  // namespace rocksdb

namespace konvert {

// Writes that become visible together or not at all.
class CacheBatch {
 public:
  void Put(std::string key, std::string value) {
    ops_.emplace_back(std::move(key), std::move(value));
  }
  void Delete(std::string key) { ops_.emplace_back(std::move(key), std::nullopt); }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  const std::vector<std::pair<std::string, std::optional<std::string>>>& ops() const {
    return ops_;
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> ops_;
};

class MailCache {
 public:
  // Bumped whenever the meaning of any record changes.
  static constexpr int kFormatVersion = 1;

  // Opens or creates the database in `directory` (created if missing). A
  // database of another format version is destroyed and recreated. Fails
  // with kServerFail when RocksDB cannot open it (e.g. another process holds
  // its lock).
  static Result<std::unique_ptr<MailCache>> Open(const std::string& directory,
                                                 const log::Context& context);
  ~MailCache();
  MailCache(const MailCache&) = delete;
  MailCache& operator=(const MailCache&) = delete;

  // The value of `key`, or nullopt when absent.
  Result<std::optional<std::string>> Get(std::string_view key) const;
  Status Write(const CacheBatch& batch);
  // Calls `visit` for every key starting with `prefix`, in key order, until
  // it returns false.
  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Deletes every key in [begin, end).
  Status DeleteRange(std::string_view begin, std::string_view end);
  // Deletes every key starting with `prefix`, without reading them.
  Status DeletePrefix(std::string_view prefix);

  // Writes what is in memory to table files (RocksDB's flush). Blocks.
  Status Flush();

  // Counts the times the database was recreated after damage; whatever was
  // loaded from it under an older generation is gone.
  uint64_t generation() const { return generation_.load(); }

 private:
  MailCache(std::unique_ptr<rocksdb::DB> db, std::string directory, log::Context context);
  // Turns a RocksDB failure into a Status, rebuilding the database first
  // when it is damaged. Call without holding mutex_.
  Status Failed(std::string_view what, const rocksdb::Status& status);
  void Rebuild(uint64_t seen_generation);

  const std::string directory_;
  const log::Context context_;
  // Shared by every operation, exclusive while the database is rebuilt.
  mutable std::shared_mutex mutex_;
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace konvert
