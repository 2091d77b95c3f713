#include "tests/support/raw_imap.h"

#include <gtest/gtest.h>
#include <libetpan/libetpan.h>

#include <atomic>
#include <cstring>
#include <ctime>

#include "model/server_url.h"

namespace konvert::testing {
namespace {

mailimap_flag_list* FlagList(const std::vector<std::string>& flags) {
  mailimap_flag_list* list = mailimap_flag_list_new_empty();
  for (const std::string& flag : flags) {
    mailimap_flag* f = nullptr;
    if (flag == "\\Seen") {
      f = mailimap_flag_new_seen();
    } else if (flag == "\\Flagged") {
      f = mailimap_flag_new_flagged();
    } else if (flag == "\\Answered") {
      f = mailimap_flag_new_answered();
    } else if (flag == "\\Draft") {
      f = mailimap_flag_new_draft();
    } else if (flag == "\\Deleted") {
      f = mailimap_flag_new_deleted();
    } else {
      f = mailimap_flag_new_flag_keyword(strdup(flag.c_str()));
    }
    mailimap_flag_list_add(list, f);
  }
  return list;
}

}  // namespace

ImapEndpoint StackImapEndpoint() {
  ImapEndpoint endpoint;
  endpoint.url = *ParseServerUrl(MailStack::Get().imap_url());
  endpoint.allow_plain_loopback = true;
  endpoint.tls_ca_file = MailStack::Get().ca_file();
  return endpoint;
}

RawImap::RawImap(const MailUser& user) {
  Result<std::unique_ptr<ImapConnection>> opened =
      ImapConnection::Open(StackImapEndpoint(), log::Context());
  if (!opened.ok()) {
    ADD_FAILURE() << "raw IMAP connect: " << opened.status().message();
    return;
  }
  Status login = (*opened)->Login(user.login, user.password);
  if (!login.ok()) {
    ADD_FAILURE() << "raw IMAP login: " << login.message();
    return;
  }
  connection_ = std::move(*opened);
}

RawImap::~RawImap() = default;

uint32_t RawImap::Append(const std::string& folder, const std::string& raw,
                         const std::vector<std::string>& flags, int64_t received_at) {
  uint32_t uidvalidity = 0, uid = 0;
  Status status = connection_->Execute("APPEND", [&](mailimap* imap) {
    mailimap_flag_list* list = FlagList(flags);
    mailimap_date_time* date = nullptr;
    if (received_at != 0) {
      time_t t = static_cast<time_t>(received_at);
      std::tm tm{};
      gmtime_r(&t, &tm);
      date = mailimap_date_time_new(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
                                    tm.tm_min, tm.tm_sec, 0);
    }
    int code = mailimap_uidplus_append(imap, folder.c_str(), list, date, raw.data(), raw.size(),
                                       &uidvalidity, &uid);
    mailimap_flag_list_free(list);
    if (date != nullptr) mailimap_date_time_free(date);
    return code;
  });
  EXPECT_TRUE(status.ok()) << "APPEND " << folder << ": " << status.message();
  return uid;
}

void RawImap::Select(const std::string& folder) {
  Status status = connection_->Execute(
      "SELECT", [&](mailimap* imap) { return mailimap_select(imap, folder.c_str()); });
  EXPECT_TRUE(status.ok()) << "SELECT " << folder << ": " << status.message();
  connection_->set_selected(folder);
}

void RawImap::Store(uint32_t uid, const std::vector<std::string>& flags, bool add) {
  Status status = connection_->Execute("UID STORE", [&](mailimap* imap) {
    mailimap_set* set = mailimap_set_new_single(uid);
    mailimap_store_att_flags* att =
        add ? mailimap_store_att_flags_new_add_flags_silent(FlagList(flags))
            : mailimap_store_att_flags_new_remove_flags_silent(FlagList(flags));
    int code = mailimap_uid_store(imap, set, att);
    mailimap_store_att_flags_free(att);
    mailimap_set_free(set);
    return code;
  });
  EXPECT_TRUE(status.ok()) << "UID STORE: " << status.message();
}

void RawImap::AddFlags(uint32_t uid, const std::vector<std::string>& flags) {
  Store(uid, flags, true);
}

void RawImap::RemoveFlags(uint32_t uid, const std::vector<std::string>& flags) {
  Store(uid, flags, false);
}

void RawImap::Expunge(uint32_t uid) {
  Store(uid, {"\\Deleted"}, true);
  Status status = connection_->Execute("UID EXPUNGE", [&](mailimap* imap) {
    mailimap_set* set = mailimap_set_new_single(uid);
    int code = mailimap_uid_expunge(imap, set);
    mailimap_set_free(set);
    return code;
  });
  EXPECT_TRUE(status.ok()) << "UID EXPUNGE: " << status.message();
}

void RawImap::Copy(uint32_t uid, const std::string& to) {
  Status status = connection_->Execute("UID COPY", [&](mailimap* imap) {
    mailimap_set* set = mailimap_set_new_single(uid);
    int code = mailimap_uid_copy(imap, set, to.c_str());
    mailimap_set_free(set);
    return code;
  });
  EXPECT_TRUE(status.ok()) << "UID COPY: " << status.message();
}

void RawImap::Move(uint32_t uid, const std::string& to) {
  Status status = connection_->Execute("UID MOVE", [&](mailimap* imap) {
    mailimap_set* set = mailimap_set_new_single(uid);
    int code = mailimap_uid_move(imap, set, to.c_str());
    mailimap_set_free(set);
    return code;
  });
  EXPECT_TRUE(status.ok()) << "UID MOVE: " << status.message();
}

void RawImap::Create(const std::string& folder) {
  Status status = connection_->Execute(
      "CREATE", [&](mailimap* imap) { return mailimap_create(imap, folder.c_str()); });
  EXPECT_TRUE(status.ok()) << "CREATE " << folder << ": " << status.message();
}

void RawImap::Delete(const std::string& folder) {
  if (connection_->selected() == folder) Select("INBOX");
  Status status = connection_->Execute(
      "DELETE", [&](mailimap* imap) { return mailimap_delete(imap, folder.c_str()); });
  EXPECT_TRUE(status.ok()) << "DELETE " << folder << ": " << status.message();
}

void RawImap::Rename(const std::string& from, const std::string& to) {
  Status status = connection_->Execute(
      "RENAME", [&](mailimap* imap) { return mailimap_rename(imap, from.c_str(), to.c_str()); });
  EXPECT_TRUE(status.ok()) << "RENAME " << from << ": " << status.message();
}

void RawImap::Subscribe(const std::string& folder) {
  Status status = connection_->Execute(
      "SUBSCRIBE", [&](mailimap* imap) { return mailimap_subscribe(imap, folder.c_str()); });
  EXPECT_TRUE(status.ok()) << "SUBSCRIBE " << folder << ": " << status.message();
}

uint32_t RawImap::UidValidity(const std::string& folder) {
  uint32_t value = 0;
  Status status = connection_->Execute("STATUS", [&](mailimap* imap) {
    mailimap_status_att_list* atts = mailimap_status_att_list_new_empty();
    mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDVALIDITY);
    mailimap_mailbox_data_status* data = nullptr;
    int code = mailimap_status(imap, folder.c_str(), atts, &data);
    mailimap_status_att_list_free(atts);
    if (data != nullptr) {
      for (clistiter* it = clist_begin(data->st_info_list); it; it = clist_next(it)) {
        auto* info = static_cast<mailimap_status_info*>(clist_content(it));
        if (info->st_att == MAILIMAP_STATUS_ATT_UIDVALIDITY) value = info->st_value;
      }
      mailimap_mailbox_data_status_free(data);
    }
    return code;
  });
  EXPECT_TRUE(status.ok()) << "STATUS: " << status.message();
  return value;
}

MailUser FreshUser(const std::string& prefix) {
  static std::atomic<int> counter{0};
  MailUser user{
      prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "@example.test",
      "secret"};
  EXPECT_TRUE(MailStack::Get().AddUser(user)) << "cannot add " << user.login;
  return user;
}

std::string SimpleMessage(const std::string& subject, const std::string& message_id,
                          const std::string& in_reply_to, const std::string& from,
                          const std::string& date) {
  std::string raw = "From: " + from + "\r\nTo: Bob <bob@example.test>\r\nSubject: " + subject +
                    "\r\nDate: " + date + "\r\n";
  if (!message_id.empty()) raw += "Message-ID: <" + message_id + ">\r\n";
  if (!in_reply_to.empty()) {
    raw += "In-Reply-To: <" + in_reply_to + ">\r\nReferences: <" + in_reply_to + ">\r\n";
  }
  raw += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody of " + subject +
         "\r\n";
  return raw;
}

}  // namespace konvert::testing
