// The SQLite EngineStore (contract: store/engine_store.h; tables: migration 9). Every write runs
// on the single writer (group commit), so its read-then-write sequences cannot race; one process
// owns the queue (DESIGN.md §2.4). A step's CRM effects use the object, association and list
// stores' own code (shared_writes.h) inside the step's savepoint.
#include <algorithm>
#include <string>

#include "store/common/app_util.h"
#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/sqlite/multi_row.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using internal::IdList;

namespace {

std::string JsonIds(const std::vector<int64_t>& ids) { return IdList(ids, '[', ']'); }

#define ENROLLMENT_COLUMNS                                                                    \
  "id, account_id, flow_id, revision_id, object_type_id, object_id, status, source, reason, " \
  "enrolled_at_ms, updated_at_ms, ended_at_ms, data_json, executions"
#define JOB_COLUMNS                                                                          \
  "id, account_id, enrollment_id, flow_id, action_id, execution_index, run_at_ms, attempt, " \
  "paused, lease_owner, lease_until_ms"

Result<std::vector<EnrollmentRecord>> ReadEnrollments(Stmt& s) {
  std::vector<EnrollmentRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    EnrollmentRecord e;
    e.id = s.Int(0);
    e.account_id = s.Int(1);
    e.flow_id = s.Int(2);
    e.revision_id = s.Int(3);
    e.object_type_id = s.Text(4);
    e.object_id = s.Int(5);
    e.status = s.Text(6);
    e.source = s.Text(7);
    e.reason = s.Text(8);
    e.enrolled_at_ms = s.Int(9);
    e.updated_at_ms = s.Int(10);
    e.ended_at_ms = s.OptInt(11);
    e.data_json = s.Text(12);
    e.executions = s.Int(13);
    out.push_back(std::move(e));
  }
}

Result<std::vector<JobRecord>> ReadJobs(Stmt& s) {
  std::vector<JobRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    JobRecord j;
    j.id = s.Int(0);
    j.account_id = s.Int(1);
    j.enrollment_id = s.Int(2);
    j.flow_id = s.Int(3);
    j.action_id = s.Text(4);
    j.execution_index = s.Int(5);
    j.run_at_ms = s.Int(6);
    j.attempt = s.Int(7);
    j.paused = s.Int(8) != 0;
    j.lease_owner = s.Text(9);
    j.lease_until_ms = s.Int(10);
    out.push_back(std::move(j));
  }
}

// Runs `fn` inside a savepoint: what it wrote is kept when it succeeds, undone when it fails.
template <typename F>
auto InSavepoint(Connection& conn, F&& fn) -> decltype(fn()) {
  FLOWD_TRY(conn.Run("SAVEPOINT engine_item"));
  auto result = fn();
  if (!result.ok()) FLOWD_TRY(conn.Run("ROLLBACK TO engine_item"));
  FLOWD_TRY(conn.Run("RELEASE engine_item"));
  return result;
}

Status InsertJob(Connection& conn, int64_t account_id, int64_t enrollment_id, int64_t flow_id,
                 const std::string& action_id, int64_t execution_index, int64_t attempt,
                 int64_t run_at_ms, bool paused) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins, conn.Prepare("INSERT INTO engine_jobs (account_id, enrollment_id, flow_id, "
                             "action_id, execution_index, run_at_ms, attempt, paused, lease_owner, "
                             "lease_until_ms, due_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                             "'', 0, ?6)"));
  return ins.Bind(1, account_id)
      .Bind(2, enrollment_id)
      .Bind(3, flow_id)
      .Bind(4, action_id)
      .Bind(5, execution_index)
      .Bind(6, run_at_ms)
      .Bind(7, attempt)
      .Bind(8, int64_t{paused ? 1 : 0})
      .Run();
}

// kConflict when the position is no longer `events.from` (nothing else is written then).
Status MoveEventSeq(Connection& conn, const EventAdvance& events) {
  FLOWD_ASSIGN_OR_RETURN(Stmt up, conn.Prepare("UPDATE engine_event_position SET seq = ?2 WHERE "
                                               "id = 1 AND seq = ?1"));
  FLOWD_TRY(up.Bind(1, events.from).Bind(2, events.to).Run());
  if (conn.Changes() != 1) return internal::EventRangeTaken(events.from);
  return Status::Ok();
}

