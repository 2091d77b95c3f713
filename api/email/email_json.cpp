#include "api/email/email_json.h"

#include <algorithm>

#include "api/download/mail_blobs.h"
#include "model/mime/dates.h"
#include "model/mime/header_forms.h"
#include "model/mime/preview.h"

namespace konvert::api {
namespace {

Status Invalid(std::string message) {
  return Status(ErrorKind::kInvalidArguments, std::move(message));
}

const std::vector<std::string>& DefaultBodyProperties() {
  static const std::vector<std::string> kDefaults = {"partId",   "blobId",  "size",        "name",
                                                     "type",     "charset", "disposition", "cid",
                                                     "language", "location"};
  return kDefaults;
}

const std::set<std::string, std::less<>>& BodyPartProperties() {
  static const std::set<std::string, std::less<>> kAll = {
      "partId",  "blobId", "size",     "headers",  "name",     "type",
      "charset", "cid",    "language", "location", "subParts", "disposition"};
  return kAll;
}

// RFC 5322 §3.6.8: a field name is printable ASCII except the colon.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

Result<std::vector<Property>> ToProperties(const std::vector<std::string>& names,
                                           std::string_view argument) {
  std::vector<Property> out;
  for (const std::string& name : names) {
    // A name asked twice is answered once: JSON objects have unique keys.
    if (std::any_of(out.begin(), out.end(), [&](const Property& p) { return p.name == name; })) {
      continue;
    }
    Property property{name, std::nullopt};
    if (name.rfind("header:", 0) == 0) {
      Result<HeaderProperty> header = ParseHeaderProperty(name);
      if (!header.ok()) {
        return Invalid(std::string(argument) + ": " + header.status().message());
      }
      property.header = std::move(*header);
    }
    out.push_back(std::move(property));
  }
  return out;
}

Result<bool> Flag(const rapidjson::Value& args, const char* name) {
  auto it = args.FindMember(name);
  if (it == args.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsBool()) return Invalid(std::string(name) + ": must be a boolean");
  return it->value.GetBool();
}

void AddMember(rapidjson::Value& object, std::string_view name, rapidjson::Value value,
               Alloc& alloc) {
  object.AddMember(Str(name, alloc), value, alloc);
}

rapidjson::Value Optional(const std::optional<std::string>& value, Alloc& alloc) {
  return value.has_value() ? Str(*value, alloc) : rapidjson::Value(rapidjson::kNullType);
}

rapidjson::Value HeadersJson(const std::vector<mime::Header>& headers, Alloc& alloc) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const mime::Header& header : headers) {
    rapidjson::Value item(rapidjson::kObjectType);
    Put(item, "name", mime::AsRaw(header.name, alloc), alloc);
    Put(item, "value", mime::AsRaw(header.raw, alloc), alloc);
    list.PushBack(item, alloc);
  }
  return list;
}

rapidjson::Value TrueMap(const std::vector<std::string>& keys, Alloc& alloc) {
  rapidjson::Value map(rapidjson::kObjectType);
  for (const std::string& key : keys) map.AddMember(Str(key, alloc), rapidjson::Value(true), alloc);
  return map;
}

