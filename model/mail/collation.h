// Collation: the keys Konvert sorts and compares mail text by.
//
// JMAP's default collation for sorting and for name and subject matching is
// i;unicode-casemap (RFC 8620 §5.5, RFC 5051). SortKey turns a string into a
// key whose plain byte order is that collation's order, so the store
// computes a key once per message and sorting compares bytes only.
// BaseSubject is RFC 5256 §2.1's "base subject", the subject without reply
// and forward markers, which sorts subjects and groups replies into threads.
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace konvert::mail {

// The comparison key of `utf8`: full Unicode case folding then NFKD
// (RFC 5051 §2), encoded as UTF-8, so that comparing keys byte by byte
// compares the strings case-insensitively. Bytes that are not UTF-8 count as
// U+FFFD. Keys are for comparing only, never for display.
std::string SortKey(std::string_view utf8);

// The base subject of `subject` (decoded UTF-8): whitespace runs collapsed
// to one space; leading "Re:", "Fwd:", "Fw:" and their common localised
// forms ("AW:", "WG:", "SV:", "VS:", "Antw:", "TR:", "Odp:", "Ответ:",
// "Отв:", "Пересл:"), any case, with an optional counter ("Re[2]:") and
// "[list-tag]" prefixes removed, repeatedly; trailing "(fwd)" removed; and a
// "[Fwd: …]" wrapper unwrapped. Case is kept, so the result can be shown.
std::string BaseSubject(std::string_view subject);

// SortKey(BaseSubject(subject)): EmailSummary::subject_key, and what two
// subjects must share for a reply to join a thread.
std::string SubjectSortKey(std::string_view subject);

}  // namespace konvert::mail