// The account is checked by the caller (once per batch). One probe of (account, flow, object)
// answers both checks: an ACTIVE enrollment sorts first, else the newest.
Result<EnrollResult> EnrollOne(Connection& conn, const NewEnrollment& item, int64_t now_ms) {
  const EnrollmentRecord& e = item.enrollment;
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments INDEXED BY "
                               "engine_enrollments_by_flow_object WHERE account_id = ?1 AND "
                               "flow_id = ?2 AND object_id = ?3 AND object_type_id = ?4 ORDER BY "
                               "status = 'ACTIVE' DESC, id DESC LIMIT 1"));
    sel.Bind(1, e.account_id).Bind(2, e.flow_id).Bind(3, e.object_id).Bind(4, e.object_type_id);
    FLOWD_ASSIGN_OR_RETURN(std::vector<EnrollmentRecord> found, ReadEnrollments(sel));
    if (!found.empty() && found[0].status == kEnrollmentActive) {
      return EnrollResult{EnrollOutcome::kAlreadyActive, std::move(found[0])};
    }
    if (!found.empty() && item.once) {
      return EnrollResult{EnrollOutcome::kAlreadyEnrolled, std::move(found[0])};
    }
  }
  EnrollmentRecord r = e;
  r.status = item.first_action_id.empty() ? kEnrollmentCompleted : kEnrollmentActive;
  r.executions = 0;
  if (r.enrolled_at_ms == 0) r.enrolled_at_ms = now_ms;
  r.updated_at_ms = now_ms;
  r.ended_at_ms = item.first_action_id.empty() ? std::optional<int64_t>(now_ms) : std::nullopt;
  if (r.data_json.empty()) r.data_json = "{}";
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins,
      conn.Prepare("INSERT INTO engine_enrollments (account_id, flow_id, revision_id, "
                   "object_type_id, object_id, status, source, reason, enrolled_at_ms, "
                   "updated_at_ms, ended_at_ms, data_json, executions) VALUES (?1, ?2, ?3, ?4, "
                   "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)"));
  ins.Bind(1, r.account_id)
      .Bind(2, r.flow_id)
      .Bind(3, r.revision_id)
      .Bind(4, r.object_type_id)
      .Bind(5, r.object_id)
      .Bind(6, r.status)
      .Bind(7, r.source)
      .Bind(8, r.reason)
      .Bind(9, r.enrolled_at_ms)
      .Bind(10, r.updated_at_ms)
      .Bind(12, r.data_json);
  if (r.ended_at_ms) {
    ins.Bind(11, *r.ended_at_ms);
  } else {
    ins.BindNull(11);
  }
  FLOWD_TRY(ins.Run());
  r.id = conn.LastInsertRowid();
  if (!item.first_action_id.empty()) {
    FLOWD_TRY(InsertJob(conn, r.account_id, r.id, r.flow_id, item.first_action_id, 0, 0,
                        item.first_run_at_ms, /*paused=*/false));
  }
  return EnrollResult{EnrollOutcome::kEnrolled, std::move(r)};
}

Result<std::vector<EnrollResult>> EnrollAll(Connection& conn,
                                            const std::vector<NewEnrollment>& items,
                                            int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<EnrollResult> out,
      internal::EnrollEach(
          items, [&](int64_t account_id) { return RequireAccount(conn, account_id); },
          [&](const NewEnrollment& item) { return EnrollOne(conn, item, now_ms); }));
  // Every path that enrolls (events, manual, backfill pages) wakes the executors once committed.
  for (const EnrollResult& r : out) {
    if (r.outcome == EnrollOutcome::kEnrolled && r.enrollment.status == kEnrollmentActive) {
      conn.MarkChanged(kJobsQueued);
      break;
    }
  }
  return out;
}

// Ends ACTIVE enrollments: deletes their jobs (`delete_jobs_sql`), then marks them ended
// (`end_sql`: ?1 status, ?2 reason, ?3 now). `bind` binds the selection, ?4 onwards, to both.
// Returns the ids ended.
template <typename BindFn>
Result<std::vector<int64_t>> EndWhere(Connection& conn, const char* delete_jobs_sql,
                                      const char* end_sql, BindFn bind, const std::string& status,
                                      const std::string& reason, int64_t now_ms) {
  {
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare(delete_jobs_sql));
    bind(del);
    FLOWD_TRY(del.Run());
  }
  FLOWD_ASSIGN_OR_RETURN(Stmt end, conn.Prepare(end_sql));
  end.Bind(1, status).Bind(2, reason).Bind(3, now_ms);
  bind(end);
  FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> ids, end.Ids());
  std::sort(ids.begin(), ids.end());
  return ids;
}

// ---- CommitSteps

// The rotation's slot for this step: the counter's value before it moves by one.
Result<int64_t> TakeRotationSlot(Connection& conn, const RotationEffect& r) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt up, conn.Prepare("INSERT INTO engine_rotations (account_id, flow_id, action_id, "
                            "next_slot) VALUES (?1, ?2, ?3, 1) ON CONFLICT (account_id, flow_id, "
                            "action_id) DO UPDATE SET next_slot = next_slot + 1 RETURNING "
                            "next_slot - 1"));
  up.Bind(1, r.account_id).Bind(2, r.flow_id).Bind(3, r.action_id);
  FLOWD_ASSIGN_OR_RETURN(bool row, up.Step());
  if (!row) return Error::Internal("the rotation counter returned no row");
  const int64_t slot = up.Int(0);
  FLOWD_TRY(up.Run());  // finish the statement before the next one
  return slot;
}

// Whether the step's effects write events other than property changes (record creations, list
// memberships, enrollments' and rotations' writes): those are inserted as they happen, so such a
// step's property changes are too, after the ones deferred before it (CommitSteps keeps the log
// in step order).
bool WritesOtherEvents(const StepCommit& s) {
  return !s.creates.empty() || !s.memberships.empty() || !s.rotations.empty() ||
         !s.enrollments.empty();
}

