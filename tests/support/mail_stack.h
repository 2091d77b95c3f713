// MailStack: the real Dovecot (IMAP, IMAPS, LMTP, auth) and Postfix
// (authenticated submission, delivery over LMTP) that integration tests use.
//
// ctest starts one stack for the whole run (the `mailstack` fixture in
// tests/CMakeLists.txt) and tells the test programs where it is through
// KONVERT_MAILSTACK_DIR. A test program started by hand without that variable
// starts a stack of its own in a temporary directory and stops it at exit.
//
// Everything listens on 127.0.0.1 on free ports. Thread-safe after Get().
#pragma once

#include <cstdint>
#include <string>

namespace konvert::testing {

struct MailUser {
  std::string login;
  std::string password;
};

class MailStack {
 public:
  // The stack of this run. Fails the program with a clear message when no
  // stack can be found or started.
  static MailStack& Get();

  uint16_t imap_port() const { return imap_port_; }
  uint16_t imaps_port() const { return imaps_port_; }
  uint16_t submission_port() const { return submission_port_; }
  uint16_t lmtp_port() const { return lmtp_port_; }

  std::string imap_url() const;        // imap://127.0.0.1:PORT (plain or STARTTLS)
  std::string imaps_url() const;       // imaps://127.0.0.1:PORT
  std::string submission_url() const;  // smtp://127.0.0.1:PORT (STARTTLS offered)
  const std::string& dir() const { return dir_; }
  // The self-signed ECDSA P-256 certificate that IMAPS, STARTTLS and
  // submission present, valid for 127.0.0.1 and localhost. Trust it as a CA.
  std::string ca_file() const;

  // Users that exist from the start, each with an empty Maildir and the
  // special-use folders Drafts, Sent, Trash, Junk, Archive.
  MailUser alice() const;
  MailUser bob() const;
  // May write the public namespace (the global address book later).
  MailUser admin() const;
  // A password with Cyrillic letters, a double quote, a backslash and a space.
  MailUser unicode_user() const;

  // Creates `user` if missing (idempotent). False on failure.
  bool AddUser(const MailUser& user) const;

 private:
  MailStack() = default;
  void LoadEnv(const std::string& dir);

  std::string dir_;
  uint16_t imap_port_ = 0;
  uint16_t imaps_port_ = 0;
  uint16_t submission_port_ = 0;
  uint16_t lmtp_port_ = 0;
};

}  // namespace konvert::testing
