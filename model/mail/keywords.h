// Keywords: JMAP Email keywords (RFC 8621 §4.1.1) and the IMAP flags they are
// stored as (RFC 3501 §2.3.2).
//
// JMAP keywords are case-insensitive and Konvert keeps them lower case; IMAP
// system flags start with a backslash and map to the four "$" keywords the
// RFC names. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace konvert::mail {

// True when `keyword` is 1 to 255 characters of ASCII 0x21–0x7e other than
// ( ) { ] % * " \ (RFC 8621 §4.1.1, the IMAP flag-keyword syntax). Case is
// not checked: callers lower-case with KeywordFromImapFlag or NormalizeKeyword.
bool IsValidKeyword(std::string_view keyword);

// `keyword` lower-cased, or nullopt when it is not a valid keyword.
std::optional<std::string> NormalizeKeyword(std::string_view keyword);

// The JMAP keyword for an IMAP flag: "\Seen" -> "$seen", "\Flagged" ->
// "$flagged", "\Answered" -> "$answered", "\Draft" -> "$draft" (any case);
// any other keyword lower-cased ("$MDNSent" -> "$mdnsent"). nullopt for
// "\Deleted", "\Recent" and other system flags, which JMAP does not show, and
// for flags that are not valid keywords.
std::optional<std::string> KeywordFromImapFlag(std::string_view flag);

// The IMAP flag to store `keyword` as: "\Seen" for "$seen" and the other
// three system flags (any case), else the keyword itself.
std::string ImapFlagFromKeyword(std::string_view keyword);

}  // namespace konvert::mail
