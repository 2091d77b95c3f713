#include "model/mime/body_lists.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/mime/message.h"
#include "tests/model/mime/corpus.h"

namespace konvert::mime {
namespace {

std::vector<std::string> Ids(const std::vector<const Part*>& parts) {
  std::vector<std::string> ids;
  for (const Part* p : parts) ids.push_back(p->part_id);
  return ids;
}

using Ids_ = std::vector<std::string>;

TEST(BodyLists, FollowsRfc8621Example) {
  // mail-parser__rfc-007.eml is the structure of RFC 8621 §4.1.4's example; the expected
  // lists are the RFC's, with its letters mapped to our partIds:
  // A=1 B=2.1.1.1 C=2.1.1.2 D=2.1.1.3 E=2.1.2.1 F=2.1.2.2 G=2.2 H=2.3 J=2.4 K=3.
  std::string raw = Corpus("mail-parser__rfc-007.eml");
  Message m = ParseMessage(raw);
  BodyLists lists = ComputeBodyLists(m.root);
  EXPECT_EQ(Ids(lists.text_body), (Ids_{"1", "2.1.1.1", "2.1.1.2", "2.1.1.3", "3"}));
  EXPECT_EQ(Ids(lists.html_body), (Ids_{"1", "2.1.2.1", "3"}));
  EXPECT_EQ(Ids(lists.attachments), (Ids_{"2.1.1.2", "2.1.2.2", "2.2", "2.3", "2.4"}));
  EXPECT_TRUE(HasAttachment(lists));
}

TEST(BodyLists, InlineImagesAroundAnAlternative) {
  // mail-parser__issue-107-inline-image-before-alternative.eml: mixed[image, alternative[
  // plain, html], image]. Inline images outside the alternative belong to both bodies.
  std::string raw = Corpus("mail-parser__issue-107-inline-image-before-alternative.eml");
  Message m = ParseMessage(raw);
  BodyLists lists = ComputeBodyLists(m.root);
  EXPECT_EQ(Ids(lists.text_body), (Ids_{"1", "2.1", "3"}));
  EXPECT_EQ(Ids(lists.html_body), (Ids_{"1", "2.2", "3"}));
  EXPECT_EQ(Ids(lists.attachments), Ids_{});
  EXPECT_FALSE(HasAttachment(lists));
}

TEST(BodyLists, SinglePartsAndAlternatives) {
  struct Case {
    const char* raw;
    Ids_ text, html, attachments;
    bool has_attachment;
  };
  const Case kCases[] = {
      {"Subject: x\n\nplain", {"1"}, {"1"}, {}, false},
      {"Content-Type: text/html\n\n<p>x</p>", {"1"}, {"1"}, {}, false},
      {"Content-Type: application/pdf\n\n%PDF", {}, {}, {"1"}, true},
      {"Content-Type: text/plain\nContent-Disposition: attachment\n\nx", {}, {}, {"1"}, true},
      // Only HTML in an alternative: it is the text body too.
      {"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\nh\n"
       "--b--\n",
       {"1"},
       {"1"},
       {},
       false},
      // Only plain text in an alternative: it is the HTML body too.
      {"Content-Type: multipart/alternative; boundary=b\n\n--b\n\np\n--b--\n",
       {"1"},
       {"1"},
       {},
       false},
      // A named text part that is not first is an attachment.
      {"Content-Type: multipart/mixed; boundary=b\n\n--b\n\np\n"
       "--b\nContent-Type: text/plain; name=a.txt\n\nq\n--b--\n",
       {"1"},
       {"1"},
       {"2"},
       true},
      // In multipart/related only the first part is a body part.
      {"Content-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html\n\nh\n"
       "--b\nContent-Type: image/png\nContent-ID: <img1>\n\npng\n--b--\n",
       {"1"},
       {"1"},
       {"2"},
       false},
  };
  for (const Case& c : kCases) {
    Message m = ParseMessage(c.raw);
    BodyLists lists = ComputeBodyLists(m.root);
    EXPECT_EQ(Ids(lists.text_body), c.text) << c.raw;
    EXPECT_EQ(Ids(lists.html_body), c.html) << c.raw;
    EXPECT_EQ(Ids(lists.attachments), c.attachments) << c.raw;
    EXPECT_EQ(HasAttachment(lists), c.has_attachment) << c.raw;
  }
}

}  // namespace
}  // namespace konvert::mime
