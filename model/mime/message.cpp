#include "model/mime/message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "model/mime/charset.h"
#include "model/mime/content_fields.h"
#include "model/mime/encoded_words.h"
#include "model/mime/transfer.h"

namespace konvert::mime {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Unfold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return std::string(Trim(out));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One line of the raw message: [begin, content_end) is its text, `end` is past its '\n'.
struct Line {
  size_t begin = 0;
  size_t content_end = 0;
  size_t end = 0;
};

Line LineAt(std::string_view raw, size_t pos, size_t limit) {
  Line line;
  line.begin = pos;
  const void* nl = std::memchr(raw.data() + pos, '\n', limit - pos);
  if (nl == nullptr) {
    line.content_end = line.end = limit;
    return line;
  }
  size_t at = static_cast<const char*>(nl) - raw.data();
  line.end = at + 1;
  line.content_end = at > pos && raw[at - 1] == '\r' ? at - 1 : at;
  return line;
}

// RFC 5322 §3.6.8: printable US-ASCII except ':'.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 && c != ':';
  });
}

// A file name parameter as Part::name holds it: decoded, made safe, nullopt when empty.
std::optional<std::string> FileName(const ContentField& field, std::string_view param) {
  std::optional<std::string> decoded = DecodedParam(field, param);
  if (!decoded) return std::nullopt;
  std::string name = SanitizeFileName(*decoded);
  if (name.empty()) return std::nullopt;
  return name;
}

enum class Delimiter { kNone, kPart, kClose };

// RFC 2046 §5.1.1: a delimiter line is "--" boundary, optionally "--" (close), then only
// transport padding. Only whole lines count, so "--BND" in the middle of text is text.
Delimiter MatchDelimiter(std::string_view line, std::string_view boundary) {
  if (line.size() < boundary.size() + 2 || line[0] != '-' || line[1] != '-') {
    return Delimiter::kNone;
  }
  if (line.substr(2, boundary.size()) != boundary) return Delimiter::kNone;
  std::string_view rest = line.substr(2 + boundary.size());
  Delimiter kind = Delimiter::kPart;
  if (rest.starts_with("--")) {
    kind = Delimiter::kClose;
    rest.remove_prefix(2);
  }
  return std::all_of(rest.begin(), rest.end(), IsBlank) ? kind : Delimiter::kNone;
}

// Where an entity stopped: the delimiter line that ended it, or the end of the input.
struct Stop {
  Line line;                          // the delimiter line; begin == input size at the end
  size_t level = 0;                   // index of the matched boundary in the stack
  Delimiter kind = Delimiter::kNone;  // kNone: end of input
};

// The fields ApplyContentFields reads: the first of each name is kept whatever the block's
// budget, so that a part's structure never depends on how much came before its fields.
constexpr std::string_view kStructuralFields[] = {
    "Content-Type", "Content-Disposition", "Content-Transfer-Encoding",
    "Content-ID",   "Content-Language",    "Content-Location"};

// Keeps the fields of one header block within Limits, by the rule message.h gives there.
class FieldKeeper {
 public:
  FieldKeeper(const Limits& limits, std::vector<Header>* headers, bool* truncated)
      : limits_(limits), headers_(headers), truncated_(truncated) {}

  void Keep(std::string_view name, std::string_view value) {
    bool exempt = false;
    for (size_t i = 0; i < std::size(kStructuralFields); ++i) {
      if (!EqualsIgnoreCase(name, kStructuralFields[i])) continue;
      exempt = (structural_seen_ & (1u << i)) == 0;
      structural_seen_ |= 1u << i;
    }

    if (name.size() > limits_.max_field_bytes) {
      *truncated_ = true;
      return;
    }

    // Cut to max_field_bytes, backing off to the start of a UTF-8 sequence so that a long
    // UTF-8 Subject does not end in a broken character and get read as 8-bit garbage.
    size_t room = limits_.max_field_bytes - name.size();
    if (value.size() > room) {
      size_t cut = room;
      size_t floor = cut >= 3 ? cut - 3 : 0;  // a sequence has at most 3 continuation bytes
      while (cut > floor && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
      value = value.substr(0, cut);
      *truncated_ = true;
    }

    size_t bytes = name.size() + value.size();
    bool fits =
        headers_->size() < limits_.max_headers && kept_bytes_ + bytes <= limits_.max_header_bytes;
    if (!exempt && !fits) {
      *truncated_ = true;
      return;
    }
    headers_->push_back({std::string(name), std::string(value)});
    kept_bytes_ += bytes;
  }

 private:
  const Limits& limits_;
  std::vector<Header>* headers_;
  bool* truncated_;
  size_t kept_bytes_ = 0;
  unsigned structural_seen_ = 0;  // bit i: a field named kStructuralFields[i] was seen
};

// One pass over the message. The boundaries of all open multiparts form a stack; every line
// that starts with "--" is checked against it from the innermost boundary out, so an inner
// delimiter wins over an outer one it resembles, and an outer delimiter also ends every
// inner part that was left open (RFC 2046 §5.1.2). Each byte is read once; a "--" line costs
// at most one comparison per open multipart, and Limits::max_depth caps those.
class Parser {
 public:
  Parser(std::string_view raw, const Limits& limits, Message* message)
      : raw_(raw), limits_(limits), message_(message) {}

