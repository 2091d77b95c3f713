#include "api/jmap/standard_args.h"

#include <algorithm>

#include "api/mail/mail_access.h"
#include "model/mime/charset.h"

namespace konvert::api {
namespace {

Status Invalid(std::string message) {
  return Status(ErrorKind::kInvalidArguments, std::move(message));
}

}  // namespace

rapidjson::Value Str(std::string_view text, Alloc& alloc) {
  // JSON on the wire is UTF-8 (RFC 8620 §3.1). Mail is full of bytes that
  // are not; one such string must never cost a client the whole response.
  if (!mime::IsValidUtf8(text)) {
    std::string repaired = mime::RepairUtf8(text);
    return rapidjson::Value(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()),
                            alloc);
  }
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

rapidjson::Value StringArray(const std::vector<std::string>& values, Alloc& alloc) {
  rapidjson::Value array(rapidjson::kArrayType);
  array.Reserve(static_cast<rapidjson::SizeType>(values.size()), alloc);
  for (const std::string& v : values) array.PushBack(Str(v, alloc), alloc);
  return array;
}

void Put(rapidjson::Value& object, const char* name, rapidjson::Value value, Alloc& alloc) {
  object.AddMember(rapidjson::StringRef(name), value, alloc);
}

bool Wants(const std::optional<std::vector<std::string>>& properties,
           const std::set<std::string, std::less<>>& defaults, std::string_view name) {
  if (!properties.has_value()) return defaults.count(name) != 0;
  return std::find(properties->begin(), properties->end(), name) != properties->end();
}

Result<GetArgs> ParseGetArgs(const MethodContext& ctx, const rapidjson::Value& args,
                             const std::set<std::string, std::less<>>& known,
                             std::initializer_list<std::string_view> extra) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;

  GetArgs out;
  for (const auto& member : args.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (name == "accountId") continue;
    if (name == "ids") {
      if (value.IsNull()) continue;
      if (!value.IsArray()) return Invalid("ids: must be null or an array of ids");
      if (value.Size() > ctx.limits.max_objects_in_get) {
        return Status(ErrorKind::kRequestTooLarge,
                      "ids: more than maxObjectsInGet (" +
                          std::to_string(ctx.limits.max_objects_in_get) + ")");
      }
      out.ids.emplace();
      for (const auto& id : value.GetArray()) {
        if (!id.IsString()) return Invalid("ids: every id must be a string");
        Result<std::string> resolved =
            ctx.created_ids.ResolveId(std::string_view(id.GetString(), id.GetStringLength()));
        // An unknown "#creationId" simply names nothing (notFound).
        out.ids->push_back(resolved.ok() ? *resolved : id.GetString());
      }
    } else if (name == "properties") {
      if (value.IsNull()) continue;
      if (!value.IsArray()) return Invalid("properties: must be null or an array of names");
      out.properties.emplace();
      for (const auto& p : value.GetArray()) {
        if (!p.IsString()) return Invalid("properties: every name must be a string");
        std::string property(p.GetString(), p.GetStringLength());
        bool header = property.rfind("header:", 0) == 0 && known.count("header:*") != 0;
        if (known.count(property) == 0 && !header) {
          return Invalid("properties: unknown property " + property);
        }
        out.properties->push_back(std::move(property));
      }
    } else if (std::find(extra.begin(), extra.end(), name) == extra.end()) {
      return Invalid(std::string(name) + ": unknown argument");
    }
  }
  return out;
}

Result<ChangesArgs> ParseChangesArgs(const MethodContext& ctx, const rapidjson::Value& args) {
  Status account = CheckAccountId(ctx, args);
  if (!account.ok()) return account;

  ChangesArgs out;
  bool have_state = false;
  for (const auto& member : args.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (name == "accountId") continue;
    if (name == "sinceState") {
      if (!value.IsString()) return Invalid("sinceState: must be a string");
      out.since_state.assign(value.GetString(), value.GetStringLength());
      have_state = true;
    } else if (name == "maxChanges") {
      if (value.IsNull()) continue;
      if (!value.IsUint64() || value.GetUint64() == 0) {
        return Invalid("maxChanges: must be null or a positive integer");
      }
      out.max_changes = value.GetUint64();
    } else {
      return Invalid(std::string(name) + ": unknown argument");
    }
  }
  if (!have_state) return Invalid("sinceState: required");
  return out;
}

rapidjson::Value ChangesResponse(const MethodContext& ctx, const ChangesResult& changes,
                                 Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "accountId", Str(ctx.account_id, alloc), alloc);
  Put(out, "oldState", Str(changes.old_state, alloc), alloc);
  Put(out, "newState", Str(changes.new_state, alloc), alloc);
  Put(out, "hasMoreChanges", rapidjson::Value(changes.has_more_changes), alloc);
  Put(out, "created", StringArray(changes.created, alloc), alloc);
  Put(out, "updated", StringArray(changes.updated, alloc), alloc);
  Put(out, "destroyed", StringArray(changes.destroyed, alloc), alloc);
  return out;
}

rapidjson::Value QueryChangesResponse(const MethodContext& ctx, std::string_view old_state,
                                      std::string_view new_state, std::optional<uint64_t> total,
                                      const mail::QueryChanges& diff, Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "accountId", Str(ctx.account_id, alloc), alloc);
  Put(out, "oldQueryState", Str(old_state, alloc), alloc);
  Put(out, "newQueryState", Str(new_state, alloc), alloc);
  if (total.has_value()) Put(out, "total", rapidjson::Value(*total), alloc);
  Put(out, "removed", StringArray(diff.removed, alloc), alloc);
  rapidjson::Value added(rapidjson::kArrayType);
  for (const auto& [id, at] : diff.added) {
    rapidjson::Value item(rapidjson::kObjectType);
    Put(item, "id", Str(id, alloc), alloc);
    Put(item, "index", rapidjson::Value(at), alloc);
    added.PushBack(item, alloc);
  }
  Put(out, "added", std::move(added), alloc);
  return out;
}

rapidjson::Value GetResponse(const MethodContext& ctx, std::string_view state, Alloc& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "accountId", Str(ctx.account_id, alloc), alloc);
  Put(out, "state", Str(state, alloc), alloc);
  Put(out, "list", rapidjson::Value(rapidjson::kArrayType), alloc);
  Put(out, "notFound", rapidjson::Value(rapidjson::kArrayType), alloc);
  return out;
}

}  // namespace konvert::api
