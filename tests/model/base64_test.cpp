#include "model/base64.h"

#include <gtest/gtest.h>

namespace konvert {
namespace {

TEST(Base64, EncodesRfc4648TestVectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain, Base64Alphabet::kStandard), encoded);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(encoded, Base64Alphabet::kStandard, &decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
}

TEST(Base64, UrlAlphabetHasNoPaddingAndNoSlash) {
  std::string bytes = "\xfb\xff\xfe";
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kStandard), "+//+");
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kUrl), "-__-");
  EXPECT_EQ(Base64Encode("f", Base64Alphabet::kUrl), "Zg");
}

TEST(Base64, RoundTripsEveryLengthInBothAlphabets) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    for (Base64Alphabet a : {Base64Alphabet::kStandard, Base64Alphabet::kUrl}) {
      std::string decoded;
      ASSERT_TRUE(Base64Decode(Base64Encode(bytes, a), a, &decoded));
      EXPECT_EQ(decoded, bytes);
    }
    bytes.push_back(static_cast<char>(i * 37));
  }
}

TEST(Base64, RefusesWhatIsNotBase64) {
  std::string out;
  for (const char* bad : {"Zm9v!", "Z", "Zm9vY", "Zg=", "Zg===", "Z=g=", "Zm 9v", "-_"}) {
    EXPECT_FALSE(Base64Decode(bad, Base64Alphabet::kStandard, &out)) << bad;
  }
  EXPECT_FALSE(Base64Decode("+/", Base64Alphabet::kUrl, &out));
}

}  // namespace
}  // namespace konvert
