// Per-token request budgets: a rolling ten-second window and a UTC-day window, as HubSpot
// enforces them. State lives in this process's memory (a restart forgets the counts; several
// flowd processes on one database each count on their own — documented in docs/architecture.md).
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/auth.h"
#include "common/clock.h"

namespace flowd::auth {

struct RateDecision {
  bool allowed = true;
  std::string policy;  // "TEN_SECONDLY_ROLLING" or "DAILY" when refused
  // Values for the X-HubSpot-RateLimit-* headers, after counting this request.
  int64_t ten_secondly_max = 0, ten_secondly_remaining = 0;
  int64_t daily_max = 0, daily_remaining = 0;
  int64_t retry_after_ms = 0;  // when refused
};

class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // Counts one request of `principal` unless a limit is exhausted. `exempt_ten_secondly` for
  // operations HubSpot exempts from the burst limit (flow create / update). A refused request is
  // not counted. Tokens without limits always pass (and cost one map lookup less: none).
  RateDecision Check(const Principal& principal, bool exempt_ten_secondly);

 private:
  // The rolling window is kept as ten one-second buckets.
  struct State {
    int64_t bucket_second[10] = {};
    int64_t bucket_count[10] = {};
    int64_t day = -1;
    int64_t day_count = 0;
  };
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<int64_t, State> states_;
};

}  // namespace flowd::auth
