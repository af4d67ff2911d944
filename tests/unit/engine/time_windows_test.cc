// NextAllowedMoment: time windows and blocked dates in the account's time zone.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/time_format.h"
#include "engine/action.h"

namespace flowd::engine {
namespace {

int64_t Ms(const char* iso) { return ParseIso8601Ms(iso).value(); }

std::string Next(const std::string& flow_json, const char* at, const std::string& tz = "UTC") {
  auto r = NextAllowedMoment(boost::json::parse(flow_json).as_object(), Ms(at), tz);
  if (!r.ok()) return "error: " + r.error().message;
  return FormatIso8601Ms(*r);
}

const char* kWeekdays9to17 = R"({"timeWindows":[
  {"day":"MONDAY","startTime":{"hour":9,"minute":0},"endTime":{"hour":17,"minute":0}},
  {"day":"TUESDAY","startTime":{"hour":9,"minute":0},"endTime":{"hour":17,"minute":0}},
  {"day":"FRIDAY","startTime":{"hour":9,"minute":0},"endTime":{"hour":12,"minute":0}},
  {"day":"FRIDAY","startTime":{"hour":14,"minute":0},"endTime":{"hour":17,"minute":0}}],
  "blockedDates":[]})";

TEST(NextAllowedMomentTest, NoRulesIsAnyTime) {
  EXPECT_EQ(Next(R"({"timeWindows":[],"blockedDates":[]})", "2024-03-15T03:00:00Z"),
            "2024-03-15T03:00:00.000Z");
  EXPECT_EQ(Next("{}", "2024-03-15T03:00:00Z"), "2024-03-15T03:00:00.000Z");
}

TEST(NextAllowedMomentTest, InsideAndBetweenWindows) {
  // Friday 2024-03-15.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T10:00:00Z"), "2024-03-15T10:00:00.000Z");
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T07:00:00Z"), "2024-03-15T09:00:00.000Z");
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T12:30:00Z"), "2024-03-15T14:00:00.000Z");
  // After Friday's last window: Monday 09:00.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T17:00:00Z"), "2024-03-18T09:00:00.000Z");
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-16T10:00:00Z"), "2024-03-18T09:00:00.000Z");
  // Tuesday evening → Friday morning.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-19T18:00:00Z"), "2024-03-22T09:00:00.000Z");
}

TEST(NextAllowedMomentTest, WindowsInTheAccountZone) {
  // 2024-03-15T12:00Z is 08:00 in New York (EDT): the window opens at 13:00Z.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T12:00:00Z", "America/New_York"),
            "2024-03-15T13:00:00.000Z");
  // Saturday 01:00Z is still Friday 21:00 in New York: Monday 09:00 EDT.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-16T01:00:00Z", "America/New_York"),
            "2024-03-18T13:00:00.000Z");
  // Across the DST change (2024-03-10): Friday 03-08 after hours → Monday 03-11 09:00 EDT.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-08T23:00:00Z", "America/New_York"),
            "2024-03-11T13:00:00.000Z");
  // Tokyo (UTC+9): Friday 23:00Z is already Saturday: Monday 09:00 JST = Monday 00:00Z.
  EXPECT_EQ(Next(kWeekdays9to17, "2024-03-15T23:00:00Z", "Asia/Tokyo"), "2024-03-18T00:00:00.000Z");
}

TEST(NextAllowedMomentTest, BlockedDates) {
  const char* flow = R"({"timeWindows":[],"blockedDates":[
    {"month":"DECEMBER","dayOfMonth":25},{"month":"DECEMBER","dayOfMonth":26,"year":2024}]})";
  EXPECT_EQ(Next(flow, "2024-12-25T10:00:00Z"), "2024-12-27T00:00:00.000Z");
  EXPECT_EQ(Next(flow, "2025-12-25T10:00:00Z"), "2025-12-26T00:00:00.000Z");  // 26th: 2024 only
  EXPECT_EQ(Next(flow, "2024-12-24T10:00:00Z"), "2024-12-24T10:00:00.000Z");
  // In Paris, 2024-12-24T23:30Z is already the 25th.
  EXPECT_EQ(Next(flow, "2024-12-24T23:30:00Z", "Europe/Paris"), "2024-12-26T23:00:00.000Z");
}

TEST(NextAllowedMomentTest, BlockedDatesAndWindowsTogether) {
  std::string flow =
      R"({"timeWindows":[{"day":"MONDAY","startTime":{"hour":9,"minute":0},"endTime":{"hour":17,"minute":0}}],
    "blockedDates":[{"month":"MARCH","dayOfMonth":18}]})";
  EXPECT_EQ(Next(flow, "2024-03-15T10:00:00Z"), "2024-03-25T09:00:00.000Z");
  // Window without times: the whole day.
  EXPECT_EQ(Next(R"({"timeWindows":[{"day":"SUNDAY"}],"blockedDates":[]})", "2024-03-15T10:00:00Z"),
            "2024-03-17T00:00:00.000Z");
}

TEST(NextAllowedMomentTest, Problems) {
  EXPECT_NE(Next(R"({"timeWindows":[{"day":"FUNDAY"}]})", "2024-03-15T10:00:00Z").find("error"),
            std::string::npos);
  EXPECT_NE(Next(kWeekdays9to17, "2024-03-15T10:00:00Z", "Mars/Olympus").find("error"),
            std::string::npos);
  EXPECT_NE(
      Next(
          R"({"timeWindows":[{"day":"MONDAY","startTime":{"hour":10,"minute":0},"endTime":{"hour":9,"minute":0}}]})",
          "2024-03-15T10:00:00Z")
          .find("error"),
      std::string::npos);
}

}  // namespace
}  // namespace flowd::engine
