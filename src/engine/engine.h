// The engine: enrollment (triggers, manual enrollment, flow changes) and durable execution.
//
//   CRM event log ──► triggers (Engine::ConsumeEvents) ──► EngineStore::Enroll (+ first job,
//                     with the event-log position in the same transaction: each change once)
//   job queue ──► executor (Engine::ExecuteDue): claim due jobs under a lease, run the action,
//                 commit step + internal effects + next job in one transaction (EngineStore).
//
// Two worker threads run them (Start/Stop); tests and the manual clock drive them through
// RunUntilIdle instead. The threads do not poll: the trigger thread sleeps until the store
// reports appended CRM events (store::ChangeListener, connected by the composition root; on
// PostgreSQL also other processes' commits, through NOTIFY), the executor until the earliest
// due job (EngineStore::NextDueAt) or an enrollment; both wake at least every `idle_ms` as a
// safety net. The executor also renews the leases of the external steps in flight every
// lease_ms / 3, so that the lease can be short and a dead process's jobs are taken over soon.
// External actions (webhook, custom code, SMTP email) run on a small pool so that a slow receiver
// never stalls the internal steps.
//
// Enabling a LIST_BASED flow enrolls the records that already match ("enroll existing records",
// HubSpot's default), and each occurrence of its enrollmentSchedule re-evaluates its records:
// both are passes over the flow's records, a page at a time on the trigger thread, whose cursor
// is stored with each page's enrollments (EngineStore::EnrollBackfillPage), so a restart resumes
// them (backfills.cc). A PROPERTY_BASED enrollmentSchedule instead enrolls each record on its
// own date: the store keeps each record's next due time, kept current from the trigger consumer
// and enrolled from the trigger thread (date_schedules.cc).
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/account_zones.h"
#include "crm/list_context.h"
#include "crm/property_value.h"
#include "engine/code_runner.h"
#include "engine/flow_index.h"
#include "engine/mailer.h"
#include "engine/webhook.h"
#include "flows/flow_service.h"
#include "store/store.h"

namespace flowd::engine {

struct EngineOptions {
  size_t event_batch = 500;     // CRM events read per trigger pass
  size_t claim_batch = 256;     // jobs claimed per executor pass
  size_t backfill_batch = 500;  // records per pass when enrolling existing records
  // How long a claimed job stays with this worker. External steps in flight (webhook 30 s,
  // code 20 s) are renewed every lease_ms / 3, so the lease only bounds how long a dead
  // process's jobs wait before another process takes them over.
  int64_t lease_ms = 30'000;
  // The longest an idle worker sleeps without a wake-up (a safety net: changes and enrollments
  // wake the workers, and the executor sleeps until its earliest due job).
  int64_t idle_ms = 1'000;
  size_t external_threads = 4;  // concurrent external actions
  int64_t max_env_retries = 8;  // store/env failures of one step before the enrollment fails
  std::string worker_id;        // lease owner; "" = host:pid
};

// External delivery clients; null ones are not available (emails are then kept locally).
struct EngineClients {
  WebhookClient* webhooks = nullptr;
  Mailer* mailer = nullptr;
  CodeRunner* code = nullptr;
};

struct ManualEnrollResult {
  int64_t object_id = 0;
  std::optional<store::EnrollmentRecord> enrollment;  // set when enrolled
  std::optional<Error> error;                         // why not
};

struct EngineCounters {
  std::atomic<int64_t> steps{0};
  std::atomic<int64_t> step_failures{0};
  std::atomic<int64_t> enrollments{0};
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> lease_lost{0};
  // Latency of a step from its job's run_at to its commit, ms: buckets ≤ 1, 5, 10, 50, 100,
  // 500, 1000, 5000, +Inf.
  static constexpr int64_t kBucketsMs[] = {1, 5, 10, 50, 100, 500, 1000, 5000};
  std::atomic<int64_t> latency_buckets[9] = {};
  std::atomic<int64_t> latency_sum_ms{0};
};

class Engine final : public flows::FlowChangeSink, public store::ChangeListener {
 public:
  Engine(store::Store& store, crm::PropertyCatalog& properties, const Clock& clock,
         EngineClients clients, EngineOptions options = {});
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads the enabled flows into the trigger index. Call before Start / RunUntilIdle.
  Status Load();
  void Start();
  void Stop();
  // Wakes the workers (new events, a clock move).
  void Wake();
  // store::ChangeListener: committed CRM events wake the trigger thread, queued jobs the
  // executor; another process's flow changes reload the trigger index (on the trigger thread).
  void Changed(uint32_t kinds) override;

