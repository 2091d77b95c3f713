// The Email object of RFC 8621 §4.1 as JSON: the arguments of Email/get
// that shape it (properties, bodyProperties, the fetch*BodyValues flags,
// maxBodyValueBytes; §4.2), the "header:{name}[:as{form}][:all]" properties
// (§4.1.3), EmailBodyPart (§4.1.4) and EmailBodyValue objects.
//
// Everything here is pure: it reads the index's summary and the cached
// EmailRecord, plus body texts the caller fetched, and never touches IMAP.
// Any thread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/jmap/standard_args.h"
#include "model/mail/email_summary.h"
#include "model/message/email_record.h"
#include "model/mime/charset.h"
#include "model/mime/header_forms.h"

namespace konvert::api {

// Every Email property (RFC 8621 §4.1), plus "header:*" for ParseGetArgs.
const std::set<std::string, std::less<>>& EmailProperties();

// The properties returned when the client sends none (RFC 8621 §4.2).
const std::vector<std::string>& DefaultEmailProperties();

// A "header:{name}[:as{form}][:all]" property, parsed.
struct HeaderProperty {
  std::string name;  // as requested; matched case-insensitively
  mime::HeaderForm form = mime::HeaderForm::kRaw;
  bool all = false;
};

// Parses `property` (which starts with "header:"). kInvalidArguments for an
// empty or invalid field name, an unknown form, or a form RFC 8621 §4.1.2
// does not allow for that field.
Result<HeaderProperty> ParseHeaderProperty(std::string_view property);

// One requested property: its name, and the parsed header form when it is a
// "header:" property.
struct Property {
  std::string name;
  std::optional<HeaderProperty> header;
};

// What an Email/get call asks of every Email, from its arguments.
struct EmailGetOptions {
  std::vector<Property> properties;
  std::vector<Property> body_properties;
  bool fetch_text_body_values = false;
  bool fetch_html_body_values = false;
  bool fetch_all_body_values = false;
  uint64_t max_body_value_bytes = 0;  // 0: no limit

  bool Wants(std::string_view property) const;
  // Whether anything asked needs the EmailRecord, not just the summary.
  bool NeedsRecord() const;
};

// Reads the Email/get arguments beyond those of ParseGetArgs, which has
// already checked `args` and resolved `properties` (unset: the defaults).
// kInvalidArguments names the argument at fault.
Result<EmailGetOptions> ParseEmailGetOptions(
    const rapidjson::Value& args, const std::optional<std::vector<std::string>>& properties);

// The leaf parts whose text `options` asks to return in bodyValues, in
// order, each once (RFC 8621 §4.2: only text/* parts of the lists asked).
std::vector<const mime::Part*> PartsForBodyValues(const EmailGetOptions& options,
                                                  const EmailRecord& record);

// The value of a header property over `headers`: the last instance (or, for
// ":all", every instance in order) in the asked form; null (or []) when the
// field is absent.
rapidjson::Value HeaderPropertyValue(const std::vector<mime::Header>& headers,
                                     const HeaderProperty& property, Alloc& alloc);

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8
// sequence and, for HTML, without ending inside a tag (RFC 8621 §4.2).
// Returns whether it was cut.
bool TruncateBodyValue(std::string* text, uint64_t max_bytes, bool html);

// The decoded text of each part in PartsForBodyValues, by part id.
using BodyTexts = std::vector<std::pair<std::string, mime::Decoded>>;

// The Email object. `record` may be null when !options.NeedsRecord().
rapidjson::Value EmailJson(const EmailGetOptions& options, const mail::EmailSummary& summary,
                           const EmailRecord* record, const BodyTexts& texts, Alloc& alloc);

}  // namespace konvert::api
