#include "model/mail/collation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace konvert::mail {
namespace {

TEST(Collation, SortKeyFoldsCase) {
  const std::vector<std::pair<std::string, std::string>> equal = {
      {"Hello", "hELLO"},     // ASCII
      {"Привет", "ПРИВЕТ"},   // Cyrillic
      {"Straße", "STRASSE"},  // full folding: ß = ss
      {"ﬁle", "FILE"},        // NFKD: the ligature is f + i
      {"Ёлка", "ёлка"},       // Cyrillic with a diaeresis
      {"Ä", "a\xcc\x88"},     // composed and decomposed
  };
  for (const auto& [a, b] : equal) {
    SCOPED_TRACE(a);
    EXPECT_EQ(SortKey(a), SortKey(b));
  }
}

TEST(Collation, SortKeyOrdersLikeTheAlphabet) {
  // Each key sorts strictly before the next.
  const std::vector<std::string> ordered = {"",      "apple", "Banana", "cherry", "é",
                                            "Zebra", "Арбуз", "банан",  "Яблоко"};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    SCOPED_TRACE(ordered[i] + " < " + ordered[i + 1]);
    EXPECT_LT(SortKey(ordered[i]), SortKey(ordered[i + 1]));
  }
}

TEST(Collation, SortKeyToleratesInvalidUtf8) {
  EXPECT_EQ(SortKey("A\xff"), SortKey("a\xef\xbf\xbd"));
}

struct SubjectCase {
  const char* subject;
  const char* base;
};

TEST(Collation, BaseSubjectStripsReplyMarkers) {
  const std::vector<SubjectCase> cases = {
      {"Hello", "Hello"},
      {"Re: Hello", "Hello"},
      {"RE: Hello", "Hello"},
      {"re:Hello", "Hello"},
      {"Re: Re: Fwd: Hello", "Hello"},
      {"Fw: Hello", "Hello"},
      {"FWD: Hello", "Hello"},
      {"Re[2]: Hello", "Hello"},
      {"RE [3] : Hello", "Hello"},
      {"AW: Hello", "Hello"},
      {"WG: Hello", "Hello"},
      {"SV: Hello", "Hello"},
      {"VS: Hello", "Hello"},
      {"Antw: Hello", "Hello"},
      {"TR: Hello", "Hello"},
      {"Odp: Hello", "Hello"},
      {"Ответ: Привет", "Привет"},
      {"ОТВЕТ: Привет", "Привет"},
      {"Отв: Привет", "Привет"},
      {"Пересл: Привет", "Привет"},
      {"Re: Ответ: Привет", "Привет"},
      {"[dev-list] Re: Release", "Release"},
      {"Re: [dev-list] Release", "Release"},
      {"[dev-list] Release", "Release"},
      {"[dev-list]", "[dev-list]"},  // a blob that is all there is stays
      {"Hello (fwd)", "Hello"},
      {"Hello (FWD) (fwd)", "Hello"},
      {"[Fwd: Hello]", "Hello"},
      {"Re: [Fwd: Re: Hello]", "Hello"},
      {"  Hello \t  world  ", "Hello world"},
      {"Re:\r\n Hello", "Hello"},
      {"Reply needed", "Reply needed"},  // "Re" must be followed by ":"
      {"Regarding: x", "Regarding: x"},
      {"Re: ", ""},
      {"", ""},
      {"Fwd: Re: Hello (fwd)", "Hello"},
  };
  for (const SubjectCase& c : cases) {
    SCOPED_TRACE(c.subject);
    EXPECT_EQ(BaseSubject(c.subject), c.base);
  }
}

TEST(Collation, SubjectSortKeyMatchesRepliesToTheirOriginal) {
  EXPECT_EQ(SubjectSortKey("Re: AW: Quarterly REPORT"), SubjectSortKey("quarterly report"));
  std::string russian = SubjectSortKey("Ответ: ПЛАН на неделю");
  EXPECT_EQ(russian, SubjectSortKey("план на неделю"));
  EXPECT_NE(SubjectSortKey("Re: plan"), SubjectSortKey("plans"));
}

}  // namespace
}  // namespace konvert::mail
