// textBody, htmlBody and attachments of an Email (RFC 8621 §4.1.4), and hasAttachment.
//
// The lists hold pointers into the Part tree they were computed from; they are valid as long
// as that tree (the Message) is alive and unchanged.
//
// Pure functions: any thread.
#pragma once

#include <vector>

#include "model/mime/message.h"

namespace konvert::mime {

struct BodyLists {
  std::vector<const Part*> text_body;
  std::vector<const Part*> html_body;
  std::vector<const Part*> attachments;
};

// Runs the algorithm of RFC 8621 §4.1.4 (parseStructure) on `root`, exactly as specified.
BodyLists ComputeBodyLists(const Part& root);

// RFC 8621 `hasAttachment`: true when some attachment is more than a resource of the HTML
// body, which is a part with a Content-ID and no "attachment" disposition (RFC 2392 "cid:").
bool HasAttachment(const BodyLists& lists);

}  // namespace konvert::mime
