#include "api/auth/login_throttle.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

using std::chrono::seconds;
using Outcome = LoginThrottle::Outcome;

const LoginThrottle::Clock::time_point kT = LoginThrottle::Clock::time_point{} + seconds(1000);

void Fail(LoginThrottle& throttle, const std::string& client, int times,
          LoginThrottle::Clock::time_point at = kT) {
  for (int i = 0; i < times; ++i) {
    ASSERT_EQ(throttle.Begin(client, at), 0) << "attempt " << i;
    throttle.End(client, Outcome::kFailed, at);
  }
}

TEST(LoginThrottle, AllowsFreeFailuresThenDoublesTheWait) {
  LoginThrottle throttle;
  Fail(throttle, "10.0.0.1", 5);
  Fail(throttle, "10.0.0.1", 1);
  EXPECT_EQ(throttle.Begin("10.0.0.1", kT), 1);
  Fail(throttle, "10.0.0.1", 1, kT + seconds(1));
  EXPECT_EQ(throttle.Begin("10.0.0.1", kT + seconds(1)), 2);
  Fail(throttle, "10.0.0.1", 1, kT + seconds(3));
  EXPECT_EQ(throttle.Begin("10.0.0.1", kT + seconds(3)), 4);
  EXPECT_EQ(throttle.Begin("10.0.0.2", kT), 0);
}

TEST(LoginThrottle, CapsTheWait) {
  LoginThrottle throttle;
  auto t = kT;
  for (int i = 0; i < 40; ++i) {
    int64_t wait = throttle.Begin("c", t);
    if (wait > 0) {
      t += seconds(wait);
      ASSERT_EQ(throttle.Begin("c", t), 0);
    }
    throttle.End("c", Outcome::kFailed, t);
  }
  EXPECT_EQ(throttle.Begin("c", t), 300);
}

TEST(LoginThrottle, ParallelGuessesCannotRacePastTheCount) {
  LoginThrottle throttle;
  Fail(throttle, "c", 1);
  int admitted = 0;
  for (int i = 0; i < 40; ++i) admitted += throttle.Begin("c", kT) == 0;
  EXPECT_EQ(admitted, 4);
}

TEST(LoginThrottle, ACorrectClientMayRunRequestsInParallel) {
  LoginThrottle throttle;
  for (int i = 0; i < 16; ++i) EXPECT_EQ(throttle.Begin("c", kT), 0);
  for (int i = 0; i < 16; ++i) throttle.End("c", Outcome::kSucceeded, kT);
  EXPECT_EQ(throttle.Begin("c", kT), 0);
}

TEST(LoginThrottle, SuccessClearsTheRecord) {
  LoginThrottle throttle;
  Fail(throttle, "c", 5);
  ASSERT_EQ(throttle.Begin("c", kT), 0);
  throttle.End("c", Outcome::kSucceeded, kT);
  Fail(throttle, "c", 5);
}

TEST(LoginThrottle, UnknownOutcomesNeitherCountNorClear) {
  LoginThrottle throttle;
  Fail(throttle, "c", 5);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(throttle.Begin("c", kT), 0);
    throttle.End("c", Outcome::kUnknown, kT);
  }
  Fail(throttle, "c", 1);
  EXPECT_EQ(throttle.Begin("c", kT), 1);
}

TEST(LoginThrottle, ForgetsAfterAQuietPeriod) {
  LoginThrottle throttle;
  Fail(throttle, "c", 6);
  EXPECT_EQ(throttle.Begin("c", kT + seconds(901)), 0);
}

TEST(LoginThrottle, StaysBoundedUnderAFloodOfClients) {
  LoginThrottle::Options options;
  options.max_clients = 100;
  LoginThrottle throttle(options);
  for (int i = 0; i < 10'000; ++i) Fail(throttle, "c" + std::to_string(i), 1);
  Fail(throttle, "last", 6);
  EXPECT_EQ(throttle.Begin("last", kT), 1);
}

}  // namespace
}  // namespace konvert::api
