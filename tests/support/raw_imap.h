// RawImap: a second IMAP client for tests, standing in for "any other mail
// client" of the user (Thunderbird, a phone): it appends, flags, copies,
// moves, expunges and manages folders directly on the test Dovecot, so that
// tests can check that Konvert notices.
//
// Each call asserts success with GoogleTest's ADD_FAILURE and returns a
// neutral value on failure. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/imap/imap_connection.h"
#include "tests/support/mail_stack.h"

namespace konvert::testing {

class RawImap {
 public:
  explicit RawImap(const MailUser& user);
  ~RawImap();

  bool ok() const { return connection_ != nullptr; }
  ImapConnection& connection() { return *connection_; }

  // APPEND with `flags` (e.g. {"\\Seen", "$label1"}) and, when not 0, an
  // INTERNALDATE of `received_at` (UTC seconds); the new UID (UIDPLUS).
  uint32_t Append(const std::string& folder, const std::string& raw,
                  const std::vector<std::string>& flags = {}, int64_t received_at = 0);
  void Select(const std::string& folder);
  // UID STORE +FLAGS / -FLAGS in the selected folder.
  void AddFlags(uint32_t uid, const std::vector<std::string>& flags);
  void RemoveFlags(uint32_t uid, const std::vector<std::string>& flags);
  // \Deleted then UID EXPUNGE of that UID only, in the selected folder.
  void Expunge(uint32_t uid);
  void Copy(uint32_t uid, const std::string& to);
  void Move(uint32_t uid, const std::string& to);
  void Create(const std::string& folder);
  void Delete(const std::string& folder);
  void Rename(const std::string& from, const std::string& to);
  void Subscribe(const std::string& folder);
  uint32_t UidValidity(const std::string& folder);

 private:
  void Store(uint32_t uid, const std::vector<std::string>& flags, bool add);
  std::unique_ptr<ImapConnection> connection_;
};

// The stack's IMAP server as Konvert's tests reach it: imap:// on loopback,
// STARTTLS with the stack's certificate trusted.
ImapEndpoint StackImapEndpoint();

// A unique user for one test (created on the stack, password "secret").
MailUser FreshUser(const std::string& prefix);

// A small RFC 5322 message with the given fields.
std::string SimpleMessage(const std::string& subject, const std::string& message_id = "",
                          const std::string& in_reply_to = "",
                          const std::string& from = "Alice <alice@example.test>",
                          const std::string& date = "Mon, 02 Nov 2026 10:00:00 +0100");

}  // namespace konvert::testing
