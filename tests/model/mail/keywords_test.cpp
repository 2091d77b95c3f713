#include "model/mail/keywords.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace konvert::mail {
namespace {

struct FlagCase {
  std::string flag;
  std::optional<std::string> keyword;
};

TEST(Keywords, MapsImapFlagsToKeywords) {
  const std::vector<FlagCase> cases = {
      {"\\Seen", "$seen"},
      {"\\Flagged", "$flagged"},
      {"\\Answered", "$answered"},
      {"\\Draft", "$draft"},
      {"\\SEEN", "$seen"},
      {"\\Deleted", std::nullopt},
      {"\\Recent", std::nullopt},
      {"\\Unknown", std::nullopt},
      {"\\", std::nullopt},
      {"$Label1", "$label1"},
      {"$MDNSent", "$mdnsent"},
      {"$Forwarded", "$forwarded"},
      {"NonJunk", "nonjunk"},
      {"$Junk", "$junk"},
      {"", std::nullopt},
      {"has space", std::nullopt},
      {"par(en", std::nullopt},
      {"br]ace", std::nullopt},
      {"per%cent", std::nullopt},
      {"st*ar", std::nullopt},
      {"quo\"te", std::nullopt},
      {"back\\slash", std::nullopt},
      {"cur{ly", std::nullopt},
      {"del\x7f", std::nullopt},
      {"\xd0\xbc\xd0\xb5\xd1\x82\xd0\xba\xd0\xb0", std::nullopt},  // "метка": not ASCII
      {"[ok", "[ok"},  // only the closing bracket is excluded (RFC 3501 resp-specials)
      {std::string(255, 'a'), std::string(255, 'a')},
      {std::string(256, 'a'), std::nullopt},
  };
  for (const FlagCase& c : cases) {
    SCOPED_TRACE(c.flag);
    EXPECT_EQ(KeywordFromImapFlag(c.flag), c.keyword);
  }
}

TEST(Keywords, MapsKeywordsBackToImapFlags) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"$seen", "\\Seen"},          {"$flagged", "\\Flagged"}, {"$answered", "\\Answered"},
      {"$draft", "\\Draft"},        {"$SEEN", "\\Seen"},       {"$label1", "$label1"},
      {"$forwarded", "$forwarded"}, {"nonjunk", "nonjunk"},
  };
  for (const auto& [keyword, flag] : cases) {
    SCOPED_TRACE(keyword);
    EXPECT_EQ(ImapFlagFromKeyword(keyword), flag);
  }
}

TEST(Keywords, RoundTripsSystemFlags) {
  for (const char* flag : {"\\Seen", "\\Flagged", "\\Answered", "\\Draft"}) {
    std::optional<std::string> keyword = KeywordFromImapFlag(flag);
    ASSERT_TRUE(keyword);
    EXPECT_EQ(ImapFlagFromKeyword(*keyword), flag);
  }
}

TEST(Keywords, ValidatesAndNormalizes) {
  EXPECT_TRUE(IsValidKeyword("$Label1"));
  EXPECT_FALSE(IsValidKeyword(""));
  EXPECT_FALSE(IsValidKeyword("a b"));
  EXPECT_EQ(NormalizeKeyword("$Label5"), "$label5");
  EXPECT_EQ(NormalizeKeyword("a)"), std::nullopt);
}

}  // namespace
}  // namespace konvert::mail
