// The CRM scenarios of the load generator (issue 3 §7), over /crm/v3/objects/contacts:
//   crm-batch-create  POST …/batch/create with 100 new contacts per request (unique emails);
//   crm-get           GET …/{id}, a random contact of a pool created first;
//   crm-search        POST …/search with one EQ filter on `email` (an indexed equality), a random
//                     contact of a seeded population.
// The setup (pool, population) goes through the same public API. A CrmWorkload is shared
// read-only between the load threads; per-connection state lives in ConnState.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "load/http_client.h"
#include "load/workload.h"

namespace flowd::bench {

struct CrmOptions {
  size_t population = 1000000;  // crm-search: contacts seeded before measuring
  size_t pool = 1000;           // crm-get: contacts created before measuring
  size_t parallel = 4;          // setup connections
};

// Contacts per batch/create request (HubSpot's batch limit).
inline constexpr size_t kCrmBatch = 100;

// The email of seeded contact `i` of a population of `population`. Deterministic, so a search
// can pick an existing one without knowing ids, and a later run can find the population again.
std::string SeedEmail(size_t population, size_t i);

class CrmWorkload {
 public:
  CrmWorkload(Scenario scenario, const RequestWriter& writer, CrmOptions options,
              std::vector<std::string> ids);

  // Contacts each successful request creates (crm-batch-create) or 1.
  size_t RecordsPerRequest() const;

  void NextRequest(ConnState& c, std::string& out) const;
  // True for the expected answer: 201 for batch create, 200 for get, 200 with total 1 for search
  // (the email exists once: anything else means the population or the index is wrong).
  bool OnResponse(ConnState& c, int status, std::string_view body) const;

 private:
  Scenario scenario_;
  const RequestWriter& writer_;
  CrmOptions options_;
  std::vector<std::string> get_targets_;
  std::string nonce_;  // makes batch-create emails unique across runs against one database
};

// Creates what `scenario` needs (the crm-get pool; the crm-search population unless a previous
// run seeded it: a marker contact is created once seeding completed) and returns the workload.
// Progress of a long seeding goes to stderr. False with `*error` on failure.
bool PrepareCrm(Scenario scenario, const Endpoint& ep, const RequestWriter& writer,
                const CrmOptions& options, std::shared_ptr<const CrmWorkload>* out,
                std::string* error);

}  // namespace flowd::bench
