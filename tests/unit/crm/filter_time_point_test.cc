// TIME_POINT and TIME_RANGED operations and the time points they use: DATE points in zones,
// INDEXED references (NOW, TODAY, WEEK, MONTH, QUARTER, YEAR, FISCAL_*) with offsets,
// PROPERTY_REFERENCED points, property parsers (UPDATED_AT, ANNIVERSARY, same-local).
// Now is Friday 2024-03-15 12:00 UTC.
#include <gtest/gtest.h>

#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

std::string DatePoint(int y, int m, int d, const std::string& zone = "UTC",
                      const std::string& clock = "") {
  return R"({"timeType":"DATE","timezoneSource":"CUSTOM","zoneId":")" + zone + R"(","year":)" +
         std::to_string(y) + ",\"month\":" + std::to_string(m) + ",\"day\":" + std::to_string(d) +
         clock + "}";
}

std::string Indexed(const std::string& reference, const std::string& offset = "",
                    const std::string& zone = "UTC") {
  return R"({"timeType":"INDEXED","timezoneSource":"CUSTOM","zoneId":")" + zone +
         R"(","indexReference":)" + reference + (offset.empty() ? "" : ",\"offset\":" + offset) +
         "}";
}

std::string PropertyPoint(const std::string& property, const std::string& ref = "VALUE") {
  return R"({"timeType":"PROPERTY_REFERENCED","zoneId":"UTC","property":")" + property +
         R"(","referenceType":")" + ref + "\"}";
}

std::string PointOp(const std::string& op, const std::string& point, const std::string& extra = "",
                    bool include = false) {
  return R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":")" + op +
         R"(","includeObjectsWithNoValueSet":)" + (include ? "true" : "false") +
         R"(,"timePoint":)" + point + extra + "}";
}

std::string RangeOp(const std::string& op, const std::string& lo, const std::string& hi,
                    const std::string& extra = "", bool include = false) {
  return R"({"type":"TIME_RANGED","operationType":"TIME_RANGED","operator":")" + op +
         R"(","includeObjectsWithNoValueSet":)" + (include ? "true" : "false") +
         R"(,"lowerBoundTimePoint":)" + lo + R"(,"upperBoundTimePoint":)" + hi + extra + "}";
}

class TimePointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddContactProperties(ctx_);
    ctx_.AddRecord("0-1", 1);
  }
  bool Check(const std::string& property, const std::string& operation) {
    return Eval(ctx_, Root(PropertyFilter(property, operation)));
  }
  // Whether `point` resolves to exactly `iso` (and not a millisecond either side).
  void ExpectPoint(const std::string& point, const std::string& iso) {
    const std::string op = RangeOp("IS_BETWEEN", point, point);
    const int64_t t = Ms(iso);
    ctx_.Set("0-1", 1, "lastseen", FormatIso8601Ms(t));
    EXPECT_TRUE(Check("lastseen", op)) << point << " should be " << iso;
    ctx_.Set("0-1", 1, "lastseen", FormatIso8601Ms(t - 1));
    EXPECT_FALSE(Check("lastseen", op)) << point;
    ctx_.Set("0-1", 1, "lastseen", FormatIso8601Ms(t + 1));
    EXPECT_FALSE(Check("lastseen", op)) << point;
  }
  FakeContext ctx_;
};

TEST_F(TimePointTest, IndexedReferences) {
  ExpectPoint(Indexed(R"({"referenceType":"NOW"})"), "2024-03-15T12:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"NOW"})", R"({"hours":-1})"), "2024-03-15T11:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"NOW"})", R"({"days":-3})"), "2024-03-12T12:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})"), "2024-03-15T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY","hour":9,"minute":30})"), "2024-03-15T09:30:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", R"({"days":-5})"), "2024-03-10T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", R"({"weeks":2})"), "2024-03-29T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", R"({"months":1})"), "2024-04-15T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", R"({"quarters":-1})"),
              "2023-12-15T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", R"({"years":1,"milliseconds":5})"),
              "2025-03-15T00:00:00.005Z");
  // The week runs Sunday 10 – Saturday 16 March.
  ExpectPoint(Indexed(R"({"referenceType":"WEEK","dayOfWeek":"SUNDAY"})"), "2024-03-10T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"WEEK","dayOfWeek":"MONDAY"})"), "2024-03-11T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"WEEK","dayOfWeek":"SATURDAY","hour":23})"),
              "2024-03-16T23:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"MONTH","day":1})"), "2024-03-01T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"MONTH","day":31})"), "2024-03-31T00:00:00Z");
  // 31 March minus a month clamps to the end of February.
  ExpectPoint(Indexed(R"({"referenceType":"MONTH","day":31})", R"({"months":-1})"),
              "2024-02-29T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"QUARTER","month":2,"day":15})"), "2024-02-15T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"YEAR","month":12,"day":31})"), "2024-12-31T00:00:00Z");
}

