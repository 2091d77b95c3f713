#include "model/mime/addresses.h"

#include "model/mime/charset.h"
#include "model/mime/encoded_words.h"

namespace konvert::mime {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecial(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';' || c == ':' ||
         c == '"';
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Collects one mailbox while the list is read.
struct Pending {
  std::string phrase;   // atoms and quoted-string contents, space separated
  std::string spec;     // the same tokens glued, for an addr-spec without angle brackets
  std::string comment;  // the last comment seen
  std::optional<std::string> angle;
  bool empty = true;

  void AddWord(std::string_view word, bool quoted) {
    if (!phrase.empty()) phrase.push_back(' ');
    phrase.append(word);
    if (quoted) {
      spec.push_back('"');
      spec.append(word);
      spec.push_back('"');
    } else {
      spec.append(word);
    }
    empty = false;
  }
};

class ListParser {
 public:
  explicit ListParser(std::string_view raw) : s_(raw) {}

  std::vector<AddressGroup> Parse() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (IsSpace(c)) {
        ++i_;
        gap_ = true;
      } else if (c == '(') {
        current_.comment = ReadComment();
      } else if (c == '"') {
        current_.AddWord(ReadQuoted(), true);
        gap_ = false;
      } else if (c == '<') {
        ReadAngle();
      } else if (c == ',') {
        ++i_;
        Flush();
      } else if (c == ';') {
        ++i_;
        Flush();
        in_group_ = false;
      } else if (c == ':' && !in_group_ && !current_.angle &&
                 current_.spec.find('@') == std::string::npos) {
        // "name:" opens a group (RFC 5322 §3.4).
        ++i_;
        groups_.push_back({DecodeName(current_.phrase), {}});
        current_ = Pending();
        in_group_ = true;
      } else {
        ReadAtom();
      }
    }
    Flush();
    return std::move(groups_);
  }

 private:
  std::string ReadComment() {
    std::string text;
    int depth = 0;
    for (; i_ < s_.size(); ++i_) {
      char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        text.push_back(s_[++i_]);
        continue;
      }
      if (c == '(' && depth++ == 0) continue;
      if (c == ')' && --depth == 0) {
        ++i_;
        break;
      }
      text.push_back(c);
    }
    return Trimmed(text);
  }

  std::string ReadQuoted() {
    std::string text;
    for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      if (s_[i_] != '\r' && s_[i_] != '\n') text.push_back(s_[i_]);
    }
    if (i_ < s_.size()) ++i_;
    return text;
  }

  void ReadAngle() {
    size_t close = s_.find('>', i_);
    size_t end = close == std::string_view::npos ? s_.size() : close;
    std::string inner;
    for (char c : s_.substr(i_ + 1, end - i_ - 1)) {
      if (!IsSpace(c)) inner.push_back(c);
    }
    // An obsolete source route ("<@a,@b:user@c>", RFC 5322 §4.4) is dropped.
    if (!inner.empty() && inner[0] == '@') {
      size_t colon = inner.find(':');
      if (colon != std::string::npos) inner = inner.substr(colon + 1);
    }
    current_.angle = std::move(inner);
    current_.empty = false;
    i_ = close == std::string_view::npos ? s_.size() : close + 1;
  }

  void ReadAtom() {
    size_t begin = i_;
    while (i_ < s_.size() && !IsSpace(s_[i_]) && !IsSpecial(s_[i_])) ++i_;
    if (i_ == begin) {
      ++i_;  // a stray '>' or ')'
      return;
    }
    std::string_view atom = s_.substr(begin, i_ - begin);
    // A token right after a quoted string without a space continues an addr-spec
    // ("\"john doe\"@example.com").
    bool glue = !current_.spec.empty() && !gap_;
    if (glue && !current_.phrase.empty()) {
      current_.phrase.append(atom);
      current_.spec.append(atom);
    } else {
      current_.AddWord(atom, false);
    }
    gap_ = false;
  }

  static std::optional<std::string> DecodeName(std::string_view phrase) {
    std::string name = Trimmed(DecodeEncodedWords(phrase));
    if (name.empty()) return std::nullopt;
    return name;
  }

  void Flush() {
    gap_ = false;
    if (current_.empty && current_.comment.empty()) {
      current_ = Pending();
      return;
    }
    Address address;
    if (current_.angle) {
      address.email = Raw8bitToUtf8(*current_.angle);
      address.name = DecodeName(current_.phrase);
      if (!address.name && !current_.comment.empty()) address.name = DecodeName(current_.comment);
    } else {
      address.email = Raw8bitToUtf8(current_.spec);
      if (!current_.comment.empty()) address.name = DecodeName(current_.comment);
    }
    current_ = Pending();
    if (address.email.empty() && !address.name) return;

    // Groups are pushed when opened, so a named group at the back means these addresses
    // follow a group and start a new run of ungrouped ones.
    if (!in_group_ && (groups_.empty() || groups_.back().name)) {
      groups_.push_back({std::nullopt, {}});
    }
    groups_.back().addresses.push_back(std::move(address));
  }

  std::string_view s_;
  size_t i_ = 0;
  bool gap_ = false;
  bool in_group_ = false;
  Pending current_;
  std::vector<AddressGroup> groups_;
};

}  // namespace

std::vector<AddressGroup> ParseGroupedAddresses(std::string_view raw) {
  return ListParser(raw).Parse();
}

std::vector<Address> ParseAddresses(std::string_view raw) {
  std::vector<Address> out;
  for (AddressGroup& group : ParseGroupedAddresses(raw)) {
    for (Address& a : group.addresses) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace konvert::mime