// EmailBodyPart (RFC 8621 §4.1.4). In bodyStructure a multipart part always
// carries subParts, or the tree could not be read with the default
// bodyProperties, which do not name it.
rapidjson::Value BodyPartJson(const mime::Part& part, std::string_view email_id,
                              const std::vector<Property>& properties, bool structure,
                              Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  bool multipart = part.IsMultipart();
  bool sub_parts_written = false;
  for (const Property& p : properties) {
    const std::string& name = p.name;
    rapidjson::Value value;
    if (p.header.has_value()) {
      value = HeaderPropertyValue(part.headers, *p.header, alloc);
    } else if (name == "partId") {
      value = multipart ? rapidjson::Value() : Str(part.part_id, alloc);
    } else if (name == "blobId") {
      value = multipart ? rapidjson::Value() : Str(PartBlobId(email_id, part.part_id), alloc);
    } else if (name == "size") {
      value = rapidjson::Value(part.size);
    } else if (name == "headers") {
      value = HeadersJson(part.headers, alloc);
    } else if (name == "name") {
      value = Optional(part.name, alloc);
    } else if (name == "type") {
      value = Str(part.type, alloc);
    } else if (name == "charset") {
      value = Optional(part.charset, alloc);
    } else if (name == "disposition") {
      value = Optional(part.disposition, alloc);
    } else if (name == "cid") {
      value = Optional(part.cid, alloc);
    } else if (name == "language") {
      value = part.language.has_value() ? StringArray(*part.language, alloc) : rapidjson::Value();
    } else if (name == "location") {
      value = Optional(part.location, alloc);
    } else if (name == "subParts") {
      sub_parts_written = true;
      if (multipart) {
        value.SetArray();
        for (const mime::Part& sub : part.sub_parts) {
          value.PushBack(BodyPartJson(sub, email_id, properties, structure, alloc), alloc);
        }
      }
    }
    AddMember(out, name, std::move(value), alloc);
  }
  if (structure && multipart && !sub_parts_written) {
    rapidjson::Value subs(rapidjson::kArrayType);
    for (const mime::Part& sub : part.sub_parts) {
      subs.PushBack(BodyPartJson(sub, email_id, properties, structure, alloc), alloc);
    }
    Put(out, "subParts", std::move(subs), alloc);
  }
  return out;
}

rapidjson::Value PartListJson(const EmailRecord& record, const std::vector<std::string>& ids,
                              std::string_view email_id, const std::vector<Property>& properties,
                              Alloc& alloc) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& id : ids) {
    const mime::Part* part = FindPart(record.message.root, id);
    if (part != nullptr)
      list.PushBack(BodyPartJson(*part, email_id, properties, false, alloc), alloc);
  }
  return list;
}

rapidjson::Value BodyValuesJson(const EmailGetOptions& options, const EmailRecord& record,
                                const BodyTexts& texts, Alloc& alloc) {
  rapidjson::Value values(rapidjson::kObjectType);
  for (const auto& [part_id, decoded] : texts) {
    const mime::Part* part = FindPart(record.message.root, part_id);
    std::string text = decoded.text;
    bool truncated = TruncateBodyValue(&text, options.max_body_value_bytes,
                                       part != nullptr && part->type == "text/html");
    rapidjson::Value value(rapidjson::kObjectType);
    Put(value, "value", Str(text, alloc), alloc);
    Put(value, "isEncodingProblem", rapidjson::Value(decoded.problem), alloc);
    Put(value, "isTruncated", rapidjson::Value(truncated), alloc);
    AddMember(values, part_id, std::move(value), alloc);
  }
  return values;
}

// The header convenience properties of RFC 8621 §4.1.3, each the last
// instance of one field in one form.
std::optional<HeaderProperty> ConvenienceHeader(std::string_view name) {
  using mime::HeaderForm;
  static const struct {
    std::string_view property;
    std::string_view field;
    HeaderForm form;
  } kConvenience[] = {
      {"messageId", "Message-ID", HeaderForm::kMessageIds},
      {"inReplyTo", "In-Reply-To", HeaderForm::kMessageIds},
      {"references", "References", HeaderForm::kMessageIds},
      {"sender", "Sender", HeaderForm::kAddresses},
      {"from", "From", HeaderForm::kAddresses},
      {"to", "To", HeaderForm::kAddresses},
      {"cc", "Cc", HeaderForm::kAddresses},
      {"bcc", "Bcc", HeaderForm::kAddresses},
      {"replyTo", "Reply-To", HeaderForm::kAddresses},
      {"subject", "Subject", HeaderForm::kText},
      {"sentAt", "Date", HeaderForm::kDate},
  };
  for (const auto& c : kConvenience) {
    if (c.property == name) return HeaderProperty{std::string(c.field), c.form, false};
  }
  return std::nullopt;
}

// Properties answered from the index's summary alone.
bool FromSummary(std::string_view name) {
  static const std::set<std::string, std::less<>> kSummary = {
      "id", "blobId", "threadId", "mailboxIds", "size", "receivedAt", "hasAttachment", "keywords"};
  return kSummary.count(name) != 0;
}

}  // namespace

