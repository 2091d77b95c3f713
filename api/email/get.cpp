// Email/get (RFC 8621 §4.2).
//
// Metadata comes from the index; headers, the MIME structure and the
// preview from the cached EmailRecord, so the list view's properties never
// touch IMAP. Only bodyValues read bodies, by byte range from IMAP with
// BODY.PEEK, so showing a message never marks it \Seen (the client sets
// $seen itself). A record missing from the cache is rebuilt from IMAP.
//
// An id the index does not know is notFound, even while a folder's initial
// sync is still running: ids are content hashes, so an unindexed one cannot
// be looked up in IMAP, and clients learn ids from Email/query and
// Email/changes, which index every Email they return.
#include <optional>

#include "api/download/mail_blobs.h"
#include "api/email/email_json.h"
#include "api/email/methods.h"
#include "api/mail/mail_access.h"
#include "model/mime/preview.h"

namespace konvert::api {
namespace {

// What the index knows of one asked id, copied out of its lock so that no
// IMAP wait happens under it.
struct Asked {
  std::string id;
  std::optional<mail::EmailSummary> summary;
  std::vector<MessageCopy> copies;
};

// The texts of the parts bodyValues asks for. kNotFound when the message
// left IMAP since it was indexed.
Result<BodyTexts> ReadBodyTexts(MessageSource& source, const Asked& email,
                                const EmailGetOptions& options, const EmailRecord& record) {
  BodyTexts texts;
  for (const mime::Part* part : PartsForBodyValues(options, record)) {
    Result<std::string> body = source.Body(email.id, email.copies, *part);
    if (!body.ok()) return body.status();
    // PartText reads the part at its offset in the message; here the
    // fetched bytes are the body alone.
    mime::Part alone = *part;
    alone.body_offset = 0;
    alone.body_length = body->size();
    texts.emplace_back(part->part_id, mime::PartText(*body, alone));
  }
  return texts;
}

}  // namespace

Result<rapidjson::Value> EmailGet(MethodContext& ctx, const rapidjson::Value& args, Alloc& alloc) {
  Result<GetArgs> parsed =
      ParseGetArgs(ctx, args, EmailProperties(),
                   {"bodyProperties", "fetchTextBodyValues", "fetchHTMLBodyValues",
                    "fetchAllBodyValues", "maxBodyValueBytes"});
  if (!parsed.ok()) return parsed.status();
  Result<EmailGetOptions> options = ParseEmailGetOptions(args, parsed->properties);
  if (!options.ok()) return options.status();
  Result<MailAccount*> mail = PreparedMail(ctx);
  if (!mail.ok()) return mail.status();
  AccountIndex& index = (*mail)->index();

  std::vector<Asked> asked;
  std::string state;
  bool too_many = false;
  index.Read([&](const AccountView& view) {
    state = view.State(ChangeType::kEmail);
    if (!parsed->ids.has_value()) {
      // RFC 8620 §5.1 lets a server refuse ids: null; a small account is
      // answered whole.
      if (view.summaries().size() > ctx.limits.max_objects_in_get) {
        too_many = true;
        return;
      }
      parsed->ids.emplace();
      for (const mail::EmailSummary* s : view.summaries()) parsed->ids->push_back(s->id);
    }
    for (const std::string& id : *parsed->ids) {
      Asked email{id, std::nullopt, {}};
      if (const AccountView::EmailEntry* entry = view.Email(id)) {
        email.summary = entry->summary;
        email.copies = CopiesOf(view, *entry);
      }
      asked.push_back(std::move(email));
    }
  });
  if (too_many) {
    return Status(ErrorKind::kRequestTooLarge, "ids: null asks for more than maxObjectsInGet (" +
                                                   std::to_string(ctx.limits.max_objects_in_get) +
                                                   ") Emails");
  }

  rapidjson::Value out = GetResponse(ctx, state, alloc);
  MessageSource source(ctx.imap, &index, ctx.log);
  auto not_found = [&](const std::string& id) { out["notFound"].PushBack(Str(id, alloc), alloc); };
  for (const Asked& email : asked) {
    if (!email.summary.has_value()) {
      not_found(email.id);
      continue;
    }
    if (!options->NeedsRecord()) {
      out["list"].PushBack(EmailJson(*options, *email.summary, nullptr, {}, alloc), alloc);
      continue;
    }

    Result<EmailRecord> record = source.Record(email.id, email.copies);
    Result<BodyTexts> texts =
        record.ok() ? ReadBodyTexts(source, email, *options, *record) : record.status();
    if (!texts.ok()) {
      // A message expunged since the index last looked is simply gone.
      if (texts.status().kind() != ErrorKind::kNotFound) return texts.status();
      not_found(email.id);
      continue;
    }
    out["list"].PushBack(EmailJson(*options, *email.summary, &*record, *texts, alloc), alloc);
  }
  return out;
}

}  // namespace konvert::api