// The step's internal effects; the ids of the records it created. The outcomes of its
// enrollments go to `enrolled`; what its rotations and enrollments did, to its detail. With
// `deferred_events`, its property-change events go there (NewObjectTxn) instead of the log.
Result<std::vector<int64_t>> ApplyEffects(Connection& conn, StepCommit& s,
                                          std::vector<EnrollResult>& enrolled,
                                          std::vector<CrmEvent>* deferred_events) {
  std::vector<int64_t> created;
  std::unique_ptr<internal::ObjectTxn> txn = NewObjectTxn(conn, deferred_events);
  for (const ObjectUpdateEffect& u : s.updates) {
    FLOWD_TRY(internal::WriteObjectUpdatesIn(*txn, u.account_id, u.object_type_id, u.updates,
                                             u.options, s.now_ms));
  }
  for (const ObjectCreateEffect& c : s.creates) {
    FLOWD_ASSIGN_OR_RETURN(std::vector<ObjectRecord> records,
                           internal::CreateObjectsIn(*txn, c.account_id, c.object_type_id,
                                                     {c.properties}, c.options, s.now_ms));
    const int64_t id = records.at(0).id;
    for (AssociationWrite w : c.associations) {
      w.from_type = c.object_type_id;
      w.from_id = id;
      FLOWD_ASSIGN_OR_RETURN(AssociateOutcome o, WriteAssociation(conn, c.account_id, w, s.now_ms));
      if (o != AssociateOutcome::kDone) return internal::AssociationRefused(o, w);
    }
    created.push_back(id);
  }
  for (const ListMembershipEffect& m : s.memberships) {
    FLOWD_TRY(ChangeListMembers(conn, m.account_id, MembershipDelta{m.list_id, m.add, m.remove},
                                s.now_ms, /*static_only=*/true));
  }
  FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> slots,
                         internal::ApplyRotations(*txn, s, [&](const RotationEffect& r) {
                           return TakeRotationSlot(conn, r);
                         }));
  enrolled.clear();
  if (!s.enrollments.empty()) {
    FLOWD_ASSIGN_OR_RETURN(enrolled, EnrollAll(conn, s.enrollments, s.now_ms));
  }
  FLOWD_TRY(internal::MergeFlowOutcomes(s, slots, enrolled));
  return created;
}

// A step row to insert: its job's account, flow and enrollment, and the step.
struct StepRow {
  int64_t account_id;
  int64_t flow_id;
  int64_t enrollment_id;
  const StepCommit* step;
};

// The step rows of a batch in a few multi-row statements (multi_row.h).
Status InsertStepRows(Connection& conn, const std::vector<StepRow>& rows) {
  static const MultiRowSql kInsert(
      "INSERT INTO engine_steps (account_id, flow_id, enrollment_id, execution_index, attempt, "
      "action_id, action_type_id, started_at_ms, finished_at_ms, outcome, detail_json) VALUES ",
      "($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", "", 0, 11);
  return kInsert.Run(
      conn, rows.size(), [](Stmt&) {},
      [&](Stmt& stmt, int first, size_t i) {
        const StepRecord& step = rows[i].step->step;
        stmt.Bind(first, rows[i].account_id)
            .Bind(first + 1, rows[i].flow_id)
            .Bind(first + 2, rows[i].enrollment_id)
            .Bind(first + 3, step.execution_index)
            .Bind(first + 4, step.attempt)
            .Bind(first + 5, step.action_id)
            .Bind(first + 6, step.action_type_id)
            .Bind(first + 7, step.started_at_ms)
            .Bind(first + 8, step.finished_at_ms)
            .Bind(first + 9, step.outcome)
            .Bind(first + 10, step.detail_json.empty() ? "{}" : step.detail_json);
      },
      [](Stmt& stmt) { return stmt.Run(); });
}

