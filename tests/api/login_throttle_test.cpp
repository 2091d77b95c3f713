#include "api/auth/login_throttle.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

using std::chrono::seconds;

TEST(LoginThrottle, AllowsFreeFailuresThenDoublesTheWait) {
  LoginThrottle throttle;
  auto t = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 5; ++i) throttle.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.1", t), 0);

  throttle.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.1", t), 1);
  throttle.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.1", t), 2);
  throttle.RecordFailure("10.0.0.1", t);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.1", t), 4);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.1", t + seconds(4)), 0);
  EXPECT_EQ(throttle.RetryAfter("10.0.0.2", t), 0);
}

TEST(LoginThrottle, CapsTheWait) {
  LoginThrottle throttle;
  auto t = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 60; ++i) throttle.RecordFailure("c", t);
  EXPECT_EQ(throttle.RetryAfter("c", t), 300);
}

TEST(LoginThrottle, SuccessClearsTheRecord) {
  LoginThrottle throttle;
  auto t = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 8; ++i) throttle.RecordFailure("c", t);
  throttle.RecordSuccess("c");
  EXPECT_EQ(throttle.RetryAfter("c", t), 0);
}

TEST(LoginThrottle, ForgetsAfterAQuietPeriod) {
  LoginThrottle throttle;
  auto t = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 5; ++i) throttle.RecordFailure("c", t);
  throttle.RecordFailure("c", t + seconds(901));
  EXPECT_EQ(throttle.RetryAfter("c", t + seconds(901)), 0);
}

TEST(LoginThrottle, StaysBoundedUnderAFloodOfClients) {
  LoginThrottle::Options options;
  options.max_clients = 100;
  LoginThrottle throttle(options);
  auto t = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 10'000; ++i) throttle.RecordFailure("c" + std::to_string(i), t);
  for (int i = 0; i < 6; ++i) throttle.RecordFailure("last", t);
  EXPECT_EQ(throttle.RetryAfter("last", t), 1);
}

}  // namespace
}  // namespace konvert::api