  // Runs trigger and executor passes on the calling thread until no event is unread, no pass
  // over a flow's records and no job is due, and no external action is running, or until
  // `deadline_ms` of monotonic time passes (kUnavailable then). Safe while the worker threads run
  // too.
  Status RunUntilIdle(int64_t timeout_ms = 30'000);

  // flows::FlowChangeSink
  void FlowSaved(const store::FlowRecord& flow, bool was_enabled) override;
  void FlowDeleted(int64_t account_id, int64_t flow_id) override;

  // The enrollment API: enrolls records of the flow's object type (the flow must be enabled);
  // per-record outcome. kNotFound for an unknown flow.
  Result<std::vector<ManualEnrollResult>> EnrollObjects(int64_t account_id, int64_t flow_id,
                                                        const std::vector<int64_t>& object_ids,
                                                        const std::string& source);
  // Ends one enrollment (UNENROLLED, reason MANUAL). kNotFound when unknown, kConflict when it
  // has already ended.
  Status Unenroll(int64_t account_id, int64_t enrollment_id);
  // The callback completion API (callbacks.cc): completes the BLOCK of the app action named by
  // `callback_id` with `output_fields` (the request's outputFields: SUCCESS or FAIL_CONTINUE),
  // durably, and wakes the executor. kInvalidArgument for a malformed id or outputs, kNotFound
  // when no app action of the account waits for it.
  Status CompleteCallback(int64_t account_id, const std::string& callback_id,
                          const boost::json::value& output_fields);

  // What the engine recorded (the API's reads).
  store::EngineStore& records() { return store_.engine(); }
  // The live contact with this (lower-case) email, for HubSpot's v2 endpoints.
  Result<std::optional<int64_t>> FindContactByEmail(int64_t account_id, const std::string& email);
  // GET /metrics: Prometheus text format (queue depth, due jobs, steps, failures, enrollments by
  // flow, step latency histogram).
  Result<std::string> MetricsText();

  const EngineCounters& counters() const { return counters_; }
  FlowIndex& index() { return index_; }
  const EngineOptions& options() const { return options_; }

  // One pass of each worker (also what the threads run). Return whether more work is waiting.
  // A trigger pass also runs one page of the due pass over a flow's records (backfills.cc): the
  // trigger thread's poll is what notices a schedule occurrence whose time has come.
  Result<bool> ConsumeEvents();
  Result<bool> ExecuteDue();

 private:
  struct Execution;
  struct BatchView;
  struct Pass;
  class Env;

  // Triggers (triggers.cc).
  // `dues`: the date-based enrollment entries the event changes (written before the event-log
  // position moves; recomputing them is idempotent).
  Status HandleEvent(const store::CrmEvent& event, std::vector<store::NewEnrollment>& out,
                     std::vector<store::DateDueWrite>& dues);
  // The goal, unenrollment and enrollment of record `object_id` in `flow` after `event`: on the
  // record itself (`direct`) or on a record associated with it.
  Status EvaluateRecord(const IndexedFlow& flow, const store::CrmEvent& event, int64_t object_id,
                        bool direct, crm::filter::FilterContext& ctx,
                        std::vector<store::NewEnrollment>& out);
  // Ends the waits of the record's enrollments in a "delay until an event" (0-29) whose
  // event_filter_branches accept `event`: their next job becomes due now (triggers.cc).
  Status WakeEventDelays(const store::CrmEvent& event, crm::filter::FilterContext& ctx);
  // Passes over a flow's records (backfills.cc): one page of the pass due first; whether one ran.
  Result<bool> RunBackfills();
  // A ZONE pass (the account's time zone changed): re-times the account's enabled flows — a
  // DATES pass for each PROPERTY_BASED one, the next occurrence of each scheduled one — under
  // the zone read afresh, then ends the pass. Idempotent, so a crash before the end only repeats
  // it.
  Status RetimeAccount(const store::BackfillRecord& pass);
  // The flow's next schedule occurrence after `after_ms` as a pass, when it has a schedule.
  std::optional<store::BackfillRecord> NextSchedulePass(const IndexedFlow& flow, int64_t after_ms);
  // Date-based enrollment (date_schedules.cc), for flows with a date_schedule. The instant the
  // record's date property holds (nullopt: empty, not a date, or the record is gone).
  Result<std::optional<int64_t>> DateValueOf(const IndexedFlow& flow, int64_t object_id,
                                             crm::filter::FilterContext& ctx);
  // The record's entry: its next due time after `after_ms`, or removal.
  Result<store::DateDueWrite> DateDueOf(const IndexedFlow& flow, int64_t object_id,
                                        int64_t after_ms, crm::filter::FilterContext& ctx);
  // The entry to write when `event` (creation, a change of the date property) concerns it.
  Status NoteDateChange(const IndexedFlow& flow, const store::CrmEvent& event,
                        crm::filter::FilterContext& ctx, std::vector<store::DateDueWrite>& out);
  // The entries of a page of existing records (the flow's enable pass). With `refresh` (a DATES
  // pass, recomputing entries that may exist) a record without a coming date has its removed.
  Status DatePage(const IndexedFlow& flow, const std::vector<store::ObjectRecord>& records,
                  crm::filter::FilterContext& ctx, bool refresh,
                  std::vector<store::DateDueWrite>& out);
  // Enrolls a batch of due entries and moves them on; whether more may be due.
  Result<bool> RunDateDues();
  // Makes the stored next occurrence match the flow's schedule (none when it has none), unless an
  // occurrence is due or running (its end stores the next one).
  Status Reschedule(const IndexedFlow& flow);
  // `ctx` is the account's view of the CRM (one per batch of evaluations, so reads are shared).
  Result<bool> MatchesEnrollment(const IndexedFlow& flow, const store::CrmEvent* event,
                                 int64_t object_id, crm::filter::FilterContext& ctx);
  Result<bool> Suppressed(const IndexedFlow& flow, int64_t object_id,
                          crm::filter::FilterContext& ctx);
  std::unique_ptr<crm::StoreFilterContext> FilterContextOf(int64_t account_id);
  Status UnenrollElsewhere(const IndexedFlow& flow, const std::vector<int64_t>& object_ids);
  store::NewEnrollment MakeEnrollment(const IndexedFlow& flow, int64_t object_id,
                                      const std::string& source, const std::string& reason,
                                      const store::CrmEvent* event, bool once) const;
  // Commits the enrollments made from the events after `events.from` up to `events.to`, with the
  // move of the event-log position. False, with nothing written, when another process consumed
  // that range first (the caller reads on from the new position).
  Result<bool> CommitEnrollments(std::vector<store::NewEnrollment>& items,
                                 const store::EventAdvance& events);
  // What follows committed enrollments: counters, unenrollment from other flows, a wake-up.
  Status AfterEnrolled(const std::vector<store::NewEnrollment>& items,
                       const std::vector<store::EnrollResult>& results);

  // Execution (executor.cc).
  Result<std::optional<Execution>> Prepare(const store::JobRecord& job);
  Result<std::optional<Execution>> Prepare(const store::JobRecord& job,
                                           store::EnrollmentRecord enrollment);
  // Reads the records of the batch's enrolled records into `view` (one query per type).
  Status ReadRecords(const std::vector<Execution>& execs, BatchView& view);
  // `pass` (null for a step run alone) shares reads across a batch; `*conflict` is set when
  // the step read a record an uncommitted step writes (the returned commit is then void).
  Result<store::StepCommit> Run(Execution& exec, Pass* pass, bool* conflict);
  Result<std::vector<store::JobRecord>> ClaimDue();
  // Runs a claimed batch's steps; what they commit is left in `pass` (ExecuteDue commits it).
  Status RunBatch(std::vector<store::JobRecord>& jobs, Pass& pass);
  void RunExternal(store::JobRecord job);
  Status Commit(std::vector<store::StepCommit>& commits, const std::vector<int64_t>& run_at);
  // What follows a committed step's enrollments in other flows (enroll in another workflow):
  // counters and the target flows' unenrollment from other flows.
  void AfterStepEnrolled(const std::vector<store::EnrollResult>& results);
  Result<std::shared_ptr<const boost::json::object>> Revision(int64_t account_id, int64_t flow_id,
                                                              int64_t revision_id);
  void RecordLatency(int64_t ms);

  // Replaces the trigger index with the store's enabled flows.
  Status ReloadFlows();
  void TriggerLoop();
  void ExecutorLoop();
  void ExternalLoop();
  enum Worker { kTrigger = 0, kExecutor = 1 };
  void WakeWorker(Worker w);
  // The worker's wake-up count, or nullopt when stopping.
  std::optional<uint64_t> WakeSeq(Worker w);
  // Sleeps until the worker is woken (after `seen`), `ms` passes, or Stop; false when stopping.
  bool Sleep(Worker w, int64_t ms, uint64_t seen);
  // How long the idle executor may sleep: until the earliest due job, at most idle_ms.
  int64_t ExecutorSleepMs();
  // Extends the leases of the external steps queued or running on the pool.
  void RenewExternalLeases();

  store::Store& store_;
  crm::PropertyCatalog& properties_;
  const Clock& clock_;
  EngineClients clients_;
  EngineOptions options_;
  FlowIndex index_;
  EngineCounters counters_;
  crm::AccountZones zones_;  // the accounts' time zones

  std::mutex mu_;  // guards what follows
  std::condition_variable wake_cv_;
  uint64_t wake_seq_[2] = {0, 0};  // per Worker
  bool stopping_ = false;
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::shared_ptr<const boost::json::object>>
      revisions_;  // (account, flow, revision) → content
  std::deque<store::JobRecord> external_queue_;
  int64_t external_running_ = 0;  // queued or running
  // Ids of the jobs running on the pool. A multiset: a job keeps its id when it moves on, so its
  // next step may start on another pool thread before the one that committed erases its entry.
  std::multiset<int64_t> external_active_;
  std::condition_variable external_cv_;

  std::atomic<bool> reload_flows_{false};  // another process changed flows
  std::mutex trigger_mu_;                  // one trigger pass at a time
  std::mutex executor_mu_;                 // one executor pass at a time

  std::vector<std::thread> threads_;
};

}  // namespace flowd::engine
