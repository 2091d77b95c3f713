#include "api/download/mail_blobs.h"

#include "model/mime/transfer.h"
#include "store/sync/email_ingest.h"
#include "store/sync/imap_mail.h"

namespace konvert::api {
namespace {

// Email ids are "M" + hex digits of a SHA-256 (store/sync/email_ingest.h).
constexpr size_t kMaxIdHexDigits = 64;

log::Counter g_record_misses("email_record_misses");

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "2-1" -> "2.1": digits separated by single dashes, no leading zeros.
std::optional<std::string> SectionToPartId(std::string_view section) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t end = section.find('-', start);
    std::string_view number =
        section.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (number.empty() || number.size() > 9) return std::nullopt;
    for (char c : number) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    if (number.size() > 1 && number[0] == '0') return std::nullopt;
    if (!out.empty()) out.push_back('.');
    out.append(number);
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

}  // namespace

std::string MessageBlobId(std::string_view email_id) {
  return "B" + std::string(email_id.substr(email_id.empty() ? 0 : 1));
}

std::string PartBlobId(std::string_view email_id, std::string_view part_id) {
  std::string out = MessageBlobId(email_id);
  out.push_back('_');
  for (char c : part_id) out.push_back(c == '.' ? '-' : c);
  return out;
}

std::optional<BlobRef> ParseBlobId(std::string_view blob_id) {
  if (blob_id.empty() || blob_id[0] != 'B') return std::nullopt;
  size_t underscore = blob_id.find('_');
  std::string_view hex = blob_id.substr(
      1, underscore == std::string_view::npos ? std::string_view::npos : underscore - 1);
  if (hex.empty() || hex.size() > kMaxIdHexDigits || !IsLowerHex(hex)) return std::nullopt;
  BlobRef ref;
  ref.email_id = "M" + std::string(hex);
  if (underscore == std::string_view::npos) return ref;
  std::optional<std::string> part_id = SectionToPartId(blob_id.substr(underscore + 1));
  if (!part_id.has_value()) return std::nullopt;
  ref.part_id = std::move(*part_id);
  return ref;
}

std::vector<MessageCopy> CopiesOf(const AccountView& view, const AccountView::EmailEntry& entry) {
  std::vector<MessageCopy> copies;
  for (const Location& location : entry.locations) {
    const MailboxState* mailbox = view.Mailbox(location.mailbox_id);
    if (mailbox == nullptr) continue;
    copies.push_back(MessageCopy{mailbox->imap_name, mailbox->uidvalidity, location.uid});
  }
  return copies;
}

MessageSource::MessageSource(ImapConnection* imap, AccountIndex* index, log::Context log)
    : imap_(imap), index_(index), log_(std::move(log)) {}

Result<bool> MessageSource::Select(const MessageCopy& copy) {
  if (selected_ == copy.folder && imap_->selected() == copy.folder) return true;
  selected_.clear();
  Result<SelectedFolder> selected = SelectFolder(*imap_, copy.folder, 0, 0);
  if (!selected.ok()) {
    // A folder deleted since the index last looked is a stale copy, not an
    // outage; the IMAP server answers NO for it.
    if (selected.status().kind() == ErrorKind::kServerFail) return false;
    return selected.status();
  }
  selected_ = copy.folder;
  // RFC 3501 §2.3.1.1: under another UIDVALIDITY the UID names another message.
  return selected->status.uidvalidity == copy.uidvalidity;
}

Result<std::string> MessageSource::FetchWhole(const std::string& email_id,
                                              const std::vector<MessageCopy>& copies) {
  if (raw_id_ == email_id) return raw_;
  for (const MessageCopy& copy : copies) {
    Result<bool> usable = Select(copy);
    if (!usable.ok()) return usable.status();
    if (!*usable) continue;
    Result<std::vector<FetchedMessage>> fetched = FetchMessages(*imap_, copy.uid, copy.uid, true);
    if (!fetched.ok()) return fetched.status();
    // The id is the hash of the bytes, so this also catches a copy that the
    // index mislocated: it must never be cached under another Email's id.
    if (fetched->empty() || EmailIdFor(fetched->front().raw) != email_id) continue;
    raw_id_ = email_id;
    raw_ = std::move(fetched->front().raw);
    return raw_;
  }
  return Status(ErrorKind::kNotFound, "the message is no longer on the mail server");
}

Result<EmailRecord> MessageSource::Record(const std::string& email_id,
                                          const std::vector<MessageCopy>& copies) {
  Result<std::optional<std::string>> detail = index_->Detail(email_id);
  if (!detail.ok()) return detail.status();
  if (detail->has_value()) {
    std::optional<EmailRecord> record = ParseEmailRecord(**detail);
    if (record.has_value()) return std::move(*record);
  }

  g_record_misses.Increment();
  log::Debug("email_record_miss", log_, {{"email", email_id}});
  Result<std::string> raw = FetchWhole(email_id, copies);
  if (!raw.ok()) return raw.status();
  EmailRecord record = MakeEmailRecord(*raw);
  Status saved = index_->SaveDetail(email_id, SerializeEmailRecord(record));
  if (!saved.ok()) {
    // The answer is still right; the next request simply misses again.
    log::Warn("email_record_not_saved", log_, {{"error", saved.message()}});
  }
  return record;
}

Result<std::string> MessageSource::Raw(const std::string& email_id,
                                       const std::vector<MessageCopy>& copies) {
  return FetchWhole(email_id, copies);
}

Result<std::string> MessageSource::Body(const std::string& email_id,
                                        const std::vector<MessageCopy>& copies,
                                        const mime::Part& part) {
  if (raw_id_ == email_id) {
    if (part.body_offset > raw_.size()) return std::string();
    return raw_.substr(part.body_offset, part.body_length);
  }
  if (part.body_length == 0) return std::string();
  for (const MessageCopy& copy : copies) {
    Result<bool> usable = Select(copy);
    if (!usable.ok()) return usable.status();
    if (!*usable) continue;
    Result<std::string> bytes = FetchRange(*imap_, copy.uid, part.body_offset, part.body_length);
    if (bytes.ok()) return bytes;
    if (bytes.status().kind() != ErrorKind::kNotFound) return bytes.status();
  }
  return Status(ErrorKind::kNotFound, "the message is no longer on the mail server");
}

Result<std::string> ReadMailBlob(MailAccount& account, ImapConnection& imap,
                                 const Credentials& credentials, std::string_view blob_id,
                                 const log::Context& log) {
  std::optional<BlobRef> ref = ParseBlobId(blob_id);
  if (!ref.has_value()) return Status(ErrorKind::kNotFound, "no such blob");

  std::optional<std::vector<MessageCopy>> copies;
  auto look_up = [&] {
    account.index().Read([&](const AccountView& view) {
      const AccountView::EmailEntry* entry = view.Email(ref->email_id);
      if (entry != nullptr) copies = CopiesOf(view, *entry);
    });
  };
  look_up();
  if (!copies.has_value()) {
    // Mail that arrived since the index last looked is in IMAP already.
    Status prepared = account.Prepare(imap, credentials);
    if (!prepared.ok()) return prepared;
    look_up();
  }
  if (!copies.has_value()) return Status(ErrorKind::kNotFound, "no such blob");

  MessageSource source(&imap, &account.index(), log);
  if (ref->part_id.empty()) return source.Raw(ref->email_id, *copies);

  Result<EmailRecord> record = source.Record(ref->email_id, *copies);
  if (!record.ok()) return record.status();
  const mime::Part* part = FindPart(record->message.root, ref->part_id);
  if (part == nullptr || part->IsMultipart()) return Status(ErrorKind::kNotFound, "no such blob");
  Result<std::string> body = source.Body(ref->email_id, *copies, *part);
  if (!body.ok()) return body.status();
  return mime::DecodeTransfer(*body, part->transfer_encoding);
}

}  // namespace konvert::api
