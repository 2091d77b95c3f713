#include "model/mime/header_forms.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

#include "model/mime/charset.h"
#include "model/mime/encoded_words.h"
#include "model/mime/message.h"

namespace konvert::mime {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Every string this file puts into JSON passes here. JSON text is UTF-8 (RFC 8620 §3.1,
// RFC 8259 §8.1) and one invalid string fails a whole Email/get response, so whatever slipped
// through the parsers still comes out valid, with U+FFFD where the bytes were not.
rapidjson::Value String(std::string_view s, JsonAllocator& allocator) {
  if (!IsValidUtf8(s)) {
    std::string repaired = RepairUtf8(s);
    return rapidjson::Value(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()),
                            allocator);
  }
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), allocator);
}

rapidjson::Value StringList(const std::optional<std::vector<std::string>>& list,
                            JsonAllocator& allocator) {
  if (!list) return rapidjson::Value(rapidjson::kNullType);
  rapidjson::Value array(rapidjson::kArrayType);
  for (const std::string& item : *list) array.PushBack(String(item, allocator), allocator);
  return array;
}

// RFC 5322 unfolding (§2.2.3): a line break followed by whitespace is just that whitespace.
std::string Unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

std::string Nfc(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return utf8;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
  if (nfc->isNormalized(text, status) && U_SUCCESS(status)) return utf8;
  status = U_ZERO_ERROR;
  icu::UnicodeString normalized = nfc->normalize(text, status);
  if (U_FAILURE(status)) return utf8;
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

// Items written as "<...>" in `raw`, whitespace inside removed. Ids and URLs are ASCII by
// their RFCs (RFC 5322 §3.6.4, RFC 3986 §2); 8-bit bytes in one are not text in any charset
// worth guessing, so invalid UTF-8 becomes U+FFFD and valid UTF-8 (RFC 6532) is kept.
std::vector<std::string> AngleItems(std::string_view raw) {
  std::vector<std::string> items;
  size_t pos = 0;
  while ((pos = raw.find('<', pos)) != std::string_view::npos) {
    size_t close = raw.find('>', pos + 1);
    if (close == std::string_view::npos) break;
    std::string item;
    for (char c : raw.substr(pos + 1, close - pos - 1)) {
      if (!IsSpace(c)) item.push_back(c);
    }
    if (!item.empty()) items.push_back(IsValidUtf8(item) ? std::move(item) : RepairUtf8(item));
    pos = close + 1;
  }
  return items;
}

enum FormBits : unsigned {
  kTextBit = 1u << 0,
  kAddressBits = 1u << 1,
  kMessageIdBit = 1u << 2,
  kDateBit = 1u << 3,
  kUrlBit = 1u << 4,
};

// The forms of each field RFC 5322 or RFC 2369 defines (RFC 8621 §4.1.2); 0 means asRaw only.
constexpr struct {
  std::string_view name;
  unsigned forms;
} kDefinedFields[] = {
    {"date", kDateBit},
    {"from", kAddressBits},
    {"sender", kAddressBits},
    {"reply-to", kAddressBits},
    {"to", kAddressBits},
    {"cc", kAddressBits},
    {"bcc", kAddressBits},
    {"message-id", kMessageIdBit},
    {"in-reply-to", kMessageIdBit},
    {"references", kMessageIdBit},
    {"subject", kTextBit},
    {"comments", kTextBit},
    {"keywords", kTextBit},
    {"resent-date", kDateBit},
    {"resent-from", kAddressBits},
    {"resent-sender", kAddressBits},
    {"resent-reply-to", kAddressBits},
    {"resent-to", kAddressBits},
    {"resent-cc", kAddressBits},
    {"resent-bcc", kAddressBits},
    {"resent-message-id", kMessageIdBit},
    {"return-path", 0},
    {"received", 0},
    {"list-help", kUrlBit},
    {"list-unsubscribe", kUrlBit},
    {"list-subscribe", kUrlBit},
    {"list-post", kUrlBit},
    {"list-owner", kUrlBit},
    {"list-archive", kUrlBit},
};

}  // namespace

std::optional<HeaderForm> HeaderFormFromName(std::string_view name) {
  static constexpr struct {
    std::string_view name;
    HeaderForm form;
  } kForms[] = {{"asRaw", HeaderForm::kRaw},
                {"asText", HeaderForm::kText},
                {"asAddresses", HeaderForm::kAddresses},
                {"asGroupedAddresses", HeaderForm::kGroupedAddresses},
                {"asMessageIds", HeaderForm::kMessageIds},
                {"asDate", HeaderForm::kDate},
                {"asURLs", HeaderForm::kURLs}};
  for (const auto& f : kForms) {
    if (f.name == name) return f.form;
  }
  return std::nullopt;
}

