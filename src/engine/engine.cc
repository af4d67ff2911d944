#include "engine/engine.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "common/log.h"

namespace flowd::engine {
namespace {

std::string DefaultWorkerId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "flowd") + ":" + std::to_string(getpid());
}

void LogFailure(std::string_view what, const Status& st) {
  if (!st.ok()) {
    log::Write(log::Level::kError, what, {{"error", st.error().message}});
  }
}

}  // namespace

Engine::Engine(store::Store& store, crm::PropertyCatalog& properties, const Clock& clock,
               EngineClients clients, EngineOptions options)
    : store_(store),
      properties_(properties),
      clock_(clock),
      clients_(clients),
      options_(std::move(options)),
      zones_(store.accounts()) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
}

Engine::~Engine() { Stop(); }

Status Engine::ReloadFlows() {
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::FlowRecord> flows, store_.flows().EnabledFlows());
  index_.Reset(flows);
  return Status::Ok();
}

Status Engine::Load() {
  FLOWD_TRY(ReloadFlows());
  // Pending passes resume from the store by themselves; a schedule whose next occurrence was
  // never stored (a crash right after the flow was saved) gets it now.
  for (const FlowSnapshot& f : index_.All()) {
    if (f->content->contains("enrollmentSchedule")) FLOWD_TRY(Reschedule(*f));
  }
  FLOWD_ASSIGN_OR_RETURN(int64_t released, store_.engine().RecoverLeases(clock_.NowMs()));
  if (released > 0) {
    log::Write(log::Level::kInfo, "jobs of the previous run released", {{"jobs", released}});
  }
  return Status::Ok();
}

void Engine::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!threads_.empty()) return;
  stopping_ = false;
  threads_.emplace_back([this] { TriggerLoop(); });
  threads_.emplace_back([this] { ExecutorLoop(); });
  for (size_t i = 0; i < std::max<size_t>(options_.external_threads, 1); ++i) {
    threads_.emplace_back([this] { ExternalLoop(); });
  }
}

void Engine::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_cv_.notify_all();
  external_cv_.notify_all();
  for (auto& t : threads) t.join();
  // Jobs still queued for the pool keep their leases; another pass claims them when they expire.
  std::lock_guard<std::mutex> lock(mu_);
  external_running_ -= static_cast<int64_t>(external_queue_.size());
  external_queue_.clear();
}

void Engine::Wake() {
  WakeWorker(kTrigger);
  WakeWorker(kExecutor);
}

void Engine::Changed(uint32_t kinds) {
  if (kinds & store::kFlowsChanged) reload_flows_ = true;
  if (kinds & (store::kEventsAppended | store::kFlowsChanged)) WakeWorker(kTrigger);
  if (kinds & store::kJobsQueued) WakeWorker(kExecutor);
}

void Engine::WakeWorker(Worker w) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wake_seq_[w];
  }
  wake_cv_.notify_all();
}

std::optional<uint64_t> Engine::WakeSeq(Worker w) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return std::nullopt;
  return wake_seq_[w];
}

bool Engine::Sleep(Worker w, int64_t ms, uint64_t seen) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                    [&] { return stopping_ || wake_seq_[w] != seen; });
  return !stopping_;
}

void Engine::TriggerLoop() {
  while (std::optional<uint64_t> seen = WakeSeq(kTrigger)) {
    if (reload_flows_.exchange(false)) {
      Status reloaded = ReloadFlows();
      LogFailure("reloading the flows another process changed failed", reloaded);
      if (!reloaded.ok()) reload_flows_ = true;
    }
    auto more = ConsumeEvents();
    LogFailure("trigger pass failed", more.status());
    if (more.ok() && *more) continue;
    if (!Sleep(kTrigger, more.ok() ? options_.idle_ms : 1000, *seen)) return;
  }
}

int64_t Engine::ExecutorSleepMs() {
  int64_t ms = options_.idle_ms;
  auto next = store_.engine().NextDueAt();
  LogFailure("reading the next due job failed", next.status());
  // A due job this pass did not take (another process holds its row) is looked at again soon,
  // without spinning.
  if (next.ok() && *next) ms = std::clamp<int64_t>(**next - clock_.NowMs(), 1, ms);
  std::lock_guard<std::mutex> lock(mu_);
  if (external_running_ > 0)
    ms = std::min<int64_t>(ms, std::max<int64_t>(options_.lease_ms / 3, 1));
  return ms;
}

