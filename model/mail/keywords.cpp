#include "model/mail/keywords.h"

#include <array>
#include <utility>

namespace konvert::mail {
namespace {

// The system flags that have a JMAP keyword (RFC 8621 §4.1.1). \Deleted and
// \Recent have none: JMAP shows deletion by destroying, and has no "recent".
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSystemFlags = {{
    {"\\seen", "$seen"},
    {"\\flagged", "$flagged"},
    {"\\answered", "$answered"},
    {"\\draft", "$draft"},
}};

constexpr size_t kMaxKeywordLength = 255;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = Lower(c);
  return out;
}

}  // namespace

bool IsValidKeyword(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > kMaxKeywordLength) return false;
  for (char c : keyword) {
    if (c < 0x21 || c > 0x7e) return false;
    switch (c) {
      case '(':
      case ')':
      case '{':
      case ']':
      case '%':
      case '*':
      case '"':
      case '\\':
        return false;
      default:
        break;
    }
  }
  return true;
}

std::optional<std::string> NormalizeKeyword(std::string_view keyword) {
  if (!IsValidKeyword(keyword)) return std::nullopt;
  return Lowered(keyword);
}

std::optional<std::string> KeywordFromImapFlag(std::string_view flag) {
  if (flag.empty() || flag.front() != '\\') return NormalizeKeyword(flag);

  std::string lowered = Lowered(flag);
  for (const auto& [imap, jmap] : kSystemFlags) {
    if (lowered == imap) return std::string(jmap);
  }
  return std::nullopt;
}

std::string ImapFlagFromKeyword(std::string_view keyword) {
  std::string lowered = Lowered(keyword);
  for (const auto& [imap, jmap] : kSystemFlags) {
    if (lowered != jmap) continue;
    // RFC 3501 spells the flags with a capital after the backslash.
    std::string flag(imap);
    flag[1] = static_cast<char>(flag[1] - 'a' + 'A');
    return flag;
  }
  return std::string(keyword);
}

}  // namespace konvert::mail