// The step's own record (unless `step_rows` collects it for the batch's multi-row insert), the
// enrollment's update and what follows.
Status RecordStep(Connection& conn, const JobRecord& job, const StepCommit& s,
                  std::vector<StepRow>* step_rows) {
  const StepRow row{job.account_id, job.flow_id, job.enrollment_id, &s};
  if (step_rows) {
    step_rows->push_back(row);
  } else {
    FLOWD_TRY(InsertStepRows(conn, {row}));
  }
  for (const DeliveryRecord& d : s.deliveries) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins, conn.Prepare("INSERT INTO engine_deliveries (account_id, enrollment_id, "
                               "idempotency_key, kind, attempt, at_ms, outcome, detail) VALUES "
                               "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    FLOWD_TRY(ins.Bind(1, job.account_id)
                  .Bind(2, job.enrollment_id)
                  .Bind(3, d.idempotency_key)
                  .Bind(4, d.kind)
                  .Bind(5, d.attempt)
                  .Bind(6, d.at_ms)
                  .Bind(7, d.outcome)
                  .Bind(8, d.detail)
                  .Run());
  }
  for (const MessageRecord& m : s.messages) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins,
        conn.Prepare("INSERT INTO engine_messages (account_id, enrollment_id, idempotency_key, "
                     "channel, to_addr, from_addr, subject, body, delivery, created_at_ms) VALUES "
                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (account_id, "
                     "idempotency_key) DO NOTHING"));
    FLOWD_TRY(ins.Bind(1, job.account_id)
                  .Bind(2, job.enrollment_id)
                  .Bind(3, m.idempotency_key)
                  .Bind(4, m.channel)
                  .Bind(5, m.to)
                  .Bind(6, m.from)
                  .Bind(7, m.subject)
                  .Bind(8, m.body)
                  .Bind(9, m.delivery)
                  .Bind(10, s.now_ms)
                  .Run());
  }
  if (s.end_status) {
    // The last step: one statement. (Only this one names the status and end columns, so a step
    // that goes on leaves the enrollment's indexes alone: SQLite updates the indexes of the
    // columns a statement sets.)
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_enrollments SET data_json = COALESCE(?1, data_json), "
                              "executions = executions + 1, updated_at_ms = ?2, status = ?4, "
                              "reason = ?5, ended_at_ms = ?2 WHERE id = ?3"));
    FLOWD_TRY(up.BindOpt(1, s.data_json)
                  .Bind(2, s.now_ms)
                  .Bind(3, job.enrollment_id)
                  .Bind(4, *s.end_status)
                  .Bind(5, s.end_reason)
                  .Run());
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM engine_jobs WHERE id = ?1"));
    return del.Bind(1, job.id).Run();
  }
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_enrollments SET data_json = COALESCE(?1, data_json), "
                              "executions = executions + 1, updated_at_ms = ?2 WHERE id = ?3"));
    FLOWD_TRY(up.BindOpt(1, s.data_json).Bind(2, s.now_ms).Bind(3, job.enrollment_id).Run());
  }
  if (s.next &&
      (s.next->execution_index != job.execution_index || s.next->attempt != job.attempt)) {
    // The job moves on in place (its indexes but the due one are left alone): a commit still
    // naming the execution and attempt it had finds them changed (CommitOne).
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_jobs SET action_id = ?2, execution_index = ?3, "
                              "attempt = ?4, run_at_ms = ?5, due_at_ms = ?5, lease_owner = '', "
                              "lease_until_ms = 0 WHERE id = ?1"));
    return up.Bind(1, job.id)
        .Bind(2, s.next->action_id)
        .Bind(3, s.next->execution_index)
        .Bind(4, s.next->attempt)
        .Bind(5, s.next->run_at_ms)
        .Run();
  }
  if (s.next) {
    // The same execution and attempt again (a step held by the time windows): a new job, a new
    // id, so that a commit still holding the old id finds it gone.
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM engine_jobs WHERE id = ?1"));
    FLOWD_TRY(del.Bind(1, job.id).Run());
    return InsertJob(conn, job.account_id, job.enrollment_id, job.flow_id, s.next->action_id,
                     s.next->execution_index, s.next->attempt, s.next->run_at_ms, job.paused);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Stmt up, conn.Prepare("UPDATE engine_jobs SET attempt = attempt + 1, run_at_ms = ?2, "
                            "due_at_ms = ?2, lease_owner = '', lease_until_ms = 0 WHERE id = ?1"));
  return up.Bind(1, job.id).Bind(2, *s.retry_at_ms).Run();
}

// With `isolated`, the step's writes are in a savepoint of their own, so that a step whose effect
// is refused leaves the others' in place; without, such a step fails the whole transaction
// (kFailed is then the caller's cue to run the batch again isolated).
// `step_rows`, when given, collects the step's row for the caller to insert (RecordStep);
// `deferred_events`, its property-change events (ApplyEffects).
Result<CommitResult> CommitOne(Connection& conn, StepCommit& s, bool isolated,
                               std::vector<StepRow>* step_rows,
                               std::vector<CrmEvent>* deferred_events) {
  CommitResult result;
  FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                         conn.Prepare("SELECT " JOB_COLUMNS " FROM engine_jobs WHERE id = ?1"));
  sel.Bind(1, s.job_id);
  FLOWD_ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, ReadJobs(sel));
  // A job keeps its id when it moves on (RecordStep).
  if (jobs.empty() ||
      !internal::HoldsJob(s, jobs[0].lease_owner, jobs[0].execution_index, jobs[0].attempt)) {
    result.outcome = CommitOutcome::kLeaseLost;
    return result;
  }
  const JobRecord& job = jobs[0];
  if (Status valid = internal::ValidateStepCommit(s, job.account_id); !valid.ok()) {
    result.outcome = CommitOutcome::kFailed;
    result.error = std::move(valid).error();
    return result;
  }
  auto apply = [&]() -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> created,
                           ApplyEffects(conn, s, result.enrolled, deferred_events));
    // The created records' ids become their actions' outputs, with the step.
    FLOWD_TRY(internal::MergeCreatedIds(s, created));
    // Failures past the effects are the storage's: they fail the batch (below).
    Status recorded = RecordStep(conn, job, s, step_rows);
    if (!recorded.ok()) {
      Error err = std::move(recorded).error();
      err.code = internal::IsStorageError(err) ? err.code : ErrorCode::kInternal;
      return err;
    }
    return created;
  };
  auto applied = isolated ? InSavepoint(conn, apply) : apply();
  if (!applied.ok()) {
    if (internal::IsStorageError(applied.error())) return std::move(applied).error();
    result.outcome = CommitOutcome::kFailed;
    result.error = std::move(applied).error();
    result.enrolled.clear();  // rolled back with the step
    return result;
  }
  result.created_ids = std::move(applied).value();
  return result;
}

}  // namespace

// ---- enrollment

