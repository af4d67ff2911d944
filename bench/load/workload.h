// What the load generator sends: the flow scenarios (get, list, create, put, mixed), the flows
// they need created beforehand, and what each response teaches (the next revisionId of a PUT).
// The CRM scenarios (crm-*) are delegated to a CrmWorkload (load/crm_workload.h).
// A Workload is shared read-only between threads; each connection has its own ConnState.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/http_client.h"

namespace flowd::bench {

enum class Scenario { kGet, kList, kCreate, kPut, kMixed, kCrmBatchCreate, kCrmGet, kCrmSearch };

bool IsCrmScenario(Scenario s);

bool ParseScenario(std::string_view text, Scenario* out);
std::string_view ScenarioName(Scenario s);

struct FlowRef {
  std::string id;
  std::string revision;
};

// Creates `count` flows over `parallel` blocking keep-alive connections. False with `*error` on
// the first failure.
bool CreateFlows(const Endpoint& ep, const RequestWriter& writer, size_t count, size_t parallel,
                 std::vector<FlowRef>* out, std::string* error);

struct ConnState {
  size_t index = 0;  // the connection's number
  uint64_t rng = 0;
  uint64_t sequence = 0;
  FlowRef own;  // put / mixed: the flow this connection updates
  enum class Pending { kOther, kPut, kResync } pending = Pending::kOther;
  bool needs_resync = false;  // the last PUT failed: GET the flow for its current revision
};

class CrmWorkload;

class Workload {
 public:
  // `pool`: flows read by get/mixed. `owned`: one flow per connection for put/mixed.
  // `crm`: the requests of a crm-* scenario (required for them, ignored otherwise).
  Workload(Scenario scenario, const RequestWriter& writer, std::vector<FlowRef> pool,
           std::shared_ptr<const CrmWorkload> crm = nullptr);

  Scenario scenario() const { return scenario_; }
  bool NeedsPool() const;
  bool NeedsOwnedFlows() const;
  // Records each successful request stands for (100 for crm-batch-create), else 1.
  size_t RecordsPerRequest() const;

  // Initial state of connection number `index`.
  ConnState NewConn(size_t index, FlowRef own) const;

  // Appends the next request of `c` to `out`.
  void NextRequest(ConnState& c, std::string& out) const;

  // Digests a complete response to the request last written for `c`. True when it counts as a
  // success (2xx).
  bool OnResponse(ConnState& c, int status, std::string_view body) const;

 private:
  static uint64_t NextRandom(uint64_t& s);
  void AppendGet(const std::string& target, std::string& out) const;
  void AppendPut(ConnState& c, std::string& out) const;

  Scenario scenario_;
  const RequestWriter& writer_;
  std::vector<FlowRef> pool_;
  std::vector<std::string> get_targets_;   // "/automation/v4/flows/{id}" per pool flow
  std::string create_head_, create_tail_;  // around the flow name
  std::string put_tail_;
  std::shared_ptr<const CrmWorkload> crm_;
};

}  // namespace flowd::bench
