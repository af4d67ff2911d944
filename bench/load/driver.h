// The two ways the load generator drives its connections: a few threads multiplexing
// non-blocking sockets with epoll, or one thread per connection with blocking I/O. Both run a
// closed loop (one request in flight per connection, sent as soon as the previous response is
// complete) and only count responses completed inside the measurement window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/histogram.h"
#include "load/http_client.h"
#include "load/workload.h"

namespace flowd::bench {

// Monotonic clock in nanoseconds.
uint64_t NowNs();

struct Window {
  uint64_t warm_end_ns = 0;  // responses completed before this are not counted
  uint64_t end_ns = 0;       // the run stops here
};

struct LoadStats {
  LatencyHistogram latency_ns;  // of 2xx and non-2xx responses
  uint64_t ok = 0;              // 2xx responses
  uint64_t non_2xx = 0;
  uint64_t broken = 0;  // connections that broke (reset, closed mid-request, unparsable)
  std::string first_error;

  void Merge(const LoadStats& other);
};

enum class IoModel { kEpoll, kBlocking };

// Runs `states.size()` connections until `window.end_ns`; `threads` is used by kEpoll only
// (kBlocking runs one thread per connection). Returns the merged statistics.
LoadStats RunLoad(IoModel model, size_t threads, const Endpoint& ep, const Workload& workload,
                  std::vector<ConnState> states, const Window& window);

}  // namespace flowd::bench
