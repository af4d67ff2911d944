#include "flows/schedule.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>

namespace flowd::flows {
namespace {

namespace chr = std::chrono;

// UTC epoch ms of a UTC date and time.
int64_t At(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  const auto day = chr::sys_days{chr::year{y} / m / d};
  return (day.time_since_epoch().count() * 1440LL + hour * 60 + minute) * 60'000;
}

int64_t Next(const char* schedule, int64_t after, const std::string& zone = "UTC") {
  auto r = NextOccurrence(boost::json::parse(schedule), after, zone);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

TEST(ScheduleTest, DailyIsTheNextTimeOfDayStrictlyAfter) {
  const char* s = R"({"type":"DAILY","timeOfDay":{"hour":9,"minute":30}})";
  EXPECT_EQ(Next(s, At(2026, 3, 7, 10)), At(2026, 3, 8, 9, 30));
  EXPECT_EQ(Next(s, At(2026, 3, 7, 9)), At(2026, 3, 7, 9, 30));
  // An occurrence exactly at `after` has happened: the next one is the day after.
  EXPECT_EQ(Next(s, At(2026, 3, 7, 9, 30)), At(2026, 3, 8, 9, 30));
}

TEST(ScheduleTest, TimeZonesAndDaylightSavingChanges) {
  // Paris is UTC+1 in winter.
  EXPECT_EQ(Next(R"({"type":"DAILY","timeOfDay":{"hour":9,"minute":0}})", At(2026, 1, 10, 9),
                 "Europe/Paris"),
            At(2026, 1, 11, 8));
  // New York springs forward on 2026-03-08 at 02:00: 02:30 does not exist that day and moves
  // forward by the gap (03:30 EDT = 07:30 UTC); the day before it is 02:30 EST (07:30 UTC).
  const char* night = R"({"type":"DAILY","timeOfDay":{"hour":2,"minute":30}})";
  EXPECT_EQ(Next(night, At(2026, 3, 7, 0), "America/New_York"), At(2026, 3, 7, 7, 30));
  EXPECT_EQ(Next(night, At(2026, 3, 7, 8), "America/New_York"), At(2026, 3, 8, 7, 30));
  EXPECT_EQ(Next(night, At(2026, 3, 8, 8), "America/New_York"), At(2026, 3, 9, 6, 30));
  // It falls back on 2026-11-01: 01:30 happens twice and the occurrence is the first (EDT).
  const char* early = R"({"type":"DAILY","timeOfDay":{"hour":1,"minute":30}})";
  EXPECT_EQ(Next(early, At(2026, 11, 1, 0), "America/New_York"), At(2026, 11, 1, 5, 30));
  EXPECT_EQ(Next(early, At(2026, 11, 1, 5, 30), "America/New_York"), At(2026, 11, 2, 6, 30));
}

TEST(ScheduleTest, WeeklyOnTheNamedDays) {
  const char* s =
      R"({"type":"WEEKLY","daysOfWeek":["MONDAY","FRIDAY"],"timeOfDay":{"hour":8,"minute":15}})";
  // 2026-12-06 is a Sunday.
  EXPECT_EQ(Next(s, At(2026, 12, 6, 12)), At(2026, 12, 7, 8, 15));
  EXPECT_EQ(Next(s, At(2026, 12, 7, 8, 15)), At(2026, 12, 11, 8, 15));
  EXPECT_EQ(Next(s, At(2026, 12, 11, 9)), At(2026, 12, 14, 8, 15));
}

TEST(ScheduleTest, MonthlyDaysPastTheMonthsEndFireOnItsLastDay) {
  const char* s =
      R"({"type":"MONTHLY_SPECIFIC_DAYS","daysOfMonth":[30,31],"timeOfDay":{"hour":0,"minute":0}})";
  EXPECT_EQ(Next(s, At(2026, 2, 1)), At(2026, 2, 28));
  // February's last day fires once for both.
  EXPECT_EQ(Next(s, At(2026, 2, 28)), At(2026, 3, 30));
  EXPECT_EQ(Next(s, At(2026, 3, 30)), At(2026, 3, 31));
  EXPECT_EQ(Next(s, At(2026, 4, 1)), At(2026, 4, 30));
  EXPECT_EQ(Next(s, At(2028, 2, 1)), At(2028, 2, 29));
  const char* first =
      R"({"type":"MONTHLY_SPECIFIC_DAYS","daysOfMonth":[1,15],"timeOfDay":{"hour":6,"minute":0}})";
  EXPECT_EQ(Next(first, At(2026, 12, 15, 7)), At(2027, 1, 1, 6));
}

TEST(ScheduleTest, MonthlyRelativeDays) {
  const char* monday =
      R"({"type":"MONTHLY_RELATIVE_DAYS","monthlyRelativeDays":"FIRST_MONDAY_OF_MONTH","timeOfDay":{"hour":10,"minute":0}})";
  // 2026-12-07 is December's first Monday; 2027-01-01 is a Friday, so January's is the 4th.
  EXPECT_EQ(Next(monday, At(2026, 12, 1)), At(2026, 12, 7, 10));
  EXPECT_EQ(Next(monday, At(2026, 12, 8)), At(2027, 1, 4, 10));
  const char* last =
      R"({"type":"MONTHLY_RELATIVE_DAYS","monthlyRelativeDays":"LAST_DAY_OF_MONTH","timeOfDay":{"hour":23,"minute":59}})";
  EXPECT_EQ(Next(last, At(2027, 2, 1)), At(2027, 2, 28, 23, 59));
  EXPECT_EQ(Next(last, At(2028, 2, 1)), At(2028, 2, 29, 23, 59));
  EXPECT_EQ(Next(last, At(2028, 2, 29, 23, 59)), At(2028, 3, 31, 23, 59));
}

TEST(ScheduleTest, YearlyWithLeapDays) {
  const char* s =
      R"({"type":"YEARLY","month":"MARCH","dayOfMonth":15,"timeOfDay":{"hour":12,"minute":0}})";
  EXPECT_EQ(Next(s, At(2026, 3, 15, 12)), At(2027, 3, 15, 12));
  const char* leap =
      R"({"type":"YEARLY","month":"FEBRUARY","dayOfMonth":29,"timeOfDay":{"hour":0,"minute":0}})";
  EXPECT_EQ(Next(leap, At(2026, 3, 1)), At(2027, 2, 28));
  EXPECT_EQ(Next(leap, At(2027, 3, 1)), At(2028, 2, 29));
}

TEST(ScheduleTest, ProblemsListEveryMistake) {
  auto problems = ScheduleProblems(boost::json::parse(
      R"({"type":"WEEKLY","daysOfWeek":["MONDAY","FUNDAY"],"timeOfDay":{"hour":24,"minute":-1}})"));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "enrollmentSchedule.timeOfDay.hour");
  EXPECT_EQ(problems[1].field, "enrollmentSchedule.timeOfDay.minute");
  EXPECT_EQ(problems[2].field, "enrollmentSchedule.daysOfWeek");
  problems = ScheduleProblems(boost::json::parse(
      R"({"type":"YEARLY","month":"FEBRUARY","dayOfMonth":30,"timeOfDay":{"hour":1,"minute":0}})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "enrollmentSchedule.dayOfMonth");
  problems = ScheduleProblems(boost::json::parse(
      R"({"type":"PROPERTY_BASED","dateProperty":"closedate","daysDelta":1,"yearly":true,"timeOfDay":{"hour":1,"minute":0}})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("PROPERTY_BASED is not supported"), std::string::npos);
  EXPECT_FALSE(NextOccurrence(boost::json::parse(R"({"type":"PROPERTY_BASED"})"), 0, "UTC").ok());
  EXPECT_TRUE(
      ScheduleProblems(boost::json::parse(R"({"type":"DAILY","timeOfDay":{"hour":0,"minute":0}})"))
          .empty());
}

}  // namespace
}  // namespace flowd::flows