Result<std::vector<EnrollResult>> SqliteEngineStore::Enroll(const std::vector<NewEnrollment>& items,
                                                            std::optional<EventAdvance> events,
                                                            int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    if (events) FLOWD_TRY(MoveEventSeq(conn, *events));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<std::vector<EnrollResult>> SqliteEngineStore::EnrollBackfillPage(
    const std::vector<NewEnrollment>& items, const BackfillAdvance& advance, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    FLOWD_TRY(AdvanceBackfill(conn, advance, now_ms));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<std::vector<EnrollResult>> SqliteEngineStore::EnrollDateDues(
    const std::vector<NewEnrollment>& items, const std::vector<DateDueWrite>& writes,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    FLOWD_TRY(ApplyDateDues(conn, writes));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<int64_t> SqliteEngineStore::EventSeq() {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                           conn.Prepare("SELECT seq FROM engine_event_position WHERE id = 1"));
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    return row ? sel.Int(0) : 0;
  });
}

Status SqliteEngineStore::SetEventSeq(const EventAdvance& events) {
  return db_.Write([&](Connection& conn) { return MoveEventSeq(conn, events); });
}

Result<EnrollmentRecord> SqliteEngineStore::GetEnrollment(int64_t account_id,
                                                          int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<EnrollmentRecord> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                           conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments "
                                        "WHERE id = ?1 AND account_id = ?2"));
    sel.Bind(1, enrollment_id).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(std::vector<EnrollmentRecord> found, ReadEnrollments(sel));
    if (found.empty()) return internal::EnrollmentNotFound(enrollment_id);
    return std::move(found[0]);
  });
}

Result<std::vector<EnrollmentRecord>> SqliteEngineStore::EnrollmentsById(
    const std::vector<int64_t>& enrollment_ids) {
  if (enrollment_ids.empty()) return std::vector<EnrollmentRecord>{};
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                           conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments "
                                        "WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY "
                                        "id"));
    sel.Bind(1, JsonIds(enrollment_ids));
    return ReadEnrollments(sel);
  });
}

Result<EnrollmentPage> SqliteEngineStore::ListEnrollments(int64_t account_id, int64_t flow_id,
                                                          const EnrollmentFilter& filter) {
  const size_t limit = std::min(filter.limit, internal::kMaxPage);
  if (limit == 0) return EnrollmentPage{};
  return db_.Read(false, [&](Connection& conn) -> Result<EnrollmentPage> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments INDEXED BY "
                     "engine_enrollments_by_flow WHERE account_id = ?1 AND flow_id = ?2 AND id > "
                     "?3 AND (?4 = '' OR status = ?4) ORDER BY id LIMIT ?5"));
    sel.Bind(1, account_id)
        .Bind(2, flow_id)
        .Bind(3, filter.after_id.value_or(internal::kMinId))
        .Bind(4, filter.status.value_or(""))
        .Bind(5, static_cast<int64_t>(limit + 1));
    EnrollmentPage page;
    FLOWD_ASSIGN_OR_RETURN(page.enrollments, ReadEnrollments(sel));
    if (page.enrollments.size() > limit) {
      page.enrollments.resize(limit);
      page.next_after = page.enrollments.back().id;
    }
    return page;
  });
}

Result<std::vector<EnrollmentRecord>> SqliteEngineStore::EnrollmentsOfObject(
    int64_t account_id, const std::string& object_type_id, int64_t object_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments WHERE "
                               "account_id = ?1 AND object_type_id = ?2 AND object_id = ?3 "
                               "ORDER BY id DESC"));
    sel.Bind(1, account_id).Bind(2, object_type_id).Bind(3, object_id);
    return ReadEnrollments(sel);
  });
}

Result<std::vector<EnrollmentRecord>> SqliteEngineStore::ActiveEnrollments(
    int64_t account_id, int64_t flow_id, const std::vector<int64_t>& object_ids) {
  if (object_ids.empty()) return std::vector<EnrollmentRecord>{};
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    // The partial index of active enrollments, named: without statistics SQLite prefers the
    // (account, flow, id) index for the ORDER BY and reads every enrollment of the flow.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments INDEXED BY "
                               "engine_enrollments_active WHERE account_id = ?1 AND flow_id = ?2 "
                               "AND object_id IN (SELECT value FROM json_each(?3)) AND status = "
                               "'ACTIVE' ORDER BY id"));
    sel.Bind(1, account_id).Bind(2, flow_id).Bind(3, JsonIds(object_ids));
    return ReadEnrollments(sel);
  });
}

Result<int64_t> SqliteEngineStore::CountActive(int64_t account_id, int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare("SELECT count(*) FROM engine_enrollments WHERE "
                                                  "account_id = ?1 AND flow_id = ?2 AND status = "
                                                  "'ACTIVE'"));
    sel.Bind(1, account_id).Bind(2, flow_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    return row ? sel.Int(0) : int64_t{0};
  });
}

Result<std::vector<StepRecord>> SqliteEngineStore::ListSteps(int64_t account_id,
                                                             int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<StepRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT enrollment_id, execution_index, attempt, action_id, "
                               "action_type_id, started_at_ms, finished_at_ms, outcome, "
                               "detail_json FROM engine_steps WHERE enrollment_id = ?1 AND "
                               "account_id = ?2 ORDER BY execution_index, attempt, id"));
    sel.Bind(1, enrollment_id).Bind(2, account_id);
    std::vector<StepRecord> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) return out;
      out.push_back(StepRecord{sel.Int(0), sel.Int(1), sel.Int(2), sel.Text(3), sel.Text(4),
                               sel.Int(5), sel.Int(6), sel.Text(7), sel.Text(8)});
    }
  });
}

