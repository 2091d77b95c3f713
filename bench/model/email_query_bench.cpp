// Email/query runs over every summary of an account in memory on each call
// (model/mail/email_query.h); at 100,000 Emails it must stay within a few
// milliseconds. The baseline is std::sort of the same receivedAt values,
// the least work any sorted answer needs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "model/mail/collation.h"
#include "model/mail/email_query.h"

namespace konvert::mail {
namespace {

// A generated account: five mailboxes (most mail in the inbox), threads of
// one to eight Emails, a third unread, subjects from a small vocabulary.
struct Account {
  std::vector<EmailSummary> emails;
  std::vector<const EmailSummary*> pointers;
};

const Account& GeneratedAccount(size_t count) {
  static Account account;
  if (account.emails.size() == count) return account;

  static const char* const kWords[] = {
      "Report",  "Встреча",   "budget",  "Re: plan", "Отчёт",
      "invoice", "Fwd: trip", "release", "проект",   "lunch",
  };
  std::mt19937 random(42);
  account.emails.assign(count, EmailSummary{});
  size_t thread = 0;
  for (size_t i = 0; i < count; ++i) {
    EmailSummary& email = account.emails[i];
    email.id = "M" + std::to_string(i);
    if (random() % 3 == 0) ++thread;
    email.thread_id = "T" + std::to_string(i % 8 == 0 ? ++thread : thread);
    email.mailbox_ids = {random() % 10 < 7 ? "inbox" : "box" + std::to_string(random() % 4)};
    if (random() % 3 != 0) email.keywords.push_back("$seen");
    if (random() % 20 == 0) email.keywords.push_back("$flagged");
    email.received_at = 1'600'000'000 + static_cast<int64_t>(random() % 100'000'000);
    email.sent_at = email.received_at - static_cast<int64_t>(random() % 600);
    email.size = 1000 + random() % 100'000;
    std::string subject = std::string(kWords[random() % 10]) + " " + kWords[random() % 10];
    email.subject_key = SortKey(BaseSubject(subject));
    email.from_key = SortKey("Sender " + std::to_string(random() % 500));
  }
  account.pointers.clear();
  for (const EmailSummary& email : account.emails) account.pointers.push_back(&email);
  return account;
}

void BaselineSortReceivedAt(benchmark::State& state) {
  const Account& account = GeneratedAccount(static_cast<size_t>(state.range(0)));
  std::vector<int64_t> times;
  for (const EmailSummary& email : account.emails) times.push_back(email.received_at);
  for (auto _ : state) {
    std::vector<int64_t> copy = times;
    std::sort(copy.begin(), copy.end(), std::greater<>());
    benchmark::DoNotOptimize(copy.data());
  }
}

// The store keeps a thread index of its own; the query only reads it.
void Run(benchmark::State& state, const EmailQueryArgs& args) {
  const Account& account = GeneratedAccount(static_cast<size_t>(state.range(0)));
  ThreadIndex threads(account.pointers);
  ThreadView view = threads.View();
  for (auto _ : state) {
    Result<EmailQueryResult> result = RunEmailQuery(account.pointers, args, &view);
    benchmark::DoNotOptimize(result.ok());
  }
}

EmailQueryArgs InboxArgs() {
  EmailQueryArgs args;
  args.filter = EmailFilter{};
  args.filter->condition.in_mailbox = "inbox";
  args.limit = 50;
  args.calculate_total = true;
  return args;
}

// What a mail client asks first: the newest 50 of the inbox, with a total.
void QueryInboxFirstPage(benchmark::State& state) { Run(state, InboxArgs()); }

// The same, threads collapsed.
void QueryInboxThreads(benchmark::State& state) {
  EmailQueryArgs args = InboxArgs();
  args.collapse_threads = true;
  Run(state, args);
}

// A page deep in the list, by anchor.
void QueryInboxByAnchor(benchmark::State& state) {
  EmailQueryArgs args = InboxArgs();
  args.anchor = "M" + std::to_string(state.range(0) / 2);
  args.anchor_offset = -10;
  Run(state, args);
}

// Every Email in order (what queryChanges needs): a full sort.
void QueryAllSorted(benchmark::State& state) { Run(state, EmailQueryArgs{}); }

// Sorted by subject, for the first page and for everything. A hundred
// distinct subjects make most comparisons ties that compare whole strings:
// the worst case for the string sorts.
void QueryBySubjectFirstPage(benchmark::State& state) {
  EmailQueryArgs args;
  args.sort = {{EmailSortProperty::kSubject, "", true}};
  args.limit = 50;
  Run(state, args);
}

void QueryAllBySubject(benchmark::State& state) {
  EmailQueryArgs args;
  args.sort = {{EmailSortProperty::kSubject, "", true}};
  Run(state, args);
}

// Inbox Emails whose thread has a flagged Email: a thread-keyword condition.
void QueryFlaggedThreads(benchmark::State& state) {
  EmailQueryArgs args = InboxArgs();
  EmailFilter flagged;
  flagged.condition.some_in_thread_have_keyword = "$flagged";
  args.filter = EmailFilter{EmailFilter::Operator::kAnd, {}, {*args.filter, flagged}};
  Run(state, args);
}

BENCHMARK(BaselineSortReceivedAt)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryInboxFirstPage)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryInboxThreads)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryInboxByAnchor)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryAllSorted)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryBySubjectFirstPage)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryAllBySubject)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(QueryFlaggedThreads)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace konvert::mail
