// The engine's durable state: enrollments, the job queue (timers are jobs), the record of every
// action execution, delivery attempts of external effects, the local message outbox, and the
// engine's position in the CRM event log. Thread safety and errors as in store.h.
//
// The promises of DESIGN.md §2 rest on three calls, each one transaction:
//   * Enroll: the enrollment rows, their first jobs and (optionally) the new event-log position.
//   * CommitSteps: per step, the step's record, its internal effects (CRM writes, list
//     membership, local messages), the enrollment's new data or end, and the next job — or
//     nothing of it when the job is no longer leased to the committing worker (another worker
//     took it over after the lease expired, or the enrollment was ended meanwhile).
//   * ClaimJobs: due jobs leased to one worker, so that a job is run by one worker at a time.
// External effects (webhook, email over SMTP, custom code) are performed by the worker while it
// holds the job's lease, with the idempotency key `enrollmentId:actionId:executionIndex`, and
// committed afterwards; a crash in between runs them again with the same key (at least once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/association_store.h"
#include "store/object_store.h"

namespace flowd::store {

// Enrollment statuses (the API's words).
inline constexpr std::string_view kEnrollmentActive = "ACTIVE";
inline constexpr std::string_view kEnrollmentCompleted = "COMPLETED";
inline constexpr std::string_view kEnrollmentUnenrolled = "UNENROLLED";
inline constexpr std::string_view kEnrollmentGoalMet = "GOAL_MET";
inline constexpr std::string_view kEnrollmentFailed = "FAILED";

struct EnrollmentRecord {
  int64_t id = 0;  // assigned by the store
  int64_t account_id = 0;
  int64_t flow_id = 0;
  int64_t revision_id = 0;  // the flow revision it executes (DESIGN.md §2.5)
  std::string object_type_id;
  int64_t object_id = 0;
  std::string status{kEnrollmentActive};
  std::string source;  // EVENT | LIST | MANUAL | SCHEDULE | API: how it enrolled
  std::string reason;  // why it ended (e.g. "FLOW_DELETED", "GOAL_MET", "OBJECT_ARCHIVED", an
                       // error message), or what enrolled it while active ("event 4-655002 #812")
  int64_t enrolled_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> ended_at_ms;
  // Data that later actions read: {"<actionId>": {output fields}, …} (custom-code outputs,
  // created record ids, webhook responses). A JSON object text; "{}" when empty.
  std::string data_json = "{}";
  int64_t executions = 0;  // action executions committed so far
};

struct JobRecord {
  int64_t id = 0;  // assigned by the store
  int64_t account_id = 0;
  int64_t enrollment_id = 0;
  int64_t flow_id = 0;
  std::string action_id;        // the flow action to run
  int64_t execution_index = 0;  // 0 for the first action of an enrollment, +1 per step
  int64_t run_at_ms = 0;
  int64_t attempt = 0;  // 0 on the first try; +1 per retry of the same execution
  bool paused = false;  // its flow is disabled: not claimed until resumed
  // Set by ClaimJobs.
  std::string lease_owner;
  int64_t lease_until_ms = 0;
};

// An action execution as recorded (one per committed step, retries included).
struct StepRecord {
  int64_t enrollment_id = 0;
  int64_t execution_index = 0;
  int64_t attempt = 0;
  std::string action_id;
  std::string action_type_id;  // "0-5", "WEBHOOK", "STATIC_BRANCH", …
  int64_t started_at_ms = 0;
  int64_t finished_at_ms = 0;
  std::string outcome;      // SUCCEEDED | FAILED | RETRYING | SKIPPED | BRANCHED | DELAYED
  std::string detail_json;  // a JSON object text: what happened (branch taken, status code, …)
};

// A delivery attempt of an external effect (the outbox log).
struct DeliveryRecord {
  int64_t account_id = 0;
  int64_t enrollment_id = 0;
  std::string idempotency_key;
  std::string kind;  // WEBHOOK | EMAIL | CUSTOM_CODE | CUSTOM_ACTION
  int64_t attempt = 0;
  int64_t at_ms = 0;
  std::string outcome;  // DELIVERED | RETRY | FAILED
  std::string detail;   // status code, error text (never a secret)
};

// An email or in-app notification the engine produced (GET /flowd/v1/emails reads emails).
struct MessageRecord {
  int64_t id = 0;  // assigned by the store
  int64_t account_id = 0;
  int64_t enrollment_id = 0;
  std::string idempotency_key;  // unique per account: a message is recorded once
  std::string channel;          // EMAIL | NOTIFICATION
  std::string to;               // email address, or owner/user id for notifications
  std::string from;
  std::string subject;
  std::string body;      // HTML for emails, text for notifications
  std::string delivery;  // SMTP (sent by the worker) | LOCAL (kept here only)
  int64_t created_at_ms = 0;
};

struct NewEnrollment {
  EnrollmentRecord enrollment;  // id, status, executions ignored (ACTIVE, 0)
  std::string first_action_id;  // the flow's startActionId; "" enrolls with nothing to run
                                // (the enrollment is COMPLETED at once)
  // enrollment.enrolled_at_ms 0 means now_ms; data_json "" means "{}".
  int64_t first_run_at_ms = 0;
  // At most one enrollment ever for (flow, object) — re-enrollment off.
  bool once = false;
};

enum class EnrollOutcome {
  kEnrolled,
  kAlreadyActive,    // an ACTIVE enrollment of the record in the flow exists
  kAlreadyEnrolled,  // `once` and an enrollment (of any status) exists
};

struct EnrollResult {
  EnrollOutcome outcome = EnrollOutcome::kEnrolled;
  EnrollmentRecord enrollment;  // the new one, or the existing one that blocked it
};

// Internal effects of a step, applied in the step's transaction (with the step or not at all).
struct ObjectUpdateEffect {
  int64_t account_id = 0;
  std::string object_type_id;
  std::vector<ObjectUpdate> updates;
  ObjectWriteOptions options;
};
struct ObjectCreateEffect {
  int64_t account_id = 0;
  std::string object_type_id;
  std::vector<PropertyWrite> properties;
  ObjectWriteOptions options;
  // Associations of the new record (it is the from side); from_type/from_id are filled in.
  std::vector<AssociationWrite> associations;
  // When set, the new record becomes that action's output in the enrollment's data, in the
  // step's transaction: data[output_action_id] gets "hs_object_id" (the new id, as text) and
  // "objectTypeId". The commit's data_json must then be set: the ids are merged into it.
  std::string output_action_id;
};
struct ListMembershipEffect {
  int64_t account_id = 0;
  int64_t list_id = 0;
  std::vector<int64_t> add;
  std::vector<int64_t> remove;
};

// Round-robin assignment (rotate record to owner, 0-11). In the step's transaction the store takes
// the next slot of the rotation (account, flow, action_id) — a stored counter that starts at 0
// and moves by one per committed effect, whatever the flow's revision — and writes
// values[slot % values.size()] to `property` of the record. The slot and the value are merged
// into the step's detail ("slot", "value"), so the step records what it assigned. A step that is
// not committed (lease lost, effect refused) takes no slot.
struct RotationEffect {
  int64_t account_id = 0;
  int64_t flow_id = 0;
  std::string action_id;
  std::vector<std::string> values;  // at least one
  std::string object_type_id;
  int64_t object_id = 0;
  std::string property;
  ObjectWriteOptions options;
};

struct StepCommit {
  // The job that ran; the commit happens only while it is leased to `lease_owner` and still at
  // step.execution_index and step.attempt.
  int64_t job_id = 0;
  std::string lease_owner;
  StepRecord step;
  std::vector<ObjectUpdateEffect> updates;
  std::vector<ObjectCreateEffect> creates;
  std::vector<ListMembershipEffect> memberships;
  std::vector<RotationEffect> rotations;
  // Enrollments in other flows (enroll in another workflow, 0-15), by Enroll's rules: an ACTIVE
  // enrollment of the record in that flow, or any one with `once`, blocks it. Each outcome is
  // merged into the step's detail ("enrollments": [{flowId, outcome ENROLLED | ALREADY_ACTIVE |
  // ALREADY_ENROLLED, enrollmentId}]; outcome SKIPPED when none enrolled) and returned in
  // CommitResult::enrolled.
  std::vector<NewEnrollment> enrollments;
  std::vector<MessageRecord> messages;  // id, created_at ignored; duplicates (key) skipped
  std::vector<DeliveryRecord> deliveries;
  std::optional<std::string> data_json;  // the enrollment's new data (created ids merged in)
  // What follows. Exactly one of: `next` (the job moves on, unleased: same enrollment, paused as
  // before, its action, index and attempt as given; the backend may keep its id or give it a new
  // one), `end_status` (the enrollment ends, the job is deleted), or neither with `retry_at_ms`
  // (the same job runs again: attempt+1, run_at = retry_at_ms, lease released).
  struct Next {
    std::string action_id;
    int64_t execution_index = 0;
    int64_t attempt = 0;
    int64_t run_at_ms = 0;
  };
  std::optional<Next> next;
  std::optional<std::string> end_status;  // COMPLETED | FAILED | GOAL_MET | UNENROLLED
  std::string end_reason;
  std::optional<int64_t> retry_at_ms;
  int64_t now_ms = 0;
};

enum class CommitOutcome {
  kCommitted,
  kLeaseLost,  // the job is gone or leased to another worker: nothing was written
  kFailed,     // an effect failed (e.g. the record is gone, a unique value taken, the list is
               // DYNAMIC, an effect names another account than the job's) or the commit names
               // no transition or two: nothing of this step was written; `error` says why
};

struct CommitResult {
  CommitOutcome outcome = CommitOutcome::kCommitted;
  std::optional<Error> error;
  // Ids of the records the creates made, in order (kCommitted only).
  std::vector<int64_t> created_ids;
  // The outcomes of the step's enrollments, in order (kCommitted only).
  std::vector<EnrollResult> enrolled;
};

struct EnrollmentFilter {
  std::optional<std::string> status;
  std::optional<int64_t> after_id;  // enrollments with id > after_id
  size_t limit = 100;
};

struct EnrollmentPage {
  std::vector<EnrollmentRecord> enrollments;  // id order
  std::optional<int64_t> next_after;
};

// Performance histogram counts: each vector has one count per bucket [edges[i], edges[i+1]).
struct PerformanceCounts {
  std::vector<int64_t> enrolled;    // by enrolled_at
  std::vector<int64_t> completed;   // ended COMPLETED, by ended_at
  std::vector<int64_t> unenrolled;  // ended UNENROLLED
  std::vector<int64_t> goal_met;    // ended GOAL_MET
  std::vector<int64_t> failed;      // ended FAILED
  std::vector<int64_t> actions;     // steps recorded, by finished_at
};

// A pass over a flow's records, durable so that a restart resumes it: "enroll existing records"
// when a LIST_BASED flow is enabled (ENABLE), or one occurrence of its enrollmentSchedule
// (SCHEDULE). A SCHEDULE pass is due from `occurrence_ms` on; the others at once.
// A change of the account's time zone (AccountStore::SetTimeZone) records a ZONE pass (flow_id
// 0): the engine then re-times the account's enabled flows, recomputing a PROPERTY_BASED flow's
// dates by a DATES pass over its records (which enrolls nobody) and a schedule's next occurrence.
inline constexpr std::string_view kBackfillEnable = "ENABLE";
inline constexpr std::string_view kBackfillSchedule = "SCHEDULE";
inline constexpr std::string_view kBackfillZone = "ZONE";
inline constexpr std::string_view kBackfillDates = "DATES";

struct BackfillRecord {
  int64_t id = 0;  // assigned by the store
  int64_t account_id = 0;
  int64_t flow_id = 0;
  std::string kind{kBackfillEnable};
  int64_t occurrence_ms = 0;        // SCHEDULE: the occurrence it runs; ENABLE: 0
  std::optional<int64_t> after_id;  // the cursor: records with id > after_id are still to read
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// A record's next date-based enrollment in a flow with a PROPERTY_BASED enrollmentSchedule:
// due at `due_at_ms`. One per (account, flow, object type, record); the engine keeps it current
// as the record's date property changes and scans the due ones (DueDates) like timers.
struct DateDueRecord {
  int64_t account_id = 0;
  int64_t flow_id = 0;
  std::string object_type_id;
  int64_t object_id = 0;
  int64_t due_at_ms = 0;
};

// Sets (due_at_ms) or removes (nullopt) a record's entry. With `expected_due_ms`, only when the
// stored entry is due then (it exists): the write is then a compare-and-set.
struct DateDueWrite {
  int64_t account_id = 0;
  int64_t flow_id = 0;
  std::string object_type_id;
  int64_t object_id = 0;
  std::optional<int64_t> due_at_ms;
  std::optional<int64_t> expected_due_ms;
};

// What a page of a pass leaves, committed with the page's enrollments.
struct BackfillAdvance {
  int64_t backfill_id = 0;
  std::optional<int64_t> expected_after;  // the cursor the page was read from
  std::optional<int64_t> next_after;      // the new cursor; nullopt: the pass is done (deleted)
  std::optional<BackfillRecord> then;     // when done: a pass added in the same transaction (a
                                          // schedule's next occurrence); id and times ignored
  std::vector<DateDueWrite> date_dues;    // written in the same transaction (the page's records'
                                          // entries, for a PROPERTY_BASED flow)
};

// A trigger consumer's step through the CRM event log: from the position it read the events
// after, to the last event it handled. Several processes share one position (PostgreSQL): the
// move succeeds for one of them only, so each event is consumed once.
struct EventAdvance {
  int64_t from = 0;
  int64_t to = 0;
};

class EngineStore {
 public:
  virtual ~EngineStore() = default;

