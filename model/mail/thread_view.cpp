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
  auto known = std::find_if(cache_.begin(), cache_.end(),
                            [&](const KeywordAnswers& entry) { return entry.keyword == keyword; });
  if (known == cache_.end()) {
    cache_.push_back(KeywordAnswers{keyword, StringIndex(), {}});
    known = cache_.end() - 1;
  }
  bool added = false;
  uint32_t thread = known->threads.Insert(email.thread_id, &added);
  if (added) {
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
    known->answers.push_back(static_cast<uint8_t>((all ? kAllHave : 0) | (some ? kSomeHave : 0)));
  }
  uint8_t answer = known->answers[thread];

  switch (quantifier) {
    case ThreadQuantifier::kAll:
      return (answer & kAllHave) != 0;
    case ThreadQuantifier::kSome:
      return (answer & kSomeHave) != 0;
    case ThreadQuantifier::kNone:
      return (answer & kSomeHave) == 0;
  }
  return false;
}

}  // namespace konvert::mail
