#include "engine/performance.h"

#include <gtest/gtest.h>

namespace flowd::engine {
namespace {

constexpr int64_t kDay = 86'400'000;
// 2026-12-02T15:00:00Z, a Wednesday.
constexpr int64_t kNow = 1'796'223'600'000;

TEST(PerformanceBuckets, DaysCoverStartToEndAlignedToMidnight) {
  PerformanceQuery q;
  q.start_ms = kNow - 2 * kDay;
  q.end_ms = kNow;
  auto b = MakeBuckets(q, kNow);
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_EQ(b->labels, (std::vector<std::string>{"2026-11-30", "2026-12-01", "2026-12-02"}));
  ASSERT_EQ(b->edges.size(), 4u);
  EXPECT_EQ(b->edges[0] % kDay, 0);
  EXPECT_LE(b->edges[0], *q.start_ms);
  EXPECT_GT(b->edges.back(), kNow);
}

TEST(PerformanceBuckets, WeeksStartOnFirstDay) {
  PerformanceQuery q;
  q.bucket_type = "WEEK";
  q.start_ms = kNow;
  q.end_ms = kNow;
  auto monday = MakeBuckets(q, kNow);
  ASSERT_TRUE(monday.ok());
  EXPECT_EQ(monday->labels, (std::vector<std::string>{"2026-11-30"}));
  q.first_day = "SUNDAY";
  auto sunday = MakeBuckets(q, kNow);
  ASSERT_TRUE(sunday.ok());
  EXPECT_EQ(sunday->labels, (std::vector<std::string>{"2026-11-29"}));
  q.first_day = "WEDNESDAY";
  EXPECT_EQ(MakeBuckets(q, kNow)->labels, (std::vector<std::string>{"2026-12-02"}));
}

TEST(PerformanceBuckets, MonthsAcrossAYearEnd) {
  PerformanceQuery q;
  q.bucket_type = "MONTH";
  q.start_ms = kNow - 40 * kDay;  // late October
  q.end_ms = kNow + 40 * kDay;    // mid January
  auto b = MakeBuckets(q, kNow);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->labels, (std::vector<std::string>{"2026-10-01", "2026-11-01", "2026-12-01",
                                                 "2027-01-01"}));
}

TEST(PerformanceBuckets, DefaultsToTheLastThirtyDays) {
  auto b = MakeBuckets({}, kNow);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->labels.size(), 31u);
  EXPECT_EQ(b->labels.back(), "2026-12-02");
}

TEST(PerformanceBuckets, EveryProblemIsListed) {
  PerformanceQuery q;
  q.bucket_type = "HOUR";
  q.first_day = "FUNDAY";
  q.start_ms = kNow;
  q.end_ms = kNow - 1;
  auto b = MakeBuckets(q, kNow);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.error().details.size(), 3u);
}

TEST(PerformanceBuckets, TooManyBucketsIsRefused) {
  PerformanceQuery q;
  q.start_ms = 0;
  q.end_ms = kNow;
  auto b = MakeBuckets(q, kNow);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("buckets"), std::string::npos);
  q.bucket_type = "MONTH";
  EXPECT_TRUE(MakeBuckets(q, kNow).ok());  // 684 months
}

}  // namespace
}  // namespace flowd::engine
