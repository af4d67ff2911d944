// Date operations: DATETIME, RANGED_DATE, DATE, CALENDAR_DATE, ROLLING_DATE_RANGE,
// ROLLING_PROPERTY_UPDATED, COMPARATIVE_DATE, COMPARATIVE_PROPERTY_UPDATED — at their
// boundaries, in time zones, for date and datetime properties. Now is Friday 2024-03-15 12:00 UTC.
#include <gtest/gtest.h>

#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

struct DateCase {
  std::string name;
  std::string property;  // lastseen (datetime) or birthday (date)
  std::string operation;
  std::string value;  // "" = no value
  bool expected;
  std::string zone = "UTC";
  int fiscal_start = 1;
};

std::string Op(const std::string& type, const std::string& op, const std::string& extra,
               bool include = false) {
  return R"({"operationType":")" + type + R"(","operator":")" + op +
         R"(","includeObjectsWithNoValueSet":)" + (include ? "true" : "false") + "," + extra + "}";
}

std::string T(const std::string& iso) { return std::to_string(Ms(iso)); }

std::string DT(const std::string& op, const std::string& iso, bool convert = false,
               bool include = false) {
  return Op(
      "DATETIME", op,
      "\"timestamp\":" + T(iso) + ",\"requiresTimeZoneConversion\":" + (convert ? "true" : "false"),
      include);
}

std::string Ranged(const std::string& op, const std::string& lo, const std::string& hi) {
  return Op("RANGED_DATE", op,
            "\"lowerBound\":" + T(lo) + ",\"upperBound\":" + T(hi) +
                ",\"requiresTimeZoneConversion\":false");
}

std::string D(const std::string& op, int y, const std::string& month, int d) {
  return Op("DATE", op,
            "\"year\":" + std::to_string(y) + ",\"month\":\"" + month +
                "\",\"day\":" + std::to_string(d));
}

std::string Cal(const std::string& op, const std::string& unit, const std::string& extra = "") {
  return Op("CALENDAR_DATE", op, "\"timeUnit\":\"" + unit + "\"" + extra);
}

std::string Roll(const std::string& op, int days, bool include = false) {
  return Op("ROLLING_DATE_RANGE", op,
            "\"numberOfDays\":" + std::to_string(days) + ",\"requiresTimeZoneConversion\":false",
            include);
}

const char* kSeen = "2024-03-10T15:30:00.000Z";

class DateOperationTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(DateOperationTest, Evaluates) {
  const DateCase& c = GetParam();
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.zone = c.zone;
  ctx.fiscal_start = c.fiscal_start;
  ctx.AddRecord("0-1", 1);
  if (!c.value.empty()) ctx.Set("0-1", 1, c.property, c.value);
  EXPECT_EQ(Eval(ctx, Root(PropertyFilter(c.property, c.operation))), c.expected) << c.operation;
}

std::vector<DateCase> DateTimeCases() {
  return {
      {"before", "lastseen", DT("IS_BEFORE", "2024-03-10T15:30:00.001Z"), kSeen, true},
      {"before_equal", "lastseen", DT("IS_BEFORE", "2024-03-10T15:30:00Z"), kSeen, false},
      {"after", "lastseen", DT("IS_AFTER", "2024-03-10T15:29:59.999Z"), kSeen, true},
      {"after_equal", "lastseen", DT("IS_AFTER", "2024-03-10T15:30:00Z"), kSeen, false},
      {"equal_same_day", "lastseen", DT("IS_EQUAL_TO", "2024-03-10T00:00:00Z"), kSeen, true},
      {"equal_next_day", "lastseen", DT("IS_EQUAL_TO", "2024-03-11T00:00:00Z"), kSeen, false},
      {"before_date", "lastseen", DT("IS_BEFORE_DATE", "2024-03-11T00:00:00Z"), kSeen, true},
      {"before_date_same", "lastseen", DT("IS_BEFORE_DATE", "2024-03-10T23:00:00Z"), kSeen, false},
      {"after_date", "lastseen", DT("IS_AFTER_DATE", "2024-03-09T23:59:00Z"), kSeen, true},
      {"after_date_same", "lastseen", DT("IS_AFTER_DATE", "2024-03-10T01:00:00Z"), kSeen, false},
      // 15:30 UTC on the 10th is 00:30 on the 11th in Tokyo.
      {"equal_tokyo", "lastseen", DT("IS_EQUAL_TO", "2024-03-11T01:00:00Z", true), kSeen, true,
       "Asia/Tokyo"},
      {"equal_tokyo_unconverted", "lastseen", DT("IS_EQUAL_TO", "2024-03-11T01:00:00Z", false),
       kSeen, false, "Asia/Tokyo"},
      {"none", "lastseen", DT("IS_BEFORE", "2024-03-10T00:00:00Z"), "", false},
      {"none_incl", "lastseen", DT("IS_BEFORE", "2024-03-10T00:00:00Z", false, true), "", true},
      {"date_prop_after", "birthday", DT("IS_AFTER", "1990-05-19T12:00:00Z"), "1990-05-20", true},
      {"date_prop_equal", "birthday", DT("IS_EQUAL_TO", "1990-05-20T18:00:00Z"), "1990-05-20",
       true},
      {"ranged_in", "lastseen", Ranged("IS_BETWEEN", "2024-03-10T00:00:00Z", kSeen), kSeen, true},
      {"ranged_out", "lastseen",
       Ranged("IS_BETWEEN", "2024-03-10T00:00:00Z", "2024-03-10T15:29:59.999Z"), kSeen, false},
      {"ranged_not", "lastseen",
       Ranged("IS_NOT_BETWEEN", "2024-03-10T00:00:00Z", "2024-03-10T15:29:59.999Z"), kSeen, true},
      {"ranged_not_in", "lastseen", Ranged("IS_NOT_BETWEEN", kSeen, "2024-03-11T00:00:00Z"), kSeen,
       false},
      {"ranged_date_prop", "birthday",
       Ranged("IS_BETWEEN", "1990-05-20T00:00:00Z", "1990-05-20T00:00:00Z"), "1990-05-20", true},
  };
}