Result<std::vector<int64_t>> SqliteEngineStore::EndEnrollments(
    int64_t account_id, const std::vector<int64_t>& enrollment_ids, const std::string& status,
    const std::string& reason, int64_t now_ms) {
  if (enrollment_ids.empty()) return std::vector<int64_t>{};
  const std::string ids = JsonIds(enrollment_ids);
  return db_.Write([&](Connection& conn) {
    return EndWhere(
        conn,
        "DELETE FROM engine_jobs WHERE account_id = ?4 AND enrollment_id IN (SELECT id FROM "
        "engine_enrollments WHERE account_id = ?4 AND status = 'ACTIVE' AND id IN (SELECT value "
        "FROM json_each(?5)))",
        "UPDATE engine_enrollments SET status = ?1, reason = ?2, ended_at_ms = ?3, updated_at_ms "
        "= ?3 WHERE account_id = ?4 AND status = 'ACTIVE' AND id IN (SELECT value FROM "
        "json_each(?5)) RETURNING id",
        [&](Stmt& s) { s.Bind(4, account_id).Bind(5, ids); }, status, reason, now_ms);
  });
}

Result<int64_t> SqliteEngineStore::EndFlowEnrollments(int64_t account_id, int64_t flow_id,
                                                      const std::string& status,
                                                      const std::string& reason, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    // Every job of the flow is one of its ACTIVE enrollments'.
    FLOWD_ASSIGN_OR_RETURN(
        std::vector<int64_t> ended,
        EndWhere(
            conn, "DELETE FROM engine_jobs WHERE account_id = ?4 AND flow_id = ?5",
            "UPDATE engine_enrollments SET status = ?1, reason = ?2, ended_at_ms = ?3, "
            "updated_at_ms = ?3 WHERE account_id = ?4 AND flow_id = ?5 AND status = "
            "'ACTIVE' RETURNING id",
            [&](Stmt& s) { s.Bind(4, account_id).Bind(5, flow_id); }, status, reason, now_ms));
    return static_cast<int64_t>(ended.size());
  });
}

Result<int64_t> SqliteEngineStore::EndObjectEnrollments(int64_t account_id,
                                                        const std::string& object_type_id,
                                                        int64_t object_id,
                                                        const std::string& status,
                                                        const std::string& reason, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        std::vector<int64_t> ended,
        EndWhere(
            conn,
            "DELETE FROM engine_jobs WHERE account_id = ?4 AND enrollment_id IN (SELECT id "
            "FROM engine_enrollments WHERE account_id = ?4 AND object_type_id = ?5 AND "
            "object_id = ?6 AND status = 'ACTIVE')",
            "UPDATE engine_enrollments SET status = ?1, reason = ?2, ended_at_ms = ?3, "
            "updated_at_ms = ?3 WHERE account_id = ?4 AND object_type_id = ?5 AND "
            "object_id = ?6 AND status = 'ACTIVE' RETURNING id",
            [&](Stmt& s) { s.Bind(4, account_id).Bind(5, object_type_id).Bind(6, object_id); },
            status, reason, now_ms));
    return static_cast<int64_t>(ended.size());
  });
}

// ---- the queue

Result<int64_t> SqliteEngineStore::SetFlowPaused(int64_t account_id, int64_t flow_id, bool paused) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_jobs SET paused = ?3 WHERE account_id = ?1 AND "
                              "flow_id = ?2 AND paused <> ?3"));
    FLOWD_TRY(up.Bind(1, account_id).Bind(2, flow_id).Bind(3, int64_t{paused ? 1 : 0}).Run());
    if (!paused) conn.MarkChanged(kJobsQueued);
    return static_cast<int64_t>(conn.Changes());
  });
}

Result<int64_t> SqliteEngineStore::RecoverLeases(int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        // `lease_until_ms > 0` names the partial index engine_jobs_leased (migration 11).
        Stmt up, conn.Prepare("UPDATE engine_jobs SET lease_owner = '', lease_until_ms = 0, "
                              "due_at_ms = run_at_ms WHERE lease_until_ms > ?1 AND "
                              "lease_until_ms > 0"));
    FLOWD_TRY(up.Bind(1, now_ms).Run());
    return static_cast<int64_t>(conn.Changes());
  });
}

Result<std::vector<JobRecord>> SqliteEngineStore::ClaimJobs(const std::string& owner,
                                                            int64_t now_ms, int64_t lease_ms,
                                                            size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<JobRecord>> {
    // due_at_ms <= now is run_at <= now and lease_until <= now: a range of engine_jobs_due.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up,
        conn.Prepare("UPDATE engine_jobs SET lease_owner = ?1, lease_until_ms = ?2, due_at_ms = "
                     "?2 WHERE id IN (SELECT id FROM engine_jobs INDEXED BY engine_jobs_due "
                     "WHERE paused = 0 AND due_at_ms <= ?3 ORDER BY due_at_ms LIMIT ?4) "
                     "RETURNING " JOB_COLUMNS));
    up.Bind(1, owner)
        .Bind(2, internal::SaturatingAdd(now_ms, lease_ms))
        .Bind(3, now_ms)
        .Bind(4, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    FLOWD_ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, ReadJobs(up));
    internal::SortClaimed(jobs);
    return jobs;
  });
}

