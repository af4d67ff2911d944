#include "flows/schedule.h"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <optional>
#include <set>

#include "crm/filter/time_zone.h"

namespace flowd::flows {
namespace {

namespace json = boost::json;
namespace chr = std::chrono;

constexpr int64_t kDayMs = 86'400'000;
// A yearly February 29 needs at most 8 years to recur; every other schedule fires within a year.
constexpr int kMaxDays = 8 * 366 + 2;

constexpr std::array<std::string_view, 7> kWeekdays = {
    "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"};
constexpr std::array<std::string_view, 12> kMonths = {
    "JANUARY", "FEBRUARY", "MARCH",     "APRIL",   "MAY",      "JUNE",
    "JULY",    "AUGUST",   "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
constexpr std::array<unsigned, 12> kMaxMonthDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

template <size_t N>
int IndexOf(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const json::value* Field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

std::optional<int64_t> Int(const json::value* v) {
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() <= INT64_MAX) return int64_t(v->as_uint64());
  return std::nullopt;
}

// What a valid schedule says, in the form the day search reads.
struct Plan {
  std::string type;
  int64_t time_ms = 0;            // local time of day
  unsigned weekdays = 0;          // WEEKLY: bit 0 = MONDAY
  std::set<unsigned> month_days;  // MONTHLY_SPECIFIC_DAYS
  std::string relative;           // MONTHLY_RELATIVE_DAYS
  unsigned month = 0, day = 0;    // YEARLY: 1-based
  DateSchedule date;              // PROPERTY_BASED
};

// Parses `schedule` into `plan`, adding a text to `problems` for everything wrong.
void Parse(const json::value& schedule, Plan& plan, std::vector<ScheduleProblem>& problems) {
  auto problem = [&](const std::string& field, const std::string& text) {
    const std::string at = "enrollmentSchedule" + (field.empty() ? "" : "." + field);
    problems.push_back({at, at + " " + text});
  };
  if (!schedule.is_object()) return problem("", "must be an object");
  const json::object& o = schedule.as_object();
  const json::value* type = Field(o, "type");
  if (!type || !type->is_string()) return problem("type", "is required");
  plan.type = std::string(type->as_string());
  static const std::set<std::string> kTypes = {
      "DAILY",  "WEEKLY",        "MONTHLY_SPECIFIC_DAYS", "MONTHLY_RELATIVE_DAYS",
      "YEARLY", "PROPERTY_BASED"};
  if (!kTypes.count(plan.type)) {
    return problem("type",
                   "must be one of DAILY, WEEKLY, MONTHLY_SPECIFIC_DAYS, "
                   "MONTHLY_RELATIVE_DAYS, YEARLY, PROPERTY_BASED (got " +
                       plan.type + ")");
  }
  const json::value* tod = Field(o, "timeOfDay");
  if (!tod || !tod->is_object()) {
    problem("timeOfDay", "is required ({hour, minute})");
  } else {
    auto h = Int(Field(tod->as_object(), "hour"));
    auto m = Int(Field(tod->as_object(), "minute"));
    if (!h || *h < 0 || *h > 23) problem("timeOfDay.hour", "must be an integer 0-23");
    if (!m || *m < 0 || *m > 59) problem("timeOfDay.minute", "must be an integer 0-59");
    if (h && m) plan.time_ms = (*h * 60 + *m) * 60'000;
  }
  if (plan.type == "PROPERTY_BASED") {
    plan.date.time_ms = plan.time_ms;
    const json::value* prop = Field(o, "dateProperty");
    if (!prop || !prop->is_string() || prop->as_string().empty()) {
      problem("dateProperty", "is required: the name of a date or datetime property");
    } else {
      plan.date.property = std::string(prop->as_string());
    }
    auto delta = Int(Field(o, "daysDelta"));
    if (!delta || *delta < -kMaxDaysDelta || *delta > kMaxDaysDelta) {
      problem("daysDelta", "must be an integer number of days from -" +
                               std::to_string(kMaxDaysDelta) + " to " +
                               std::to_string(kMaxDaysDelta));
    } else {
      plan.date.days_delta = *delta;
    }
    const json::value* yearly = Field(o, "yearly");
    if (!yearly || !yearly->is_bool()) {
      problem("yearly", "is required: true or false");
    } else {
      plan.date.yearly = yearly->as_bool();
    }
  } else if (plan.type == "WEEKLY") {
    const json::value* days = Field(o, "daysOfWeek");
    if (!days || !days->is_array() || days->as_array().empty()) {
      problem("daysOfWeek", "is required: one or more of MONDAY … SUNDAY");
    } else {
      for (const auto& d : days->as_array()) {
        int i = d.is_string() ? IndexOf(kWeekdays, d.as_string()) : -1;
        if (i < 0) {
          problem("daysOfWeek", "unknown day " + json::serialize(d));
        } else {
          plan.weekdays |= 1u << i;
        }
      }
    }
  } else if (plan.type == "MONTHLY_SPECIFIC_DAYS") {
    const json::value* days = Field(o, "daysOfMonth");
    if (!days || !days->is_array() || days->as_array().empty()) {
      problem("daysOfMonth", "is required: one or more days 1-31");
    } else {
      for (const auto& d : days->as_array()) {
        auto n = Int(&d);
        if (!n || *n < 1 || *n > 31) {
          problem("daysOfMonth", "must be days 1-31 (got " + json::serialize(d) + ")");
        } else {
          plan.month_days.insert(static_cast<unsigned>(*n));
        }
      }
    }
  } else if (plan.type == "MONTHLY_RELATIVE_DAYS") {
    const json::value* rel = Field(o, "monthlyRelativeDays");
    if (!rel || !rel->is_string() ||
        (rel->as_string() != "FIRST_MONDAY_OF_MONTH" && rel->as_string() != "LAST_DAY_OF_MONTH")) {
      problem("monthlyRelativeDays", "must be FIRST_MONDAY_OF_MONTH or LAST_DAY_OF_MONTH");
    } else {
      plan.relative = std::string(rel->as_string());
    }
  } else if (plan.type == "YEARLY") {
    const json::value* month = Field(o, "month");
    int m = month && month->is_string() ? IndexOf(kMonths, month->as_string()) : -1;
    if (m < 0) problem("month", "must be a month name, JANUARY … DECEMBER");
    auto d = Int(Field(o, "dayOfMonth"));
    if (!d || *d < 1 || *d > 31 || (m >= 0 && *d > kMaxMonthDays[m])) {
      problem("dayOfMonth", "must be a day that month has");
    }
    if (m >= 0 && d) {
      plan.month = static_cast<unsigned>(m + 1);
      plan.day = static_cast<unsigned>(*d);
    }
  }
}

bool Fires(const Plan& plan, chr::year_month_day date) {
  const unsigned day = static_cast<unsigned>(date.day());
  const unsigned last =
      static_cast<unsigned>(chr::year_month_day_last(date.year(), date.month() / chr::last).day());
  // Monday = 0.
  const unsigned weekday = (chr::weekday(chr::sys_days(date)).c_encoding() + 6) % 7;
  if (plan.type == "DAILY") return true;
  if (plan.type == "WEEKLY") return plan.weekdays & (1u << weekday);
  if (plan.type == "MONTHLY_SPECIFIC_DAYS") {
    if (plan.month_days.count(day)) return true;
    // A day past the month's end fires on its last day.
    return day == last && plan.month_days.upper_bound(last) != plan.month_days.end();
  }
  if (plan.type == "MONTHLY_RELATIVE_DAYS") {
    if (plan.relative == "FIRST_MONDAY_OF_MONTH") return weekday == 0 && day <= 7;
    return day == last;
  }
  if (plan.type == "YEARLY") {
    if (static_cast<unsigned>(date.month()) != plan.month) return false;
    return day == plan.day || (day == last && plan.day > last);
  }
  return false;
}

}  // namespace

std::vector<ScheduleProblem> ScheduleProblems(const json::value& schedule) {
  Plan plan;
  std::vector<ScheduleProblem> problems;
  Parse(schedule, plan, problems);
  return problems;
}

Result<int64_t> NextOccurrence(const json::value& schedule, int64_t after_ms,
                               const std::string& zone_id) {
  Plan plan;
  std::vector<ScheduleProblem> problems;
  Parse(schedule, plan, problems);
  if (!problems.empty()) return Error::Invalid(problems.front().message);
  if (plan.type == "PROPERTY_BASED") {
    return Error::Invalid("a PROPERTY_BASED schedule has a date per record (NextDateDue)");
  }
  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(zone_id));
  const int64_t local = zone->UtcToLocal(after_ms);
  int64_t day = local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
  // Start a day early: an occurrence late on the local day before can still be after `after_ms`
  // when the offset changed in between.
  for (int i = -1; i <= kMaxDays; ++i) {
    const int64_t d = day + i;
    chr::year_month_day date{chr::sys_days{chr::days{d}}};
    if (!Fires(plan, date)) continue;
    const int64_t at = zone->LocalToUtc(d * kDayMs + plan.time_ms);
    if (at > after_ms) return at;
  }
  return Error::Invalid("enrollmentSchedule never fires");
}

std::optional<DateSchedule> DateScheduleOf(const json::value& schedule) {
  Plan plan;
  std::vector<ScheduleProblem> problems;
  Parse(schedule, plan, problems);
  if (!problems.empty() || plan.type != "PROPERTY_BASED") return std::nullopt;
  return plan.date;
}

Result<std::optional<int64_t>> NextDateDue(const DateSchedule& schedule, int64_t date_ms,
                                           int64_t after_ms, const std::string& zone_id) {
  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(zone_id));
  // Day numbers (days since 1970-01-01) of local dates.
  auto day_of = [](int64_t local_ms) {
    return local_ms >= 0 ? local_ms / kDayMs : -((-local_ms + kDayMs - 1) / kDayMs);
  };
  // Keeps the calendar within what std::chrono's year holds (±32767).
  constexpr int64_t kMaxDay = 10'000'000;
  const int64_t date_day = day_of(zone->UtcToLocal(date_ms));
  if (date_day < -kMaxDay || date_day > kMaxDay) return std::optional<int64_t>();
  auto at = [&](int64_t anniversary_day) {
    return zone->LocalToUtc((anniversary_day + schedule.days_delta) * kDayMs + schedule.time_ms);
  };
  if (!schedule.yearly) {
    const int64_t due = at(date_day);
    return due > after_ms ? std::optional<int64_t>(due) : std::nullopt;
  }
  const chr::year_month_day date{chr::sys_days{chr::days{date_day}}};
  // The anniversary due after `after_ms` is in the year of (after - delta) or the next one; start
  // a year early for time zone offsets, and never before the date's own year.
  const int64_t after_day = day_of(after_ms) - schedule.days_delta;
  if (after_day > kMaxDay) return std::optional<int64_t>();
  int first = static_cast<int>(date.year());
  if (after_day > -kMaxDay) {
    first = std::max(
        first,
        static_cast<int>(chr::year_month_day{chr::sys_days{chr::days{after_day}}}.year()) - 1);
  }
  for (int y = first; y <= first + 3; ++y) {
    chr::year_month_day anniversary{chr::year{y}, date.month(), date.day()};
    if (!anniversary.ok()) anniversary = chr::year{y} / date.month() / chr::last;  // February 29
    const int64_t due = at(chr::sys_days{anniversary}.time_since_epoch().count());
    if (due > after_ms) return std::optional<int64_t>(due);
  }
  return std::optional<int64_t>();
}

}  // namespace flowd::flows