void Engine::ExecutorLoop() {
  auto next_renewal = std::chrono::steady_clock::now();
  const auto renewal_every = std::chrono::milliseconds(std::max<int64_t>(options_.lease_ms / 3, 1));
  while (std::optional<uint64_t> seen = WakeSeq(kExecutor)) {
    if (std::chrono::steady_clock::now() >= next_renewal) {
      RenewExternalLeases();
      next_renewal = std::chrono::steady_clock::now() + renewal_every;
    }
    auto more = ExecuteDue();
    LogFailure("executor pass failed", more.status());
    if (more.ok() && *more) continue;
    if (!Sleep(kExecutor, more.ok() ? ExecutorSleepMs() : 1000, *seen)) return;
  }
}

void Engine::RenewExternalLeases() {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const store::JobRecord& j : external_queue_) ids.push_back(j.id);
    ids.insert(ids.end(), external_active_.begin(), external_active_.end());
  }
  if (ids.empty()) return;
  auto held =
      store_.engine().RenewLeases(options_.worker_id, ids, clock_.NowMs() + options_.lease_ms);
  LogFailure("renewing the leases of external steps failed", held.status());
  if (held.ok() && held->size() < ids.size()) {
    // Finished meanwhile, or taken over after a lease ran out (its commit will find it lost).
    log::Write(log::Level::kDebug, "external steps no longer leased",
               {{"jobs", static_cast<int64_t>(ids.size() - held->size())}});
  }
}

void Engine::ExternalLoop() {
  while (true) {
    store::JobRecord job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      external_cv_.wait(lock, [&] { return stopping_ || !external_queue_.empty(); });
      if (stopping_) return;
      job = external_queue_.front();
      external_queue_.pop_front();
      external_active_.insert(job.id);
    }
    RunExternal(job);
    bool low = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      external_active_.erase(external_active_.find(job.id));
      --external_running_;
      // Jobs a pass gave back because the queue was full can come now.
      low = external_queue_.size() == std::max<size_t>(options_.external_threads, 1);
    }
    if (low) WakeWorker(kExecutor);
    external_cv_.notify_all();
  }
}

Status Engine::RunUntilIdle(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool more_events, ConsumeEvents());
    FLOWD_ASSIGN_OR_RETURN(bool more_jobs, ExecuteDue());
    if (more_events || more_jobs) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Error::Unavailable("the engine did not become idle within " +
                                  std::to_string(timeout_ms) + " ms (still busy)");
      }
      continue;
    }
    FLOWD_ASSIGN_OR_RETURN(int64_t seq, store_.engine().EventSeq());
    FLOWD_ASSIGN_OR_RETURN(auto unread, store_.objects().ReadEvents(seq, 1));
    FLOWD_ASSIGN_OR_RETURN(store::EngineStore::QueueDepth depth,
                           store_.engine().Depth(clock_.NowMs()));
    bool busy;
    {
      std::unique_lock<std::mutex> lock(mu_);
      busy = external_running_ > 0;
      if (busy) external_cv_.wait_for(lock, std::chrono::milliseconds(5));
    }
    if (unread.empty() && depth.due == 0 && !busy) {
      return Status::Ok();
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Error::Unavailable("the engine did not become idle within " +
                                std::to_string(timeout_ms) + " ms (" + std::to_string(depth.due) +
                                " jobs due)");
    }
  }
}