Result<std::vector<int64_t>> SqliteEngineStore::RenewLeases(const std::string& owner,
                                                            const std::vector<int64_t>& job_ids,
                                                            int64_t lease_until_ms) {
  if (job_ids.empty()) return std::vector<int64_t>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_jobs SET lease_until_ms = ?2, due_at_ms = "
                              "MAX(run_at_ms, ?2) WHERE lease_owner = ?1 AND id IN (SELECT value "
                              "FROM json_each(?3)) RETURNING id"));
    up.Bind(1, owner).Bind(2, lease_until_ms).Bind(3, JsonIds(job_ids));
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> held, up.Ids());
    std::sort(held.begin(), held.end());
    return held;
  });
}

Result<std::optional<int64_t>> SqliteEngineStore::NextDueAt() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT due_at_ms FROM engine_jobs INDEXED BY engine_jobs_due "
                               "WHERE paused = 0 ORDER BY due_at_ms LIMIT 1"));
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    return row ? std::optional<int64_t>(sel.Int(0)) : std::nullopt;
  });
}

Result<EngineStore::QueueDepth> SqliteEngineStore::Depth(int64_t now_ms) {
  return db_.Read(true, [&](Connection& conn) -> Result<QueueDepth> {
    QueueDepth depth;
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare("SELECT COUNT(*) FROM engine_jobs INDEXED BY "
                                                    "engine_jobs_due WHERE paused = 0"));
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (row) depth.pending = sel.Int(0);
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT COUNT(*) FROM engine_jobs INDEXED BY engine_jobs_due "
                               "WHERE paused = 0 AND due_at_ms <= ?1"));
    sel.Bind(1, now_ms);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (row) depth.due = sel.Int(0);
    return depth;
  });
}

Result<bool> SqliteEngineStore::WakeJob(int64_t account_id, int64_t job_id, int64_t execution_index,
                                        int64_t run_at_ms) {
  return db_.Write([&](Connection& conn) -> Result<bool> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_jobs SET run_at_ms = ?4, due_at_ms = ?4 WHERE id = ?1 "
                              "AND account_id = ?2 AND execution_index = ?3 AND run_at_ms > ?4 AND "
                              "lease_until_ms <= ?4"));
    FLOWD_TRY(
        up.Bind(1, job_id).Bind(2, account_id).Bind(3, execution_index).Bind(4, run_at_ms).Run());
    if (conn.Changes() != 1) return false;
    conn.MarkChanged(kJobsQueued);
    return true;
  });
}

Result<std::optional<JobRecord>> SqliteEngineStore::JobOfEnrollment(int64_t account_id,
                                                                    int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<JobRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare("SELECT " JOB_COLUMNS " FROM engine_jobs WHERE "
                                                  "enrollment_id = ?1 AND account_id = ?2"));
    sel.Bind(1, enrollment_id).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, ReadJobs(sel));
    if (jobs.empty()) return std::optional<JobRecord>();
    return std::optional<JobRecord>(std::move(jobs[0]));
  });
}

Result<std::vector<CommitResult>> SqliteEngineStore::CommitSteps(std::vector<StepCommit>& steps) {
  if (steps.empty()) return std::vector<CommitResult>{};
  // A savepoint per step costs about a tenth of a step's commit, and effects are seldom refused:
  // the batch runs without them first, and again with them only when a step's effect was.
  bool refused = false;
  auto run = [&](bool isolated) {
    return db_.Write([&](Connection& conn) -> Result<std::vector<CommitResult>> {
      std::vector<CommitResult> out;
      out.reserve(steps.size());
      // Without savepoints the step rows go in together, in a few statements, at the end; so do
      // the property-change events (before any other event a later step writes: the log keeps
      // the steps' order).
      std::vector<StepRow> step_rows;
      std::vector<CrmEvent> events;
      for (StepCommit& s : steps) {
        // A step writing other events writes all its own as they happen, after those before.
        const bool defer = !isolated && !WritesOtherEvents(s);
        if (!isolated && !defer) FLOWD_TRY(InsertDeferredEvents(conn, events));
        FLOWD_ASSIGN_OR_RETURN(CommitResult r,
                               CommitOne(conn, s, isolated, isolated ? nullptr : &step_rows,
                                         defer ? &events : nullptr));
        if (!isolated && r.outcome == CommitOutcome::kFailed) {
          refused = true;
          return Error::Conflict("a step's effect was refused: the batch runs again isolated");
        }
        out.push_back(std::move(r));
      }
      FLOWD_TRY(InsertDeferredEvents(conn, events));
      FLOWD_TRY(InsertStepRows(conn, step_rows));
      return out;
    });
  };
  auto fast = run(/*isolated=*/false);
  if (fast.ok() || !refused) return fast;
  return run(/*isolated=*/true);
}

// ---- reading what happened

Result<std::vector<DeliveryRecord>> SqliteEngineStore::ListDeliveries(int64_t account_id,
                                                                      int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DeliveryRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT account_id, enrollment_id, idempotency_key, kind, attempt, "
                               "at_ms, outcome, detail FROM engine_deliveries WHERE account_id = "
                               "?1 AND enrollment_id = ?2 ORDER BY id"));
    sel.Bind(1, account_id).Bind(2, enrollment_id);
    std::vector<DeliveryRecord> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) return out;
      out.push_back(DeliveryRecord{sel.Int(0), sel.Int(1), sel.Text(2), sel.Text(3), sel.Int(4),
                                   sel.Int(5), sel.Text(6), sel.Text(7)});
    }
  });
}