std::vector<DateCase> DateCases() {
  return {
      {"date_equal", "birthday", D("EQUAL", 1990, "MAY", 20), "1990-05-20", true},
      {"date_equal_number_month", "birthday", D("EQUAL", 1990, "5", 20), "1990-05-20", true},
      {"date_equal_full_month", "birthday", D("IS_EQUAL_TO", 1990, "May", 20), "1990-05-20", true},
      {"date_equal_no", "birthday", D("EQUAL", 1990, "MAY", 21), "1990-05-20", false},
      {"date_before", "birthday", D("BEFORE", 1990, "JUN", 1), "1990-05-20", true},
      {"date_before_same", "birthday", D("BEFORE", 1990, "MAY", 20), "1990-05-20", false},
      {"date_after", "birthday", D("AFTER", 1990, "MAY", 19), "1990-05-20", true},
      {"date_after_alias", "birthday", D("IS_AFTER", 1990, "MAY", 20), "1990-05-20", false},
      {"date_on_datetime_tokyo", "lastseen", D("EQUAL", 2024, "MAR", 11), kSeen, true,
       "Asia/Tokyo"},
      {"date_on_datetime_utc", "lastseen", D("EQUAL", 2024, "MAR", 11), kSeen, false},
  };
}

std::vector<DateCase> CalendarCases() {
  const std::string count2 = ",\"timeUnitCount\":2";
  const std::string count3 = ",\"timeUnitCount\":3";
  const std::string feb = R"(,"useFiscalYear":true,"fiscalYearStart":"FEBRUARY")";
  const std::string apr = R"(,"useFiscalYear":true,"fiscalYearStart":"APRIL")";
  const std::string account = R"(,"useFiscalYear":true)";
  return {
      // Weeks start on Sunday: this week is Sun 10 – Sat 16 March.
      {"week_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "WEEK"), "2024-03-10T00:00:00Z", true},
      {"week_this_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "WEEK"), "2024-03-09T23:59:59Z",
       false},
      {"week_this_end", "lastseen", Cal("IN_THIS_TIME_UNIT", "WEEK"), "2024-03-16T23:59:59Z", true},
      {"week_last", "lastseen", Cal("IN_LAST_TIME_UNIT", "WEEK"), "2024-03-09T23:59:59Z", true},
      {"week_last_start", "lastseen", Cal("IN_LAST_TIME_UNIT", "WEEK"), "2024-03-03T00:00:00Z",
       true},
      {"week_last_before", "lastseen", Cal("IN_LAST_TIME_UNIT", "WEEK"), "2024-03-02T23:00:00Z",
       false},
      {"week_next", "lastseen", Cal("IN_NEXT_TIME_UNIT", "WEEK"), "2024-03-17T00:00:00Z", true},
      {"week_next_after", "lastseen", Cal("IN_NEXT_TIME_UNIT", "WEEK"), "2024-03-24T00:00:00Z",
       false},
      {"month_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "MONTH"), "2024-03-01T00:00:00Z", true},
      {"month_this_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "MONTH"), "2024-02-29T23:59:59Z",
       false},
      {"month_this_later", "lastseen", Cal("IN_THIS_TIME_UNIT", "MONTH"), "2024-03-20T00:00:00Z",
       true},
      {"month_so_far", "lastseen", Cal("IN_THIS_TIME_UNIT_SO_FAR", "MONTH"), "2024-03-15T11:00:00Z",
       true},
      {"month_so_far_later_today", "lastseen", Cal("IN_THIS_TIME_UNIT_SO_FAR", "MONTH"),
       "2024-03-15T13:00:00Z", false},
      {"month_so_far_future", "lastseen", Cal("IN_THIS_TIME_UNIT_SO_FAR", "MONTH"),
       "2024-03-20T00:00:00Z", false},
      {"month_last", "lastseen", Cal("IN_LAST_TIME_UNIT", "MONTH"), "2024-02-29T23:59:59Z", true},
      {"month_last3", "lastseen", Cal("IN_LAST_TIME_UNIT", "MONTH", count3), "2023-12-01T00:00:00Z",
       true},
      {"month_last3_before", "lastseen", Cal("IN_LAST_TIME_UNIT", "MONTH", count3),
       "2023-11-30T23:59:59Z", false},
      {"month_next", "lastseen", Cal("IN_NEXT_TIME_UNIT", "MONTH"), "2024-04-05T00:00:00Z", true},
      {"month_next_after", "lastseen", Cal("IN_NEXT_TIME_UNIT", "MONTH"), "2024-05-01T00:00:00Z",
       false},
      {"month_next2", "lastseen", Cal("IN_NEXT_TIME_UNIT", "MONTH", count2), "2024-05-01T00:00:00Z",
       true},
      {"month_next2_after", "lastseen", Cal("IN_NEXT_TIME_UNIT", "MONTH", count2),
       "2024-06-01T00:00:00Z", false},
      {"quarter_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "QUARTER"), "2024-01-01T00:00:00Z",
       true},
      {"quarter_this_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "QUARTER"),
       "2023-12-31T23:59:59Z", false},
      {"quarter_last", "lastseen", Cal("IN_LAST_TIME_UNIT", "QUARTER"), "2023-10-01T00:00:00Z",
       true},
      {"fq_this_start", "lastseen", Cal("IN_THIS_TIME_UNIT", "QUARTER", feb),
       "2024-02-01T00:00:00Z", true},
      {"fq_this_end", "lastseen", Cal("IN_THIS_TIME_UNIT", "QUARTER", feb), "2024-04-30T23:00:00Z",
       true},
      {"fq_this_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "QUARTER", feb),
       "2024-01-31T23:00:00Z", false},
      {"fy_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "YEAR", apr), "2023-04-01T00:00:00Z", true},
      {"fy_this_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "YEAR", apr), "2023-03-31T23:00:00Z",
       false},
      {"fy_next", "lastseen", Cal("IN_NEXT_TIME_UNIT", "YEAR", apr), "2024-04-01T00:00:00Z", true},
      {"fy_account", "lastseen", Cal("IN_THIS_TIME_UNIT", "YEAR", account), "2023-04-01T00:00:00Z",
       true, "UTC", 4},
      {"fy_account_before", "lastseen", Cal("IN_THIS_TIME_UNIT", "YEAR", account),
       "2023-03-31T00:00:00Z", false, "UTC", 4},
      {"year_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "YEAR"), "2024-12-31T23:59:59Z", true},
      {"year_last", "lastseen", Cal("IN_LAST_TIME_UNIT", "YEAR"), "2023-06-01T00:00:00Z", true},
      {"day_this", "lastseen", Cal("IN_THIS_TIME_UNIT", "DAY"), "2024-03-15T00:00:00Z", true},
      {"day_this_yesterday", "lastseen", Cal("IN_THIS_TIME_UNIT", "DAY"), "2024-03-14T23:59:59Z",
       false},
      {"day_last", "lastseen", Cal("IN_LAST_TIME_UNIT", "DAY"), "2024-03-14T23:59:59Z", true},
      {"day_next", "lastseen", Cal("IN_NEXT_TIME_UNIT", "DAY"), "2024-03-16T10:00:00Z", true},
      {"day_date_prop", "birthday", Cal("IN_THIS_TIME_UNIT", "DAY"), "2024-03-15", true},
      {"day_so_far_date_prop", "birthday", Cal("IN_THIS_TIME_UNIT_SO_FAR", "DAY"), "2024-03-15",
       true},
      {"month_so_far_date_tomorrow", "birthday", Cal("IN_THIS_TIME_UNIT_SO_FAR", "MONTH"),
       "2024-03-16", false},
      {"month_date_tomorrow", "birthday", Cal("IN_THIS_TIME_UNIT", "MONTH"), "2024-03-16", true},
      // 06:00 UTC on the 15th is 23:00 on the 14th in Los Angeles, where today is the 15th.
      {"day_la", "lastseen", Cal("IN_THIS_TIME_UNIT", "DAY"), "2024-03-15T06:00:00Z", false,
       "America/Los_Angeles"},
      {"day_utc", "lastseen", Cal("IN_THIS_TIME_UNIT", "DAY"), "2024-03-15T06:00:00Z", true},
      {"cal_none", "lastseen", Cal("IN_THIS_TIME_UNIT", "DAY"), "", false},
  };
}

std::vector<DateCase> RollingCases() {
  return {
      {"less_ago", "lastseen", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-10T00:00:00Z", true},
      {"less_ago_old", "lastseen", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-01T00:00:00Z",
       false},
      {"less_ago_boundary", "lastseen", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-08T12:00:00Z",
       true},
      {"less_ago_past_boundary", "lastseen", Roll("IS_LESS_THAN_X_DAYS_AGO", 7),
       "2024-03-08T11:59:59.999Z", false},
      {"less_ago_future", "lastseen", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-16T00:00:00Z",
       false},
      {"more_ago", "lastseen", Roll("IS_MORE_THAN_X_DAYS_AGO", 7), "2024-03-01T00:00:00Z", true},
      {"more_ago_boundary", "lastseen", Roll("IS_MORE_THAN_X_DAYS_AGO", 7),
       "2024-03-08T11:59:59.999Z", true},
      {"more_ago_recent", "lastseen", Roll("IS_MORE_THAN_X_DAYS_AGO", 7), "2024-03-10T00:00:00Z",
       false},
      {"less_from_now", "lastseen", Roll("IS_LESS_THAN_X_DAYS_FROM_NOW", 7), "2024-03-20T00:00:00Z",
       true},
      {"less_from_now_far", "lastseen", Roll("IS_LESS_THAN_X_DAYS_FROM_NOW", 7),
       "2024-03-22T12:00:00.001Z", false},
      {"less_from_now_past", "lastseen", Roll("IS_LESS_THAN_X_DAYS_FROM_NOW", 7),
       "2024-03-10T00:00:00Z", false},
      {"more_from_now", "lastseen", Roll("IS_MORE_THAN_X_DAYS_FROM_NOW", 7), "2024-03-30T00:00:00Z",
       true},
      {"more_from_now_near", "lastseen", Roll("IS_MORE_THAN_X_DAYS_FROM_NOW", 7),
       "2024-03-20T00:00:00Z", false},
      {"date_less_ago", "birthday", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-08", true},
      {"date_less_ago_old", "birthday", Roll("IS_LESS_THAN_X_DAYS_AGO", 7), "2024-03-07", false},
      {"date_more_ago", "birthday", Roll("IS_MORE_THAN_X_DAYS_AGO", 7), "2024-03-07", true},
      {"date_less_from_now", "birthday", Roll("IS_LESS_THAN_X_DAYS_FROM_NOW", 7), "2024-03-22",
       true},
      {"date_less_from_now_far", "birthday", Roll("IS_LESS_THAN_X_DAYS_FROM_NOW", 7), "2024-03-23",
       false},
      {"date_more_from_now", "birthday", Roll("IS_MORE_THAN_X_DAYS_FROM_NOW", 7), "2024-03-23",
       true},
      {"rolling_none", "lastseen", Roll("IS_MORE_THAN_X_DAYS_AGO", 7), "", false},
      {"rolling_none_incl", "lastseen", Roll("IS_MORE_THAN_X_DAYS_AGO", 7, true), "", true},
  };
}

std::vector<DateCase> All() {
  std::vector<DateCase> out;
  for (auto group : {DateTimeCases(), DateCases(), CalendarCases(), RollingCases()}) {
    out.insert(out.end(), group.begin(), group.end());
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Dates, DateOperationTest, ::testing::ValuesIn(All()),
                         [](const ::testing::TestParamInfo<DateCase>& info) {
                           return info.param.name;
                         });

TEST(DateFilterTest, RollingPropertyUpdated) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.AddRecord("0-1", 1);
  auto R = [](const std::string& op, bool include = false) {
    return Root(PropertyFilter("firstname",
                               Op("ROLLING_PROPERTY_UPDATED", op, "\"numberOfDays\":7", include)));
  };
  EXPECT_FALSE(Eval(ctx, R("UPDATED_IN_LAST_X_DAYS")));  // never set
  EXPECT_TRUE(Eval(ctx, R("NOT_UPDATED_IN_LAST_X_DAYS", true)));
  ctx.Set("0-1", 1, "firstname", "Ann", Ms("2024-02-01T00:00:00Z"));
  EXPECT_FALSE(Eval(ctx, R("UPDATED_IN_LAST_X_DAYS")));
  EXPECT_TRUE(Eval(ctx, R("NOT_UPDATED_IN_LAST_X_DAYS")));
  // Clearing the value is an update too.
  ctx.Set("0-1", 1, "firstname", "", Ms("2024-03-14T10:00:00Z"));
  EXPECT_TRUE(Eval(ctx, R("UPDATED_IN_LAST_X_DAYS")));
  EXPECT_FALSE(Eval(ctx, R("NOT_UPDATED_IN_LAST_X_DAYS")));
}

TEST(DateFilterTest, ComparativePropertyUpdated) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.Set("0-1", 1, "firstname", "Ann", Ms("2024-03-14T00:00:00Z"));
  auto C = [](const std::string& op, const std::string& def = "", bool include = false) {
    return Root(PropertyFilter(
        "firstname", Op("COMPARATIVE_PROPERTY_UPDATED", op,
                        R"("comparisonPropertyName":"nickname")" +
                            (def.empty() ? "" : R"(,"defaultComparisonValue":")" + def + "\""),
                        include)));
  };
  EXPECT_FALSE(Eval(ctx, C("IS_AFTER")));  // nickname never updated, no default
  EXPECT_TRUE(Eval(ctx, C("IS_AFTER", "", true)));
  EXPECT_TRUE(Eval(ctx, C("IS_BEFORE", "2024-03-20T00:00:00Z")));
  ctx.Set("0-1", 1, "nickname", "Annie", Ms("2024-03-01T00:00:00Z"));
  EXPECT_TRUE(Eval(ctx, C("IS_AFTER")));
  EXPECT_FALSE(Eval(ctx, C("IS_BEFORE")));
}

TEST(DateFilterTest, ComparativeDate) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.Set("0-1", 1, "lastseen", kSeen);
  auto C = [](const std::string& op, const std::string& def = "", bool include = false) {
    return Root(PropertyFilter(
        "lastseen", Op("COMPARATIVE_DATE", op,
                       R"("comparisonPropertyName":"other_date")" +
                           (def.empty() ? "" : R"(,"defaultComparisonValue":")" + def + "\""),
                       include)));
  };
  EXPECT_FALSE(Eval(ctx, C("IS_BEFORE")));
  EXPECT_TRUE(Eval(ctx, C("IS_BEFORE", "", true)));
  EXPECT_TRUE(Eval(ctx, C("IS_AFTER", "2024-03-01")));
  EXPECT_TRUE(Eval(ctx, C("IS_AFTER", T("2024-03-01T00:00:00Z"))));
  ctx.Set("0-1", 1, "other_date", "2024-03-12T00:00:00.000Z");
  EXPECT_TRUE(Eval(ctx, C("IS_BEFORE")));
  EXPECT_FALSE(Eval(ctx, C("IS_AFTER")));
}

}  // namespace
}  // namespace flowd::crm::filter::testing

namespace flowd::crm::filter::testing {
namespace {

TEST(DateFilterTest, ExtremeInstantsAreNotDates) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.zone = "America/New_York";
  ctx.Set("0-1", 1, "lastseen", "9223372036854775807");
  const std::string max = "9223372036854775807";
  EXPECT_FALSE(
      Eval(ctx, Root(PropertyFilter("lastseen", DT("IS_EQUAL_TO", "2024-01-01T00:00:00Z")))));
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter(
                            "lastseen", DT("IS_EQUAL_TO", "2024-01-01T00:00:00Z", true, true)))));
  ctx.Set("0-1", 1, "lastseen", "2024-01-01T00:00:00.000Z");
  EXPECT_TRUE(Eval(
      ctx, Root(PropertyFilter(
               "lastseen", Op("DATETIME", "IS_BEFORE",
                              "\"timestamp\":" + max + ",\"requiresTimeZoneConversion\":true")))));
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter(
                            "lastseen", Op("RANGED_DATE", "IS_BETWEEN",
                                           "\"lowerBound\":-9223372036854775807,\"upperBound\":" +
                                               max + ",\"requiresTimeZoneConversion\":true")))));
}

}  // namespace
}  // namespace flowd::crm::filter::testing