void Engine::FlowSaved(const store::FlowRecord& flow, bool was_enabled) {
  FlowSnapshot before = index_.Find(flow.account_id, flow.id);
  index_.Put(flow);
  // The flow's write already paused or resumed its jobs, and dropped its passes and dates
  // (disabled) or added its "enroll existing records" pass (enabled; FlowWrite::enroll_existing).
  if (!flow.is_enabled) return;
  FlowSnapshot f = index_.Find(flow.account_id, flow.id);
  if (!f) return;
  // An enabled flow whose PUT changed its PROPERTY_BASED schedule: its records' dates are
  // computed again, by a fresh pass over its records (which, for such a flow, enrolls nobody).
  const auto date_of = [](const FlowSnapshot& s) {
    return s && s->criteria_type == "LIST_BASED" ? s->date_schedule : std::nullopt;
  };
  if (was_enabled && date_of(before) != date_of(f)) {
    LogFailure("dropping a flow's dates failed",
               store_.engine().DropDateDues(flow.account_id, flow.id).status());
    LogFailure("dropping a flow's pass failed",
               store_.engine()
                   .DropBackfills(flow.account_id, flow.id, std::string(store::kBackfillEnable))
                   .status());
    if (date_of(f)) {
      store::BackfillRecord pass;
      pass.account_id = flow.account_id;
      pass.flow_id = flow.id;
      pass.kind = std::string(store::kBackfillEnable);
      LogFailure("recording a flow's date pass failed",
                 store_.engine().AddBackfill(pass, clock_.NowMs()).status());
    }
  }
  // A newly enabled flow has no stored occurrence (disabling dropped them): only one with a
  // schedule needs one. An enabled flow's PUT may have changed or removed its schedule.
  if (was_enabled || f->content->contains("enrollmentSchedule")) {
    LogFailure("scheduling a flow failed", Reschedule(*f));
  }
  Wake();
}

void Engine::FlowDeleted(int64_t account_id, int64_t flow_id) {
  index_.Remove(account_id, flow_id);
  LogFailure("dropping a deleted flow's passes failed",
             store_.engine().DropBackfills(account_id, flow_id, std::nullopt).status());
  LogFailure("dropping a deleted flow's dates failed",
             store_.engine().DropDateDues(account_id, flow_id).status());
  LogFailure("ending a deleted flow's enrollments failed",
             store_.engine()
                 .EndFlowEnrollments(account_id, flow_id, std::string(store::kEnrollmentUnenrolled),
                                     "FLOW_DELETED", clock_.NowMs())
                 .status());
}

Result<std::vector<ManualEnrollResult>> Engine::EnrollObjects(
    int64_t account_id, int64_t flow_id, const std::vector<int64_t>& object_ids,
    const std::string& source) {
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord stored, store_.flows().GetFlow(account_id, flow_id));
  FlowSnapshot flow = index_.Find(account_id, flow_id);
  if (!stored.is_enabled || !flow) {
    return Error::Invalid("flow " + std::to_string(flow_id) +
                          " is disabled: enable it before enrolling records");
  }
  FLOWD_ASSIGN_OR_RETURN(
      auto found, store_.objects().GetObjects(account_id, flow->object_type_id, object_ids, false));
  std::set<int64_t> live;
  for (const auto& r : found) live.insert(r.id);
  auto ctx = FilterContextOf(account_id);
  ctx->Prefetch(flow->object_type_id, found, object_ids);
  std::vector<ManualEnrollResult> out(object_ids.size());
  std::vector<store::NewEnrollment> items;
  std::vector<size_t> item_of;
  for (size_t i = 0; i < object_ids.size(); ++i) {
    out[i].object_id = object_ids[i];
    if (!live.count(object_ids[i])) {
      out[i].error = Error::NotFound("no " + flow->object_type_id + " record with id " +
                                     std::to_string(object_ids[i]));
      continue;
    }
    FLOWD_ASSIGN_OR_RETURN(bool suppressed, Suppressed(*flow, object_ids[i], *ctx));
    if (suppressed) {
      out[i].error = Error::Invalid("record " + std::to_string(object_ids[i]) +
                                    " is suppressed from this flow (suppression list or filter)");
      continue;
    }
    items.push_back(MakeEnrollment(*flow, object_ids[i], source, "enrolled through the API",
                                   nullptr, !flow->should_re_enroll));
    item_of.push_back(i);
  }
  if (items.empty()) return out;
  FLOWD_ASSIGN_OR_RETURN(auto results, store_.engine().Enroll(items, std::nullopt, clock_.NowMs()));
  std::vector<int64_t> enrolled;
  for (size_t k = 0; k < results.size(); ++k) {
    ManualEnrollResult& r = out[item_of[k]];
    switch (results[k].outcome) {
      case store::EnrollOutcome::kEnrolled:
        r.enrollment = results[k].enrollment;
        enrolled.push_back(r.object_id);
        counters_.enrollments++;
        break;
      case store::EnrollOutcome::kAlreadyActive:
        r.error = Error::Conflict("record " + std::to_string(r.object_id) +
                                  " is already enrolled (enrollment " +
                                  std::to_string(results[k].enrollment.id) + " is active)");
        break;
      case store::EnrollOutcome::kAlreadyEnrolled:
        r.error = Error::Conflict("record " + std::to_string(r.object_id) +
                                  " was enrolled before and the flow does not re-enroll");
        break;
    }
  }
  if (!enrolled.empty()) {
    FLOWD_TRY(UnenrollElsewhere(*flow, enrolled));
    Wake();
  }
  return out;
}

