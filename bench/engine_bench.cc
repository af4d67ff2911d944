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
//   flowd_engine_bench latency [--db URL] [--triggers 1000]
//       trigger → first action: a contact update through crm::ObjectService (the API's path)
//       that a LIST_BASED flow enrolls on, with the engine's threads running as under `flowd
//       serve`; time from the write's commit to the commit of the flow's first step (both seen
//       through the store's change notices). One trigger at a time; p50/p99.
//   flowd_engine_bench lateness [--db URL] [--due 10000] [--window-ms 10000] [--pending 0]
//       timer lateness: `due` delays expiring evenly over the window (starting 5 s after they
//       are written; the store is then closed and opened again, as after a restart), next to
//       `pending` delays a day away, written through EngineStore::Enroll (first_run_at_ms). Per
//       job: its step's commit time − run_at, p50/p99; RSS after Load and the peak while the due
//       jobs run.
//
// Prints one JSON line per measurement. The database is created if missing; use a fresh path
// per run for comparable figures.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "crm/object_service.h"
#include "crm/property_service.h"
#include "crm/schema_service.h"
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
  size_t triggers = 1000;
  size_t due = 10000;
  int64_t window_ms = 10000;
  size_t pending = 0;
  int64_t poll_ms = 0;  // > 0: no wake-ups, the workers poll this often (the engine before them)
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A field of /proc/self/status in kB: VmRSS (all), RssAnon (the heap: what the process holds),
// RssFile (pages of mapped files: SQLite's mmap of the database, shared and reclaimable).
long StatusKb(const char* field = "VmRSS:") {
  std::ifstream f("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(f, line)) {
    if (line.compare(0, n, field) == 0) return std::stol(line.substr(n));
  }
  return 0;
}
long RssKb() { return StatusKb(); }

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The p-th percentile (0..100) of `v` (sorted here), nearest rank.
double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.5);
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// Between the store and the engine, as `flowd serve` connects them (the engine is told of
// committed changes), noting when each commit that appended CRM events was reported.
class CommitWatch final : public store::ChangeListener {
 public:
  // `forward`: whether the engine is told (false: it polls).
  CommitWatch(engine::Engine& engine, bool forward) : engine_(engine), forward_(forward) {}
  void Changed(uint32_t kinds) override {
    if (forward_) engine_.Changed(kinds);
    if (!(kinds & store::kEventsAppended)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      times_.push_back(std::chrono::steady_clock::now());
    }
    cv_.notify_all();
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return times_.size();
  }
  // The time of the n-th (0-based) event commit, waiting up to 10 s for it.
  std::optional<std::chrono::steady_clock::time_point> Wait(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10), [&] { return times_.size() > n; })) {
      return std::nullopt;
    }
    return times_[n];
  }

 private:
  engine::Engine& engine_;
  const bool forward_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::chrono::steady_clock::time_point> times_;
};

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

json::object SetFirstname(const std::string& value) {
  return json::object{
      {"type", "SINGLE_CONNECTION"},
      {"actionId", "1"},
      {"actionTypeId", "0-5"},
      {"actionTypeVersion", 0},
      {"fields",
       json::object{{"property_name", "firstname"},
                    {"value", json::object{{"type", "STATIC_VALUE"}, {"staticValue", value}}}}}};
}

// A LIST_BASED enrollment on lifecyclestage being `stage`.
json::object StageIs(const std::string& stage) {
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
                                           {"values", json::array{stage}},
                                           {"includeObjectsWithNoValueSet", false}}}}}}}}}};
  return json::object{{"type", "LIST_BASED"},
                      {"shouldReEnroll", false},
                      {"unEnrollObjectsNotMeetingCriteria", false},
                      {"listFilterBranch", std::move(branch)},
                      {"reEnrollmentTriggersFilterBranches", json::array{}}};
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

json::object Manual() { return json::object{{"type", "MANUAL"}, {"shouldReEnroll", false}}; }

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
  if (o.poll_ms > 0) eo.idle_ms = o.poll_ms;
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

