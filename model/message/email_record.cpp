#include "model/message/email_record.h"

#include "model/mime/body_lists.h"
#include "model/mime/preview.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace konvert {
namespace {

// Bumped whenever a field's meaning changes; older records are misses.
constexpr int kRecordVersion = 1;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void WriteHeaders(Writer& w, const std::vector<mime::Header>& headers) {
  w.StartArray();
  for (const mime::Header& h : headers) {
    w.StartArray();
    String(w, h.name);
    String(w, h.raw);
    w.EndArray();
  }
  w.EndArray();
}

void WriteOptional(Writer& w, const char* key, const std::optional<std::string>& value) {
  if (!value.has_value()) return;
  w.Key(key);
  String(w, *value);
}

void WritePart(Writer& w, const mime::Part& part) {
  w.StartObject();
  w.Key("id");
  String(w, part.part_id);
  w.Key("h");
  WriteHeaders(w, part.headers);
  w.Key("t");
  String(w, part.type);
  WriteOptional(w, "cs", part.charset);
  if (part.charset_given) {
    w.Key("csg");
    w.Bool(true);
  }
  WriteOptional(w, "n", part.name);
  WriteOptional(w, "d", part.disposition);
  WriteOptional(w, "cid", part.cid);
  if (part.language.has_value()) {
    w.Key("lang");
    w.StartArray();
    for (const std::string& l : *part.language) String(w, l);
    w.EndArray();
  }
  WriteOptional(w, "loc", part.location);
  w.Key("te");
  String(w, part.transfer_encoding);
  w.Key("o");
  w.Uint64(part.offset);
  w.Key("bo");
  w.Uint64(part.body_offset);
  w.Key("bl");
  w.Uint64(part.body_length);
  w.Key("s");
  w.Uint64(part.size);
  if (!part.sub_parts.empty()) {
    w.Key("sub");
    w.StartArray();
    for (const mime::Part& sub : part.sub_parts) WritePart(w, sub);
    w.EndArray();
  }
  w.EndObject();
}

void WriteIds(Writer& w, const char* key, const std::vector<std::string>& ids) {
  w.Key(key);
  w.StartArray();
  for (const std::string& id : ids) String(w, id);
  w.EndArray();
}

bool ReadString(const rapidjson::Value& v, std::string* out) {
  if (!v.IsString()) return false;
  out->assign(v.GetString(), v.GetStringLength());
  return true;
}

bool ReadOptional(const rapidjson::Value& obj, const char* key, std::optional<std::string>* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return true;
  std::string value;
  if (!ReadString(it->value, &value)) return false;
  *out = std::move(value);
  return true;
}

bool ReadHeaders(const rapidjson::Value& v, std::vector<mime::Header>* out) {
  if (!v.IsArray()) return false;
  for (const auto& pair : v.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2) return false;
    mime::Header header;
    if (!ReadString(pair[0], &header.name) || !ReadString(pair[1], &header.raw)) return false;
    out->push_back(std::move(header));
  }
  return true;
}

bool ReadUint(const rapidjson::Value& obj, const char* key, uint64_t* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsUint64()) return false;
  *out = it->value.GetUint64();
  return true;
}

bool ReadPart(const rapidjson::Value& v, int depth, mime::Part* part) {
  if (!v.IsObject() || depth > 64) return false;
  auto id = v.FindMember("id");
  auto headers = v.FindMember("h");
  auto type = v.FindMember("t");
  auto te = v.FindMember("te");
  if (id == v.MemberEnd() || headers == v.MemberEnd() || type == v.MemberEnd() ||
      te == v.MemberEnd() || !ReadString(id->value, &part->part_id) ||
      !ReadHeaders(headers->value, &part->headers) || !ReadString(type->value, &part->type) ||
      !ReadString(te->value, &part->transfer_encoding)) {
    return false;
  }
  if (!ReadOptional(v, "cs", &part->charset) || !ReadOptional(v, "n", &part->name) ||
      !ReadOptional(v, "d", &part->disposition) || !ReadOptional(v, "cid", &part->cid) ||
      !ReadOptional(v, "loc", &part->location)) {
    return false;
  }
  part->charset_given = v.HasMember("csg");
  if (auto lang = v.FindMember("lang"); lang != v.MemberEnd()) {
    if (!lang->value.IsArray()) return false;
    part->language.emplace();
    for (const auto& l : lang->value.GetArray()) {
      std::string value;
      if (!ReadString(l, &value)) return false;
      part->language->push_back(std::move(value));
    }
  }
  uint64_t offset = 0, body_offset = 0, body_length = 0;
  if (!ReadUint(v, "o", &offset) || !ReadUint(v, "bo", &body_offset) ||
      !ReadUint(v, "bl", &body_length) || !ReadUint(v, "s", &part->size)) {
    return false;
  }
  part->offset = offset;
  part->body_offset = body_offset;
  part->body_length = body_length;
  if (auto sub = v.FindMember("sub"); sub != v.MemberEnd()) {
    if (!sub->value.IsArray()) return false;
    for (const auto& child : sub->value.GetArray()) {
      part->sub_parts.emplace_back();
      if (!ReadPart(child, depth + 1, &part->sub_parts.back())) return false;
    }
  }
  return true;
}

