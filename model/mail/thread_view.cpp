#include "model/mail/thread_view.h"

#include <algorithm>

namespace konvert::mail {

ThreadIndex::ThreadIndex(std::span<const EmailSummary* const> emails) {
  for (const EmailSummary* email : emails) members_[email->thread_id].push_back(email);
}

std::span<const EmailSummary* const> ThreadIndex::Members(std::string_view thread_id) const {
  auto it = members_.find(thread_id);
  if (it == members_.end()) return {};
  return it->second;
}

ThreadView ThreadIndex::View() const {
  return ThreadView{[this](std::string_view thread_id) { return Members(thread_id); }};
}

bool HasKeyword(const EmailSummary& email, std::string_view keyword) {
  // A handful of keywords per Email: a scan beats a binary search here.
  return std::find(email.keywords.begin(), email.keywords.end(), keyword) != email.keywords.end();
}

bool ThreadKeywords::Check(const EmailSummary& email, ThreadQuantifier quantifier,
                           const std::string& keyword) {
  auto& by_thread = cache_[keyword];
  auto [it, inserted] = by_thread.try_emplace(email.thread_id, 0);
  if (inserted) {
    std::span<const EmailSummary* const> members;
    if (view_.members) members = view_.members(email.thread_id);
    const EmailSummary* self = &email;
    if (members.empty()) members = std::span<const EmailSummary* const>(&self, 1);

    bool all = true;
    bool some = false;
    for (const EmailSummary* member : members) {
      bool has = HasKeyword(*member, keyword);
      all = all && has;
      some = some || has;
    }
    it->second = static_cast<uint8_t>((all ? kAllHave : 0) | (some ? kSomeHave : 0));
  }

  switch (quantifier) {
    case ThreadQuantifier::kAll:
      return (it->second & kAllHave) != 0;
    case ThreadQuantifier::kSome:
      return (it->second & kSomeHave) != 0;
    case ThreadQuantifier::kNone:
      return (it->second & kSomeHave) == 0;
  }
  return false;
}

}  // namespace konvert::mail
