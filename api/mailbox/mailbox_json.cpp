#include <map>

#include "api/mailbox/methods.h"

namespace konvert::api {
namespace {

// Clients list mailboxes by sortOrder then name; roles come first in the
// order most mail clients use.
uint32_t SortOrderOf(const MailboxState& m) {
  static const std::map<std::string, uint32_t> kOrder = {
      {"inbox", 1}, {"drafts", 2}, {"sent", 3}, {"archive", 4}, {"junk", 5}, {"trash", 6}};
  if (m.role.has_value()) {
    if (auto it = kOrder.find(*m.role); it != kOrder.end()) return it->second;
  }
  return 10;
}

bool Has(const std::string& rights, char right) {
  return rights.empty() || rights.find(right) != std::string::npos;
}

// RFC 8621 §2 maps JMAP rights onto IMAP ACL letters (RFC 4314 §4). A
// server without ACL gives no letters: the owner may do everything.
rapidjson::Value RightsJson(const MailboxState& m, Alloc& alloc) {
  const std::string& r = m.rights;
  bool read = m.selectable && Has(r, 'l') && Has(r, 'r');
  rapidjson::Value out(rapidjson::kObjectType);
  Put(out, "mayReadItems", rapidjson::Value(read), alloc);
  Put(out, "mayAddItems", rapidjson::Value(m.selectable && Has(r, 'i')), alloc);
  Put(out, "mayRemoveItems", rapidjson::Value(m.selectable && Has(r, 't') && Has(r, 'e')), alloc);
  Put(out, "maySetSeen", rapidjson::Value(m.selectable && Has(r, 's')), alloc);
  Put(out, "maySetKeywords", rapidjson::Value(m.selectable && Has(r, 'w')), alloc);
  Put(out, "mayCreateChild", rapidjson::Value(Has(r, 'k')), alloc);
  Put(out, "mayRename", rapidjson::Value(m.role != "inbox" && Has(r, 'x')), alloc);
  Put(out, "mayDelete", rapidjson::Value(m.role != "inbox" && Has(r, 'x')), alloc);
  Put(out, "maySubmit", rapidjson::Value(true), alloc);
  return out;
}

rapidjson::Value OptionalString(const std::optional<std::string>& value, Alloc& alloc) {
  return value.has_value() ? Str(*value, alloc) : rapidjson::Value(rapidjson::kNullType);
}

}  // namespace

const std::set<std::string, std::less<>>& MailboxProperties() {
  static const std::set<std::string, std::less<>> kAll = {
      "id",           "name",         "parentId",      "role",     "sortOrder",   "totalEmails",
      "unreadEmails", "totalThreads", "unreadThreads", "myRights", "isSubscribed"};
  return kAll;
}

std::vector<mail::MailboxSummary> MailboxSummaries(const AccountView& view) {
  std::vector<mail::MailboxSummary> out;
  for (const auto& [id, m] : view.mailboxes()) {
    mail::MailboxSummary s;
    s.id = id;
    s.parent_id = m.parent_id;
    s.name = m.name;
    s.role = m.role;
    s.sort_order = SortOrderOf(m);
    s.is_subscribed = m.subscribed;
    out.push_back(std::move(s));
  }
  return out;
}

rapidjson::Value MailboxJson(const AccountView& view, const MailboxState& m,
                             const std::optional<std::vector<std::string>>& properties,
                             Alloc& alloc) {
  const auto& all = MailboxProperties();
  rapidjson::Value out(rapidjson::kObjectType);
  // RFC 8620 §5.1: the id is always returned.
  Put(out, "id", Str(m.id, alloc), alloc);
  if (Wants(properties, all, "name")) Put(out, "name", Str(m.name, alloc), alloc);
  if (Wants(properties, all, "parentId")) {
    Put(out, "parentId", OptionalString(m.parent_id, alloc), alloc);
  }
  if (Wants(properties, all, "role")) Put(out, "role", OptionalString(m.role, alloc), alloc);
  if (Wants(properties, all, "sortOrder")) {
    Put(out, "sortOrder", rapidjson::Value(SortOrderOf(m)), alloc);
  }
  MailboxCounts counts = view.Counts(m.id);
  if (Wants(properties, all, "totalEmails")) {
    Put(out, "totalEmails", rapidjson::Value(counts.total_emails), alloc);
  }
  if (Wants(properties, all, "unreadEmails")) {
    Put(out, "unreadEmails", rapidjson::Value(counts.unread_emails), alloc);
  }
  if (Wants(properties, all, "totalThreads")) {
    Put(out, "totalThreads", rapidjson::Value(counts.total_threads), alloc);
  }
  if (Wants(properties, all, "unreadThreads")) {
    Put(out, "unreadThreads", rapidjson::Value(counts.unread_threads), alloc);
  }
  if (Wants(properties, all, "myRights")) Put(out, "myRights", RightsJson(m, alloc), alloc);
  if (Wants(properties, all, "isSubscribed")) {
    Put(out, "isSubscribed", rapidjson::Value(m.subscribed), alloc);
  }
  return out;
}

}  // namespace konvert::api
