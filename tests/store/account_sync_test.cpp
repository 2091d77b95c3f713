// AccountSync and AccountIndex against the real Dovecot: the initial sync,
// catching up with changes another IMAP client made, ids that survive moves,
// threads across folders, UIDVALIDITY resets and the change log.
#include "store/sync/account_sync.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/server_url.h"
#include "store/index/account_index.h"
#include "store/index/mail_cache.h"
#include "store/sync/imap_mail.h"
#include "tests/support/mail_stack.h"
#include "tests/support/raw_imap.h"

namespace konvert {
namespace {

using testing::FreshUser;
using testing::MailStack;
using testing::MailUser;
using testing::RawImap;
using testing::SimpleMessage;

class AccountSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    user_ = FreshUser("sync");
    raw_ = std::make_unique<RawImap>(user_);
    ASSERT_TRUE(raw_->ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("konvert-sync-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    OpenCache();
    ImapEndpoint endpoint = testing::StackImapEndpoint();
    Result<std::unique_ptr<ImapConnection>> opened = ImapConnection::Open(endpoint, log::Context());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    imap_ = std::move(*opened);
    ASSERT_TRUE(imap_->Login(user_.login, user_.password).ok());
  }

  void TearDown() override {
    sync_.reset();
    index_.reset();
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenCache(uint64_t changes_kept = AccountIndex::kDefaultChangesKept) {
    sync_.reset();
    index_.reset();
    cache_.reset();
    Result<std::unique_ptr<MailCache>> cache = MailCache::Open(dir_.string(), log::Context());
    ASSERT_TRUE(cache.ok()) << cache.status().message();
    cache_ = std::move(*cache);
    Result<std::unique_ptr<AccountIndex>> index =
        AccountIndex::Load(cache_.get(), "acct", log::Context(), changes_kept);
    ASSERT_TRUE(index.ok()) << index.status().message();
    index_ = std::move(*index);
    sync_ = std::make_unique<AccountSync>(index_.get(), log::Context());
  }

  // Refresh, then the initial sync to the end.
  void SyncAll() {
    Status refreshed = sync_->Refresh(*imap_);
    ASSERT_TRUE(refreshed.ok()) << refreshed.message();
    for (int i = 0; i < 1000; ++i) {
      Result<bool> more = sync_->InitialStep(*imap_);
      ASSERT_TRUE(more.ok()) << more.status().message();
      if (!*more) return;
    }
    FAIL() << "initial sync did not finish";
  }

  std::string MailboxId(const std::string& imap_name) {
    std::string id;
    index_->Read([&](const AccountView& view) {
      for (const auto& [mid, m] : view.mailboxes()) {
        if (m.imap_name == imap_name) id = mid;
      }
    });
    return id;
  }

  // Email id -> (mailbox ids, keywords) of every Email.
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> Emails() {
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> out;
    index_->Read([&](const AccountView& view) {
      for (const mail::EmailSummary* s : view.summaries()) {
        out[s->id] = {s->mailbox_ids, s->keywords};
      }
    });
    return out;
  }

  std::string EmailWithSubjectKey(const std::string& key) {
    std::string id;
    index_->Read([&](const AccountView& view) {
      for (const mail::EmailSummary* s : view.summaries()) {
        if (s->subject_key == key) id = s->id;
      }
    });
    return id;
  }

  static inline int counter_ = 0;
  MailUser user_;
  std::unique_ptr<RawImap> raw_;
  std::filesystem::path dir_;
  std::unique_ptr<MailCache> cache_;
  std::unique_ptr<AccountIndex> index_;
  std::unique_ptr<AccountSync> sync_;
  std::unique_ptr<ImapConnection> imap_;
};

TEST_F(AccountSyncTest, IndexesEveryFolderWithRolesAndCounts) {
  raw_->Append("INBOX", SimpleMessage("one"), {"\\Seen"});
  raw_->Append("INBOX", SimpleMessage("two"));
  raw_->Append("Archive", SimpleMessage("three"), {"$label1"});
  SyncAll();

  std::string inbox = MailboxId("INBOX");
  std::string archive = MailboxId("Archive");
  ASSERT_FALSE(inbox.empty());
  ASSERT_FALSE(archive.empty());
  index_->Read([&](const AccountView& view) {
    EXPECT_EQ(view.Mailbox(inbox)->role, "inbox");
    EXPECT_EQ(view.Mailbox(archive)->role, "archive");
    EXPECT_EQ(view.Mailbox(MailboxId("Sent"))->role, "sent");
    EXPECT_EQ(view.Counts(inbox).total_emails, 2u);
    EXPECT_EQ(view.Counts(inbox).unread_emails, 1u);
    EXPECT_EQ(view.Counts(archive).total_emails, 1u);
    EXPECT_TRUE(view.Mailbox(inbox)->complete());
    // The public namespace is not the user's mailbox.
    for (const auto& [id, m] : view.mailboxes()) {
      EXPECT_NE(m.imap_name.rfind("Public", 0), 0u) << m.imap_name;
    }
  });
  std::string three = EmailWithSubjectKey("three");
  ASSERT_FALSE(three.empty());
  EXPECT_EQ(Emails()[three].second, std::vector<std::string>{"$label1"});
}

TEST_F(AccountSyncTest, CopyIsOneEmailInTwoMailboxesAndMoveKeepsTheId) {
  uint32_t uid = raw_->Append("INBOX", SimpleMessage("copied", "c1@example.test"));
  SyncAll();
  std::string id = EmailWithSubjectKey("copied");
  ASSERT_FALSE(id.empty());

  raw_->Select("INBOX");
  raw_->Copy(uid, "Archive");
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  std::vector<std::string> both = {MailboxId("Archive"), MailboxId("INBOX")};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(Emails()[id].first, both);
  EXPECT_EQ(Emails().size(), 1u);

  raw_->Move(uid, "Trash");
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  std::vector<std::string> moved = {MailboxId("Archive"), MailboxId("Trash")};
  std::sort(moved.begin(), moved.end());
  EXPECT_EQ(Emails()[id].first, moved);
}

TEST_F(AccountSyncTest, SeesChangesOfAnotherClientAndReplayMatchesFreshState) {
  uint32_t first = raw_->Append("INBOX", SimpleMessage("first"));
  uint32_t second = raw_->Append("INBOX", SimpleMessage("second"));
  SyncAll();
  std::string email_state = index_->State(ChangeType::kEmail);
  std::string mailbox_state = index_->State(ChangeType::kMailbox);
  auto before = Emails();
  std::string first_id = EmailWithSubjectKey("first");
  std::string second_id = EmailWithSubjectKey("second");

  raw_->Select("INBOX");
  raw_->AddFlags(first, {"\\Seen", "$label2"});
  raw_->Expunge(second);
  raw_->Append("INBOX", SimpleMessage("third"));
  raw_->Create("Projects");
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());

  Result<ChangesResult> changes = index_->Changes(ChangeType::kEmail, email_state, 100);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  std::string third_id = EmailWithSubjectKey("third");
  EXPECT_EQ(changes->created, std::vector<std::string>{third_id});
  EXPECT_EQ(changes->updated, std::vector<std::string>{first_id});
  EXPECT_EQ(changes->destroyed, std::vector<std::string>{second_id});
  EXPECT_EQ(changes->new_state, index_->State(ChangeType::kEmail));

  Result<ChangesResult> mailbox_changes = index_->Changes(ChangeType::kMailbox, mailbox_state, 100);
  ASSERT_TRUE(mailbox_changes.ok());
  EXPECT_EQ(mailbox_changes->created, std::vector<std::string>{MailboxId("Projects")});

  // Replaying the changes on the old list gives the list a fresh read gives.
  std::set<std::string> replayed;
  for (const auto& [id, v] : before) replayed.insert(id);
  for (const std::string& id : changes->destroyed) replayed.erase(id);
  for (const std::string& id : changes->created) replayed.insert(id);
  std::set<std::string> fresh;
  for (const auto& [id, v] : Emails()) fresh.insert(id);
  EXPECT_EQ(replayed, fresh);
  EXPECT_EQ(Emails()[first_id].second, (std::vector<std::string>{"$label2", "$seen"}));
}

TEST_F(AccountSyncTest, MaxChangesPagesThroughTheLog) {
  SyncAll();
  std::string state = index_->State(ChangeType::kEmail);
  for (int i = 0; i < 5; ++i) raw_->Append("INBOX", SimpleMessage("m" + std::to_string(i)));
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());

