#include "engine/performance.h"

#include <array>

namespace flowd::engine {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// Howard Hinnant's civil-from-days and days-from-civil (proleptic Gregorian, UTC).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Label(int64_t day) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(day, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

constexpr std::array<const char*, 7> kDays = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                              "FRIDAY", "SATURDAY", "SUNDAY"};

}  // namespace

Result<Buckets> MakeBuckets(const PerformanceQuery& q, int64_t now_ms) {
  std::vector<ErrorDetail> problems;
  auto problem = [&](std::string msg, std::string in) {
    problems.push_back({std::move(msg), std::move(in), "INVALID_PARAMETER", {}});
  };
  if (q.bucket_type != "DAY" && q.bucket_type != "WEEK" && q.bucket_type != "MONTH") {
    problem("bucketType must be one of DAY, WEEK, MONTH", "bucketType");
  }
  int first_day = -1;
  for (size_t i = 0; i < kDays.size(); ++i) {
    if (q.first_day == kDays[i]) first_day = static_cast<int>(i);
  }
  if (first_day < 0) problem("firstDay must be a day of the week such as MONDAY", "firstDay");
  const int64_t end = q.end_ms.value_or(now_ms);
  const int64_t start = q.start_ms.value_or(end - 30 * kDayMs);
  if (end < start) problem("end must not be before start", "end");
  if (!problems.empty()) return Error::InvalidList(std::move(problems));

  Buckets b;
  int64_t day = FloorDiv(start, kDayMs);
  if (q.bucket_type == "WEEK") {
    // 1970-01-01 was a Thursday (index 3 from Monday).
    const int64_t weekday = ((day % 7) + 7 + 3) % 7;
    day -= (weekday - first_day + 7) % 7;
  } else if (q.bucket_type == "MONTH") {
    int64_t y;
    unsigned m, d;
    CivilFromDays(day, y, m, d);
    day = DaysFromCivil(y, m, 1);
  }
  while (true) {
    b.edges.push_back(day * kDayMs);
    if (day * kDayMs > end) break;
    if (b.edges.size() > kMaxPerformanceBuckets) {
      return Error::InvalidList(
          {{"the range holds more than " + std::to_string(kMaxPerformanceBuckets) +
                " buckets: narrow it or use a larger bucketType",
            "start",
            "INVALID_PARAMETER",
            {}}});
    }
    b.labels.push_back(Label(day));
    if (q.bucket_type == "DAY") {
      day += 1;
    } else if (q.bucket_type == "WEEK") {
      day += 7;
    } else {
      int64_t y;
      unsigned m, d;
      CivilFromDays(day, y, m, d);
      day = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
    }
  }
  return b;
}

Result<std::vector<DataPoint>> Series(store::EngineStore& store, int64_t account_id,
                                      int64_t flow_id, const PerformanceQuery& q, int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(Buckets b, MakeBuckets(q, now_ms));
  FLOWD_ASSIGN_OR_RETURN(store::PerformanceCounts counts,
                         store.Performance(account_id, flow_id, b.edges));
  const std::pair<const char*, const std::vector<int64_t>*> series[] = {
      {"ENROLLED", &counts.enrolled},     {"COMPLETED", &counts.completed},
      {"UNENROLLED", &counts.unenrolled}, {"GOAL_MET", &counts.goal_met},
      {"FAILED", &counts.failed},         {"ACTIONS_EXECUTED", &counts.actions}};
  std::vector<DataPoint> out;
  for (const auto& [name, values] : series) {
    for (size_t i = 0; i < b.labels.size(); ++i) {
      out.push_back({b.labels[i], i < values->size() ? (*values)[i] : 0, name});
    }
  }
  return out;
}

}  // namespace flowd::engine
