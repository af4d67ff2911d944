// enrollmentSchedule: when a flow's scheduled re-evaluations happen (reference §6.5).
//
// An occurrence is a local wall-clock time (`timeOfDay`) on the days the schedule names, in the
// account's time zone: DAILY; WEEKLY (`daysOfWeek`); MONTHLY_SPECIFIC_DAYS (`daysOfMonth`, a day
// past a month's end meaning its last day); MONTHLY_RELATIVE_DAYS (FIRST_MONDAY_OF_MONTH,
// LAST_DAY_OF_MONTH); YEARLY (`month`, `dayOfMonth`, February 29 meaning February 28 in other
// years). A time skipped by a DST change moves forward by the gap; one repeated by it is the
// first instant. PROPERTY_BASED (a date per record) is not a pass over the records and is
// refused (ScheduleProblems). Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
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

}  // namespace flowd::flows