  // ---- enrollment

  // Each item in its own savepoint; results in input order. With `events`, the engine's event-log
  // position moves from `events->from` to `events->to` in the same transaction (the trigger
  // consumer's exactly-once); when it is no longer `from` (another process consumed that range
  // meanwhile, PostgreSQL), kConflict and nothing is written.
  virtual Result<std::vector<EnrollResult>> Enroll(const std::vector<NewEnrollment>& items,
                                                   std::optional<EventAdvance> events,
                                                   int64_t now_ms) = 0;
  // Enrolls a page of a pass (as Enroll) and moves the pass's cursor in the same transaction, so
  // a crash neither skips nor repeats a page. kConflict, with nothing written, when the pass is
  // gone (dropped: its flow was disabled, deleted or rescheduled) or its cursor is no longer
  // `expected_after` (another worker advanced it).
  virtual Result<std::vector<EnrollResult>> EnrollBackfillPage(
      const std::vector<NewEnrollment>& items, const BackfillAdvance& advance, int64_t now_ms) = 0;
  // Records a pending pass (after_id as given, usually nullopt); returns it with its id.
  virtual Result<BackfillRecord> AddBackfill(const BackfillRecord& pass, int64_t now_ms) = 0;
  // Pending passes of every account due at `now_ms` (ENABLE ones, and SCHEDULE ones whose
  // occurrence has come), the least recently advanced first, at most `limit`.
  virtual Result<std::vector<BackfillRecord>> DueBackfills(int64_t now_ms, size_t limit) = 0;
  // Every pending pass of one flow (due or not), id order.
  virtual Result<std::vector<BackfillRecord>> FlowBackfills(int64_t account_id,
                                                            int64_t flow_id) = 0;
  // Drops the flow's pending passes (of `kind` only, when given); returns how many.
  virtual Result<int64_t> DropBackfills(int64_t account_id, int64_t flow_id,
                                        std::optional<std::string> kind) = 0;

