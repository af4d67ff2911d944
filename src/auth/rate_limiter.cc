#include "auth/rate_limiter.h"

#include <algorithm>

namespace flowd::auth {

RateDecision RateLimiter::Check(const Principal& principal, bool exempt_ten_secondly) {
  RateDecision d;
  const RateLimits& lim = principal.limits;
  if (lim.ten_secondly == 0 && lim.daily == 0) return d;
  const int64_t now_ms = clock_.NowMs();
  const int64_t second = now_ms / 1000;
  const int64_t day = now_ms / 86'400'000;

  std::lock_guard<std::mutex> lock(mu_);
  State& s = states_[principal.token_id];
  if (s.day != day) {
    s.day = day;
    s.day_count = 0;
  }
  int64_t window = 0;
  for (int i = 0; i < 10; ++i) {
    if (s.bucket_second[i] > second - 10) window += s.bucket_count[i];
  }
  d.ten_secondly_max = lim.ten_secondly;
  d.daily_max = lim.daily;
  if (lim.daily > 0 && s.day_count >= lim.daily) {
    d.allowed = false;
    d.policy = "DAILY";
    d.retry_after_ms = (day + 1) * 86'400'000 - now_ms;
  } else if (lim.ten_secondly > 0 && !exempt_ten_secondly && window >= lim.ten_secondly) {
    d.allowed = false;
    d.policy = "TEN_SECONDLY_ROLLING";
    // The oldest bucket still in the window frees up first.
    int64_t oldest = second;
    for (int i = 0; i < 10; ++i) {
      if (s.bucket_second[i] > second - 10 && s.bucket_count[i] > 0) {
        oldest = std::min(oldest, s.bucket_second[i]);
      }
    }
    d.retry_after_ms = (oldest + 10) * 1000 - now_ms;
  }
  if (d.allowed) {
    int idx = static_cast<int>(second % 10);
    if (s.bucket_second[idx] != second) {
      s.bucket_second[idx] = second;
      s.bucket_count[idx] = 0;
    }
    if (!exempt_ten_secondly) {
      ++s.bucket_count[idx];
      ++window;
    }
    ++s.day_count;
  }
  d.ten_secondly_remaining =
      lim.ten_secondly > 0 ? std::max<int64_t>(0, lim.ten_secondly - window) : 0;
  d.daily_remaining = lim.daily > 0 ? std::max<int64_t>(0, lim.daily - s.day_count) : 0;
  return d;
}

}  // namespace flowd::auth