bool FormAllowed(std::string_view header_name, HeaderForm form) {
  if (form == HeaderForm::kRaw) return true;
  for (const auto& field : kDefinedFields) {
    if (!EqualsIgnoreCase(field.name, header_name)) continue;
    switch (form) {
      case HeaderForm::kText:
        return field.forms & kTextBit;
      case HeaderForm::kAddresses:
      case HeaderForm::kGroupedAddresses:
        return field.forms & kAddressBits;
      case HeaderForm::kMessageIds:
        return field.forms & kMessageIdBit;
      case HeaderForm::kDate:
        return field.forms & kDateBit;
      case HeaderForm::kURLs:
        return field.forms & kUrlBit;
      case HeaderForm::kRaw:
        return true;
    }
  }
  return true;
}

std::string TextForm(std::string_view raw) {
  std::string unfolded = Unfold(raw);
  std::string_view s = unfolded;
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);

  std::string decoded = DecodeEncodedWords(s);
  // RFC 8621 §4.1.2.2: control characters that encoded-words smuggle in are dropped.
  decoded.erase(std::remove_if(decoded.begin(), decoded.end(),
                               [](char c) {
                                 auto u = static_cast<unsigned char>(c);
                                 return (u < 0x20 && c != '\t') || u == 0x7F;
                               }),
                decoded.end());
  return Nfc(decoded);
}

std::optional<std::vector<std::string>> ParseMessageIds(std::string_view raw) {
  std::vector<std::string> ids = AngleItems(raw);
  if (ids.empty()) return std::nullopt;
  return ids;
}

std::optional<std::vector<std::string>> ParseUrls(std::string_view raw) {
  std::vector<std::string> urls = AngleItems(raw);
  if (urls.empty()) return std::nullopt;
  return urls;
}

rapidjson::Value AsRaw(std::string_view raw, JsonAllocator& allocator) {
  // JSON is UTF-8 (RFC 8620 §3.1): raw 8-bit header bytes without a label
  // (KOI8-R, windows-1251 in the corpus) are decoded as the text bodies are.
  return String(IsValidUtf8(raw) ? std::string(raw) : Raw8bitToUtf8(raw), allocator);
}

rapidjson::Value AsText(std::string_view raw, JsonAllocator& allocator) {
  return String(TextForm(raw), allocator);
}

rapidjson::Value AddressToJson(const Address& address, JsonAllocator& allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  object.AddMember(
      "name",
      address.name ? String(Nfc(*address.name), allocator) : rapidjson::Value(rapidjson::kNullType),
      allocator);
  object.AddMember("email", String(address.email, allocator), allocator);
  return object;
}

rapidjson::Value AsAddresses(std::string_view raw, JsonAllocator& allocator) {
  rapidjson::Value array(rapidjson::kArrayType);
  for (const Address& a : ParseAddresses(raw))
    array.PushBack(AddressToJson(a, allocator), allocator);
  return array;
}

rapidjson::Value AsGroupedAddresses(std::string_view raw, JsonAllocator& allocator) {
  rapidjson::Value array(rapidjson::kArrayType);
  for (const AddressGroup& group : ParseGroupedAddresses(raw)) {
    rapidjson::Value object(rapidjson::kObjectType);
    object.AddMember(
        "name",
        group.name ? String(Nfc(*group.name), allocator) : rapidjson::Value(rapidjson::kNullType),
        allocator);
    rapidjson::Value addresses(rapidjson::kArrayType);
    for (const Address& a : group.addresses) {
      addresses.PushBack(AddressToJson(a, allocator), allocator);
    }
    object.AddMember("addresses", addresses, allocator);
    array.PushBack(object, allocator);
  }
  return array;
}

rapidjson::Value AsMessageIds(std::string_view raw, JsonAllocator& allocator) {
  return StringList(ParseMessageIds(raw), allocator);
}

rapidjson::Value AsDate(std::string_view raw, JsonAllocator& allocator) {
  std::optional<DateTime> date = ParseDateTime(raw);
  if (!date) return rapidjson::Value(rapidjson::kNullType);
  return String(FormatDate(*date), allocator);
}

rapidjson::Value AsURLs(std::string_view raw, JsonAllocator& allocator) {
  return StringList(ParseUrls(raw), allocator);
}

rapidjson::Value HeaderValue(std::string_view raw, HeaderForm form, JsonAllocator& allocator) {
  switch (form) {
    case HeaderForm::kRaw:
      return AsRaw(raw, allocator);
    case HeaderForm::kText:
      return AsText(raw, allocator);
    case HeaderForm::kAddresses:
      return AsAddresses(raw, allocator);
    case HeaderForm::kGroupedAddresses:
      return AsGroupedAddresses(raw, allocator);
    case HeaderForm::kMessageIds:
      return AsMessageIds(raw, allocator);
    case HeaderForm::kDate:
      return AsDate(raw, allocator);
    case HeaderForm::kURLs:
      return AsURLs(raw, allocator);
  }
  return rapidjson::Value(rapidjson::kNullType);
}

}  // namespace konvert::mime