  // ---- date-based enrollment (PROPERTY_BASED enrollmentSchedule)

  // Applies the writes in one transaction, in order. kConflict, with nothing written, when a
  // compare-and-set write finds its entry missing or due at another time.
  virtual Status WriteDateDues(const std::vector<DateDueWrite>& writes) = 0;
  // Entries of every account due at `now_ms` (due_at_ms <= now_ms), earliest first (then by
  // account, flow, object type, record), at most `limit`.
  virtual Result<std::vector<DateDueRecord>> DueDates(int64_t now_ms, size_t limit) = 0;
  // One flow's entries in record id order, records with id > after_object_id, at most `limit`.
  virtual Result<std::vector<DateDueRecord>> FlowDateDues(int64_t account_id, int64_t flow_id,
                                                          int64_t after_object_id,
                                                          size_t limit) = 0;
  // Enrolls (as Enroll) and applies `writes` (as WriteDateDues) in one transaction: kConflict,
  // with nothing written, when a compare-and-set write fails (another worker or a property change
  // moved the entry since it was read).
  virtual Result<std::vector<EnrollResult>> EnrollDateDues(const std::vector<NewEnrollment>& items,
                                                           const std::vector<DateDueWrite>& writes,
                                                           int64_t now_ms) = 0;
  // Removes a flow's entries (disabled, deleted, schedule changed); returns how many.
  virtual Result<int64_t> DropDateDues(int64_t account_id, int64_t flow_id) = 0;
  // Removes a record's entries in every flow (record archived); returns how many.
  virtual Result<int64_t> DropObjectDateDues(int64_t account_id, const std::string& object_type_id,
                                             int64_t object_id) = 0;

