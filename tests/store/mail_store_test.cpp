// MailStore and MailAccount against the real Dovecot: the background
// initial sync through the session pool, and new mail learnt through IDLE
// without any request.
#include "store/sync/mail_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "model/server_url.h"
#include "tests/support/mail_stack.h"
#include "tests/support/raw_imap.h"

namespace konvert {
namespace {

using testing::FreshUser;
using testing::MailStack;
using testing::MailUser;
using testing::RawImap;
using testing::SimpleMessage;

class MailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ImapEndpoint endpoint = testing::StackImapEndpoint();
    pool_ = std::make_unique<ImapSessionPool>(endpoint, &workers_);
    dir_ = std::filesystem::temp_directory_path() /
           ("konvert-store-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    Result<std::unique_ptr<MailStore>> store = MailStore::Open(dir_.string(), pool_.get(), {});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    user_ = FreshUser("store");
    raw_ = std::make_unique<RawImap>(user_);
  }

  void TearDown() override {
    store_->Shutdown();
    pool_->Shutdown();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Prepare() on a pooled connection, as a request does.
  Status Prepare(MailAccount& account) {
    std::promise<Status> done;
    Credentials credentials{user_.login, user_.password};
    pool_->Run(credentials, {}, [&](Result<ImapConnection*> connection) {
      done.set_value(connection.ok() ? account.Prepare(**connection, credentials)
                                     : connection.status());
    });
    return done.get_future().get();
  }

  size_t EmailCount(MailAccount& account) {
    size_t count = 0;
    account.index().Read([&](const AccountView& view) { count = view.summaries().size(); });
    return count;
  }

  WorkerPool workers_{4};
  std::unique_ptr<ImapSessionPool> pool_;
  std::filesystem::path dir_;
  std::unique_ptr<MailStore> store_;
  MailUser user_;
  std::unique_ptr<RawImap> raw_;
};

TEST_F(MailStoreTest, BackgroundSyncIndexesEverythingAfterPrepare) {
  for (int i = 0; i < 30; ++i) raw_->Append("INBOX", SimpleMessage("m" + std::to_string(i)));
  raw_->Append("Archive", SimpleMessage("old"));
  Result<std::shared_ptr<MailAccount>> account = store_->Account("a1");
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(Prepare(**account).ok());
  ASSERT_TRUE((*account)->WaitIdle(std::chrono::seconds(30)));
  EXPECT_EQ(EmailCount(**account), 31u);
}

TEST_F(MailStoreTest, NewMailArrivesThroughIdleWithoutARequest) {
  raw_->Append("INBOX", SimpleMessage("before"));
  Result<std::shared_ptr<MailAccount>> account = store_->Account("a2");
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(Prepare(**account).ok());
  ASSERT_TRUE((*account)->WaitIdle(std::chrono::seconds(30)));
  ASSERT_EQ(EmailCount(**account), 1u);

  // Another client delivers; no request follows, only IDLE can tell.
  uint64_t seen = (*account)->idle_refreshes();
  raw_->Append("INBOX", SimpleMessage("after"));
  while (EmailCount(**account) < 2 && (*account)->WaitIdleRefresh(seen, std::chrono::seconds(20))) {
    seen = (*account)->idle_refreshes();
  }
  EXPECT_EQ(EmailCount(**account), 2u);
}

}  // namespace
}  // namespace konvert