TEST_F(TimePointTest, FiscalReferencesUseTheAccountsFiscalYear) {
  ctx_.fiscal_start = 2;  // fiscal quarters Feb–Apr, May–Jul, …
  ExpectPoint(Indexed(R"({"referenceType":"FISCAL_QUARTER","month":1,"day":1})"),
              "2024-02-01T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"FISCAL_QUARTER","month":3,"day":31})"),
              "2024-04-30T00:00:00Z");
  ctx_.fiscal_start = 4;  // fiscal year April 2023 – March 2024
  ExpectPoint(Indexed(R"({"referenceType":"FISCAL_YEAR","month":1,"day":1})"),
              "2023-04-01T00:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"FISCAL_YEAR","month":12,"day":31})"),
              "2024-03-31T00:00:00Z");
}

TEST_F(TimePointTest, ZonesOfPoints) {
  // New York is on EDT (UTC-4) since 10 March.
  ExpectPoint(Indexed(R"({"referenceType":"TODAY"})", "", "America/New_York"),
              "2024-03-15T04:00:00Z");
  ExpectPoint(Indexed(R"({"referenceType":"NOW","hour":9})", "", "America/New_York"),
              "2024-03-15T13:00:00Z");
  ExpectPoint(DatePoint(2024, 3, 10, "+05:30"), "2024-03-09T18:30:00Z");
  ExpectPoint(DatePoint(2024, 1, 10, "America/New_York", R"(,"hour":9)"), "2024-01-10T14:00:00Z");
  ExpectPoint(
      DatePoint(2024, 3, 10, "UTC", R"(,"hour":23,"minute":59,"second":59,"millisecond":999)"),
      "2024-03-10T23:59:59.999Z");
}

TEST_F(TimePointTest, TimePointOperation) {
  ctx_.Set("0-1", 1, "lastseen", "2024-03-10T15:30:00.000Z");
  EXPECT_TRUE(Check("lastseen", PointOp("IS_AFTER", DatePoint(2024, 3, 10))));
  EXPECT_FALSE(Check("lastseen", PointOp("IS_BEFORE", DatePoint(2024, 3, 10))));
  // 11:30 EDT on 10 March is exactly the value: exclusive by default.
  const std::string exact = DatePoint(2024, 3, 10, "America/New_York", R"(,"hour":11,"minute":30)");
  EXPECT_FALSE(Check("lastseen", PointOp("IS_AFTER", exact)));
  EXPECT_TRUE(Check("lastseen", PointOp("IS_AFTER", exact, R"(,"endpointBehavior":"INCLUSIVE")")));
  EXPECT_TRUE(Check("lastseen", PointOp("IS_BEFORE", exact, R"(,"endpointBehavior":"INCLUSIVE")")));
  EXPECT_TRUE(Check(
      "lastseen", PointOp("IS_AFTER", Indexed(R"({"referenceType":"TODAY"})", R"({"days":-5})"))));
  EXPECT_TRUE(Check("lastseen", PointOp("IS_BEFORE", Indexed(R"({"referenceType":"NOW"})"))));
  // Relative to another property.
  EXPECT_FALSE(Check("lastseen", PointOp("IS_BEFORE", PropertyPoint("other_date"))));
  EXPECT_TRUE(Check("lastseen", PointOp("IS_BEFORE", PropertyPoint("other_date"), "", true)));
  ctx_.Set("0-1", 1, "other_date", "2024-03-12T00:00:00.000Z");
  EXPECT_TRUE(Check("lastseen", PointOp("IS_BEFORE", PropertyPoint("other_date"))));
  EXPECT_FALSE(Check("lastseen", PointOp("IS_AFTER", PropertyPoint("other_date"))));
  // No value.
  EXPECT_FALSE(Check("birthday", PointOp("IS_AFTER", DatePoint(2000, 1, 1))));
  EXPECT_TRUE(Check("birthday", PointOp("IS_AFTER", DatePoint(2000, 1, 1), "", true)));
}