  // Parses the entity at `begin` into `part`; returns what ended it.
  Stop ParseEntity(size_t begin, size_t depth, bool in_digest, Part* part) {
    ++parts_;
    part->offset = begin;
    Stop stop;
    part->body_offset = ParseHeaders(begin, &part->headers, &stop);
    ApplyContentFields(in_digest, part);
    if (depth == 0) part->part_id = part->IsMultipart() ? "0" : "1";

    if (stop.kind == Delimiter::kNone) {
      if (part->IsMultipart() && depth + 1 < limits_.max_depth) {
        stop = ParseMultipart(depth, part);
      } else {
        if (part->IsMultipart()) message_->truncated = true;
        stop = ScanToDelimiter(part->body_offset);
      }
    }
    part->body_length = BodyEnd(part->body_offset, stop) - part->body_offset;
    part->size = part->IsMultipart()
                     ? part->body_length
                     : DecodedSize(raw_.substr(part->body_offset, part->body_length),
                                   part->transfer_encoding);
    return stop;
  }

 private:
  // The delimiter `line` is, if any, innermost boundary first.
  Stop Match(const Line& line) const {
    Stop stop;
    stop.line = line;
    if (line.content_end - line.begin < 2 || raw_[line.begin] != '-' ||
        raw_[line.begin + 1] != '-') {
      return stop;
    }
    std::string_view text = raw_.substr(line.begin, line.content_end - line.begin);
    for (size_t level = boundaries_.size(); level-- > 0;) {
      Delimiter kind = MatchDelimiter(text, boundaries_[level]);
      if (kind != Delimiter::kNone) {
        stop.level = level;
        stop.kind = kind;
        return stop;
      }
    }
    return stop;
  }

  Stop EndOfInput() const {
    Stop stop;
    stop.line.begin = stop.line.content_end = stop.line.end = raw_.size();
    return stop;
  }

  Stop ScanToDelimiter(size_t pos) const {
    while (pos < raw_.size()) {
      Line line = LineAt(raw_, pos, raw_.size());
      Stop stop = Match(line);
      if (stop.kind != Delimiter::kNone) return stop;
      pos = line.end;
    }
    return EndOfInput();
  }

  // Where a body that `stop` ended finishes: the line break before a delimiter belongs to
  // the delimiter (RFC 2046 §5.1.1), but never reach back before `body_offset`.
  size_t BodyEnd(size_t body_offset, const Stop& stop) const {
    size_t end = stop.line.begin;
    if (stop.kind == Delimiter::kNone) return std::max(end, body_offset);
    if (end > body_offset && raw_[end - 1] == '\n') --end;
    if (end > body_offset && raw_[end - 1] == '\r') --end;
    return std::max(end, body_offset);
  }

  // Reads the header block at `begin` into `headers`; returns where the body starts. A
  // delimiter line inside the block ends the entity at once and is stored in `*stop`.
  size_t ParseHeaders(size_t begin, std::vector<Header>* headers, Stop* stop) {
    FieldKeeper keeper(limits_, headers, &message_->truncated);
    size_t pos = begin;
    while (pos < raw_.size()) {
      Line line = LineAt(raw_, pos, raw_.size());
      if (line.content_end == line.begin) return line.end;  // the blank line
      if (Stop s = Match(line); s.kind != Delimiter::kNone) {
        *stop = s;
        return line.begin;
      }

      // A continuation line (RFC 5322 §2.2.3) is read with its field below, so one here comes
      // before any field: it starts a body that has no header block.
      std::string_view text = raw_.substr(line.begin, line.content_end - line.begin);
      if (IsBlank(text[0])) return line.begin;
      size_t colon = text.find(':');
      std::string_view name =
          colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
      while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
      if (!IsFieldName(name)) return line.begin;  // not a header: the body starts here

      // The field runs on through its continuation lines; its value keeps the folding.
      size_t value_begin = line.begin + colon + 1;
      size_t value_end = line.content_end;
      pos = line.end;
      while (pos < raw_.size()) {
        Line next = LineAt(raw_, pos, raw_.size());
        if (next.content_end == next.begin || !IsBlank(raw_[next.begin])) break;
        value_end = next.content_end;
        pos = next.end;
      }
      keeper.Keep(name, raw_.substr(value_begin, value_end - value_begin));
    }
    return raw_.size();
  }

