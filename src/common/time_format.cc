#include "common/time_format.h"

#include <chrono>
#include <cstdio>

namespace flowd {

std::string FormatIso8601Ms(int64_t epoch_ms) {
  using namespace std::chrono;
  sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(epoch_ms)));
  year_month_day ymd(day);
  int64_t ms_of_day = epoch_ms - duration_cast<milliseconds>(day.time_since_epoch()).count();
  int h = static_cast<int>(ms_of_day / 3'600'000);
  int m = static_cast<int>(ms_of_day / 60'000 % 60);
  int s = static_cast<int>(ms_of_day / 1000 % 60);
  int ms = static_cast<int>(ms_of_day % 1000);
  // Hand-formatted: this runs twice per flow rendered (createdAt, updatedAt).
  int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h, m, s,
                  ms);
    return buf;
  }
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](int pos, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      buf[pos + i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, y, 4);
  put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  put(11, h, 2);
  put(14, m, 2);
  put(17, s, 2);
  put(20, ms, 3);
  return std::string(buf, 24);
}

std::optional<int64_t> ParseIso8601Ms(std::string_view text) {
  int y, mo, d, h, mi, s;
  int ms = 0;
  std::string t(text);
  int consumed = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6)
    return std::nullopt;
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int digits = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      if (digits < 3) ms = ms * 10 + (rest[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 3; ++k) ms *= 10;
    rest = rest.substr(i);
  }
  if (rest != "Z") return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  int64_t days_ms = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count();
  return days_ms + (h * 3600LL + mi * 60LL + s) * 1000 + ms;
}

}  // namespace flowd
