// 0-1 and 0-35.
#include "action_test_util.h"
#include "common/time_format.h"

namespace flowd::engine::testing {
namespace {

using DelayTest = ActionTest;

TEST_F(DelayTest, DelayForMinutesAsString) {
  ActionResult r = Run(Single("0-1", R"({"delta":"1440","time_unit":"MINUTES"})"));
  EXPECT_EQ(r.outcome, "DELAYED");
  EXPECT_EQ(r.next_action_id, "2");
  EXPECT_EQ(r.next_run_at_ms, now + 86'400'000);
}

TEST_F(DelayTest, DelayForNumberOfHoursAndWeeks) {
  EXPECT_EQ(Run(Single("0-1", R"({"delta":3,"time_unit":"HOURS"})")).next_run_at_ms,
            now + 3 * 3'600'000);
  EXPECT_EQ(Run(Single("0-1", R"({"delta":"2","time_unit":"WEEKS"})")).next_run_at_ms,
            now + 14 * 86'400'000LL);
}

TEST_F(DelayTest, DelayForMonthsClampsTheDay) {
  now = Ms("2024-01-31T10:00:00Z");
  EXPECT_EQ(Run(Single("0-1", R"({"delta":"1","time_unit":"MONTHS"})")).next_run_at_ms,
            Ms("2024-02-29T10:00:00Z"));
}

TEST_F(DelayTest, BadDelayFails) {
  EXPECT_TRUE(Run(Single("0-1", R"({"time_unit":"MINUTES"})")).failed);
  EXPECT_TRUE(Run(Single("0-1", R"({"delta":"-5","time_unit":"MINUTES"})")).failed);
  ActionResult r = Run(Single("0-1", R"({"delta":"1","time_unit":"FOREVER"})"));
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("FOREVER"), std::string::npos);
}

TEST_F(DelayTest, DayOfWeekAndTimeOfDayInAccountZone) {
  env.crm.zone = "America/New_York";  // EDT (UTC-4) since 2024-03-10
  ActionResult r = Run(Single(
      "0-1", R"({"days_of_week":["MONDAY","WEDNESDAY"],"time_of_day":{"hour":9,"minute":30}})"));
  EXPECT_EQ(r.outcome, "DELAYED");
  EXPECT_EQ(FormatIso8601Ms(r.next_run_at_ms), "2024-03-18T13:30:00.000Z");
}

TEST_F(DelayTest, TimeOfDayLaterTodayOrTomorrow) {
  // 12:00 UTC Friday: 15:00 is today, 08:00 is tomorrow.
  EXPECT_EQ(Run(Single("0-1", R"({"time_of_day":{"hour":15,"minute":0}})")).next_run_at_ms,
            Ms("2024-03-15T15:00:00Z"));
  EXPECT_EQ(Run(Single("0-1", R"({"time_of_day":{"hour":8,"minute":0}})")).next_run_at_ms,
            Ms("2024-03-16T08:00:00Z"));
}

TEST_F(DelayTest, DayOfWeekAllowedTodayRunsNow) {
  ActionResult r = Run(Single("0-1", R"({"days_of_week":["FRIDAY"]})"));
  EXPECT_EQ(r.next_run_at_ms, now);
  r = Run(Single("0-1", R"({"days_of_week":["SUNDAY"]})"));
  EXPECT_EQ(r.next_run_at_ms, Ms("2024-03-17T00:00:00Z"));
}

TEST_F(DelayTest, DelayThenDayOfWeek) {
  // Friday + 1 day = Saturday, then the next weekday Monday 00:00.
  ActionResult r =
      Run(Single("0-1", R"({"delta":"1","time_unit":"DAYS","days_of_week":["MONDAY"]})"));
  EXPECT_EQ(r.next_run_at_ms, Ms("2024-03-18T00:00:00Z"));
}

TEST_F(DelayTest, UnknownDayFails) {
  EXPECT_TRUE(Run(Single("0-1", R"({"days_of_week":["FUNDAY"]})")).failed);
  EXPECT_TRUE(Run(Single("0-1", R"({"time_of_day":{"hour":25,"minute":0}})")).failed);
}

TEST_F(DelayTest, UntilStaticEpochDate) {
  int64_t at = now + 5 * 86'400'000LL;
  ActionResult r = Run(Single(
      "0-35", R"({"date":{"type":"STATIC_VALUE","staticValue":")" + std::to_string(at) + "\"}}"));
  EXPECT_EQ(r.outcome, "DELAYED");
  EXPECT_EQ(r.next_run_at_ms, at);
  EXPECT_EQ(r.next_action_id, "2");
}

TEST_F(DelayTest, UntilIsoDateWithTimeOfDayInZone) {
  env.crm.zone = "Europe/Paris";  // CEST (UTC+2) from 2024-03-31
  ActionResult r = Run(Single(
      "0-35",
      R"({"date":{"type":"STATIC_VALUE","staticValue":"2024-04-02"},"time_of_day":{"hour":9,"minute":0}})"));
  EXPECT_EQ(FormatIso8601Ms(r.next_run_at_ms), "2024-04-02T07:00:00.000Z");
}

TEST_F(DelayTest, UntilPropertyDateWithOffsetBefore) {
  env.crm.Set("0-1", 1, "birthday", "2024-03-20");
  ActionResult r = Run(
      Single("0-35", R"({"date":{"type":"OBJECT_PROPERTY","propertyName":"birthday"},)"
                     R"("delta":"-2","time_unit":"DAYS","time_of_day":{"hour":10,"minute":15}})"));
  EXPECT_EQ(r.outcome, "DELAYED");
  EXPECT_EQ(FormatIso8601Ms(r.next_run_at_ms), "2024-03-18T10:15:00.000Z");
}

TEST_F(DelayTest, UntilPropertyDatetime) {
  env.crm.Set("0-1", 1, "lastseen", "2024-03-16T08:00:00.000Z");
  ActionResult r =
      Run(Single("0-35", R"({"date":{"type":"OBJECT_PROPERTY","propertyName":"lastseen"}})"));
  EXPECT_EQ(r.next_run_at_ms, Ms("2024-03-16T08:00:00Z"));
}

TEST_F(DelayTest, UntilPastDateContinuesAtOnce) {
  ActionResult r =
      Run(Single("0-35", R"({"date":{"type":"STATIC_VALUE","staticValue":"2020-01-01"}})"));
  EXPECT_EQ(r.outcome, "SUCCEEDED");
  EXPECT_EQ(r.next_run_at_ms, 0);
  EXPECT_EQ(r.next_action_id, "2");
  EXPECT_TRUE(r.detail.at("passed").as_bool());
}

TEST_F(DelayTest, UntilMissingPropertySkips) {
  ActionResult r =
      Run(Single("0-35", R"({"date":{"type":"OBJECT_PROPERTY","propertyName":"birthday"}})"));
  EXPECT_EQ(r.outcome, "SKIPPED");
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.next_action_id, "2");
  EXPECT_EQ(r.detail.at("skipped").as_string(), "property birthday has no value");
}

TEST_F(DelayTest, UntilGarbageFails) {
  EXPECT_TRUE(
      Run(Single("0-35", R"({"date":{"type":"STATIC_VALUE","staticValue":"soon"}})")).failed);
  EXPECT_TRUE(Run(Single("0-35", R"({})")).failed);
}

}  // namespace
}  // namespace flowd::engine::testing