const std::set<std::string, std::less<>>& EmailProperties() {
  static const std::set<std::string, std::less<>> kAll = {
      "id",          "blobId",        "threadId",
      "mailboxIds",  "keywords",      "size",
      "receivedAt",  "headers",       "header:*",
      "messageId",   "inReplyTo",     "references",
      "sender",      "from",          "to",
      "cc",          "bcc",           "replyTo",
      "subject",     "sentAt",        "bodyStructure",
      "bodyValues",  "textBody",      "htmlBody",
      "attachments", "hasAttachment", "preview"};
  return kAll;
}

const std::vector<std::string>& DefaultEmailProperties() {
  static const std::vector<std::string> kDefaults = {
      "id",         "blobId",     "threadId",      "mailboxIds",
      "keywords",   "size",       "receivedAt",    "messageId",
      "inReplyTo",  "references", "sender",        "from",
      "to",         "cc",         "bcc",           "replyTo",
      "subject",    "sentAt",     "hasAttachment", "preview",
      "bodyValues", "textBody",   "htmlBody",      "attachments"};
  return kDefaults;
}

Result<HeaderProperty> ParseHeaderProperty(std::string_view property) {
  std::string_view rest = property.substr(std::string_view("header:").size());
  std::vector<std::string_view> pieces;
  while (true) {
    size_t colon = rest.find(':');
    pieces.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (!IsFieldName(pieces[0])) {
    return Invalid(std::string(property) + ": not a header field name");
  }

  HeaderProperty out;
  out.name = std::string(pieces[0]);
  size_t next = 1;
  if (next < pieces.size() && pieces[next] != "all") {
    std::optional<mime::HeaderForm> form = mime::HeaderFormFromName(pieces[next]);
    if (!form.has_value()) {
      return Invalid(std::string(property) + ": unknown form " + std::string(pieces[next]));
    }
    out.form = *form;
    ++next;
  }
  if (next < pieces.size() && pieces[next] == "all") {
    out.all = true;
    ++next;
  }
  if (next != pieces.size()) return Invalid(std::string(property) + ": unexpected suffix");
  // RFC 8621 §4.1.3: a form the field does not allow is an error.
  if (!mime::FormAllowed(out.name, out.form)) {
    return Invalid(std::string(property) + ": form not allowed for " + out.name);
  }
  return out;
}

bool EmailGetOptions::Wants(std::string_view property) const {
  return std::any_of(properties.begin(), properties.end(),
                     [&](const Property& p) { return p.name == property; });
}

bool EmailGetOptions::NeedsRecord() const {
  return std::any_of(properties.begin(), properties.end(),
                     [](const Property& p) { return !FromSummary(p.name); });
}

Result<EmailGetOptions> ParseEmailGetOptions(
    const rapidjson::Value& args, const std::optional<std::vector<std::string>>& properties) {
  EmailGetOptions out;
  Result<std::vector<Property>> email =
      ToProperties(properties.value_or(DefaultEmailProperties()), "properties");
  if (!email.ok()) return email.status();
  out.properties = std::move(*email);

  std::vector<std::string> body_names = DefaultBodyProperties();
  if (auto it = args.FindMember("bodyProperties"); it != args.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return Invalid("bodyProperties: must be null or an array of names");
    body_names.clear();
    for (const auto& p : it->value.GetArray()) {
      if (!p.IsString()) return Invalid("bodyProperties: every name must be a string");
      std::string name(p.GetString(), p.GetStringLength());
      if (BodyPartProperties().count(name) == 0 && name.rfind("header:", 0) != 0) {
        return Invalid("bodyProperties: unknown property " + name);
      }
      body_names.push_back(std::move(name));
    }
  }
  Result<std::vector<Property>> body = ToProperties(body_names, "bodyProperties");
  if (!body.ok()) return body.status();
  out.body_properties = std::move(*body);

  Result<bool> text = Flag(args, "fetchTextBodyValues");
  if (!text.ok()) return text.status();
  Result<bool> html = Flag(args, "fetchHTMLBodyValues");
  if (!html.ok()) return html.status();
  Result<bool> all = Flag(args, "fetchAllBodyValues");
  if (!all.ok()) return all.status();
  out.fetch_text_body_values = *text;
  out.fetch_html_body_values = *html;
  out.fetch_all_body_values = *all;

  if (auto it = args.FindMember("maxBodyValueBytes");
      it != args.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsUint64()) return Invalid("maxBodyValueBytes: must be an unsigned integer");
    out.max_body_value_bytes = it->value.GetUint64();
  }
  return out;
}

