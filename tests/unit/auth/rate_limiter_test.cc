#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace flowd::auth {
namespace {

Principal WithLimits(int64_t token_id, int64_t ten, int64_t daily) {
  Principal p;
  p.account_id = 1;
  p.token_id = token_id;
  p.limits = {ten, daily};
  return p;
}

TEST(RateLimiterTest, UnlimitedTokensAlwaysPassWithoutHeaders) {
  FakeClock clock(1'700'000'000'000);
  RateLimiter limiter(clock);
  Principal p = WithLimits(1, 0, 0);
  for (int i = 0; i < 1000; ++i) {
    RateDecision d = limiter.Check(p, false);
    ASSERT_TRUE(d.allowed);
    EXPECT_EQ(d.ten_secondly_max, 0);
    EXPECT_EQ(d.daily_max, 0);
  }
}

TEST(RateLimiterTest, TenSecondWindowRollsOver) {
  FakeClock clock(1'700'000'000'000);
  RateLimiter limiter(clock);
  Principal p = WithLimits(1, 5, 0);
  for (int i = 0; i < 5; ++i) {
    RateDecision d = limiter.Check(p, false);
    ASSERT_TRUE(d.allowed);
    EXPECT_EQ(d.ten_secondly_remaining, 4 - i);
  }
  RateDecision refused = limiter.Check(p, false);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.policy, "TEN_SECONDLY_ROLLING");
  EXPECT_GT(refused.retry_after_ms, 0);
  EXPECT_LE(refused.retry_after_ms, 10'000);
  clock.AdvanceMs(5'000);
  EXPECT_FALSE(limiter.Check(p, false).allowed);
  clock.AdvanceMs(5'001);
  EXPECT_TRUE(limiter.Check(p, false).allowed);
}

TEST(RateLimiterTest, ExemptOperationsSkipTheBurstLimitButCountDaily) {
  FakeClock clock(1'700'000'000'000);
  RateLimiter limiter(clock);
  Principal p = WithLimits(2, 1, 3);
  EXPECT_TRUE(limiter.Check(p, false).allowed);
  EXPECT_FALSE(limiter.Check(p, false).allowed);
  EXPECT_TRUE(limiter.Check(p, true).allowed);
  RateDecision d = limiter.Check(p, true);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.daily_remaining, 0);
  RateDecision daily = limiter.Check(p, true);
  EXPECT_FALSE(daily.allowed);
  EXPECT_EQ(daily.policy, "DAILY");
}

TEST(RateLimiterTest, DailyWindowResetsAtUtcMidnight) {
  const int64_t day = 86'400'000;
  FakeClock clock(19'000 * day + day - 1'000);
  RateLimiter limiter(clock);
  Principal p = WithLimits(3, 0, 2);
  EXPECT_TRUE(limiter.Check(p, false).allowed);
  EXPECT_TRUE(limiter.Check(p, false).allowed);
  RateDecision d = limiter.Check(p, false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, 1'000);
  clock.AdvanceMs(1'000);
  EXPECT_TRUE(limiter.Check(p, false).allowed);
}

TEST(RateLimiterTest, TokensAreCountedSeparately) {
  FakeClock clock(1'700'000'000'000);
  RateLimiter limiter(clock);
  EXPECT_TRUE(limiter.Check(WithLimits(1, 1, 0), false).allowed);
  EXPECT_TRUE(limiter.Check(WithLimits(2, 1, 0), false).allowed);
  EXPECT_FALSE(limiter.Check(WithLimits(1, 1, 0), false).allowed);
}

TEST(ParseRateLimitsTest, AcceptsTheDocumentedForms) {
  auto both = ParseRateLimits("100/10s,5000/day");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->ten_secondly, 100);
  EXPECT_EQ(both->daily, 5000);
  auto daily = ParseRateLimits("3/day");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->ten_secondly, 0);
  EXPECT_EQ(daily->daily, 3);
}

TEST(ParseRateLimitsTest, RefusesEverythingElse) {
  for (const char* bad : {"", "10", "10/s", "0/10s", "-1/day", "5/10s,6/10s", "5/10s,", "x/day",
                          "99999999999999999999/day", "5/10s;6/day"}) {
    EXPECT_FALSE(ParseRateLimits(bad).ok()) << bad;
  }
}

TEST(ScopeTest, ScopeNamesAreChecked) {
  EXPECT_TRUE(IsValidScopeName("automation"));
  EXPECT_TRUE(IsValidScopeName("crm.objects.contacts.sensitive.read"));
  EXPECT_FALSE(IsValidScopeName(""));
  EXPECT_FALSE(IsValidScopeName("Automation"));
  EXPECT_FALSE(IsValidScopeName("a b"));
}

}  // namespace
}  // namespace flowd::auth
