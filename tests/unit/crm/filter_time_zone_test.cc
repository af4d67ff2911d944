// Time zones: UTC, fixed offsets, IANA zones from the system tz database (DST gaps, overlaps,
// the POSIX footer rule past the last transition).
#include <gtest/gtest.h>

#include "crm/filter/time_zone.h"
#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

int32_t OffsetOf(const std::string& zone, const std::string& iso) {
  auto z = TimeZone::Find(zone);
  EXPECT_TRUE(z.ok()) << zone;
  return z.ok() ? z.value()->OffsetAt(Ms(iso)) : 0;
}

TEST(TimeZoneTest, UtcAndFixedOffsets) {
  EXPECT_EQ(OffsetOf("UTC", "2024-03-15T12:00:00Z"), 0);
  EXPECT_EQ(OffsetOf("Z", "2024-03-15T12:00:00Z"), 0);
  EXPECT_EQ(OffsetOf("Etc/UTC", "2024-03-15T12:00:00Z"), 0);
  EXPECT_EQ(OffsetOf("+05:30", "2024-03-15T12:00:00Z"), 19800);
  EXPECT_EQ(OffsetOf("+0530", "2024-03-15T12:00:00Z"), 19800);
  EXPECT_EQ(OffsetOf("-08:00", "2024-03-15T12:00:00Z"), -28800);
  EXPECT_EQ(OffsetOf("+3", "2024-03-15T12:00:00Z"), 10800);
  EXPECT_EQ(OffsetOf("UTC+01:00", "2024-03-15T12:00:00Z"), 3600);
  EXPECT_EQ(OffsetOf("GMT-5", "2024-03-15T12:00:00Z"), -18000);
}

TEST(TimeZoneTest, RefusesUnknownAndUnsafeIds) {
  for (const char* id : {"+25:00", "+05:3", "Mars/Olympus", "../etc/passwd", "", "/etc/passwd",
                         "America/../../etc/passwd", "UTC+x"}) {
    auto z = TimeZone::Find(id);
    ASSERT_FALSE(z.ok()) << id;
    EXPECT_EQ(z.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(TimeZoneTest, NewYorkOffsetsAcrossDaylightSaving) {
  EXPECT_EQ(OffsetOf("America/New_York", "2024-01-15T12:00:00Z"), -18000);
  EXPECT_EQ(OffsetOf("America/New_York", "2024-07-15T12:00:00Z"), -14400);
  // The change at 2024-03-10 07:00 UTC (02:00 EST).
  EXPECT_EQ(OffsetOf("America/New_York", "2024-03-10T06:59:59Z"), -18000);
  EXPECT_EQ(OffsetOf("America/New_York", "2024-03-10T07:00:00Z"), -14400);
  EXPECT_EQ(OffsetOf("US/Eastern", "2024-07-15T12:00:00Z"), -14400);
}

TEST(TimeZoneTest, FarFutureUsesThePosixRule) {
  EXPECT_EQ(OffsetOf("America/New_York", "2100-07-01T12:00:00Z"), -14400);
  EXPECT_EQ(OffsetOf("America/New_York", "2100-01-01T12:00:00Z"), -18000);
  EXPECT_EQ(OffsetOf("Australia/Sydney", "2100-01-15T12:00:00Z"), 39600);
  EXPECT_EQ(OffsetOf("Australia/Sydney", "2100-07-15T12:00:00Z"), 36000);
}

TEST(TimeZoneTest, LocalToUtcGapsAndOverlaps) {
  auto ny = TimeZone::Find("America/New_York").value();
  // Ordinary times.
  EXPECT_EQ(ny->LocalToUtc(Ms("2024-01-15T09:00:00Z")), Ms("2024-01-15T14:00:00Z"));
  EXPECT_EQ(ny->LocalToUtc(Ms("2024-07-15T09:00:00Z")), Ms("2024-07-15T13:00:00Z"));
  // 02:30 does not exist on 2024-03-10: it reads as 03:30 EDT.
  EXPECT_EQ(ny->LocalToUtc(Ms("2024-03-10T02:30:00Z")), Ms("2024-03-10T07:30:00Z"));
  // 01:30 happens twice on 2024-11-03: the earlier (EDT) instant.
  EXPECT_EQ(ny->LocalToUtc(Ms("2024-11-03T01:30:00Z")), Ms("2024-11-03T05:30:00Z"));
  EXPECT_EQ(ny->UtcToLocal(Ms("2024-07-15T13:00:00Z")), Ms("2024-07-15T09:00:00Z"));
}

TEST(TimeZoneTest, PosixRules) {
  auto us = TimeZone::ParsePosix("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us.valid);
  EXPECT_EQ(us.std_offset_s, -18000);
  EXPECT_TRUE(us.has_dst);
  EXPECT_EQ(us.dst_offset_s, -14400);
  EXPECT_EQ(us.start.month, 3);
  EXPECT_EQ(us.start.week, 2);
  EXPECT_EQ(us.end.month, 11);
  auto tehran = TimeZone::ParsePosix("<+0330>-3:30");
  ASSERT_TRUE(tehran.valid);
  EXPECT_EQ(tehran.std_offset_s, 12600);
  EXPECT_FALSE(tehran.has_dst);
  auto syd = TimeZone::ParsePosix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(syd.valid);
  EXPECT_EQ(syd.end.time_s, 3 * 3600);
  auto julian = TimeZone::ParsePosix("XXX3YYY,J60/2,300");
  ASSERT_TRUE(julian.valid);
  EXPECT_EQ(julian.start.kind, 'J');
  EXPECT_EQ(julian.end.kind, 'n');
  for (const char* bad : {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0"}) {
    EXPECT_FALSE(TimeZone::ParsePosix(bad).valid) << bad;
  }
}

TEST(TimeZoneTest, MalformedTzifIsRefused) {
  EXPECT_FALSE(TimeZone::FromTzif("x", "").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "TZif2 garbage").ok());
  std::string header(44, '\0');
  header.replace(0, 4, "TZif");
  header[4] = '2';
  header[39] = 1;  // typecnt = 1, but no data follows
  EXPECT_FALSE(TimeZone::FromTzif("x", header).ok());
}

}  // namespace
}  // namespace flowd::crm::filter::testing