Result<std::vector<MessageRecord>> SqliteEngineStore::ListMessages(int64_t account_id,
                                                                   const std::string& channel,
                                                                   std::optional<int64_t> before_id,
                                                                   size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<MessageRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT id, account_id, enrollment_id, idempotency_key, channel, "
                               "to_addr, from_addr, subject, body, delivery, created_at_ms FROM "
                               "engine_messages WHERE account_id = ?1 AND channel = ?2 AND id < "
                               "?3 ORDER BY id DESC LIMIT ?4"));
    sel.Bind(1, account_id)
        .Bind(2, channel)
        .Bind(3, before_id.value_or(internal::kMaxId))
        .Bind(4, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    std::vector<MessageRecord> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) return out;
      out.push_back(MessageRecord{sel.Int(0), sel.Int(1), sel.Int(2), sel.Text(3), sel.Text(4),
                                  sel.Text(5), sel.Text(6), sel.Text(7), sel.Text(8), sel.Text(9),
                                  sel.Int(10)});
    }
  });
}

Result<PerformanceCounts> SqliteEngineStore::Performance(int64_t account_id, int64_t flow_id,
                                                         const std::vector<int64_t>& edges) {
  FLOWD_TRY(internal::ValidateEdges(edges));
  return db_.Read(true, [&](Connection& conn) -> Result<PerformanceCounts> {
    // One range count per bucket and series, each over an index (never the rows).
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        conn.Prepare(
            "WITH b AS (SELECT key AS i, value AS lo, LEAD(value) OVER (ORDER BY key) AS hi FROM "
            "json_each(?3)) SELECT "
            "(SELECT COUNT(*) FROM engine_enrollments INDEXED BY "
            "engine_enrollments_by_enrolled_at WHERE account_id = ?1 AND flow_id = ?2 AND "
            "enrolled_at_ms >= b.lo AND enrolled_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments INDEXED BY engine_enrollments_by_ended_at "
            "WHERE account_id = ?1 AND flow_id = ?2 AND status = 'COMPLETED' AND ended_at_ms >= "
            "b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments INDEXED BY engine_enrollments_by_ended_at "
            "WHERE account_id = ?1 AND flow_id = ?2 AND status = 'UNENROLLED' AND ended_at_ms >= "
            "b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments INDEXED BY engine_enrollments_by_ended_at "
            "WHERE account_id = ?1 AND flow_id = ?2 AND status = 'GOAL_MET' AND ended_at_ms >= "
            "b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments INDEXED BY engine_enrollments_by_ended_at "
            "WHERE account_id = ?1 AND flow_id = ?2 AND status = 'FAILED' AND ended_at_ms >= "
            "b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_steps INDEXED BY engine_steps_by_flow WHERE "
            "account_id = ?1 AND flow_id = ?2 AND finished_at_ms >= b.lo AND finished_at_ms < "
            "b.hi) "
            "FROM b WHERE b.hi IS NOT NULL ORDER BY b.i"));
    sel.Bind(1, account_id).Bind(2, flow_id).Bind(3, JsonIds(edges));
    PerformanceCounts out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) return out;
      out.enrolled.push_back(sel.Int(0));
      out.completed.push_back(sel.Int(1));
      out.unenrolled.push_back(sel.Int(2));
      out.goal_met.push_back(sel.Int(3));
      out.failed.push_back(sel.Int(4));
      out.actions.push_back(sel.Int(5));
    }
  });
}

}  // namespace flowd::store::sqlite

namespace flowd::store::sqlite {

Status SqliteEngineStore::CompleteCallback(int64_t account_id, int64_t enrollment_id,
                                           const std::string& action_id,
                                           const std::string& callback_id,
                                           const std::string& outputs_json, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt read, conn.Prepare("SELECT e.data_json, j.lease_until_ms FROM engine_enrollments e "
                                "JOIN engine_jobs j ON j.enrollment_id = e.id WHERE e.account_id "
                                "= ?1 AND e.id = ?2 AND e.status = 'ACTIVE' AND j.action_id = ?3"));
    read.Bind(1, account_id).Bind(2, enrollment_id).Bind(3, action_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) return internal::CallbackNotFound(callback_id);
    const std::string data = read.Text(0);
    const int64_t lease_until = read.Int(1);
    FLOWD_TRY(read.Run());
    FLOWD_ASSIGN_OR_RETURN(std::string updated, internal::CompleteBlockedData(
                                                    data, action_id, callback_id, outputs_json));
    if (lease_until > now_ms) {
      return Error::Conflict("The app action of callback " + callback_id +
                             " is running (its block is expiring); try again");
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt up_data,
                           conn.Prepare("UPDATE engine_enrollments SET data_json = ?3, "
                                        "updated_at_ms = ?4 WHERE account_id = ?1 AND id = ?2"));
    FLOWD_TRY(
        up_data.Bind(1, account_id).Bind(2, enrollment_id).Bind(3, updated).Bind(4, now_ms).Run());
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up_job, conn.Prepare("UPDATE engine_jobs SET run_at_ms = ?3, due_at_ms = MAX(?3, "
                                  "lease_until_ms) WHERE account_id = ?1 AND enrollment_id = ?2"));
    FLOWD_TRY(up_job.Bind(1, account_id).Bind(2, enrollment_id).Bind(3, now_ms).Run());
    conn.MarkChanged(kJobsQueued);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
