// Thread views: how Email/query sees the other Emails of a thread, which the
// thread-keyword filters and sorts need (RFC 8621 §4.4.1, §4.4.2).
//
// The store answers `members` from its own thread index; ThreadIndex builds
// one from a list of summaries for callers that hold the whole account in
// memory, and for tests. The keys and pointers refer to summaries the caller
// owns, which must outlive the view. Read-only once built: any thread.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/mail/email_summary.h"
#include "model/mail/string_index.h"

namespace konvert::mail {

struct ThreadView {
  // Every Email of the account in thread `thread_id`, in any mailbox; empty
  // when the thread is unknown, in which case an Email is its thread's only
  // member.
  std::function<std::span<const EmailSummary* const>(std::string_view thread_id)> members;
};

class ThreadIndex {
 public:
  explicit ThreadIndex(std::span<const EmailSummary* const> emails);

  std::span<const EmailSummary* const> Members(std::string_view thread_id) const;
  // A view onto this index; valid while the index lives.
  ThreadView View() const;

 private:
  std::unordered_map<std::string_view, std::vector<const EmailSummary*>> members_;
};

// How many of a thread's Emails must have a keyword.
enum class ThreadQuantifier { kAll, kSome, kNone };

// Answers thread-keyword questions, remembering the answer per thread and
// keyword so that a query over a thread of n Emails costs n, not n². One per
// query; not shared between threads.
class ThreadKeywords {
 public:
  explicit ThreadKeywords(const ThreadView& view) : view_(view) {}

  bool Check(const EmailSummary& email, ThreadQuantifier quantifier, const std::string& keyword);

 private:
  static constexpr uint8_t kAllHave = 1;
  static constexpr uint8_t kSomeHave = 2;

  // What is known for one keyword: kAllHave | kSomeHave per thread number.
  struct KeywordAnswers {
    std::string keyword;
    StringIndex threads;
    std::vector<uint8_t> answers;
  };

  const ThreadView& view_;
  // A query names few keywords: a list beats a map.
  std::vector<KeywordAnswers> cache_;
};

// True when `email` has `keyword` (lower case).
bool HasKeyword(const EmailSummary& email, std::string_view keyword);

}  // namespace konvert::mail