  // The engine's event-log position (0 before anything was consumed).
  virtual Result<int64_t> EventSeq() = 0;
  // Moves the position as Enroll does, without enrollments (kConflict when it is not `from`).
  virtual Status SetEventSeq(const EventAdvance& events) = 0;

  virtual Result<EnrollmentRecord> GetEnrollment(int64_t account_id, int64_t enrollment_id) = 0;
  // The executor's batch read: the enrollments with these ids, of any account (the queue's jobs
  // span accounts), in id order; unknown ids are left out. The caller checks each record's
  // account against the job that named it.
  virtual Result<std::vector<EnrollmentRecord>> EnrollmentsById(
      const std::vector<int64_t>& enrollment_ids) = 0;
  virtual Result<EnrollmentPage> ListEnrollments(int64_t account_id, int64_t flow_id,
                                                 const EnrollmentFilter& filter) = 0;
  // A record's enrollments in every flow (all statuses), newest first.
  virtual Result<std::vector<EnrollmentRecord>> EnrollmentsOfObject(
      int64_t account_id, const std::string& object_type_id, int64_t object_id) = 0;
  // The flow's ACTIVE enrollments of these records (goal and unenrollment checks).
  virtual Result<std::vector<EnrollmentRecord>> ActiveEnrollments(
      int64_t account_id, int64_t flow_id, const std::vector<int64_t>& object_ids) = 0;
  // How many ACTIVE enrollments the flow has (metrics).
  virtual Result<int64_t> CountActive(int64_t account_id, int64_t flow_id) = 0;
  // Steps of one enrollment in execution order (attempts in order); empty for an enrollment
  // not in the account (as ListDeliveries).
  virtual Result<std::vector<StepRecord>> ListSteps(int64_t account_id, int64_t enrollment_id) = 0;