  std::set<std::string> seen;
  for (int round = 0; round < 10; ++round) {
    Result<ChangesResult> page = index_->Changes(ChangeType::kEmail, state, 2);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->created.size(), 2u);
    seen.insert(page->created.begin(), page->created.end());
    state = page->new_state;
    if (!page->has_more_changes) break;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(state, index_->State(ChangeType::kEmail));
}

TEST_F(AccountSyncTest, UidValidityChangeResetsTheFolderAndOldStates) {
  raw_->Create("Work");
  raw_->Append("Work", SimpleMessage("old work"));
  SyncAll();
  std::string work = MailboxId("Work");
  std::string state = index_->State(ChangeType::kEmail);
  uint32_t old_validity = raw_->UidValidity("Work");

  raw_->Delete("Work");
  raw_->Create("Work");
  raw_->Append("Work", SimpleMessage("new work"));
  ASSERT_NE(raw_->UidValidity("Work"), old_validity);
  SyncAll();

  EXPECT_EQ(MailboxId("Work"), work);
  EXPECT_TRUE(EmailWithSubjectKey("old work").empty());
  EXPECT_FALSE(EmailWithSubjectKey("new work").empty());
  Result<ChangesResult> changes = index_->Changes(ChangeType::kEmail, state, 100);
  ASSERT_FALSE(changes.ok());
  EXPECT_EQ(changes.status().kind(), ErrorKind::kCannotCalculateChanges);
}

TEST_F(AccountSyncTest, ReplyInSentJoinsTheInboxThread) {
  raw_->Append("INBOX", SimpleMessage("Plans", "p1@example.test"));
  raw_->Append("Sent", SimpleMessage("Re: Plans", "p2@example.test", "p1@example.test"));
  raw_->Append("INBOX", SimpleMessage("Other", "o1@example.test"));
  SyncAll();
  std::map<std::string, std::string> threads;
  index_->Read([&](const AccountView& view) {
    for (const mail::EmailSummary* s : view.summaries()) threads[s->subject_key] = s->thread_id;
  });
  ASSERT_EQ(threads.size(), 2u);
  std::string plans = threads["plans"];
  EXPECT_FALSE(plans.empty());
  EXPECT_NE(threads["other"], plans);
  index_->Read([&](const AccountView& view) { EXPECT_EQ(view.Thread(plans)->size(), 2u); });
}

TEST_F(AccountSyncTest, RepliesWithPartialReferencesStayInOneThreadWhateverTheOrder) {
  // Found by a tester: a client that sends only In-Reply-To, met before its
  // parent, split the conversation, and a rebuilt cache split it elsewhere.
  auto message = [](const std::string& subject, const std::string& id,
                    const std::string& in_reply_to, const std::string& references) {
    std::string raw = "From: a@example.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + id +
                      ">\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n";
    if (!in_reply_to.empty()) raw += "In-Reply-To: <" + in_reply_to + ">\r\n";
    if (!references.empty()) raw += "References: " + references + "\r\n";
    return raw + "\r\nbody\r\n";
  };
  // Delivered one by one, as a live conversation, the index caught up after each.
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  raw_->Append("INBOX", message("Plan X", "A@x", "", ""), {}, 1793000000);
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  raw_->Append("Sent", message("Re: Plan X", "R1@x", "A@x", "<A@x>"), {}, 1793000100);
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  raw_->Append("INBOX", message("Re: Plan X", "R2@x", "R1@x", "<A@x> <R1@x>"), {}, 1793000200);
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  raw_->Append("Sent", message("Re: Plan X", "R3@x", "R2@x", ""), {}, 1793000300);
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  raw_->Append("INBOX", message("RE: AW: Plan X", "R4@x", "R3@x", "<R3@x>"), {}, 1793000400);
  SyncAll();
  auto threads = [this] {
    std::set<std::string> ids;
    index_->Read([&](const AccountView& view) {
      for (const mail::EmailSummary* s : view.summaries()) ids.insert(s->thread_id);
    });
    return ids;
  };
  std::set<std::string> live = threads();
  EXPECT_EQ(live.size(), 1u);

  // A new cache meets them folder by folder, newest first: Sent, then INBOX.
  std::filesystem::remove_all(dir_);
  OpenCache();
  SyncAll();
  EXPECT_EQ(threads(), live);
}

TEST_F(AccountSyncTest, RenamedFolderKeepsItsId) {
  raw_->Create("Old");
  raw_->Append("Old", SimpleMessage("kept"));
  SyncAll();
  std::string id = MailboxId("Old");
  raw_->Rename("Old", "New");
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  EXPECT_EQ(MailboxId("New"), id);
  EXPECT_FALSE(EmailWithSubjectKey("kept").empty());
}

TEST_F(AccountSyncTest, ReloadFromCacheAndCorruptCacheIsRebuilt) {
  raw_->Append("INBOX", SimpleMessage("persisted"));
  SyncAll();
  auto before = Emails();
  std::string state = index_->State(ChangeType::kEmail);

  OpenCache();
  EXPECT_EQ(Emails(), before);
  EXPECT_EQ(index_->State(ChangeType::kEmail), state);

  // A record that cannot be read: the account starts afresh, and old
  // states are refused rather than misread.
  CacheBatch batch;
  batch.Put(std::string("Aacct\0E", 7) + before.begin()->first, "garbage");
  ASSERT_TRUE(cache_->Write(batch).ok());
  OpenCache();
  EXPECT_TRUE(Emails().empty());
  SyncAll();
  EXPECT_EQ(Emails(), before);
  EXPECT_FALSE(index_->Changes(ChangeType::kEmail, state, 10).ok());
}

TEST_F(AccountSyncTest, DamagedTableFilesAreRebuiltFromImap) {
  for (int i = 0; i < 20; ++i) raw_->Append("INBOX", SimpleMessage("d" + std::to_string(i)));
  SyncAll();
  auto before = Emails();
  ASSERT_TRUE(cache_->Flush().ok());
  sync_.reset();
  index_.reset();
  cache_.reset();

  // Garbage over the middle of every table file: checksums no longer match.
  int damaged = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".sst") continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    auto size = std::filesystem::file_size(entry.path());
    for (uint64_t at = 0; at + 64 < size; at += size / 8 + 1) {
      file.seekp(static_cast<std::streamoff>(at));
      file.write(std::string(64, 'Z').data(), 64);
    }
    ++damaged;
  }
  ASSERT_GT(damaged, 0);

  OpenCache();
  SyncAll();
  EXPECT_EQ(Emails(), before);
}

