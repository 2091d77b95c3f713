#include "api/auth/verified_passwords.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

using std::chrono::seconds;
const VerifiedPasswords::Clock::time_point kT =
    VerifiedPasswords::Clock::time_point{} + seconds(1000);

TEST(VerifiedPasswords, RemembersTheExactPairForItsLifetime) {
  VerifiedPasswords verified(seconds(600));
  verified.Remember("alice@example.test", "secret", kT);
  EXPECT_TRUE(verified.Contains("alice@example.test", "secret", kT + seconds(599)));
  EXPECT_FALSE(verified.Contains("alice@example.test", "Secret", kT));
  EXPECT_FALSE(verified.Contains("bob@example.test", "secret", kT));
  EXPECT_FALSE(verified.Contains("alice@example.test", "secret", kT + seconds(600)));
}

TEST(VerifiedPasswords, TellsSplitsOfTheSameTextApart) {
  VerifiedPasswords verified;
  verified.Remember("ab", "c", kT);
  EXPECT_FALSE(verified.Contains("a", "bc", kT));
}

TEST(VerifiedPasswords, StaysBounded) {
  VerifiedPasswords verified(seconds(600), 10);
  for (int i = 0; i < 1000; ++i) verified.Remember("u" + std::to_string(i), "p", kT);
  EXPECT_TRUE(verified.Contains("u999", "p", kT));
}

}  // namespace
}  // namespace konvert::api