bool ReadIds(const rapidjson::Value& obj, const char* key, std::vector<std::string>* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return false;
  for (const auto& id : it->value.GetArray()) {
    std::string value;
    if (!ReadString(id, &value)) return false;
    out->push_back(std::move(value));
  }
  return true;
}

std::vector<std::string> IdsOf(const std::vector<const mime::Part*>& parts) {
  std::vector<std::string> ids;
  ids.reserve(parts.size());
  for (const mime::Part* part : parts) ids.push_back(part->part_id);
  return ids;
}

}  // namespace

EmailRecord MakeEmailRecord(std::string_view raw) {
  EmailRecord record;
  record.message = mime::ParseMessage(raw);
  record.size = raw.size();
  mime::BodyLists lists = mime::ComputeBodyLists(record.message.root);
  record.text_body = IdsOf(lists.text_body);
  record.html_body = IdsOf(lists.html_body);
  record.attachments = IdsOf(lists.attachments);
  record.has_attachment = mime::HasAttachment(lists);
  record.preview = mime::Preview(raw, lists);
  return record;
}

std::string SerializeEmailRecord(const EmailRecord& record) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("v");
  w.Int(kRecordVersion);
  w.Key("size");
  w.Uint64(record.size);
  w.Key("root");
  WritePart(w, record.message.root);
  if (record.message.truncated) {
    w.Key("truncated");
    w.Bool(true);
  }
  WriteIds(w, "text", record.text_body);
  WriteIds(w, "html", record.html_body);
  WriteIds(w, "att", record.attachments);
  w.Key("preview");
  String(w, record.preview);
  w.Key("hasAtt");
  w.Bool(record.has_attachment);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<EmailRecord> ParseEmailRecord(std::string_view bytes) {
  rapidjson::Document doc;
  doc.Parse(bytes.data(), bytes.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto version = doc.FindMember("v");
  if (version == doc.MemberEnd() || !version->value.IsInt() ||
      version->value.GetInt() != kRecordVersion) {
    return std::nullopt;
  }
  EmailRecord record;
  auto root = doc.FindMember("root");
  auto preview = doc.FindMember("preview");
  auto has = doc.FindMember("hasAtt");
  if (root == doc.MemberEnd() || preview == doc.MemberEnd() || has == doc.MemberEnd() ||
      !has->value.IsBool() || !ReadUint(doc, "size", &record.size) ||
      !ReadPart(root->value, 0, &record.message.root) ||
      !ReadString(preview->value, &record.preview) || !ReadIds(doc, "text", &record.text_body) ||
      !ReadIds(doc, "html", &record.html_body) || !ReadIds(doc, "att", &record.attachments)) {
    return std::nullopt;
  }
  record.has_attachment = has->value.GetBool();
  record.message.truncated = doc.HasMember("truncated");
  record.message.headers = record.message.root.headers;
  return record;
}

const mime::Part* FindPart(const mime::Part& root, std::string_view part_id) {
  if (root.part_id == part_id) return &root;
  for (const mime::Part& sub : root.sub_parts) {
    if (const mime::Part* found = FindPart(sub, part_id)) return found;
  }
  return nullptr;
}

}  // namespace konvert
