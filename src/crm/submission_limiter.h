// Bounds on HubSpot's public (unauthenticated) form submission endpoint: a per-client-IP request
// rate and sizes. Counted in process memory: a restart forgets the counts, and several flowd
// processes each count on their own (as the token rate limits do, docs/architecture.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace flowd::crm {

struct SubmissionLimits {
  size_t max_body_bytes = 64 * 1024;  // larger bodies: 413
  size_t max_fields = 500;            // fields[] entries per submission
  int64_t per_ip_per_minute = 60;     // submissions per client IP per minute: 429 beyond
  // IPs tracked at once. When that many IPs are inside their minute, new IPs are refused until
  // windows expire, so memory stays bounded under a flood from many addresses.
  size_t max_tracked_ips = 100'000;
};

// Fixed one-minute windows per client IP, starting at the IP's first request. Thread-safe.
class SubmissionLimiter {
 public:
  SubmissionLimiter(const Clock& clock, int64_t per_minute, size_t max_tracked)
      : clock_(clock), per_minute_(per_minute), max_tracked_(max_tracked) {}

  // Counts one request from `ip` and says whether it may proceed; when not, `retry_after_ms`
  // says when the IP's window ends.
  bool Admit(std::string_view ip, int64_t* retry_after_ms);

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t count = 0;
  };
  const Clock& clock_;
  const int64_t per_minute_;
  const size_t max_tracked_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace flowd::crm
