#include "crm/submission_limiter.h"

#include <algorithm>

namespace flowd::crm {

namespace {
constexpr int64_t kWindowMs = 60'000;
}  // namespace

bool SubmissionLimiter::Admit(std::string_view ip, int64_t* retry_after_ms) {
  const int64_t now = clock_.NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(std::string(ip));
  if (it == windows_.end()) {
    if (windows_.size() >= max_tracked_) {
      // Forget the IPs whose minute is over; if every tracked IP is still inside its minute, the
      // newcomer waits for the oldest window to end.
      int64_t oldest = now;
      for (auto w = windows_.begin(); w != windows_.end();) {
        if (now - w->second.start_ms >= kWindowMs) {
          w = windows_.erase(w);
        } else {
          oldest = std::min(oldest, w->second.start_ms);
          ++w;
        }
      }
      if (windows_.size() >= max_tracked_) {
        if (retry_after_ms) *retry_after_ms = oldest + kWindowMs - now;
        return false;
      }
    }
    it = windows_.emplace(std::string(ip), Window{now, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start_ms >= kWindowMs) w = Window{now, 0};
  if (w.count >= per_minute_) {
    if (retry_after_ms) *retry_after_ms = w.start_ms + kWindowMs - now;
    return false;
  }
  ++w.count;
  return true;
}

}  // namespace flowd::crm
