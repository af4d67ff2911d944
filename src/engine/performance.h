// GET /automation/v4/flows/performance/{flowId}: the histogram's buckets (DAY, WEEK, MONTH in UTC,
// weeks starting on `firstDay`) and its series, counted from the recorded enrollments and steps.
// Pure functions but Series (which reads the engine store). Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/engine_store.h"

namespace flowd::engine {

inline constexpr size_t kMaxPerformanceBuckets = 1000;

struct PerformanceQuery {
  std::string bucket_type = "DAY";  // DAY | WEEK | MONTH
  std::optional<int64_t> start_ms;  // default: 30 days before end
  std::optional<int64_t> end_ms;    // default: now
  std::string first_day = "MONDAY";
};

struct Buckets {
  std::vector<int64_t> edges;       // ascending, buckets = edges.size() - 1
  std::vector<std::string> labels;  // "YYYY-MM-DD" of each bucket's first day
};

// kInvalidArgument (every problem listed) for an unknown bucket type or first day, end before
// start, or more than kMaxPerformanceBuckets buckets. The first bucket starts at the boundary at
// or before `start`; the last one ends at the first boundary after `end`.
Result<Buckets> MakeBuckets(const PerformanceQuery& q, int64_t now_ms);

struct DataPoint {
  std::string bucket;
  int64_t frequency = 0;
  std::string series;  // ENROLLED | COMPLETED | UNENROLLED | GOAL_MET | FAILED | ACTIONS_EXECUTED
};

Result<std::vector<DataPoint>> Series(store::EngineStore& store, int64_t account_id,
                                      int64_t flow_id, const PerformanceQuery& q, int64_t now_ms);

}  // namespace flowd::engine
