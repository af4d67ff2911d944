// enrollmentSchedule: when a flow's scheduled re-evaluations happen (reference §6.5).
//
// An occurrence is a local wall-clock time (`timeOfDay`) on the days the schedule names, in the
// account's time zone: DAILY; WEEKLY (`daysOfWeek`); MONTHLY_SPECIFIC_DAYS (`daysOfMonth`, a day
// past a month's end meaning its last day); MONTHLY_RELATIVE_DAYS (FIRST_MONDAY_OF_MONTH,
// LAST_DAY_OF_MONTH); YEARLY (`month`, `dayOfMonth`, February 29 meaning February 28 in other
// years). A time skipped by a DST change moves forward by the gap; one repeated by it is the
// first instant. PROPERTY_BASED is a date per record rather than a pass over the records: a record
// enrolls at `dateProperty + daysDelta` days at `timeOfDay`, and with `yearly` on that date every
// year (DateSchedule, NextDateDue). Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::flows {

struct ScheduleProblem {
  std::string field;  // "enrollmentSchedule.daysOfWeek", …
  std::string message;
};
// Every problem of a schedule; empty when valid.
std::vector<ScheduleProblem> ScheduleProblems(const boost::json::value& schedule);

// The first occurrence strictly after `after_ms` (UTC epoch ms) in the zone `zone_id`.
// kInvalidArgument for a schedule ScheduleProblems refuses, or an unknown zone.
Result<int64_t> NextOccurrence(const boost::json::value& schedule, int64_t after_ms,
                               const std::string& zone_id);

// A PROPERTY_BASED schedule's fields.
struct DateSchedule {
  std::string property;    // dateProperty: a date or datetime property of the flow's type
  int64_t days_delta = 0;  // daysDelta, within ±kMaxDaysDelta
  bool yearly = false;     // every year on the (shifted) anniversary
  int64_t time_ms = 0;     // timeOfDay as ms after local midnight
  bool operator==(const DateSchedule&) const = default;
};
// flowd refuses a daysDelta beyond this many days (about 273 years) either way.
inline constexpr int64_t kMaxDaysDelta = 100'000;

// The fields of a valid PROPERTY_BASED schedule; nullopt for any other schedule or a PROPERTY_BASED
// one ScheduleProblems refuses.
std::optional<DateSchedule> DateScheduleOf(const boost::json::value& schedule);

// When a record whose date property holds the instant `date_ms` (a date property's UTC midnight,
// or a datetime: its local date counts) enrolls next, strictly after `after_ms`: the local date
// plus `days_delta` days at `time_ms` local time in the zone `zone_id`. With `yearly`, the
// anniversaries of the date from its own year on, each shifted the same way (February 29 is
// February 28 in other years); without, the one instant, or nullopt once it has passed.
// kInvalidArgument for an unknown zone.
Result<std::optional<int64_t>> NextDateDue(const DateSchedule& schedule, int64_t date_ms,
                                           int64_t after_ms, const std::string& zone_id);

}  // namespace flowd::flows