  // Ends the ACTIVE ones among `enrollment_ids` (others are skipped) and deletes their jobs;
  // returns the ids ended.
  virtual Result<std::vector<int64_t>> EndEnrollments(int64_t account_id,
                                                      const std::vector<int64_t>& enrollment_ids,
                                                      const std::string& status,
                                                      const std::string& reason,
                                                      int64_t now_ms) = 0;
  // Ends every ACTIVE enrollment of the flow (flow deleted), or of the record in every flow
  // (record archived); returns how many.
  virtual Result<int64_t> EndFlowEnrollments(int64_t account_id, int64_t flow_id,
                                             const std::string& status, const std::string& reason,
                                             int64_t now_ms) = 0;
  virtual Result<int64_t> EndObjectEnrollments(int64_t account_id,
                                               const std::string& object_type_id, int64_t object_id,
                                               const std::string& status, const std::string& reason,
                                               int64_t now_ms) = 0;

  // ---- the queue

  // Pauses (flow disabled) or resumes (re-enabled) the flow's jobs; a resumed job whose run_at
  // has passed runs at once. Returns how many jobs changed.
  virtual Result<int64_t> SetFlowPaused(int64_t account_id, int64_t flow_id, bool paused) = 0;
  // Up to `limit` unpaused jobs with run_at <= now and no live lease (lease_until <= now), in
  // run_at order, leased to `owner` until now + lease_ms. (Which due jobs a limited claim takes
  // first goes by max(run_at, lease_until): expired leases come in lease_until order.)
  virtual Result<std::vector<JobRecord>> ClaimJobs(const std::string& owner, int64_t now_ms,
                                                   int64_t lease_ms, size_t limit) = 0;
  // At start-up. Where one process owns the queue (SQLite), every live lease is released: the
  // process that held it is gone, and its jobs are due again at once (at least once, with the
  // same idempotency keys). Where live processes share the queue (PostgreSQL), leases are left
  // to expire. Returns how many were released.
  virtual Result<int64_t> RecoverLeases(int64_t now_ms) = 0;
  // Extends the leases of `owner`'s jobs (long external effects). Returns the ids still held.
  virtual Result<std::vector<int64_t>> RenewLeases(const std::string& owner,
                                                   const std::vector<int64_t>& job_ids,
                                                   int64_t lease_until_ms) = 0;
  // The earliest run_at of an unpaused job, nullopt when the queue is empty (the scheduler's
  // sleep). Leased jobs count with lease_until.
  virtual Result<std::optional<int64_t>> NextDueAt() = 0;
  // Brings a waiting job forward to `run_at_ms` (a delay until an event whose event happened):
  // only the account's job `job_id`, while it is still at `execution_index`, due later than
  // `run_at_ms` and not under a live lease at `run_at_ms`. Whether it moved; a move wakes the
  // executors as an enrollment does.
  virtual Result<bool> WakeJob(int64_t account_id, int64_t job_id, int64_t execution_index,
                               int64_t run_at_ms) = 0;
  // Jobs waiting (unpaused), and of those the ones due at now_ms.
  struct QueueDepth {
    int64_t pending = 0;
    int64_t due = 0;
  };
  virtual Result<QueueDepth> Depth(int64_t now_ms) = 0;
  virtual Result<std::optional<JobRecord>> JobOfEnrollment(int64_t account_id,
                                                           int64_t enrollment_id) = 0;
  // Completes an app action's BLOCK (the callback completion API): when the ACTIVE enrollment's
  // data holds, under `action_id`, outputs with hs_callback_id `callback_id` and
  // hs_execution_state BLOCK, and its job (that action, not leased) waits, replaces those outputs
  // with `outputs` (a JSON object, which keeps hs_callback_id) and makes the job due at now_ms —
  // one transaction, so the completion is durable before the 204. kNotFound when there is no
  // such blocked execution (unknown, completed, expired or ended); kConflict while the job is
  // leased (its expiry is running).
  virtual Status CompleteCallback(int64_t account_id, int64_t enrollment_id,
                                  const std::string& action_id, const std::string& callback_id,
                                  const std::string& outputs_json, int64_t now_ms) = 0;

  // Commits each step in its own savepoint (a failing one does not stop the others), all in one
  // transaction when the backend allows; results in input order. Storage failures (kInternal,
  // kUnavailable) are not a step's kFailed: the call fails and nothing of the batch is written.
  virtual Result<std::vector<CommitResult>> CommitSteps(std::vector<StepCommit>& steps) = 0;

  // ---- reading what happened

  virtual Result<std::vector<DeliveryRecord>> ListDeliveries(int64_t account_id,
                                                             int64_t enrollment_id) = 0;
  // The account's messages of a channel, newest first, id < before_id when set.
  virtual Result<std::vector<MessageRecord>> ListMessages(int64_t account_id,
                                                          const std::string& channel,
                                                          std::optional<int64_t> before_id,
                                                          size_t limit) = 0;
  // Counts per bucket; `edges` ascending, at least two (buckets = edges.size() - 1).
  virtual Result<PerformanceCounts> Performance(int64_t account_id, int64_t flow_id,
                                                const std::vector<int64_t>& edges) = 0;
};

}  // namespace flowd::store
