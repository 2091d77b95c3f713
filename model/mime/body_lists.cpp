#include "model/mime/body_lists.h"

#include <string_view>

namespace konvert::mime {
namespace {

bool IsInlineMediaType(std::string_view type) {
  return type.starts_with("image/") || type.starts_with("audio/") || type.starts_with("video/");
}

// RFC 8621 §4.1.4 parseStructure. A null list stands for the RFC's "null": once an
// alternative has chosen plain text (or HTML), the other list stops collecting.
void ParseStructure(const std::vector<const Part*>& parts, std::string_view multipart_type,
                    bool in_alternative, std::vector<const Part*>* html_body,
                    std::vector<const Part*>* text_body, std::vector<const Part*>* attachments) {
  long text_length = text_body ? static_cast<long>(text_body->size()) : -1;
  long html_length = html_body ? static_cast<long>(html_body->size()) : -1;

  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& part = *parts[i];
    bool is_multipart = part.IsMultipart();
    // A body part rather than an attachment: an allowed body type, not marked attachment;
    // in multipart/related only the first part; a named text part that is not first is an
    // attachment.
    bool is_inline =
        part.disposition != "attachment" &&
        (part.type == "text/plain" || part.type == "text/html" || IsInlineMediaType(part.type)) &&
        (i == 0 || (multipart_type != "related" && (IsInlineMediaType(part.type) || !part.name)));

    if (is_multipart) {
      std::string_view sub_type = std::string_view(part.type).substr(part.type.find('/') + 1);
      std::vector<const Part*> children;
      children.reserve(part.sub_parts.size());
      for (const Part& child : part.sub_parts) children.push_back(&child);
      ParseStructure(children, sub_type, in_alternative || sub_type == "alternative", html_body,
                     text_body, attachments);
    } else if (is_inline) {
      if (multipart_type == "alternative") {
        if (part.type == "text/plain") {
          if (text_body) text_body->push_back(&part);
        } else if (part.type == "text/html") {
          if (html_body) html_body->push_back(&part);
        } else {
          attachments->push_back(&part);
        }
        continue;
      }
      if (in_alternative) {
        if (part.type == "text/plain") html_body = nullptr;
        if (part.type == "text/html") text_body = nullptr;
      }
      if (text_body) text_body->push_back(&part);
      if (html_body) html_body->push_back(&part);
      if ((!text_body || !html_body) && IsInlineMediaType(part.type)) {
        attachments->push_back(&part);
      }
    } else {
      attachments->push_back(&part);
    }
  }

  if (multipart_type == "alternative" && text_body && html_body) {
    long text_now = static_cast<long>(text_body->size());
    long html_now = static_cast<long>(html_body->size());
    // Only HTML was found: it serves as the text body too.
    if (text_length == text_now && html_length != html_now) {
      for (long i = html_length; i < html_now; ++i) text_body->push_back((*html_body)[i]);
    }
    // Only plain text was found: it serves as the HTML body too.
    if (html_length == html_now && text_length != text_now) {
      for (long i = text_length; i < text_now; ++i) html_body->push_back((*text_body)[i]);
    }
  }
}

}  // namespace

BodyLists ComputeBodyLists(const Part& root) {
  BodyLists lists;
  ParseStructure({&root}, "mixed", false, &lists.html_body, &lists.text_body, &lists.attachments);
  return lists;
}

bool HasAttachment(const BodyLists& lists) {
  for (const Part* part : lists.attachments) {
    // A part with a Content-ID that is not marked as an attachment is a resource of the HTML
    // body (RFC 2392 "cid:" link), which mail clients do not show as an attachment.
    bool body_resource = part->cid.has_value() && part->disposition != "attachment";
    if (!body_resource) return true;
  }
  return false;
}

}  // namespace konvert::mime