int Steps(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  json::array actions;
  for (size_t i = 1; i <= o.chain; ++i) actions.push_back(SetProperty(i, i == o.chain));
  auto flow = w->flows->Create(w->account, Flow(std::move(actions), Manual()));
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
  json::array actions{
      json::object{{"type", "SINGLE_CONNECTION"},
                   {"actionId", "1"},
                   {"actionTypeId", "0-1"},
                   {"actionTypeVersion", 0},
                   {"fields", json::object{{"delta", "1440"}, {"time_unit", "MINUTES"}}}}};
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto flow = w->flows->Create(w->account, Flow(std::move(actions), StageIs("subscriber")));
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
  auto flow = w->flows->Create(w->account, Flow(std::move(actions), Manual()));
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

int Latency(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  Clock& clock = SystemClock::Instance();
  crm::SchemaService schemas(w->store->properties(), *w->properties, clock);
  crm::ObjectService objects(*w->store, schemas, *w->properties, clock);
  const std::vector<std::string> scopes;
  const crm::Caller caller{w->account, scopes, {"API", "bench"}};
  auto type = objects.Type(w->account, "contacts");
  if (!type.ok()) return Die(type.error());
  auto ids = Contacts(*w, o.triggers);  // lifecyclestage "subscriber": not enrolled yet
  if (!ids.ok()) return Die(ids.error());
  json::array actions{SetFirstname("enrolled")};
  auto flow = w->flows->Create(w->account, Flow(std::move(actions), StageIs("customer")));
  if (!flow.ok()) return Die(flow.error());
  BENCH_TRY(w->engine->RunUntilIdle(60'000));

  CommitWatch watch(*w->engine, o.poll_ms == 0);
  w->store->SetChangeListener(&watch);
  w->engine->Start();
  std::vector<double> ms;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t id : *ids) {
    // The update's own commit is the next event commit; the first step's (it sets firstname,
    // a property change) the one after.
    const size_t n = watch.count();
    crm::ObjectInput in;
    in.properties["lifecyclestage"] = "customer";
    auto updated = objects.Update(caller, *type, {std::to_string(id), ""}, in);
    if (!updated.ok()) return Die(updated.error());
    auto written = watch.Wait(n);
    auto stepped = watch.Wait(n + 1);
    if (!written || !stepped) {
      return Die(Error::Unavailable("no step committed within 10 s of trigger " +
                                    std::to_string(ms.size())));
    }
    ms.push_back(std::chrono::duration<double, std::milli>(*stepped - *written).count());
  }
  const double secs = Seconds(t0);
  const double cpu = CpuSeconds() - cpu0;
  w->engine->Stop();
  w->store->SetChangeListener(nullptr);
  auto done = CountEnrollments(*w, flow->id, "COMPLETED");
  if (!done.ok()) return Die(done.error());
  std::printf("%s\n", json::serialize(json::object{{"scenario", "latency"},
                                                   {"triggers", ms.size()},
                                                   {"completed", *done},
                                                   {"p50_ms", Percentile(ms, 50)},
                                                   {"p99_ms", Percentile(ms, 99)},
                                                   {"max_ms", Percentile(ms, 100)},
                                                   {"seconds", secs},
                                                   {"cpu_ms_per_trigger", cpu * 1e3 / ms.size()}})
                          .c_str());
  return *done == static_cast<int64_t>(ms.size()) ? 0 : 1;
}

// Enrollments into `flow` of `objects`, their first jobs due at run_at(i), written through the
// store in batches (no trigger or API work: the bench's fast way to a large queue).
template <typename ObjectOf, typename RunAt>
Status EnrollAt(World& w, int64_t flow_id, int64_t revision_id, size_t n, ObjectOf object_of,
                RunAt run_at) {
  const int64_t now = SystemClock::Instance().NowMs();
  std::vector<store::NewEnrollment> items;
  for (size_t i = 0; i < n; ++i) {
    store::NewEnrollment e;
    e.enrollment.account_id = w.account;
    e.enrollment.flow_id = flow_id;
    e.enrollment.revision_id = revision_id;
    e.enrollment.object_type_id = "0-1";
    e.enrollment.object_id = object_of(i);
    e.enrollment.source = "MANUAL";
    e.first_action_id = "1";
    e.first_run_at_ms = run_at(i);
    items.push_back(std::move(e));
    if (items.size() == 5000 || i + 1 == n) {
      FLOWD_TRY(w.store->engine().Enroll(items, std::nullopt, now));
      items.clear();
    }
  }
  return Status::Ok();
}

int Lateness(const Options& o) {
  auto w = Open(o);
  if (!w.ok()) return Die(w.error());
  json::array actions{SetFirstname("late")};
  auto flow = w->flows->Create(w->account, Flow(std::move(actions), Manual()));
  if (!flow.ok()) return Die(flow.error());
  auto ids = Contacts(*w, o.due);
  if (!ids.ok()) return Die(ids.error());
  const auto write0 = std::chrono::steady_clock::now();
  const int64_t far = SystemClock::Instance().NowMs() + 86'400'000;
  // Pending delays of records that need not exist: they never run here.
  constexpr int64_t kPendingIds = int64_t{1} << 40;
  BENCH_TRY(EnrollAt(
      *w, flow->id, flow->revision_id, o.pending,
      [&](size_t i) { return kPendingIds + static_cast<int64_t>(i); },
      [&](size_t) { return far; }));
  const double write_secs = Seconds(write0);
  const int64_t start = SystemClock::Instance().NowMs() + 5000;
  const auto due_at = [&](size_t i) {
    return start + static_cast<int64_t>(i) * o.window_ms / static_cast<int64_t>(o.due);
  };
  std::map<int64_t, int64_t> run_at_of;
  for (size_t i = 0; i < ids->size(); ++i) run_at_of[(*ids)[i]] = due_at(i);
  BENCH_TRY(EnrollAt(
      *w, flow->id, flow->revision_id, o.due, [&](size_t i) { return (*ids)[i]; }, due_at));
  w->engine.reset();
  w->flows.reset();
  w->properties.reset();
  w->store.reset();

  // As after a restart: open, load, then run.
  const auto load0 = std::chrono::steady_clock::now();
  auto r = Open(o);
  if (!r.ok()) return Die(r.error());
  const double load_secs = Seconds(load0);
  const long rss_loaded = RssKb();
  const long anon_loaded = StatusKb("RssAnon:");
  CommitWatch watch(*r->engine, o.poll_ms == 0);
  r->store->SetChangeListener(&watch);
  const double cpu0 = CpuSeconds();
  r->engine->Start();
  long rss_peak = rss_loaded;
  long anon_peak = anon_loaded;
  const int64_t want = static_cast<int64_t>(o.due);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(o.window_ms + 120'000);
  while (r->engine->counters().steps < want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rss_peak = std::max(rss_peak, RssKb());
    anon_peak = std::max(anon_peak, StatusKb("RssAnon:"));
  }
  const double cpu = CpuSeconds() - cpu0;
  r->engine->Stop();
  r->store->SetChangeListener(nullptr);
  std::vector<double> late;
  store::EnrollmentFilter f;
  f.limit = 1000;
  while (true) {
    auto page = r->store->engine().ListEnrollments(r->account, flow->id, f);
    if (!page.ok()) return Die(page.error());
    for (const auto& e : page->enrollments) {
      auto due = run_at_of.find(e.object_id);
      if (due == run_at_of.end()) continue;
      auto steps = r->store->engine().ListSteps(r->account, e.id);
      if (!steps.ok()) return Die(steps.error());
      if (steps->empty()) continue;
      late.push_back(static_cast<double>(steps->front().finished_at_ms - due->second));
    }
    if (!page->next_after) break;
    f.after_id = page->next_after;
  }
  std::printf("%s\n", json::serialize(json::object{{"scenario", "lateness"},
                                                   {"due", o.due},
                                                   {"ran", late.size()},
                                                   {"pending", o.pending},
                                                   {"window_ms", o.window_ms},
                                                   {"write_pending_s", write_secs},
                                                   {"load_s", load_secs},
                                                   {"rss_after_load_mb", rss_loaded / 1024.0},
                                                   {"rss_peak_running_mb", rss_peak / 1024.0},
                                                   {"anon_after_load_mb", anon_loaded / 1024.0},
                                                   {"anon_peak_running_mb", anon_peak / 1024.0},
                                                   {"p50_ms", Percentile(late, 50)},
                                                   {"p99_ms", Percentile(late, 99)},
                                                   {"max_ms", Percentile(late, 100)},
                                                   {"cpu_s", cpu}})
                          .c_str());
  return late.size() == o.due ? 0 : 1;
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
  auto* latency = add("latency", "trigger → first action, p50/p99");
  latency->add_option("--triggers", o.triggers)->capture_default_str();
  latency->add_option("--poll-ms", o.poll_ms,
                      "no wake-ups: the workers poll this often (25: the engine before them)");
  auto* lateness = add("lateness", "timer lateness p50/p99 and RSS with pending delays");
  lateness->add_option("--due", o.due)->capture_default_str();
  lateness->add_option("--window-ms", o.window_ms)->capture_default_str();
  lateness->add_option("--pending", o.pending, "delays a day away next to the due ones")
      ->capture_default_str();
  lateness->add_option("--poll-ms", o.poll_ms, "no wake-ups: the workers poll this often");
  CLI11_PARSE(app, argc, argv);
  if (*steps) return Steps(o);
  if (*bulk) return Bulk(o);
  if (*delays) return Delays(o);
  if (*restart) return Restart(o);
  if (*latency) return Latency(o);
  if (*lateness) return Lateness(o);
  return 2;
}
