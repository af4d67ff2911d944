#include "crm/submission_limiter.h"

#include <gtest/gtest.h>

namespace flowd::crm {
namespace {

TEST(SubmissionLimiter, AllowsTheRateThenRefusesUntilTheMinuteEnds) {
  FakeClock clock(1'000'000);
  SubmissionLimiter limiter(clock, 3, 100);
  int64_t retry = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Admit("10.0.0.1", &retry));
  EXPECT_FALSE(limiter.Admit("10.0.0.1", &retry));
  EXPECT_EQ(retry, 60'000);
  EXPECT_TRUE(limiter.Admit("10.0.0.2", &retry)) << "other IPs have their own budget";
  clock.AdvanceMs(59'999);
  EXPECT_FALSE(limiter.Admit("10.0.0.1", &retry));
  EXPECT_EQ(retry, 1);
  clock.AdvanceMs(1);
  EXPECT_TRUE(limiter.Admit("10.0.0.1", &retry));
}

TEST(SubmissionLimiter, TrackedIpsAreBounded) {
  FakeClock clock(0);
  SubmissionLimiter limiter(clock, 10, 2);
  int64_t retry = 0;
  EXPECT_TRUE(limiter.Admit("a", &retry));
  clock.AdvanceMs(10'000);
  EXPECT_TRUE(limiter.Admit("b", &retry));
  EXPECT_FALSE(limiter.Admit("c", &retry));
  EXPECT_EQ(retry, 50'000) << "until the oldest window ends";
  EXPECT_TRUE(limiter.Admit("a", &retry)) << "known IPs keep their budget";
  clock.AdvanceMs(50'000);
  EXPECT_TRUE(limiter.Admit("c", &retry)) << "expired windows are forgotten";
}

}  // namespace
}  // namespace flowd::crm