  void ApplyContentFields(bool in_digest, Part* part) {
    const std::vector<Header>& headers = part->headers;

    // RFC 2045 §5.2: no Content-Type, or an invalid one, means text/plain; RFC 2046 §5.1.5
    // makes message/rfc822 the default inside a digest. With several Content-Type fields the
    // first wins, as in most readers.
    ContentField type;
    if (const Header* h = FindHeader(headers, "Content-Type")) type = ParseContentField(h->raw);
    size_t slash = type.value.find('/');
    bool valid = slash != std::string::npos && slash > 0 && slash + 1 < type.value.size();
    part->type = valid ? type.value : (in_digest ? "message/rfc822" : "text/plain");
    if (!valid) type.params.clear();
    if (part->IsMultipart()) {
      std::optional<std::string> boundary = type.Param("boundary");
      if (!boundary || boundary->empty()) {
        // A multipart without a boundary cannot be split: RFC 2045 §5.2 again.
        part->type = "text/plain";
      } else {
        boundary_ = std::move(*boundary);
      }
    }

    // A charset name is an ASCII token (RFC 2045 §5.1, RFC 2978 §2.3); one with other bytes
    // names nothing, so the part is read as unlabelled text.
    std::optional<std::string> charset = type.Param("charset");
    if (charset && IsAsciiToken(Trim(*charset))) {
      part->charset = Lower(Trim(*charset));
      part->charset_given = true;
    } else if (part->type.starts_with("text/")) {
      part->charset = "us-ascii";
    }

    ContentField disposition;
    if (const Header* h = FindHeader(headers, "Content-Disposition")) {
      disposition = ParseContentField(h->raw);
      if (!disposition.value.empty()) part->disposition = disposition.value;
    }
    part->name = FileName(disposition, "filename");
    if (!part->name) part->name = FileName(type, "name");

    if (const Header* h = FindHeader(headers, "Content-Transfer-Encoding")) {
      std::string encoding = Lower(Unfold(h->raw));
      if (IsAsciiToken(encoding)) part->transfer_encoding = std::move(encoding);
    }
    if (part->transfer_encoding.empty()) part->transfer_encoding = "7bit";

    // Content-ID and Content-Language are ASCII by RFC 2045 §7 and RFC 3282; 8-bit bytes in
    // them are kept visible as U+FFFD rather than guessed.
    if (const Header* h = FindHeader(headers, "Content-ID")) {
      std::string id = RepairUtf8(Unfold(h->raw));
      if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
      if (!id.empty()) part->cid = std::move(id);
    }
    if (const Header* h = FindHeader(headers, "Content-Language")) {
      std::vector<std::string> tags;
      std::string value = RepairUtf8(Unfold(h->raw));
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        std::string_view tag = Trim(std::string_view(value).substr(start, comma - start));
        if (!tag.empty()) tags.emplace_back(tag);
        start = comma + 1;
      }
      if (!tags.empty()) part->language = std::move(tags);
    }
    if (const Header* h = FindHeader(headers, "Content-Location")) {
      std::string location = DecodeEncodedWords(Unfold(h->raw));
      if (!location.empty()) part->location = std::move(location);
    }
  }

  // Parses the children of `part` (its boundary is in boundary_) up to its close delimiter
  // and through the epilogue; returns what ended the multipart as a whole.
  Stop ParseMultipart(size_t depth, Part* part) {
    bool digest = part->type == "multipart/digest";
    size_t level = boundaries_.size();
    boundaries_.push_back(std::move(boundary_));

    // The preamble, then one child per delimiter (RFC 2046 §5.1.1).
    Stop stop = ScanToDelimiter(part->body_offset);
    while (stop.kind == Delimiter::kPart && stop.level == level) {
      if (parts_ >= limits_.max_parts) {
        message_->truncated = true;
        stop = ScanToDelimiter(stop.line.end);
        continue;
      }
      Part child;
      child.part_id = ChildId(part->part_id, part->sub_parts.size() + 1);
      part->sub_parts.push_back(std::move(child));
      stop = ParseEntity(stop.line.end, depth + 1, digest, &part->sub_parts.back());
    }
    boundaries_.pop_back();

    // After our close delimiter comes the epilogue, which runs to the enclosing multipart's
    // next delimiter. Any other stop (an outer delimiter, the end) ended us without one.
    if (stop.kind == Delimiter::kClose && stop.level == level) {
      stop = ScanToDelimiter(stop.line.end);
    }
    return stop;
  }

  static std::string ChildId(const std::string& parent, size_t index) {
    if (parent == "0") return std::to_string(index);
    return parent + "." + std::to_string(index);
  }

  std::string_view raw_;
  const Limits& limits_;
  Message* message_;
  size_t parts_ = 0;
  std::vector<std::string> boundaries_;  // of the open multiparts, outermost first
  std::string boundary_;                 // handed from ApplyContentFields to ParseMultipart
};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const Header* FindHeader(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return &h;
  }
  return nullptr;
}

Message ParseMessage(std::string_view raw, const Limits& limits) {
  Message message;
  size_t begin = 0;
  // An mbox separator line ("From sender date") is not part of the message (RFC 4155).
  if (raw.starts_with("From ")) {
    size_t nl = raw.find('\n');
    begin = nl == std::string_view::npos ? raw.size() : nl + 1;
  }

  Parser parser(raw, limits, &message);
  parser.ParseEntity(begin, 0, false, &message.root);
  message.headers = message.root.headers;
  return message;
}

}  // namespace konvert::mime