Status Engine::Unenroll(int64_t account_id, int64_t enrollment_id) {
  FLOWD_ASSIGN_OR_RETURN(store::EnrollmentRecord e,
                         store_.engine().GetEnrollment(account_id, enrollment_id));
  if (e.status != store::kEnrollmentActive) {
    return Error::Conflict("enrollment " + std::to_string(enrollment_id) + " has already ended (" +
                           e.status + ")");
  }
  FLOWD_ASSIGN_OR_RETURN(auto ended,
                         store_.engine().EndEnrollments(account_id, {enrollment_id},
                                                        std::string(store::kEnrollmentUnenrolled),
                                                        "MANUAL", clock_.NowMs()));
  if (ended.empty()) {
    return Error::Conflict("enrollment " + std::to_string(enrollment_id) + " has already ended");
  }
  return Status::Ok();
}

Result<std::optional<int64_t>> Engine::FindContactByEmail(int64_t account_id,
                                                          const std::string& email) {
  FLOWD_ASSIGN_OR_RETURN(auto ids,
                         store_.objects().FindByValues(account_id, "0-1", "email", {email}, 1));
  if (ids.empty()) return std::optional<int64_t>{};
  return std::optional<int64_t>(ids[0]);
}

Result<std::string> Engine::MetricsText() {
  FLOWD_ASSIGN_OR_RETURN(store::EngineStore::QueueDepth depth,
                         store_.engine().Depth(clock_.NowMs()));
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto line = [&](const std::string& name, int64_t v) {
    out += name + " " + std::to_string(v) + "\n";
  };
  metric("flowd_queue_jobs", "gauge", "Jobs waiting in the queue (delays included).");
  line("flowd_queue_jobs", depth.pending);
  metric("flowd_queue_due_jobs", "gauge", "Jobs whose time has come.");
  line("flowd_queue_due_jobs", depth.due);
  metric("flowd_steps_total", "counter", "Action executions committed by this process.");
  line("flowd_steps_total", counters_.steps);
  metric("flowd_step_failures_total", "counter", "Steps that ended their enrollment as failed.");
  line("flowd_step_failures_total", counters_.step_failures);
  metric("flowd_lease_lost_total", "counter", "Steps dropped because their lease had passed.");
  line("flowd_lease_lost_total", counters_.lease_lost);
  metric("flowd_events_total", "counter", "CRM events read by the trigger consumer.");
  line("flowd_events_total", counters_.events);
  metric("flowd_enrollments_total", "counter", "Enrollments made by this process.");
  line("flowd_enrollments_total", counters_.enrollments);
  metric("flowd_enabled_flows", "gauge", "Enabled flows in the trigger index.");
  line("flowd_enabled_flows", static_cast<int64_t>(index_.size()));
  metric("flowd_active_enrollments", "gauge", "ACTIVE enrollments per enabled flow.");
  for (const FlowSnapshot& f : index_.All()) {
    FLOWD_ASSIGN_OR_RETURN(int64_t n, store_.engine().CountActive(f->account_id, f->flow_id));
    line("flowd_active_enrollments{account=\"" + std::to_string(f->account_id) + "\",flow=\"" +
             std::to_string(f->flow_id) + "\"}",
         n);
  }
  metric("flowd_step_latency_ms", "histogram",
         "From a job's due time to the commit of its step, in milliseconds.");
  int64_t cumulative = 0;
  for (size_t i = 0; i < std::size(EngineCounters::kBucketsMs); ++i) {
    cumulative += counters_.latency_buckets[i];
    line("flowd_step_latency_ms_bucket{le=\"" + std::to_string(EngineCounters::kBucketsMs[i]) +
             "\"}",
         cumulative);
  }
  cumulative += counters_.latency_buckets[std::size(EngineCounters::kBucketsMs)];
  line("flowd_step_latency_ms_bucket{le=\"+Inf\"}", cumulative);
  line("flowd_step_latency_ms_sum", counters_.latency_sum_ms);
  line("flowd_step_latency_ms_count", cumulative);
  return out;
}

}  // namespace flowd::engine
