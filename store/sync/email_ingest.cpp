#include "store/sync/email_ingest.h"

#include <algorithm>

#include "model/mail/collation.h"
#include "model/mail/keywords.h"
#include "model/message/email_record.h"
#include "model/mime/addresses.h"
#include "model/mime/dates.h"
#include "model/mime/encoded_words.h"
#include "model/mime/header_forms.h"
#include "store/index/hashed_id.h"

namespace konvert {
namespace {

std::vector<std::string> MessageIds(std::string_view raw) {
  std::optional<std::vector<std::string>> ids = mime::ParseMessageIds(raw);
  return ids.has_value() ? std::move(*ids) : std::vector<std::string>();
}

std::string FirstAddressKey(const std::vector<mime::Header>& headers, std::string_view name) {
  const mime::Header* header = mime::FindHeader(headers, name);
  if (header == nullptr) return "";
  std::vector<mime::Address> addresses = mime::ParseAddresses(header->raw);
  if (addresses.empty()) return "";
  const mime::Address& first = addresses.front();
  return mail::SortKey(first.name.has_value() && !first.name->empty() ? *first.name : first.email);
}

}  // namespace

std::string EmailIdFor(std::string_view raw) { return HashedId('M', raw, 12); }

std::vector<std::string> KeywordsOf(const std::vector<std::string>& flags) {
  std::vector<std::string> keywords;
  for (const std::string& flag : flags) {
    std::optional<std::string> keyword = mail::KeywordFromImapFlag(flag);
    if (keyword.has_value()) keywords.push_back(std::move(*keyword));
  }
  std::sort(keywords.begin(), keywords.end());
  keywords.erase(std::unique(keywords.begin(), keywords.end()), keywords.end());
  return keywords;
}

FetchedEmail IngestMessage(const FetchedMessage& message) {
  EmailRecord record = MakeEmailRecord(message.raw);
  const std::vector<mime::Header>& headers = record.message.headers;

  FetchedEmail out;
  out.uid = message.uid;
  out.keywords = KeywordsOf(message.flags);
  mail::EmailSummary& s = out.summary;
  s.id = EmailIdFor(message.raw);
  s.received_at = message.internal_date;
  s.size = message.size != 0 ? message.size : message.raw.size();
  s.has_attachment = record.has_attachment;
  s.sent_at = s.received_at;
  if (const mime::Header* date = mime::FindHeader(headers, "Date")) {
    if (std::optional<int64_t> sent = mime::ParseDate(date->raw)) s.sent_at = *sent;
  }
  s.from_key = FirstAddressKey(headers, "From");
  s.to_key = FirstAddressKey(headers, "To");
  if (const mime::Header* subject = mime::FindHeader(headers, "Subject")) {
    s.subject_key = mail::SortKey(mail::BaseSubject(mime::DecodeEncodedWords(subject->raw)));
  }

  if (const mime::Header* id = mime::FindHeader(headers, "Message-ID")) {
    std::vector<std::string> ids = MessageIds(id->raw);
    if (!ids.empty()) out.message_id = ids.front();
  }
  for (std::string_view name : {"References", "In-Reply-To"}) {
    if (const mime::Header* refs = mime::FindHeader(headers, name)) {
      for (std::string& ref : MessageIds(refs->raw)) out.references.push_back(std::move(ref));
    }
  }
  out.detail = SerializeEmailRecord(record);
  return out;
}

}  // namespace konvert
