// Internal to crm/filter: reading stored property text (and event property text) as the values
// the operations compare, and the civil-time arithmetic of day, week, month, quarter and year
// boundaries. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "crm/filter/filter_program.h"

namespace flowd::crm::filter::internal {

inline constexpr int64_t kDayMs = 86400000;
// Instants are kept within years 0001-9999 (the calendar arithmetic's domain): stored values
// outside it are not dates, timestamps in filters are clamped into it.
inline constexpr int64_t kMinInstantMs = -62135596800000;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxInstantMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
inline int64_t ClampInstant(int64_t ms) {
  return ms < kMinInstantMs ? kMinInstantMs : ms > kMaxInstantMs ? kMaxInstantMs : ms;
}
// Weeks start on Sunday, as in HubSpot's date filters and reports (0 = Sunday).
inline constexpr int kWeekStartsOn = 0;

// An instant from stored text: epoch milliseconds, "YYYY-MM-DD" (midnight UTC) or ISO 8601 with
// "Z" or a ±hh:mm offset. nullopt when it is none of these.
std::optional<int64_t> ParseInstant(std::string_view text);
// A finite number ("12", "-3.5", "1e3"); surrounding spaces allowed.
std::optional<double> ParseNumber(std::string_view text);
// "true" / "false", any case.
std::optional<bool> ParseBool(std::string_view text);
// The options of an enumeration value ("a;b;c"), trimmed, lower-cased, empty parts dropped.
std::vector<std::string> SplitOptions(std::string_view value);
// Month 1-12 from "JAN", "January", "1", "01"; 0 when not a month.
int MonthFromText(std::string_view text);

// ---- civil time: "local ms" are milliseconds since the epoch of a wall clock read as UTC.

struct Civil {
  int64_t year = 1970;
  int month = 1, day = 1;
  int64_t ms_of_day = 0;
};

int64_t FloorDiv(int64_t a, int64_t b);
int64_t DayNumber(int64_t local_ms);  // days since 1970-01-01
Civil ToCivil(int64_t local_ms);
// Days since the epoch of a civil date; the month may lie outside 1-12 (it carries into the
// year) and the day is clamped to the month's length.
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);
int Weekday(int64_t day_number);  // 0 = Sunday
int DaysInMonth(int64_t year, int month);

// The first day (day number) of the calendar unit containing `day`; fiscal quarters and years
// start in `fiscal_start_month` (1 = January, which makes them calendar ones).
int64_t UnitStart(int64_t day, CalendarUnit unit, int fiscal_start_month);
// `start` moved by `count` units (count may be negative).
int64_t AddUnits(int64_t start, CalendarUnit unit, int64_t count);

}  // namespace flowd::crm::filter::internal
