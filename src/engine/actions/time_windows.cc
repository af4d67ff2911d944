// NextAllowedMoment: a flow's `timeWindows` ({day, startTime?, endTime?}: the flow may run actions
// on `day` from startTime (default 00:00) until endTime (default the end of the day); several
// windows may share a day; no windows: any time) and `blockedDates` ({month, dayOfMonth, year?}:
// no actions that whole local day, every year when year is absent), in the account's time zone.
// A window whose end is not after its start is empty (flowd does not read it as overnight).
#include <algorithm>
#include <chrono>
#include <vector>

#include "crm/filter/time_zone.h"
#include "engine/actions/action_util.h"

namespace flowd::engine {

namespace json = boost::json;
namespace chr = std::chrono;
using actions::IntField;
using actions::TextField;

namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMinuteMs = 60'000;
// Blocked dates can rule out at most every day of a year (plus a leap day); the search gives up
// after that.
constexpr int kMaxDays = 2 * 366 + 8;

struct Window {
  int weekday = 0;  // 0 = MONDAY
  int64_t start_ms = 0;
  int64_t end_ms = kDayMs;  // within the day
};

struct Blocked {
  int year = 0;  // 0: every year
  unsigned month = 0;
  unsigned day = 0;
};

int Index(std::string_view name, std::initializer_list<std::string_view> names) {
  int i = 0;
  for (auto n : names) {
    if (n == name) return i;
    ++i;
  }
  return -1;
}

Result<int64_t> TimeOfDayMs(const json::object& w, std::string_view key, int64_t fallback) {
  const json::value* v = w.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_object()) return Error::Invalid(std::string(key) + " must be {hour, minute}");
  auto h = IntField(v->get_object(), "hour");
  auto m = IntField(v->get_object(), "minute").value_or(0);
  if (!h || *h < 0 || *h > 24 || m < 0 || m > 59 || (*h == 24 && m != 0)) {
    return Error::Invalid(std::string(key) + " needs an hour 0-23 and a minute 0-59");
  }
  return (*h * 60 + m) * kMinuteMs;
}

}  // namespace

Result<int64_t> NextAllowedMoment(const json::object& flow, int64_t t_ms,
                                  const std::string& tz_id) {
  std::vector<Window> windows;
  if (const auto* list = actions::ArrayField(flow, "timeWindows")) {
    for (const auto& v : *list) {
      if (!v.is_object()) return Error::Invalid("a time window must be an object");
      const json::object& w = v.get_object();
      int day =
          Index(TextField(w, "day").value_or(""),
                {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"});
      if (day < 0) return Error::Invalid("a time window needs a day MONDAY..SUNDAY");
      FLOWD_ASSIGN_OR_RETURN(int64_t start, TimeOfDayMs(w, "startTime", 0));
      FLOWD_ASSIGN_OR_RETURN(int64_t end, TimeOfDayMs(w, "endTime", kDayMs));
      if (end > start) windows.push_back({day, start, end});
    }
    if (windows.empty() && !list->empty()) {
      return Error::Invalid("the flow's time windows are all empty");
    }
  }
  std::sort(windows.begin(), windows.end(),
            [](const Window& a, const Window& b) { return a.start_ms < b.start_ms; });
  std::vector<Blocked> blocked;
  if (const auto* list = actions::ArrayField(flow, "blockedDates")) {
    for (const auto& v : *list) {
      if (!v.is_object()) return Error::Invalid("a blocked date must be an object");
      const json::object& b = v.get_object();
      int month = Index(TextField(b, "month").value_or(""),
                        {"JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
                         "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"});
      auto day = IntField(b, "dayOfMonth");
      if (month < 0 || !day || *day < 1 || *day > 31) {
        return Error::Invalid("a blocked date needs a month and a dayOfMonth");
      }
      blocked.push_back({static_cast<int>(IntField(b, "year").value_or(0)),
                         static_cast<unsigned>(month + 1), static_cast<unsigned>(*day)});
    }
  }
  if (windows.empty() && blocked.empty()) return t_ms;

  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(tz_id));
  const int64_t local_t = zone->UtcToLocal(t_ms);
  int64_t day = local_t >= 0 ? local_t / kDayMs : (local_t - kDayMs + 1) / kDayMs;
  for (int i = 0; i < kMaxDays; ++i, ++day) {
    chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
    bool is_blocked = std::any_of(blocked.begin(), blocked.end(), [&](const Blocked& b) {
      return (b.year == 0 || chr::year{b.year} == ymd.year()) &&
             chr::month{b.month} == ymd.month() && chr::day{b.day} == ymd.day();
    });
    if (is_blocked) continue;
    const int64_t midnight = day * kDayMs;
    const int64_t from = std::max(local_t, midnight);  // local ms
    if (windows.empty()) return std::max(t_ms, zone->LocalToUtc(from));
    const int weekday = actions::WeekdayIndex(midnight);
    for (const Window& w : windows) {
      if (w.weekday != weekday || from >= midnight + w.end_ms) continue;
      int64_t at = std::max(from, midnight + w.start_ms);
      return std::max(t_ms, zone->LocalToUtc(at));
    }
  }
  return Error::Invalid("the flow's blocked dates and time windows leave no time to run");
}

}  // namespace flowd::engine