TEST_F(TimePointTest, PropertyParsers) {
  // UPDATED_AT applies to any property type.
  ctx_.Set("0-1", 1, "firstname", "Ann", Ms("2024-03-14T10:00:00Z"));
  const std::string updated = R"(,"propertyParser":"UPDATED_AT")";
  EXPECT_TRUE(Check(
      "firstname",
      PointOp("IS_AFTER", Indexed(R"({"referenceType":"TODAY"})", R"({"days":-2})"), updated)));
  EXPECT_FALSE(
      Check("firstname", PointOp("IS_AFTER", Indexed(R"({"referenceType":"TODAY"})"), updated)));
  EXPECT_TRUE(Check("firstname",
                    RangeOp("IS_BETWEEN", Indexed(R"({"referenceType":"TODAY"})", R"({"days":-7})"),
                            Indexed(R"({"referenceType":"NOW"})"), updated)));
  // Anniversaries: this year's birthday.
  ctx_.Set("0-1", 1, "birthday", "1990-05-20");
  const std::string anniversary = R"(,"propertyParser":"ANNIVERSARY")";
  EXPECT_TRUE(
      Check("birthday", PointOp("IS_AFTER", Indexed(R"({"referenceType":"TODAY"})"), anniversary)));
  ctx_.Set("0-1", 1, "birthday", "1990-01-20");
  EXPECT_FALSE(
      Check("birthday", PointOp("IS_AFTER", Indexed(R"({"referenceType":"TODAY"})"), anniversary)));
  // Same-local conversion: a midnight-UTC date read as midnight in New York.
  ctx_.Set("0-1", 1, "birthday", "2024-03-10");
  const std::string same_local = R"(,"propertyParser":"VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION")";
  const std::string ny_midnight = DatePoint(2024, 3, 10, "America/New_York");
  EXPECT_TRUE(Check("birthday", RangeOp("IS_BETWEEN", ny_midnight, ny_midnight, same_local)));
  EXPECT_FALSE(Check("birthday", RangeOp("IS_BETWEEN", ny_midnight, ny_midnight)));
}

TEST_F(TimePointTest, AnniversaryAcrossTheYearEnd) {
  ctx_.now = Ms("2024-12-28T12:00:00Z");
  const std::string op = RangeOp("IS_BETWEEN", Indexed(R"({"referenceType":"TODAY"})"),
                                 Indexed(R"({"referenceType":"TODAY"})", R"({"days":7})"),
                                 R"(,"propertyParser":"ANNIVERSARY")");
  ctx_.Set("0-1", 1, "birthday", "1990-01-02");
  EXPECT_TRUE(Check("birthday", op));
  ctx_.Set("0-1", 1, "birthday", "1990-01-10");
  EXPECT_FALSE(Check("birthday", op));
  ctx_.Set("0-1", 1, "birthday", "1990-12-30");
  EXPECT_TRUE(Check("birthday", op));
  // Born on 29 February: the 28th in common years.
  ctx_.now = Ms("2023-02-27T12:00:00Z");
  ctx_.Set("0-1", 1, "birthday", "1996-02-29");
  EXPECT_TRUE(
      Check("birthday", RangeOp("IS_BETWEEN", DatePoint(2023, 2, 28), DatePoint(2023, 2, 28),
                                R"(,"propertyParser":"ANNIVERSARY")")));
}

TEST_F(TimePointTest, TimeRangedOperation) {
  ctx_.Set("0-1", 1, "lastseen", "2024-03-10T15:30:00.000Z");
  // "Is equal to date" as HubSpot's UI writes it.
  const std::string day = RangeOp(
      "IS_BETWEEN", DatePoint(2024, 3, 10),
      DatePoint(2024, 3, 10, "UTC", R"(,"hour":23,"minute":59,"second":59,"millisecond":999)"),
      R"(,"lowerBoundEndpointBehavior":"INCLUSIVE","upperBoundEndpointBehavior":"INCLUSIVE","propertyParser":"VALUE")");
  EXPECT_TRUE(Check("lastseen", day));
  // "In the last 5 days".
  EXPECT_TRUE(Check("lastseen",
                    RangeOp("IS_BETWEEN", Indexed(R"({"referenceType":"TODAY"})", R"({"days":-5})"),
                            Indexed(R"({"referenceType":"NOW"})"))));
  EXPECT_FALSE(Check(
      "lastseen", RangeOp("IS_BETWEEN", Indexed(R"({"referenceType":"TODAY"})", R"({"days":-4})"),
                          Indexed(R"({"referenceType":"NOW"})"))));
  EXPECT_TRUE(Check("lastseen", RangeOp("IS_NOT_BETWEEN",
                                        Indexed(R"({"referenceType":"TODAY"})", R"({"days":-4})"),
                                        Indexed(R"({"referenceType":"NOW"})"))));
  // Exclusive bounds.
  const std::string exact = DatePoint(2024, 3, 10, "UTC", R"(,"hour":15,"minute":30)");
  EXPECT_TRUE(Check("lastseen", RangeOp("IS_BETWEEN", exact, DatePoint(2024, 3, 11))));
  EXPECT_FALSE(Check("lastseen", RangeOp("IS_BETWEEN", exact, DatePoint(2024, 3, 11),
                                         R"(,"lowerBoundEndpointBehavior":"EXCLUSIVE")")));
  EXPECT_FALSE(Check("lastseen", RangeOp("IS_BETWEEN", DatePoint(2024, 3, 9), exact,
                                         R"(,"upperBoundEndpointBehavior":"EXCLUSIVE")")));
  // No value.
  EXPECT_FALSE(Check("other_date", RangeOp("IS_NOT_BETWEEN", exact, exact)));
  EXPECT_TRUE(Check("other_date", RangeOp("IS_NOT_BETWEEN", exact, exact, "", true)));
}

}  // namespace
}  // namespace flowd::crm::filter::testing
