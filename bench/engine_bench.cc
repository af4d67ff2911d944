// flowd_engine_bench: the engine's targets (DESIGN.md §5) measured without HTTP, on the real store
// and the real engine (trigger index, executor, actions), on one machine.
//
//   flowd_engine_bench steps   [--db URL] [--enrollments 20000] [--chain 5]
//       durable steps/s: N manual enrollments of a flow of `chain` set-property actions, run to
//       completion by the engine's executor; every step is a committed transaction share.
//   flowd_engine_bench bulk    [--db URL] [--records 1000000]
//       bulk enrollment: N contacts (their creation events read), then a LIST_BASED flow enabled
//       (enroll existing records): time and CPU until every enrollment is committed, then the
//       time the executor takes for their first steps.
//   flowd_engine_bench delays  [--db URL] [--enrollments 1000000]
//       pending delays: N enrollments waiting in a 1-day delay; RSS of the process afterwards.
//   flowd_engine_bench restart [--db URL]
//       time to open the store and load the engine on an existing database (run after `delays`).
//
// Prints one JSON line per measurement. The database is created if missing; use a fresh path
// per run for comparable figures.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crm/property_service.h"
#include "engine/engine.h"
#include "flows/flow_service.h"
#include "store/store.h"

namespace flowd::bench {
namespace {

namespace json = boost::json;

struct Options {
  std::string db = "sqlite:/tmp/flowd-engine-bench.db";
  size_t enrollments = 20000;
  size_t chain = 5;
  size_t records = 1000000;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

int Die(const Error& e) {
  std::fprintf(stderr, "flowd_engine_bench: %s\n", e.message.c_str());
  for (const auto& d : e.details)
    std::fprintf(stderr, "  %s: %s\n", d.in.c_str(), d.message.c_str());
  return 1;
}

#define BENCH_TRY(expr)                               \
  do {                                                \
    auto&& bench_st = (expr);                         \
    if (!bench_st.ok()) return Die(bench_st.error()); \
  } while (0)

json::object SetProperty(size_t id, bool last) {
  json::object a{
      {"type", "SINGLE_CONNECTION"},
      {"actionId", std::to_string(id)},
      {"actionTypeId", "0-5"},
      {"actionTypeVersion", 0},
      {"fields",
       json::object{{"property_name", "lifecyclestage"},
                    {"value", json::object{{"type", "STATIC_VALUE"},
                                           {"staticValue", id % 2 ? "lead" : "customer"}}}}}};
  if (!last) {
    a["connection"] =
        json::object{{"edgeType", "STANDARD"}, {"nextActionId", std::to_string(id + 1)}};
  }
  return a;
}

json::object Flow(json::array actions, json::object criteria) {
  return json::object{{"type", "CONTACT_FLOW"},
                      {"objectTypeId", "0-1"},
                      {"flowType", "WORKFLOW"},
                      {"isEnabled", true},
                      {"name", "bench"},
                      {"startActionId", "1"},
                      {"actions", std::move(actions)},
                      {"enrollmentCriteria", std::move(criteria)},
                      {"timeWindows", json::array{}},
                      {"blockedDates", json::array{}},
                      {"customProperties", json::object{}},
                      {"dataSources", json::array{}},
                      {"suppressionListIds", json::array{}},
                      {"canEnrollFromSalesforce", false}};
}

struct World {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crm::PropertyService> properties;
  std::unique_ptr<flows::FlowService> flows;
  std::unique_ptr<engine::Engine> engine;
  int64_t account = 0;
};

Result<World> Open(const Options& o) {
  World w;
  FLOWD_ASSIGN_OR_RETURN(w.store, store::Store::Open(o.db));
  FLOWD_TRY(w.store->Migrate());
  Clock& clock = SystemClock::Instance();
  w.properties = std::make_unique<crm::PropertyService>(w.store->properties(), clock);
  w.flows = std::make_unique<flows::FlowService>(w.store->flows(), clock);
  engine::EngineOptions eo;
  eo.poll_ms = 1;
  w.engine =
      std::make_unique<engine::Engine>(*w.store, *w.properties, clock, engine::EngineClients{}, eo);
  FLOWD_TRY(w.engine->Load());
  w.flows->set_change_sink(w.engine.get());
  FLOWD_ASSIGN_OR_RETURN(auto accounts, w.store->accounts().ListAccounts());
  if (accounts.empty()) {
    FLOWD_ASSIGN_OR_RETURN(auto a, w.store->accounts().CreateAccount("bench", clock.NowMs()));
    w.account = a.id;
  } else {
    w.account = accounts[0].id;
  }
  return w;
}

Result<std::vector<int64_t>> Contacts(World& w, size_t n) {
  std::vector<int64_t> ids;
  const int64_t now = SystemClock::Instance().NowMs();
  store::ObjectWriteOptions opts;
  opts.unique_properties = {"email"};
  opts.lookup_properties = {"lifecyclestage"};
  for (size_t i = 0; i < n; i += 500) {
    std::vector<std::vector<store::PropertyWrite>> batch;
    for (size_t j = i; j < std::min(n, i + 500); ++j) {
      batch.push_back({{"email", "bench" + std::to_string(now) + "-" + std::to_string(j) + "@x.io"},
                       {"lifecyclestage", "subscriber"}});
    }
    FLOWD_ASSIGN_OR_RETURN(auto made,
                           w.store->objects().CreateObjects(w.account, "0-1", batch, opts, now));
    for (const auto& r : made) ids.push_back(r.id);
  }
  return ids;
}

Result<int64_t> CountEnrollments(World& w, int64_t flow_id, std::optional<std::string> status) {
  int64_t n = 0;
  store::EnrollmentFilter f;
  f.status = std::move(status);
  f.limit = 1000;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(auto page, w.store->engine().ListEnrollments(w.account, flow_id, f));
    n += static_cast<int64_t>(page.enrollments.size());
    if (!page.next_after) return n;
    f.after_id = page.next_after;
  }
}

// User + system CPU time of the process so far (steadier than wall time on a shared machine).
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int Steps(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  json::array actions;
  for (size_t i = 1; i <= o.chain; ++i) actions.push_back(SetProperty(i, i == o.chain));
  auto flow = w->flows->Create(
      w->account,
      Flow(std::move(actions), json::object{{"type", "MANUAL"}, {"shouldReEnroll", false}}));
  if (!flow.ok()) return Die(flow.error());
  auto ids = Contacts(*w, o.enrollments);
  if (!ids.ok()) return Die(ids.error());
  for (size_t i = 0; i < ids->size(); i += 1000) {
    std::vector<int64_t> part(ids->begin() + i, ids->begin() + std::min(ids->size(), i + 1000));
    BENCH_TRY(w->engine->EnrollObjects(w->account, flow->id, part, "MANUAL"));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  BENCH_TRY(w->engine->RunUntilIdle(3'600'000));
  const double secs = Seconds(t0);
  const double cpu = CpuSeconds() - cpu0;
  auto done = CountEnrollments(*w, flow->id, "COMPLETED");
  if (!done.ok()) return Die(done.error());
  const double steps = static_cast<double>(o.enrollments * o.chain);
  std::printf("%s\n", json::serialize(json::object{{"scenario", "steps"},
                                                   {"enrollments", o.enrollments},
                                                   {"completed", *done},
                                                   {"steps", steps},
                                                   {"seconds", secs},
                                                   {"steps_per_s", steps / secs},
                                                   {"cpu_us_per_step", cpu * 1e6 / steps}})
                          .c_str());
  return *done == static_cast<int64_t>(o.enrollments) ? 0 : 1;
}

int Bulk(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  auto ids = Contacts(*w, o.records);
  if (!ids.ok()) return Die(ids.error());
  // The records exist before the flow does: their creation events are read first (as they would
  // have been long before in a running server), so what follows is the enrollment pass alone.
  BENCH_TRY(w->engine->RunUntilIdle(3'600'000));
  json::object branch{
      {"filterBranchType", "OR"},
      {"filterBranchOperator", "OR"},
      {"filters", json::array{}},
      {"filterBranches",
       json::array{json::object{
           {"filterBranchType", "AND"},
           {"filterBranchOperator", "AND"},
           {"filterBranches", json::array{}},
           {"filters",
            json::array{json::object{
                {"filterType", "PROPERTY"},
                {"property", "lifecyclestage"},
                {"operation", json::object{{"operationType", "ENUMERATION"},
                                           {"operator", "IS_ANY_OF"},
                                           {"values", json::array{"subscriber"}},
                                           {"includeObjectsWithNoValueSet", false}}}}}}}}}};
  json::array actions{
      json::object{{"type", "SINGLE_CONNECTION"},
                   {"actionId", "1"},
                   {"actionTypeId", "0-1"},
                   {"actionTypeVersion", 0},
                   {"fields", json::object{{"delta", "1440"}, {"time_unit", "MINUTES"}}}}};
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto flow = w->flows->Create(
      w->account, Flow(std::move(actions),
                       json::object{{"type", "LIST_BASED"},
                                    {"shouldReEnroll", false},
                                    {"unEnrollObjectsNotMeetingCriteria", false},
                                    {"listFilterBranch", branch},
                                    {"reEnrollmentTriggersFilterBranches", json::array{}}}));
  if (!flow.ok()) return Die(flow.error());
  // Enrolled: every enrollment and its first job committed (trigger passes only).
  while (true) {
    auto more = w->engine->ConsumeEvents();
    if (!more.ok()) return Die(more.error());
    if (!*more) break;
  }
  const double secs = Seconds(t0);
  const double cpu = CpuSeconds() - cpu0;
  // Then the first step of each (the delay) runs: the executor's work, reported apart.
  const auto t1 = std::chrono::steady_clock::now();
  BENCH_TRY(w->engine->RunUntilIdle(3'600'000));
  const double step_secs = Seconds(t1);
  auto n = CountEnrollments(*w, flow->id, std::nullopt);
  if (!n.ok()) return Die(n.error());
  std::printf("%s\n", json::serialize(json::object{{"scenario", "bulk"},
                                                   {"records", o.records},
                                                   {"enrolled", *n},
                                                   {"seconds", secs},
                                                   {"records_per_s", *n / secs},
                                                   {"cpu_us_per_record", cpu * 1e6 / *n},
                                                   {"first_steps_seconds", step_secs}})
                          .c_str());
  return 0;
}

int Delays(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  json::array actions{
      json::object{{"type", "SINGLE_CONNECTION"},
                   {"actionId", "1"},
                   {"actionTypeId", "0-1"},
                   {"actionTypeVersion", 0},
                   {"fields", json::object{{"delta", "1440"}, {"time_unit", "MINUTES"}}},
                   {"connection", json::object{{"edgeType", "STANDARD"}, {"nextActionId", "2"}}}},
      SetProperty(2, true)};
  auto flow = w->flows->Create(
      w->account,
      Flow(std::move(actions), json::object{{"type", "MANUAL"}, {"shouldReEnroll", false}}));
  if (!flow.ok()) return Die(flow.error());
  auto ids = Contacts(*w, o.enrollments);
  if (!ids.ok()) return Die(ids.error());
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < ids->size(); i += 1000) {
    std::vector<int64_t> part(ids->begin() + i, ids->begin() + std::min(ids->size(), i + 1000));
    BENCH_TRY(w->engine->EnrollObjects(w->account, flow->id, part, "MANUAL"));
  }
  BENCH_TRY(w->engine->RunUntilIdle(3'600'000));  // every enrollment reaches its delay
  const double secs = Seconds(t0);
  auto depth = w->store->engine().Depth(SystemClock::Instance().NowMs());
  if (!depth.ok()) return Die(depth.error());
  std::printf("%s\n", json::serialize(json::object{{"scenario", "delays"},
                                                   {"enrollments", o.enrollments},
                                                   {"pending_jobs", depth->pending},
                                                   {"seconds", secs},
                                                   {"rss_mb", RssKb() / 1024.0}})
                          .c_str());
  return 0;
}

int Restart(const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  auto due = w->engine->ExecuteDue();  // the first claim after a restart
  if (!due.ok()) return Die(due.error());
  const double secs = Seconds(t0);
  auto depth = w->store->engine().Depth(SystemClock::Instance().NowMs());
  if (!depth.ok()) return Die(depth.error());
  std::printf("%s\n", json::serialize(json::object{{"scenario", "restart"},
                                                   {"pending_jobs", depth->pending},
                                                   {"seconds_to_first_claim", secs},
                                                   {"rss_mb", RssKb() / 1024.0}})
                          .c_str());
  return 0;
}

}  // namespace
}  // namespace flowd::bench

int main(int argc, char** argv) {
  using namespace flowd::bench;
  CLI::App app{"flowd engine benchmarks", "flowd_engine_bench"};
  app.require_subcommand(1);
  Options o;
  auto add = [&](const char* name, const char* help) {
    auto* c = app.add_subcommand(name, help);
    c->add_option("--db", o.db, "Database URL")->capture_default_str();
    return c;
  };
  auto* steps = add("steps", "durable steps/s");
  steps->add_option("--enrollments", o.enrollments)->capture_default_str();
  steps->add_option("--chain", o.chain, "set-property actions per enrollment")
      ->capture_default_str();
  auto* bulk = add("bulk", "bulk enrollment of existing records");
  bulk->add_option("--records", o.records)->capture_default_str();
  auto* delays = add("delays", "pending delays and RSS");
  delays->add_option("--enrollments", o.enrollments)->capture_default_str();
  auto* restart = add("restart", "open + load + first claim on an existing database");
  CLI11_PARSE(app, argc, argv);
  if (*steps) return Steps(o);
  if (*bulk) return Bulk(o);
  if (*delays) return Delays(o);
  if (*restart) return Restart(o);
  return 2;
}
