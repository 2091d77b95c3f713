// Parameterised MIME header fields: Content-Type and Content-Disposition (RFC 2045 §5,
// RFC 2183), with RFC 2231 parameter continuations, charsets and languages.
//
// The parser is lenient in the ways real mail needs: a missing ';' before a parameter,
// unquoted values with '=' or spaces in them (Outlook's "----=_NextPart" boundaries),
// RFC 2047 encoded-words inside quoted names, raw 8-bit file names.
//
// Pure functions: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konvert::mime {

struct ContentField {
  struct Parameter {
    std::string name;   // lowercased, as written (may end in "*" or "*N" / "*N*")
    std::string value;  // unquoted, backslash escapes resolved, otherwise the bytes as written
                        // (a boundary must match the body byte for byte); DecodedParam gives
                        // text
  };
  // The lowercased leading token, e.g. "multipart/mixed" or "attachment"; empty when it holds
  // a byte outside printable ASCII, since a token with one is invalid (RFC 2045 §5.1) and an
  // invalid field counts as absent (RFC 2045 §5.2).
  std::string value;
  std::vector<Parameter> params;

  // The first parameter named exactly `name` (lowercase), unquoted but otherwise raw: what
  // `boundary` and `charset` need.
  std::optional<std::string> Param(std::string_view name) const;
};

// Parses a raw field value (folding allowed). Never fails; garbage gives an empty value.
ContentField ParseContentField(std::string_view raw);

// The value of parameter `name` (lowercase, without "*") as UTF-8: RFC 2231 sections
// ("name*0*=", "name*1=", …) joined in order and decoded with the charset of section 0;
// otherwise the plain value with RFC 2047 encoded-words decoded and raw 8-bit bytes
// detected. nullopt when the parameter is absent.
std::optional<std::string> DecodedParam(const ContentField& field, std::string_view name);

// True when `s` is non-empty printable US-ASCII without spaces: the bytes an RFC 2045 §5.1
// token may hold (type, subtype, charset, disposition and transfer encoding names).
bool IsAsciiToken(std::string_view s);

// A decoded file name made safe to show and to offer as a download name: C0 controls, DEL,
// C1 controls and the Unicode Bidi_Control characters (U+061C, U+200E, U+200F, U+202A-202E,
// U+2066-2069) are removed, and invalid UTF-8 becomes U+FFFD. Controls could start new
// header lines or terminal escapes where the name is written out; U+202E RIGHT-TO-LEFT
// OVERRIDE shows "photo\u202Egnp.exe" as "photoexe.png". May return "".
std::string SanitizeFileName(std::string_view name);

}  // namespace konvert::mime
