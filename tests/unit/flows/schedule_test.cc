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
  EXPECT_TRUE(
      ScheduleProblems(
          boost::json::parse(
              R"({"type":"PROPERTY_BASED","dateProperty":"closedate","daysDelta":1,"yearly":true,"timeOfDay":{"hour":1,"minute":0}})"))
          .empty());
  problems = ScheduleProblems(boost::json::parse(
      R"({"type":"PROPERTY_BASED","daysDelta":100001,"yearly":"no","timeOfDay":{"hour":1,"minute":0}})"));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].field, "enrollmentSchedule.dateProperty");
  EXPECT_EQ(problems[1].field, "enrollmentSchedule.daysDelta");
  EXPECT_EQ(problems[2].field, "enrollmentSchedule.yearly");
  // A date per record: no occurrences of its own.
  EXPECT_FALSE(
      NextOccurrence(
          boost::json::parse(
              R"({"type":"PROPERTY_BASED","dateProperty":"closedate","daysDelta":1,"yearly":true,"timeOfDay":{"hour":1,"minute":0}})"),
          0, "UTC")
          .ok());
  EXPECT_TRUE(
      ScheduleProblems(boost::json::parse(R"({"type":"DAILY","timeOfDay":{"hour":0,"minute":0}})"))
          .empty());
}

DateSchedule Dated(int64_t delta, bool yearly, int hour = 9, int minute = 0) {
  auto s = DateScheduleOf(boost::json::parse(
      R"({"type":"PROPERTY_BASED","dateProperty":"renewal","daysDelta":)" + std::to_string(delta) +
      R"(,"yearly":)" + (yearly ? "true" : "false") + R"(,"timeOfDay":{"hour":)" +
      std::to_string(hour) + R"(,"minute":)" + std::to_string(minute) + "}}"));
  EXPECT_TRUE(s.has_value());
  return s.value_or(DateSchedule{});
}

std::optional<int64_t> Due(const DateSchedule& s, int64_t date, int64_t after,
                           const std::string& zone = "UTC") {
  auto r = NextDateDue(s, date, after, zone);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::nullopt;
}

TEST(DateScheduleTest, OnlyValidPropertyBasedSchedulesHaveOne) {
  EXPECT_FALSE(
      DateScheduleOf(boost::json::parse(R"({"type":"DAILY","timeOfDay":{"hour":0,"minute":0}})")));
  EXPECT_FALSE(DateScheduleOf(boost::json::parse(R"({"type":"PROPERTY_BASED","daysDelta":0})")));
  DateSchedule s = Dated(-3, true, 8, 30);
  EXPECT_EQ(s.property, "renewal");
  EXPECT_EQ(s.days_delta, -3);
  EXPECT_TRUE(s.yearly);
  EXPECT_EQ(s.time_ms, (8 * 60 + 30) * 60'000);
}

TEST(DateScheduleTest, TheDatePlusDaysDeltaAtTheTimeOfDay) {
  const int64_t date = At(2027, 3, 10);
  EXPECT_EQ(Due(Dated(0, false), date, At(2027, 1, 1)), At(2027, 3, 10, 9));
  EXPECT_EQ(Due(Dated(5, false, 17, 45), date, At(2027, 1, 1)), At(2027, 3, 15, 17, 45));
  EXPECT_EQ(Due(Dated(-14, false, 0, 0), date, At(2027, 1, 1)), At(2027, 2, 24));
  // Across a month and a year's end.
  EXPECT_EQ(Due(Dated(25, false), At(2027, 12, 20), At(2027, 1, 1)), At(2028, 1, 14, 9));
  // A datetime counts by its date: the hour it holds is replaced by timeOfDay.
  EXPECT_EQ(Due(Dated(1, false), At(2027, 3, 10, 23, 59), At(2027, 1, 1)), At(2027, 3, 11, 9));
}

TEST(DateScheduleTest, APastDateWithoutYearlyNeverEnrolls) {
  const int64_t date = At(2027, 3, 10);
  EXPECT_EQ(Due(Dated(0, false), date, At(2027, 3, 10, 8, 59)), At(2027, 3, 10, 9));
  EXPECT_EQ(Due(Dated(0, false), date, At(2027, 3, 10, 9)), std::nullopt);
  EXPECT_EQ(Due(Dated(0, false), date, At(2030, 1, 1)), std::nullopt);
  // daysDelta can move a past date into the future.
  EXPECT_EQ(Due(Dated(30, false), date, At(2027, 3, 20)), At(2027, 4, 9, 9));
}

TEST(DateScheduleTest, YearlyRepeatsOnTheAnniversaryFromTheDatesYearOn) {
  const DateSchedule s = Dated(0, true);
  const int64_t birthday = At(1990, 5, 17);
  EXPECT_EQ(Due(s, birthday, At(2027, 1, 1)), At(2027, 5, 17, 9));
  EXPECT_EQ(Due(s, birthday, At(2027, 5, 17, 9)), At(2028, 5, 17, 9));
  EXPECT_EQ(Due(s, birthday, At(2028, 5, 17, 9)), At(2029, 5, 17, 9));
  // A date in the future: its first occurrence is the date itself, not earlier anniversaries.
  EXPECT_EQ(Due(s, At(2030, 2, 1), At(2027, 1, 1)), At(2030, 2, 1, 9));
  // daysDelta shifts every anniversary, also across the year's end.
  EXPECT_EQ(Due(Dated(-7, true), At(2000, 1, 3), At(2027, 1, 1)), At(2027, 12, 27, 9));
  EXPECT_EQ(Due(Dated(-7, true), At(2000, 1, 3), At(2027, 12, 27, 9)), At(2028, 12, 27, 9));
  EXPECT_EQ(Due(Dated(10, true), At(2000, 12, 28), At(2027, 1, 1)), At(2027, 1, 7, 9));
  EXPECT_EQ(Due(Dated(10, true), At(2000, 12, 28), At(2027, 1, 7, 9)), At(2028, 1, 7, 9));
}

TEST(DateScheduleTest, February29IsFebruary28InOtherYears) {
  const DateSchedule s = Dated(0, true, 0, 0);
  const int64_t leap = At(2024, 2, 29);
  EXPECT_EQ(Due(s, leap, At(2026, 1, 1)), At(2026, 2, 28));
  EXPECT_EQ(Due(s, leap, At(2027, 3, 1)), At(2028, 2, 29));
  // The shift applies to that day: one day later is March 1 in both kinds of year.
  EXPECT_EQ(Due(Dated(1, true, 0, 0), leap, At(2026, 1, 1)), At(2026, 3, 1));
  EXPECT_EQ(Due(Dated(1, true, 0, 0), leap, At(2027, 3, 2)), At(2028, 3, 1));
}

TEST(DateScheduleTest, TimeOfDayInTheZone) {
  // Paris is UTC+1 in winter: 09:00 local is 08:00 UTC.
  EXPECT_EQ(Due(Dated(0, false), At(2027, 1, 20), At(2027, 1, 1), "Europe/Paris"),
            At(2027, 1, 20, 8));
  EXPECT_FALSE(NextDateDue(Dated(0, false), 0, 0, "Nowhere/Unknown").ok());
}

}  // namespace
}  // namespace flowd::flows
