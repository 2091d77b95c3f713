#include "model/mime/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <string>

namespace konvert::mime {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Length of the well-formed UTF-8 sequence at bytes[i], or 0 when it is not one (RFC 3629 §4).
size_t Utf8SequenceLength(std::string_view bytes, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;

  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > bytes.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  }
  return len;
}

bool IsAscii(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// WHATWG's windows-1252 table for 0x80-0x9F; the five unassigned bytes map to the C1 control
// of the same value, as browsers do.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string Cp1252ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (c < 0xA0) {
      AppendUtf8(kCp1252High[c - 0x80], &out);
    } else {
      AppendUtf8(c, &out);
    }
  }
  return out;
}

bool IsLatin1Label(std::string_view name) {
  static constexpr std::string_view kLabels[] = {
      "iso-8859-1",  "iso8859-1",      "iso_8859-1",   "latin1",   "l1",
      "iso-ir-100",  "cp819",          "ibm819",       "us-ascii", "ascii",
      "us",          "cp1252",         "windows-1252", "x-cp1252", "iso_8859-1:1987",
      "csisolatin1", "ansi_x3.4-1968", "iso646-us"};
  return std::find(std::begin(kLabels), std::end(kLabels), name) != std::end(kLabels);
}

bool IsUtf8Label(std::string_view name) {
  return name == "utf-8" || name == "utf8" || name == "unicode-1-1-utf-8" || name == "x-utf-8";
}

// Mailers use names ICU does not know, or knows as something else.
std::string CanonicalName(std::string_view label) {
  std::string name = Lowercase(label);
  if (name == "ks_c_5601-1987" || name == "ks_c_5601" || name == "ksc5601" || name == "euc-kr" ||
      name == "x-windows-949" || name == "cp949") {
    return "windows-949";  // a superset of EUC-KR, which is what these labels carry in practice
  }
  if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "cp936") return "gb18030";
  if (name == "shift_jis" || name == "x-sjis" || name == "sjis" || name == "shift-jis") {
    return "windows-31j";  // Microsoft's superset; real mail uses its extra characters
  }
  if (name == "iso-8859-8-i") return "iso-8859-8";
  if (name == "tis-620") return "windows-874";
  return name;
}

struct CallbackState {
  bool problem = false;
};

// Writes U+FFFD for every undecodable sequence and remembers that it did (RFC 8621
// isEncodingProblem).
void ReplaceAndFlag(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                    UConverterCallbackReason reason, UErrorCode* status) {
  if (reason > UCNV_IRREGULAR) return;  // reset/close/clone notifications
  auto* state = static_cast<CallbackState*>(const_cast<void*>(context));
  state->problem = true;
  const UChar replacement = static_cast<UChar>(kReplacement);
  *status = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &replacement, 1, 0, status);
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Converts with ICU; false when ICU does not know `name`.
bool IcuToUtf8(std::string_view bytes, const std::string& name, Decoded* out) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(name.c_str(), &status));
  if (U_FAILURE(status) || conv == nullptr) return false;

  CallbackState state;
  status = U_ZERO_ERROR;
  ucnv_setToUCallBack(conv.get(), ReplaceAndFlag, &state, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return false;

  std::u16string utf16(bytes.size() * 2 + 16, u'\0');
  UChar* target = reinterpret_cast<UChar*>(utf16.data());
  UChar* target_start = target;
  const char* source = bytes.data();
  const char* source_end = bytes.data() + bytes.size();
  while (true) {
    status = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, target_start + utf16.size(), &source, source_end, nullptr,
                   true, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
    size_t used = target - target_start;
    utf16.resize(utf16.size() * 2);
    target_start = reinterpret_cast<UChar*>(utf16.data());
    target = target_start + used;
  }
  if (U_FAILURE(status)) return false;
  utf16.resize(target - target_start);

  // UTF-16 to UTF-8; an unpaired surrogate cannot come out of a converter, but stay safe.
  std::string text;
  text.reserve(utf16.size() * 2);
  for (size_t i = 0; i < utf16.size(); ++i) {
    char32_t cp = utf16[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < utf16.size() && utf16[i + 1] >= 0xDC00 &&
        utf16[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = kReplacement;
      state.problem = true;
    }
    AppendUtf8(cp, &text);
  }
  out->text = std::move(text);
  out->problem = state.problem;
  return true;
}

// Proper Russian text is mostly lowercase with capitals at word starts. KOI8-R and
// windows-1251 swap the case halves (0xC0-0xDF vs 0xE0-0xFF), so reading one as the other
// gives mostly capitals. Scores the bytes as windows-1251: positive means it fits better.
int Cp1251Score(std::string_view bytes) {
  int score = 0;
  bool word_start = true;
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0xC0) {
      bool upper_in_1251 = c < 0xE0;
      if (!word_start) score += upper_in_1251 ? -1 : 1;
      word_start = false;
    } else if (c == 0xA8 || c == 0xB8 || c == 0xA3 || c == 0xB3) {
      word_start = false;  // Ё/ё in either charset
    } else {
      word_start = true;
    }
  }
  return score;
}

// Russian text in a single-byte charset is almost all bytes 0xC0-0xFF (the letters of both
// KOI8-R and windows-1251), while Western text in Latin-1 has a few such bytes among mostly
// ASCII letters. ICU's detector guesses poorly on short header values, so this test runs
// first, and the letter-case test then picks the charset.
bool LooksCyrillic(std::string_view bytes) {
  size_t letters = 0, ascii_letters = 0, other_high = 0;
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0xC0) {
      ++letters;
    } else if (c >= 0x80) {
      ++other_high;
    } else if (std::isalpha(c)) {
      ++ascii_letters;
    }
  }
  return letters >= 3 && letters >= ascii_letters && other_high * 2 <= letters;
}

