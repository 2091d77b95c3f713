#include "store/index/mail_cache.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

namespace konvert {
namespace {

constexpr std::string_view kFormatKey =
    "\x01"
    "format";

Status Failed(std::string_view what, const rocksdb::Status& status) {
  return Status(ErrorKind::kServerFail, std::string(what) + ": " + status.ToString());
}

rocksdb::Slice AsSlice(std::string_view text) { return rocksdb::Slice(text.data(), text.size()); }

Result<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& directory) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, directory, &raw);
  if (!status.ok()) {
    // LZ4 may be missing from a RocksDB build; the cache works without it.
    options.compression = rocksdb::kSnappyCompression;
    status = rocksdb::DB::Open(options, directory, &raw);
  }
  if (!status.ok()) return Failed("cannot open the mail cache " + directory, status);
  return std::unique_ptr<rocksdb::DB>(raw);
}

}  // namespace

MailCache::MailCache(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

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
  Result<std::unique_ptr<rocksdb::DB>> db = OpenDb(directory);
  if (!db.ok()) return db.status();

  // A cache of another format is not migrated: IMAP has everything in it.
  std::string version;
  rocksdb::Status read = (*db)->Get(rocksdb::ReadOptions(), AsSlice(kFormatKey), &version);
  std::string expected = std::to_string(kFormatVersion);
  if (read.ok() && version == expected)
    return std::unique_ptr<MailCache>(new MailCache(std::move(*db)));
  if (read.ok() || !read.IsNotFound()) {
    log::Warn("mail_cache_reset", context, {{"found_format", version}, {"format", expected}});
    (*db)->Close().PermitUncheckedError();
    db->reset();
    rocksdb::Status destroyed = rocksdb::DestroyDB(directory, rocksdb::Options());
    if (!destroyed.ok()) return Failed("cannot reset the mail cache " + directory, destroyed);
    db = OpenDb(directory);
    if (!db.ok()) return db.status();
  }
  rocksdb::Status written =
      (*db)->Put(rocksdb::WriteOptions(), AsSlice(kFormatKey), AsSlice(expected));
  if (!written.ok()) return Failed("cannot write to the mail cache", written);
  return std::unique_ptr<MailCache>(new MailCache(std::move(*db)));
}

Result<std::optional<std::string>> MailCache::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), AsSlice(key), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return Failed("mail cache read", status);
  return std::optional<std::string>(std::move(value));
}

Status MailCache::Write(const CacheBatch& batch) {
  rocksdb::WriteBatch write;
  for (const auto& [key, value] : batch.ops()) {
    rocksdb::Status status = value.has_value() ? write.Put(key, *value) : write.Delete(key);
    if (!status.ok()) return Failed("mail cache batch", status);
  }
  rocksdb::Status status = db_->Write(rocksdb::WriteOptions(), &write);
  if (!status.ok()) return Failed("mail cache write", status);
  return Status::Ok();
}

Status MailCache::Scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(AsSlice(prefix)); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return Failed("mail cache scan", it->status());
  return Status::Ok();
}

Status MailCache::DeleteRange(std::string_view begin, std::string_view end) {
  rocksdb::Status status = db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(),
                                            AsSlice(begin), AsSlice(end));
  if (!status.ok()) return Failed("mail cache delete", status);
  return Status::Ok();
}

Status MailCache::DeletePrefix(std::string_view prefix) {
  CacheBatch batch;
  Status scanned = Scan(prefix, [&batch](std::string_view key, std::string_view) {
    batch.Delete(std::string(key));
    return true;
  });
  if (!scanned.ok()) return scanned;
  return Write(batch);
}

}  // namespace konvert
