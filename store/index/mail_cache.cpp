#include "store/index/mail_cache.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <mutex>

namespace konvert {
namespace {

constexpr std::string_view kFormatKey =
    "\x01"
    "format";

rocksdb::Slice AsSlice(std::string_view text) { return rocksdb::Slice(text.data(), text.size()); }

Result<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& directory, const log::Context& ctx) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, directory, &raw);
  if (!status.ok() && !status.IsCorruption()) {
    // LZ4 may be missing from a RocksDB build; the cache works without it.
    options.compression = rocksdb::kSnappyCompression;
    status = rocksdb::DB::Open(options, directory, &raw);
  }
  if (status.IsCorruption()) {
    // A damaged cache is no loss: start an empty one.
    log::Error("mail_cache_rebuilt", ctx, {{"reason", "damaged"}, {"error", status.ToString()}});
    rocksdb::DestroyDB(directory, rocksdb::Options()).PermitUncheckedError();
    status = rocksdb::DB::Open(options, directory, &raw);
  }
  if (!status.ok()) {
    log::Error("mail_cache_open_failed", ctx, {{"error", status.ToString()}});
    return Status(ErrorKind::kServerFail, "cannot open the mail cache in " + directory);
  }
  return std::unique_ptr<rocksdb::DB>(raw);
}

// Opens `directory`, wiping it first when `wipe` or when it holds another
// format, and marks it with this format.
Result<std::unique_ptr<rocksdb::DB>> OpenFormatted(const std::string& directory, bool wipe,
                                                   const log::Context& context) {
  if (wipe) rocksdb::DestroyDB(directory, rocksdb::Options()).PermitUncheckedError();
  Result<std::unique_ptr<rocksdb::DB>> db = OpenDb(directory, context);
  if (!db.ok()) return db.status();

  // A cache of another format is not migrated: IMAP has everything in it.
  std::string version;
  rocksdb::Status read = (*db)->Get(rocksdb::ReadOptions(), AsSlice(kFormatKey), &version);
  std::string expected = std::to_string(MailCache::kFormatVersion);
  if (read.ok() && version == expected) return db;
  if (read.ok() || !read.IsNotFound()) {
    log::Warn("mail_cache_reset", context, {{"found_format", version}, {"format", expected}});
    (*db)->Close().PermitUncheckedError();
    db->reset();
    rocksdb::Status destroyed = rocksdb::DestroyDB(directory, rocksdb::Options());
    if (!destroyed.ok()) {
      log::Error("mail_cache_reset_failed", context, {{"error", destroyed.ToString()}});
      return Status(ErrorKind::kServerFail, "cannot reset the mail cache in " + directory);
    }
    db = OpenDb(directory, context);
    if (!db.ok()) return db.status();
  }
  rocksdb::Status written =
      (*db)->Put(rocksdb::WriteOptions(), AsSlice(kFormatKey), AsSlice(expected));
  if (!written.ok()) {
    log::Error("mail_cache_write_failed", context, {{"error", written.ToString()}});
    return Status(ErrorKind::kServerFail, "cannot write to the mail cache");
  }
  return db;
}

}  // namespace

MailCache::MailCache(std::unique_ptr<rocksdb::DB> db, std::string directory, log::Context context)
    : directory_(std::move(directory)), context_(std::move(context)), db_(std::move(db)) {}

MailCache::~MailCache() {
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

Result<std::unique_ptr<MailCache>> MailCache::Open(const std::string& directory,
                                                   const log::Context& context) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return Status(ErrorKind::kServerFail,
                  "cannot create the mail cache directory " + directory + ": " + error.message());
  }
  Result<std::unique_ptr<rocksdb::DB>> db = OpenFormatted(directory, false, context);
  if (!db.ok()) return db.status();
  return std::unique_ptr<MailCache>(new MailCache(std::move(*db), directory, context));
}

Status MailCache::Failed(std::string_view what, const rocksdb::Status& status) {
  log::Error("mail_cache_failed", context_,
             {{"operation", std::string(what)}, {"error", status.ToString()}});
  if (!status.IsCorruption()) {
    return Status(ErrorKind::kServerFail, "the mail cache failed (" + std::string(what) + ")");
  }
  Rebuild(generation_.load());
  return Status(ErrorKind::kServerUnavailable,
                "the mail cache was damaged and is being rebuilt from IMAP; try again");
}

void MailCache::Rebuild(uint64_t seen_generation) {
  std::unique_lock lock(mutex_);
  // Another call may have rebuilt it since this one failed.
  if (generation_.load() != seen_generation) return;
  log::Error("mail_cache_rebuilt", context_, {{"reason", "damaged"}});
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
  db_.reset();
  Result<std::unique_ptr<rocksdb::DB>> db = OpenFormatted(directory_, true, context_);
  if (db.ok()) db_ = std::move(*db);
  generation_.fetch_add(1);
}

Result<std::optional<std::string>> MailCache::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status status;
  {
    std::shared_lock lock(mutex_);
    if (db_ == nullptr) return Status(ErrorKind::kServerFail, "the mail cache is not open");
    status = db_->Get(rocksdb::ReadOptions(), AsSlice(key), &value);
  }
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return const_cast<MailCache*>(this)->Failed("read", status);
  return std::optional<std::string>(std::move(value));
}

Status MailCache::Write(const CacheBatch& batch) {
  rocksdb::WriteBatch write;
  for (const auto& [key, value] : batch.ops()) {
    rocksdb::Status status = value.has_value() ? write.Put(key, *value) : write.Delete(key);
    if (!status.ok()) return Failed("batch", status);
  }
  rocksdb::Status status;
  {
    std::shared_lock lock(mutex_);
    if (db_ == nullptr) return Status(ErrorKind::kServerFail, "the mail cache is not open");
    status = db_->Write(rocksdb::WriteOptions(), &write);
  }
  if (!status.ok()) return Failed("write", status);
  return Status::Ok();
}

Status MailCache::Scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  rocksdb::Status status;
  {
    std::shared_lock lock(mutex_);
    if (db_ == nullptr) return Status(ErrorKind::kServerFail, "the mail cache is not open");
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(AsSlice(prefix)); it->Valid(); it->Next()) {
      std::string_view key(it->key().data(), it->key().size());
      if (key.substr(0, prefix.size()) != prefix) break;
      if (!visit(key, std::string_view(it->value().data(), it->value().size()))) break;
    }
    status = it->status();
  }
  if (!status.ok()) return const_cast<MailCache*>(this)->Failed("scan", status);
  return Status::Ok();
}

Status MailCache::Flush() {
  rocksdb::Status status;
  {
    std::shared_lock lock(mutex_);
    if (db_ == nullptr) return Status(ErrorKind::kServerFail, "the mail cache is not open");
    status = db_->Flush(rocksdb::FlushOptions());
  }
  if (!status.ok()) return Failed("flush", status);
  return Status::Ok();
}

Status MailCache::DeleteRange(std::string_view begin, std::string_view end) {
  rocksdb::Status status;
  {
    std::shared_lock lock(mutex_);
    if (db_ == nullptr) return Status(ErrorKind::kServerFail, "the mail cache is not open");
    status = db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(), AsSlice(begin),
                              AsSlice(end));
  }
  if (!status.ok()) return Failed("delete", status);
  return Status::Ok();
}

Status MailCache::DeletePrefix(std::string_view prefix) {
  // The smallest key after every key with this prefix: the prefix with its
  // last byte that is not 0xff incremented.
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return DeleteRange(prefix, std::string(1024, '\xff'));
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return DeleteRange(prefix, end);
}

}  // namespace konvert