bool IsMultibyteCharset(std::string_view name) {
  static constexpr std::string_view kNames[] = {"Shift_JIS",   "EUC-JP",      "ISO-2022-JP",
                                                "ISO-2022-KR", "ISO-2022-CN", "GB18030",
                                                "EUC-KR",      "Big5"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// The likely charset of `bytes`, or "" when there is no guess worth trusting.
std::string DetectCharset(std::string_view bytes) {
  std::string guess;
  int32_t confidence = 0;
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* detector = ucsdet_open(&status);
  if (U_SUCCESS(status)) {
    ucsdet_setText(detector, bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    int32_t count = 0;
    const UCharsetMatch** matches = ucsdet_detectAll(detector, &count, &status);
    for (int32_t i = 0; U_SUCCESS(status) && i < count; ++i) {
      const char* name = ucsdet_getName(matches[i], &status);
      if (U_FAILURE(status) || name == nullptr) break;
      std::string_view n(name);
      // UTF-16/32 guesses come from binary noise, never from a header or a mail body; UTF-8
      // was ruled out before the detector ran.
      if (n.starts_with("UTF-16") || n.starts_with("UTF-32") || n == "UTF-8") continue;
      guess = std::string(n);
      confidence = ucsdet_getConfidence(matches[i], &status);
      break;
    }
    ucsdet_close(detector);
  }

  if (IsMultibyteCharset(guess) && confidence >= 30) return guess;
  bool cyrillic = LooksCyrillic(bytes) || guess == "KOI8-R" || guess == "windows-1251" ||
                  guess == "ISO-8859-5" || guess == "IBM866";
  if (cyrillic) return Cp1251Score(bytes) >= 0 ? "windows-1251" : "koi8-r";
  return guess;
}

}  // namespace

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string RepairUtf8(std::string_view bytes, bool* problem) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    size_t len = Utf8SequenceLength(bytes, i);
    if (len > 0) {
      out.append(bytes.substr(i, len));
      i += len;
      continue;
    }
    // One U+FFFD per maximal subpart (Unicode §3.9, U+FFFD substitution): a valid lead byte
    // swallows the continuation bytes that still fit it; any other byte stands alone.
    if (problem != nullptr) *problem = true;
    AppendUtf8(kReplacement, &out);
    size_t taken = 1;
    unsigned char lead = static_cast<unsigned char>(bytes[i]);
    size_t want = lead >= 0xC2 && lead <= 0xDF   ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 1;
    while (taken < want && i + taken < bytes.size()) {
      unsigned char c = static_cast<unsigned char>(bytes[i + taken]);
      unsigned char lo = 0x80, hi = 0xBF;
      if (taken == 1 && lead == 0xE0) lo = 0xA0;
      if (taken == 1 && lead == 0xED) hi = 0x9F;
      if (taken == 1 && lead == 0xF0) lo = 0x90;
      if (taken == 1 && lead == 0xF4) hi = 0x8F;
      if (c < lo || c > hi) break;
      ++taken;
    }
    i += taken;
  }
  return out;
}

Decoded ToUtf8(std::string_view bytes, std::string_view charset) {
  Decoded out;
  std::string name = CanonicalName(charset);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();

  // ISO-2022-JP is 7-bit: mailers send it labelled us-ascii, or with no label at all.
  bool iso2022 = bytes.find("\x1b$") != std::string_view::npos ||
                 bytes.find("\x1b(") != std::string_view::npos;
  if (iso2022 && (IsLatin1Label(name) || name.empty()) && IcuToUtf8(bytes, "iso-2022-jp", &out)) {
    return out;
  }
  if (IsAscii(bytes) && name.find("utf-16") == std::string::npos &&
      name.find("utf-32") == std::string::npos && name.find("2022") == std::string::npos &&
      name != "utf-7" && name != "hz-gb-2312") {
    out.text = std::string(bytes);
    return out;
  }
  if (IsUtf8Label(name)) {
    out.text = RepairUtf8(bytes, &out.problem);
    return out;
  }
  if (IsLatin1Label(name)) {
    // Mislabelled UTF-8 is far more common in "us-ascii" mail than real cp1252 that happens to
    // form valid UTF-8 sequences.
    if (name.find("ascii") != std::string::npos || name == "us") {
      if (IsValidUtf8(bytes)) {
        out.text = std::string(bytes);
        return out;
      }
    }
    out.text = Cp1252ToUtf8(bytes);
    return out;
  }
  if (!name.empty() && IcuToUtf8(bytes, name, &out)) return out;

  // LIMITATION: text in a charset ICU does not know is not guessed; only ASCII and valid UTF-8
  // survive, the rest becomes U+FFFD.
  out.text = RepairUtf8(bytes, &out.problem);
  if (!IsAscii(bytes)) out.problem = true;
  return out;
}

std::string Raw8bitToUtf8(std::string_view bytes) {
  bool has_escape = bytes.find('\x1b') != std::string_view::npos;
  if (!has_escape && IsAscii(bytes)) return std::string(bytes);
  if (!has_escape && IsValidUtf8(bytes)) return std::string(bytes);

  std::string detected = DetectCharset(bytes);
  if (detected.empty()) detected = has_escape && IsAscii(bytes) ? "iso-2022-jp" : "windows-1252";
  Decoded out = ToUtf8(bytes, detected);
  return out.text;
}

}  // namespace konvert::mime
