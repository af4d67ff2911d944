#include "crm/filter/values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "common/text.h"
#include "common/time_format.h"

namespace flowd::crm::filter::internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

namespace {

std::optional<int64_t> ParseInstantUnchecked(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return std::nullopt;
  if (auto ms = ParseInt(s)) return ms;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    auto ms = ParseIso8601Ms(std::string(s) + "T00:00:00Z");
    if (!ms || FormatIso8601Ms(*ms).substr(0, 10) != s) return std::nullopt;
    return ms;
  }
  if (s.size() < 20) return std::nullopt;
  if (s.back() == 'Z' || s.back() == 'z') {
    std::string z(s);
    z.back() = 'Z';
    return ParseIso8601Ms(z);
  }
  // A ±hh:mm or ±hhmm offset.
  const size_t sign = s.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 19) return std::nullopt;
  std::string off(s.substr(sign + 1));
  off.erase(std::remove(off.begin(), off.end(), ':'), off.end());
  if (off.size() != 4 || !std::all_of(off.begin(), off.end(), ::isdigit)) return std::nullopt;
  const int64_t minutes = std::stoi(off.substr(0, 2)) * 60 + std::stoi(off.substr(2, 2));
  auto base = ParseIso8601Ms(std::string(s.substr(0, sign)) + "Z");
  if (!base) return std::nullopt;
  return *base - (s[sign] == '-' ? -1 : 1) * minutes * 60000;
}

}  // namespace

std::optional<int64_t> ParseInstant(std::string_view text) {
  auto t = ParseInstantUnchecked(text);
  if (!t || *t < kMinInstantMs || *t > kMaxInstantMs) return std::nullopt;
  return t;
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string s(Trim(text));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  // strtod accepts hex and "inf"/"nan" spellings; a number here is decimal.
  if (s.find_first_of("xXnN") != std::string::npos) return std::nullopt;
  return d;
}

std::optional<bool> ParseBool(std::string_view text) {
  const std::string l = AsciiLower(Trim(text));
  if (l == "true") return true;
  if (l == "false") return false;
  return std::nullopt;
}

std::vector<std::string> SplitOptions(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= value.size()) {
    size_t j = value.find(';', i);
    if (j == std::string_view::npos) j = value.size();
    std::string_view part = Trim(value.substr(i, j - i));
    if (!part.empty()) out.push_back(AsciiLower(part));
    i = j + 1;
  }
  return out;
}

int MonthFromText(std::string_view text) {
  static const char* kNames[] = {"JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                                 "MAY",       "JUNE",     "JULY",     "AUGUST",
                                 "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"};
  std::string up(Trim(text));
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up.empty()) return 0;
  if (auto n = ParseInt(up); n && *n >= 1 && *n <= 12) return static_cast<int>(*n);
  for (int i = 0; i < 12; ++i) {
    const std::string name = kNames[i];
    if (up == name || (up.size() == 3 && name.compare(0, 3, up) == 0)) return i + 1;
  }
  return 0;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t DayNumber(int64_t local_ms) { return FloorDiv(local_ms, kDayMs); }

Civil ToCivil(int64_t local_ms) {
  using namespace std::chrono;
  const int64_t days_n = DayNumber(local_ms);
  const year_month_day ymd{sys_days(days(days_n))};
  Civil c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.ms_of_day = local_ms - days_n * kDayMs;
  return c;
}

int DaysInMonth(int64_t year, int month) {
  using namespace std::chrono;
  return static_cast<int>(static_cast<unsigned>(
      year_month_day_last(std::chrono::year(static_cast<int>(year)),
                          month_day_last(std::chrono::month(static_cast<unsigned>(month))))
          .day()));
}

int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  // Carry the month into the year first.
  const int64_t m0 = month - 1;
  year += FloorDiv(m0, 12);
  const int m = static_cast<int>(m0 - FloorDiv(m0, 12) * 12) + 1;
  year = std::clamp<int64_t>(year, -30000, 30000);
  const int64_t d = std::clamp<int64_t>(day, 1, DaysInMonth(year, m));
  using namespace std::chrono;
  return sys_days(year_month_day{std::chrono::year(static_cast<int>(year)),
                                 std::chrono::month(static_cast<unsigned>(m)),
                                 std::chrono::day(static_cast<unsigned>(d))})
      .time_since_epoch()
      .count();
}

int Weekday(int64_t day_number) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(((day_number % 7) + 7 + 4) % 7);
}

int64_t UnitStart(int64_t day, CalendarUnit unit, int fiscal_start_month) {
  const Civil c = ToCivil(day * kDayMs);
  switch (unit) {
    case CalendarUnit::kDay:
      return day;
    case CalendarUnit::kWeek:
      return day - ((Weekday(day) - kWeekStartsOn + 7) % 7);
    case CalendarUnit::kMonth:
      return DaysFromCivil(c.year, c.month, 1);
    case CalendarUnit::kQuarter:
    case CalendarUnit::kYear: {
      const int fs = fiscal_start_month >= 1 && fiscal_start_month <= 12 ? fiscal_start_month : 1;
      // Months elapsed since the start of the (fiscal) year containing `day`.
      const int since = (c.month - fs + 12) % 12;
      const int back = unit == CalendarUnit::kYear ? since : since % 3;
      return DaysFromCivil(c.year, c.month - back, 1);
    }
  }
  return day;
}

int64_t AddUnits(int64_t start, CalendarUnit unit, int64_t count) {
  const Civil c = ToCivil(start * kDayMs);
  switch (unit) {
    case CalendarUnit::kDay:
      return start + count;
    case CalendarUnit::kWeek:
      return start + 7 * count;
    case CalendarUnit::kMonth:
      return DaysFromCivil(c.year, c.month + count, c.day);
    case CalendarUnit::kQuarter:
      return DaysFromCivil(c.year, c.month + 3 * count, c.day);
    case CalendarUnit::kYear:
      return DaysFromCivil(c.year + count, c.month, c.day);
  }
  return start;
}

}  // namespace flowd::crm::filter::internal