TEST_F(AccountSyncTest, MyRightsWorksWithAFolderSelected) {
  // libetpan allows ACL commands only before a SELECT, though RFC 4314 §3
  // allows them in both states; a new folder found by a later refresh runs
  // MYRIGHTS on a session that has one selected.
  ASSERT_TRUE(SelectFolder(*imap_, "INBOX", 0, 0).ok());
  Result<std::optional<std::string>> rights = MyRights(*imap_, "INBOX");
  ASSERT_TRUE(rights.ok()) << rights.status().message();
  ASSERT_TRUE(rights->has_value());
  EXPECT_NE((*rights)->find('r'), std::string::npos);
}

TEST_F(AccountSyncTest, OldChangesAreTrimmedAndThenCannotBeCalculated) {
  OpenCache(12);
  SyncAll();
  std::string oldest = index_->State(ChangeType::kEmail);
  for (int i = 0; i < 10; ++i) raw_->Append("INBOX", SimpleMessage("t" + std::to_string(i)));
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());
  std::string recent = index_->State(ChangeType::kEmail);
  raw_->Append("INBOX", SimpleMessage("last"));
  ASSERT_TRUE(sync_->Refresh(*imap_).ok());

  Result<ChangesResult> from_recent = index_->Changes(ChangeType::kEmail, recent, 100);
  ASSERT_TRUE(from_recent.ok()) << from_recent.status().message();
  EXPECT_EQ(from_recent->created.size(), 1u);
  Result<ChangesResult> from_oldest = index_->Changes(ChangeType::kEmail, oldest, 100);
  ASSERT_FALSE(from_oldest.ok());
  EXPECT_EQ(from_oldest.status().kind(), ErrorKind::kCannotCalculateChanges);
}

}  // namespace
}  // namespace konvert

namespace konvert {
namespace {

TEST(RoleFromName, MatchesWellKnownNamesInAnyCase) {
  const std::pair<const char*, std::optional<std::string>> kCases[] = {
      {"Sent Items", "sent"},   {"SENT ITEMS", "sent"},     {"отправленные", "sent"},
      {"ОТПРАВЛЕННЫЕ", "sent"}, {"Корзина", "trash"},       {"spam", "junk"},
      {"Archive", "archive"},   {"Projects", std::nullopt}, {"", std::nullopt},
  };
  for (const auto& [name, role] : kCases) EXPECT_EQ(RoleFromName(name), role) << name;
}

}  // namespace
}  // namespace konvert