std::vector<const mime::Part*> PartsForBodyValues(const EmailGetOptions& options,
                                                  const EmailRecord& record) {
  std::vector<const mime::Part*> parts;
  if (!options.Wants("bodyValues")) return parts;
  auto add = [&](const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      const mime::Part* part = FindPart(record.message.root, id);
      if (part == nullptr || !part->type.starts_with("text/")) continue;
      if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
    }
  };
  bool all = options.fetch_all_body_values;
  if (options.fetch_text_body_values || all) add(record.text_body);
  if (options.fetch_html_body_values || all) add(record.html_body);
  return parts;
}

rapidjson::Value HeaderPropertyValue(const std::vector<mime::Header>& headers,
                                     const HeaderProperty& property, Alloc& alloc) {
  if (property.all) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const mime::Header& header : headers) {
      if (!mime::EqualsIgnoreCase(header.name, property.name)) continue;
      list.PushBack(mime::HeaderValue(header.raw, property.form, alloc), alloc);
    }
    return list;
  }
  const mime::Header* last = nullptr;
  for (const mime::Header& header : headers) {
    if (mime::EqualsIgnoreCase(header.name, property.name)) last = &header;
  }
  if (last == nullptr) return rapidjson::Value(rapidjson::kNullType);
  return mime::HeaderValue(last->raw, property.form, alloc);
}

bool TruncateBodyValue(std::string* text, uint64_t max_bytes, bool html) {
  if (max_bytes == 0 || text->size() <= max_bytes) return false;
  *text = mime::TruncateUtf8(*text, max_bytes);
  if (html) {
    // A cut inside "<a href=…" would leave a broken tag: cut before it.
    size_t open = text->rfind('<');
    size_t close = text->rfind('>');
    if (open != std::string::npos && (close == std::string::npos || close < open)) {
      text->resize(open);
    }
  }
  return true;
}

rapidjson::Value EmailJson(const EmailGetOptions& options, const mail::EmailSummary& summary,
                           const EmailRecord* record, const BodyTexts& texts, Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  // RFC 8620 §5.1: the id is always returned.
  Put(out, "id", Str(summary.id, alloc), alloc);
  for (const Property& p : options.properties) {
    const std::string& name = p.name;
    if (name == "id") continue;
    rapidjson::Value value;
    if (name == "blobId") {
      value = Str(MessageBlobId(summary.id), alloc);
    } else if (name == "threadId") {
      value = Str(summary.thread_id, alloc);
    } else if (name == "mailboxIds") {
      value = TrueMap(summary.mailbox_ids, alloc);
    } else if (name == "keywords") {
      value = TrueMap(summary.keywords, alloc);
    } else if (name == "size") {
      value = rapidjson::Value(summary.size);
    } else if (name == "receivedAt") {
      value = Str(mime::FormatUtcDate(summary.received_at), alloc);
    } else if (name == "hasAttachment") {
      value = rapidjson::Value(summary.has_attachment);
    } else if (record == nullptr) {
      continue;
    } else if (p.header.has_value()) {
      value = HeaderPropertyValue(record->message.headers, *p.header, alloc);
    } else if (std::optional<HeaderProperty> header = ConvenienceHeader(name)) {
      value = HeaderPropertyValue(record->message.headers, *header, alloc);
    } else if (name == "headers") {
      value = HeadersJson(record->message.headers, alloc);
    } else if (name == "bodyStructure") {
      value = BodyPartJson(record->message.root, summary.id, options.body_properties, true, alloc);
    } else if (name == "textBody") {
      value = PartListJson(*record, record->text_body, summary.id, options.body_properties, alloc);
    } else if (name == "htmlBody") {
      value = PartListJson(*record, record->html_body, summary.id, options.body_properties, alloc);
    } else if (name == "attachments") {
      value =
          PartListJson(*record, record->attachments, summary.id, options.body_properties, alloc);
    } else if (name == "bodyValues") {
      value = BodyValuesJson(options, *record, texts, alloc);
    } else if (name == "preview") {
      value = Str(record->preview, alloc);
    }
    AddMember(out, name, std::move(value), alloc);
  }
  return out;
}

}  // namespace konvert::api
