// The PostgreSQL EngineStore (contract: store/engine_store.h; tables: migration 9). Several
// processes share the queue: claims take due jobs with FOR UPDATE SKIP LOCKED, a commit locks its
// job row before checking the lease, and enrolling one record in one flow is serialised by a
// transaction-level advisory lock (the partial unique index on ACTIVE enrollments backs it up).
// The executor's usual batches and every enrollment batch take a few statements whatever their
// size (engine_batch.cc).
// A step's CRM effects use the object, association and list stores' own code (shared_writes.h)
// inside the step's savepoint.
#include <algorithm>
#include <set>
#include <string>

#include "store/common/app_util.h"
#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/postgres/engine_batch.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

// The step's delivery attempts and local messages (external steps: one row each).
Status InsertOutbox(Connection& conn, int64_t account_id, int64_t enrollment_id,
                    const StepCommit& s) {
  for (const DeliveryRecord& d : s.deliveries) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO engine_deliveries (account_id, enrollment_id, idempotency_key, "
                   "kind, attempt, at_ms, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                   "$8)",
                   Params()
                       .Add(account_id)
                       .Add(enrollment_id)
                       .Add(d.idempotency_key)
                       .Add(d.kind)
                       .Add(d.attempt)
                       .Add(d.at_ms)
                       .Add(d.outcome)
                       .Add(d.detail)));
  }
  for (const MessageRecord& m : s.messages) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO engine_messages (account_id, enrollment_id, idempotency_key, "
                   "channel, to_addr, from_addr, subject, body, delivery, created_at_ms) VALUES "
                   "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (account_id, "
                   "idempotency_key) DO NOTHING",
                   Params()
                       .Add(account_id)
                       .Add(enrollment_id)
                       .Add(m.idempotency_key)
                       .Add(m.channel)
                       .Add(m.to)
                       .Add(m.from)
                       .Add(m.subject)
                       .Add(m.body)
                       .Add(m.delivery)
                       .Add(s.now_ms)));
  }
  return Status::Ok();
}

using internal::IdList;

namespace {

std::string IntArray(const std::vector<int64_t>& ids) { return IdList(ids, '{', '}'); }

#define ENROLLMENT_COLUMNS                                                                    \
  "id, account_id, flow_id, revision_id, object_type_id, object_id, status, source, reason, " \
  "enrolled_at_ms, updated_at_ms, ended_at_ms, data_json, executions"
#define JOB_COLUMNS                                                                          \
  "id, account_id, enrollment_id, flow_id, action_id, execution_index, run_at_ms, attempt, " \
  "paused, lease_owner, lease_until_ms"

std::vector<EnrollmentRecord> ReadEnrollments(const Rows& rows) {
  std::vector<EnrollmentRecord> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    EnrollmentRecord e;
    e.id = rows.Int(i, 0);
    e.account_id = rows.Int(i, 1);
    e.flow_id = rows.Int(i, 2);
    e.revision_id = rows.Int(i, 3);
    e.object_type_id = rows.Text(i, 4);
    e.object_id = rows.Int(i, 5);
    e.status = rows.Text(i, 6);
    e.source = rows.Text(i, 7);
    e.reason = rows.Text(i, 8);
    e.enrolled_at_ms = rows.Int(i, 9);
    e.updated_at_ms = rows.Int(i, 10);
    e.ended_at_ms = rows.OptInt(i, 11);
    e.data_json = rows.Text(i, 12);
    e.executions = rows.Int(i, 13);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<JobRecord> ReadJobs(const Rows& rows) {
  std::vector<JobRecord> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    JobRecord j;
    j.id = rows.Int(i, 0);
    j.account_id = rows.Int(i, 1);
    j.enrollment_id = rows.Int(i, 2);
    j.flow_id = rows.Int(i, 3);
    j.action_id = rows.Text(i, 4);
    j.execution_index = rows.Int(i, 5);
    j.run_at_ms = rows.Int(i, 6);
    j.attempt = rows.Int(i, 7);
    j.paused = rows.Bool(i, 8);
    j.lease_owner = rows.Text(i, 9);
    j.lease_until_ms = rows.Int(i, 10);
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<int64_t> Ids(const Rows& rows) {
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.Int(i, 0));
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Runs `fn` inside a savepoint: what it wrote is kept when it succeeds, undone when it fails
// (which also clears an aborted transaction's error state).
template <typename F>
auto InSavepoint(Connection& conn, F&& fn) -> decltype(fn()) {
  FLOWD_TRY(conn.Exec("SAVEPOINT engine_item"));
  auto result = fn();
  if (!result.ok()) {
    // Keep the SQLSTATE of a deadlock or serialization failure for Database::Write's retry: the
    // savepoint statements below would clear it.
    if (IsRetryable(conn.last_sqlstate())) return result;
    FLOWD_TRY(conn.Exec("ROLLBACK TO SAVEPOINT engine_item"));
  }
  FLOWD_TRY(conn.Exec("RELEASE SAVEPOINT engine_item"));
  return result;
}

Status InsertJob(Connection& conn, int64_t account_id, int64_t enrollment_id, int64_t flow_id,
                 const std::string& action_id, int64_t execution_index, int64_t attempt,
                 int64_t run_at_ms, bool paused) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("INSERT INTO engine_jobs (account_id, enrollment_id, flow_id, action_id, "
                 "execution_index, run_at_ms, attempt, paused, lease_owner, lease_until_ms, "
                 "due_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', 0, $6)",
                 Params()
                     .Add(account_id)
                     .Add(enrollment_id)
                     .Add(flow_id)
                     .Add(action_id)
                     .Add(execution_index)
                     .Add(run_at_ms)
                     .Add(attempt)
                     .Add(paused)));
  return Status::Ok();
}

// kConflict when the position is no longer `events.from`: another process consumed the range
// and committed first. The row lock makes a second consumer of the same range wait for the first
// one's commit and then find the position moved (READ COMMITTED re-checks the WHERE clause), so
// it writes nothing; the position never moves backwards.
Status MoveEventSeq(Connection& conn, const EventAdvance& events) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows moved, conn.Query("UPDATE engine_event_position SET seq = $2 WHERE id = 1 AND seq = $1",
                             Params().Add(events.from).Add(events.to)));
  if (moved.affected() != 1) return internal::EventRangeTaken(events.from);
  return Status::Ok();
}

Result<std::vector<EnrollResult>> EnrollAll(Connection& conn,
                                            const std::vector<NewEnrollment>& items,
                                            int64_t now_ms) {
  std::set<int64_t> accounts;
  for (const NewEnrollment& item : items) accounts.insert(item.enrollment.account_id);
  for (int64_t account_id : accounts) FLOWD_TRY(RequireAccount(conn, account_id));
  FLOWD_ASSIGN_OR_RETURN(std::vector<EnrollResult> out, EnrollBatched(conn, items, now_ms));
  // Every path that enrolls (events, manual, backfill pages) wakes the executors once committed.
  for (const EnrollResult& r : out) {
    if (r.outcome == EnrollOutcome::kEnrolled && r.enrollment.status == kEnrollmentActive) {
      conn.MarkChanged(kJobsQueued);
      break;
    }
  }
  return out;
}

// Ends ACTIVE enrollments: deletes their jobs (`delete_jobs_sql`, the selection as $1…), then
// marks them ended (`end_sql`: the selection as $1…, then status, reason and now). Returns the
// ids ended.
Result<std::vector<int64_t>> EndWhere(Connection& conn, const char* delete_jobs_sql,
                                      const char* end_sql, const Params& selection,
                                      const std::string& status, const std::string& reason,
                                      int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(Rows deleted, conn.Query(delete_jobs_sql, selection));
  Params end = selection;
  end.Add(status).Add(reason).Add(now_ms);
  FLOWD_ASSIGN_OR_RETURN(Rows ended, conn.Query(end_sql, end));
  return Ids(ended);
}

// ---- CommitSteps

// The rotation's slot for this step: the counter's value before it moves by one.
Result<int64_t> TakeRotationSlot(Connection& conn, const RotationEffect& r) {
  // The upsert locks the counter's row until commit: a concurrent step of the same rotation
  // (another process) waits, then reads the moved counter.
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("INSERT INTO engine_rotations (account_id, flow_id, action_id, next_slot) "
                 "VALUES ($1, $2, $3, 1) ON CONFLICT (account_id, flow_id, action_id) DO UPDATE "
                 "SET next_slot = engine_rotations.next_slot + 1 RETURNING next_slot - 1",
                 Params().Add(r.account_id).Add(r.flow_id).Add(r.action_id)));
  if (rows.size() != 1) return Error::Internal("the rotation counter returned no row");
  return rows.Int(0, 0);
}

// The step's internal effects; the ids of the records it created. The outcomes of its
// enrollments go to `enrolled`; what its rotations and enrollments did, to its detail.
Result<std::vector<int64_t>> ApplyEffects(Connection& conn, StepCommit& s,
                                          std::vector<EnrollResult>& enrolled) {
  std::vector<int64_t> created;
  // A fresh one per step: it remembers the event-log lock, which a rolled-back savepoint
  // releases.
  std::unique_ptr<internal::ObjectTxn> txn = NewObjectTxn(conn);
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

// The step's own record, the enrollment's update and what follows.
Status RecordStep(Connection& conn, const JobRecord& job, const StepCommit& s) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows step,
      conn.Query("INSERT INTO engine_steps (account_id, flow_id, enrollment_id, execution_index, "
                 "attempt, action_id, action_type_id, started_at_ms, finished_at_ms, outcome, "
                 "detail_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 Params()
                     .Add(job.account_id)
                     .Add(job.flow_id)
                     .Add(job.enrollment_id)
                     .Add(s.step.execution_index)
                     .Add(s.step.attempt)
                     .Add(s.step.action_id)
                     .Add(s.step.action_type_id)
                     .Add(s.step.started_at_ms)
                     .Add(s.step.finished_at_ms)
                     .Add(s.step.outcome)
                     .Add(s.step.detail_json.empty() ? "{}" : s.step.detail_json)));
  FLOWD_TRY(InsertOutbox(conn, job.account_id, job.enrollment_id, s));
  FLOWD_ASSIGN_OR_RETURN(
      Rows enrollment,
      conn.Query("UPDATE engine_enrollments SET data_json = COALESCE($1::text, data_json), "
                 "executions = executions + 1, updated_at_ms = $2 WHERE id = $3",
                 Params().AddOpt(s.data_json).Add(s.now_ms).Add(job.enrollment_id)));
  if (s.next || s.end_status) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows deleted, conn.Query("DELETE FROM engine_jobs WHERE id = $1", Params().Add(job.id)));
  }
  if (s.next) {
    // A new job (a new id): a commit still holding the old id finds it gone.
    return InsertJob(conn, job.account_id, job.enrollment_id, job.flow_id, s.next->action_id,
                     s.next->execution_index, s.next->attempt, s.next->run_at_ms, job.paused);
  }
  if (s.end_status) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ended,
        conn.Query(
            "UPDATE engine_enrollments SET status = $1, reason = $2, ended_at_ms = $3, "
            "updated_at_ms = $3 WHERE id = $4",
            Params().Add(*s.end_status).Add(s.end_reason).Add(s.now_ms).Add(job.enrollment_id)));
    return Status::Ok();
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows retried,
      conn.Query("UPDATE engine_jobs SET attempt = attempt + 1, run_at_ms = $2, due_at_ms = $2, "
                 "lease_owner = '', lease_until_ms = 0 WHERE id = $1",
                 Params().Add(job.id).Add(*s.retry_at_ms)));
  return Status::Ok();
}

Result<CommitResult> CommitOne(Connection& conn, StepCommit& s) {
  CommitResult result;
  // FOR UPDATE: a claim by another process (after the lease expired) waits for this commit, or
  // this commit sees the new owner.
  FLOWD_ASSIGN_OR_RETURN(Rows sel, conn.Query("SELECT " JOB_COLUMNS " FROM engine_jobs WHERE id "
                                              "= $1 FOR UPDATE",
                                              Params().Add(s.job_id)));
  std::vector<JobRecord> jobs = ReadJobs(sel);
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
  auto applied = InSavepoint(conn, [&]() -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> created, ApplyEffects(conn, s, result.enrolled));
    // The created records' ids become their actions' outputs, with the step.
    FLOWD_TRY(internal::MergeCreatedIds(s, created));
    // Failures past the effects are the storage's: they fail the batch (below).
    Status recorded = RecordStep(conn, job, s);
    if (!recorded.ok()) {
      Error err = std::move(recorded).error();
      err.code = internal::IsStorageError(err) ? err.code : ErrorCode::kInternal;
      return err;
    }
    return created;
  });
  if (!applied.ok()) {
    if (internal::IsStorageError(applied.error()) || IsRetryable(conn.last_sqlstate())) {
      return std::move(applied).error();
    }
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

Result<std::vector<EnrollResult>> PgEngineStore::Enroll(const std::vector<NewEnrollment>& items,
                                                        std::optional<EventAdvance> events,
                                                        int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    // The position first: a second consumer of the range waits here, before taking any
    // enrollment lock, and then writes nothing.
    if (events) FLOWD_TRY(MoveEventSeq(conn, *events));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<std::vector<EnrollResult>> PgEngineStore::EnrollBackfillPage(
    const std::vector<NewEnrollment>& items, const BackfillAdvance& advance, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    FLOWD_TRY(AdvanceBackfill(conn, advance, now_ms));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<std::vector<EnrollResult>> PgEngineStore::EnrollDateDues(
    const std::vector<NewEnrollment>& items, const std::vector<DateDueWrite>& writes,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<EnrollResult>> {
    FLOWD_TRY(ApplyDateDues(conn, writes));
    return EnrollAll(conn, items, now_ms);
  });
}

Result<int64_t> PgEngineStore::EventSeq() {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT seq FROM engine_event_position WHERE id = 1"));
    return rows.empty() ? 0 : rows.Int(0, 0);
  });
}

Status PgEngineStore::SetEventSeq(const EventAdvance& events) {
  return db_.Write([&](Connection& conn) { return MoveEventSeq(conn, events); });
}

Result<EnrollmentRecord> PgEngineStore::GetEnrollment(int64_t account_id, int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<EnrollmentRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments "
                                      "WHERE id = $1 AND account_id = $2",
                                      Params().Add(enrollment_id).Add(account_id)));
    std::vector<EnrollmentRecord> found = ReadEnrollments(rows);
    if (found.empty()) return internal::EnrollmentNotFound(enrollment_id);
    return std::move(found[0]);
  });
}

Result<std::vector<EnrollmentRecord>> PgEngineStore::EnrollmentsById(
    const std::vector<int64_t>& enrollment_ids) {
  if (enrollment_ids.empty()) return std::vector<EnrollmentRecord>{};
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments "
                                      "WHERE id = ANY($1::bigint[]) ORDER BY id",
                                      Params().Add(IntArray(enrollment_ids))));
    return ReadEnrollments(rows);
  });
}

Result<EnrollmentPage> PgEngineStore::ListEnrollments(int64_t account_id, int64_t flow_id,
                                                      const EnrollmentFilter& filter) {
  const size_t limit = std::min(filter.limit, internal::kMaxPage);
  if (limit == 0) return EnrollmentPage{};
  return db_.Read(false, [&](Connection& conn) -> Result<EnrollmentPage> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments WHERE account_id = $1 "
                   "AND flow_id = $2 AND id > $3 AND ($4 = '' OR status = $4) ORDER BY id "
                   "LIMIT $5",
                   Params()
                       .Add(account_id)
                       .Add(flow_id)
                       .Add(filter.after_id.value_or(internal::kMinId))
                       .Add(filter.status.value_or(""))
                       .Add(static_cast<int64_t>(limit + 1))));
    EnrollmentPage page;
    page.enrollments = ReadEnrollments(rows);
    if (page.enrollments.size() > limit) {
      page.enrollments.resize(limit);
      page.next_after = page.enrollments.back().id;
    }
    return page;
  });
}

Result<std::vector<EnrollmentRecord>> PgEngineStore::EnrollmentsOfObject(
    int64_t account_id, const std::string& object_type_id, int64_t object_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments WHERE "
                                      "account_id = $1 AND object_type_id = $2 AND object_id = $3 "
                                      "ORDER BY id DESC",
                                      Params().Add(account_id).Add(object_type_id).Add(object_id)));
    return ReadEnrollments(rows);
  });
}

Result<std::vector<EnrollmentRecord>> PgEngineStore::ActiveEnrollments(
    int64_t account_id, int64_t flow_id, const std::vector<int64_t>& object_ids) {
  if (object_ids.empty()) return std::vector<EnrollmentRecord>{};
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<EnrollmentRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT " ENROLLMENT_COLUMNS " FROM engine_enrollments WHERE "
                              "account_id = $1 AND flow_id = $2 AND object_id = "
                              "ANY($3::bigint[]) AND status = 'ACTIVE' ORDER BY id",
                              Params().Add(account_id).Add(flow_id).Add(IntArray(object_ids))));
    return ReadEnrollments(rows);
  });
}

Result<int64_t> PgEngineStore::CountActive(int64_t account_id, int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT count(*) FROM engine_enrollments WHERE "
                                                 "account_id = $1 AND flow_id = $2 AND status = "
                                                 "'ACTIVE'",
                                                 Params().Add(account_id).Add(flow_id)));
    return rows.size() ? rows.Int(0, 0) : int64_t{0};
  });
}

Result<std::vector<StepRecord>> PgEngineStore::ListSteps(int64_t account_id,
                                                         int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<StepRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT enrollment_id, execution_index, attempt, action_id, "
                                      "action_type_id, started_at_ms, finished_at_ms, outcome, "
                                      "detail_json FROM engine_steps WHERE enrollment_id = $1 AND "
                                      "account_id = $2 ORDER BY execution_index, attempt, id",
                                      Params().Add(enrollment_id).Add(account_id)));
    std::vector<StepRecord> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(StepRecord{rows.Int(i, 0), rows.Int(i, 1), rows.Int(i, 2), rows.Text(i, 3),
                               rows.Text(i, 4), rows.Int(i, 5), rows.Int(i, 6), rows.Text(i, 7),
                               rows.Text(i, 8)});
    }
    return out;
  });
}

Result<std::vector<int64_t>> PgEngineStore::EndEnrollments(
    int64_t account_id, const std::vector<int64_t>& enrollment_ids, const std::string& status,
    const std::string& reason, int64_t now_ms) {
  if (enrollment_ids.empty()) return std::vector<int64_t>{};
  return db_.Write([&](Connection& conn) {
    return EndWhere(
        conn,
        "DELETE FROM engine_jobs WHERE account_id = $1 AND enrollment_id IN (SELECT id FROM "
        "engine_enrollments WHERE account_id = $1 AND status = 'ACTIVE' AND id = "
        "ANY($2::bigint[]))",
        "UPDATE engine_enrollments SET status = $3, reason = $4, ended_at_ms = $5, updated_at_ms "
        "= $5 WHERE account_id = $1 AND status = 'ACTIVE' AND id = ANY($2::bigint[]) RETURNING "
        "id",
        Params().Add(account_id).Add(IntArray(enrollment_ids)), status, reason, now_ms);
  });
}

Result<int64_t> PgEngineStore::EndFlowEnrollments(int64_t account_id, int64_t flow_id,
                                                  const std::string& status,
                                                  const std::string& reason, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    // Every job of the flow is one of its ACTIVE enrollments'.
    FLOWD_ASSIGN_OR_RETURN(
        std::vector<int64_t> ended,
        EndWhere(conn, "DELETE FROM engine_jobs WHERE account_id = $1 AND flow_id = $2",
                 "UPDATE engine_enrollments SET status = $3, reason = $4, ended_at_ms = $5, "
                 "updated_at_ms = $5 WHERE account_id = $1 AND flow_id = $2 AND status = "
                 "'ACTIVE' RETURNING id",
                 Params().Add(account_id).Add(flow_id), status, reason, now_ms));
    return static_cast<int64_t>(ended.size());
  });
}

Result<int64_t> PgEngineStore::EndObjectEnrollments(int64_t account_id,
                                                    const std::string& object_type_id,
                                                    int64_t object_id, const std::string& status,
                                                    const std::string& reason, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        std::vector<int64_t> ended,
        EndWhere(conn,
                 "DELETE FROM engine_jobs WHERE account_id = $1 AND enrollment_id IN (SELECT id "
                 "FROM engine_enrollments WHERE account_id = $1 AND object_type_id = $2 AND "
                 "object_id = $3 AND status = 'ACTIVE')",
                 "UPDATE engine_enrollments SET status = $4, reason = $5, ended_at_ms = $6, "
                 "updated_at_ms = $6 WHERE account_id = $1 AND object_type_id = $2 AND "
                 "object_id = $3 AND status = 'ACTIVE' RETURNING id",
                 Params().Add(account_id).Add(object_type_id).Add(object_id), status, reason,
                 now_ms));
    return static_cast<int64_t>(ended.size());
  });
}

// ---- the queue

Result<int64_t> PgEngineStore::SetFlowPaused(int64_t account_id, int64_t flow_id, bool paused) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE engine_jobs SET paused = $3 WHERE account_id = $1 AND "
                              "flow_id = $2 AND paused <> $3",
                              Params().Add(account_id).Add(flow_id).Add(paused)));
    if (!paused) conn.MarkChanged(kJobsQueued);
    return rows.affected();
  });
}

// Several live processes share this queue: a lease is only ever given up by expiry.
Result<int64_t> PgEngineStore::RecoverLeases(int64_t) { return int64_t{0}; }

Result<std::vector<JobRecord>> PgEngineStore::ClaimJobs(const std::string& owner, int64_t now_ms,
                                                        int64_t lease_ms, size_t limit) {
  if (limit == 0) return std::vector<JobRecord>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<JobRecord>> {
    // due_at_ms <= now is run_at <= now and lease_until <= now: a range of engine_jobs_due.
    // SKIP LOCKED: jobs another process is claiming or committing are left to it.
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("WITH c AS (SELECT id FROM engine_jobs WHERE NOT paused AND due_at_ms <= $3 "
                   "ORDER BY due_at_ms LIMIT $4 FOR UPDATE SKIP LOCKED) UPDATE engine_jobs j SET "
                   "lease_owner = $1, lease_until_ms = $2, due_at_ms = $2 FROM c WHERE j.id = "
                   "c.id RETURNING j.id, j.account_id, j.enrollment_id, j.flow_id, j.action_id, "
                   "j.execution_index, j.run_at_ms, j.attempt, j.paused, j.lease_owner, "
                   "j.lease_until_ms",
                   Params()
                       .Add(owner)
                       .Add(internal::SaturatingAdd(now_ms, lease_ms))
                       .Add(now_ms)
                       .Add(static_cast<int64_t>(std::min(limit, internal::kMaxPage)))));
    std::vector<JobRecord> jobs = ReadJobs(rows);
    internal::SortClaimed(jobs);
    return jobs;
  });
}

Result<std::vector<int64_t>> PgEngineStore::RenewLeases(const std::string& owner,
                                                        const std::vector<int64_t>& job_ids,
                                                        int64_t lease_until_ms) {
  if (job_ids.empty()) return std::vector<int64_t>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE engine_jobs SET lease_until_ms = $2, due_at_ms = "
                              "GREATEST(run_at_ms, $2) WHERE lease_owner = $1 AND id = "
                              "ANY($3::bigint[]) RETURNING id",
                              Params().Add(owner).Add(lease_until_ms).Add(IntArray(job_ids))));
    return Ids(rows);
  });
}

Result<std::optional<int64_t>> PgEngineStore::NextDueAt() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT due_at_ms FROM engine_jobs WHERE NOT "
                                                 "paused ORDER BY due_at_ms LIMIT 1"));
    if (rows.empty()) return std::optional<int64_t>();
    return std::optional<int64_t>(rows.Int(0, 0));
  });
}

Result<EngineStore::QueueDepth> PgEngineStore::Depth(int64_t now_ms) {
  return db_.Read(false, [&](Connection& conn) -> Result<QueueDepth> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT COUNT(*), COUNT(*) FILTER (WHERE due_at_ms <= $1) FROM "
                              "engine_jobs WHERE NOT paused",
                              Params().Add(now_ms)));
    QueueDepth depth;
    if (!rows.empty()) {
      depth.pending = rows.Int(0, 0);
      depth.due = rows.Int(0, 1);
    }
    return depth;
  });
}

Result<bool> PgEngineStore::WakeJob(int64_t account_id, int64_t job_id, int64_t execution_index,
                                    int64_t run_at_ms) {
  return db_.Write([&](Connection& conn) -> Result<bool> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("UPDATE engine_jobs SET run_at_ms = $4, due_at_ms = $4 WHERE id = $1 "
                   "AND account_id = $2 AND execution_index = $3 AND run_at_ms > $4 AND "
                   "lease_until_ms <= $4",
                   Params().Add(job_id).Add(account_id).Add(execution_index).Add(run_at_ms)));
    if (rows.affected() != 1) return false;
    conn.MarkChanged(kJobsQueued);
    return true;
  });
}

Result<std::optional<JobRecord>> PgEngineStore::JobOfEnrollment(int64_t account_id,
                                                                int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<JobRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " JOB_COLUMNS " FROM engine_jobs WHERE "
                                                 "enrollment_id = $1 AND account_id = $2",
                                                 Params().Add(enrollment_id).Add(account_id)));
    std::vector<JobRecord> jobs = ReadJobs(rows);
    if (jobs.empty()) return std::optional<JobRecord>();
    return std::optional<JobRecord>(std::move(jobs[0]));
  });
}

Result<std::vector<CommitResult>> PgEngineStore::CommitSteps(std::vector<StepCommit>& steps) {
  if (steps.empty()) return std::vector<CommitResult>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<CommitResult>> {
    // The executor's usual batch in a few statements; what it declines, one step at a time.
    FLOWD_ASSIGN_OR_RETURN(std::optional<std::vector<CommitResult>> batched,
                           CommitStepsBatched(conn, steps));
    if (batched) return std::move(*batched);
    std::vector<CommitResult> out;
    out.reserve(steps.size());
    for (StepCommit& s : steps) {
      FLOWD_ASSIGN_OR_RETURN(CommitResult r, CommitOne(conn, s));
      out.push_back(std::move(r));
    }
    return out;
  });
}

// ---- reading what happened

Result<std::vector<DeliveryRecord>> PgEngineStore::ListDeliveries(int64_t account_id,
                                                                  int64_t enrollment_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DeliveryRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT account_id, enrollment_id, idempotency_key, kind, attempt, "
                              "at_ms, outcome, detail FROM engine_deliveries WHERE account_id = "
                              "$1 AND enrollment_id = $2 ORDER BY id",
                              Params().Add(account_id).Add(enrollment_id)));
    std::vector<DeliveryRecord> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(DeliveryRecord{rows.Int(i, 0), rows.Int(i, 1), rows.Text(i, 2), rows.Text(i, 3),
                                   rows.Int(i, 4), rows.Int(i, 5), rows.Text(i, 6),
                                   rows.Text(i, 7)});
    }
    return out;
  });
}

Result<std::vector<MessageRecord>> PgEngineStore::ListMessages(int64_t account_id,
                                                               const std::string& channel,
                                                               std::optional<int64_t> before_id,
                                                               size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<MessageRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT id, account_id, enrollment_id, idempotency_key, channel, to_addr, "
                   "from_addr, subject, body, delivery, created_at_ms FROM engine_messages WHERE "
                   "account_id = $1 AND channel = $2 AND id < $3 ORDER BY id DESC LIMIT $4",
                   Params()
                       .Add(account_id)
                       .Add(channel)
                       .Add(before_id.value_or(internal::kMaxId))
                       .Add(static_cast<int64_t>(std::min(limit, internal::kMaxPage)))));
    std::vector<MessageRecord> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(MessageRecord{rows.Int(i, 0), rows.Int(i, 1), rows.Int(i, 2), rows.Text(i, 3),
                                  rows.Text(i, 4), rows.Text(i, 5), rows.Text(i, 6),
                                  rows.Text(i, 7), rows.Text(i, 8), rows.Text(i, 9),
                                  rows.Int(i, 10)});
    }
    return out;
  });
}

Result<PerformanceCounts> PgEngineStore::Performance(int64_t account_id, int64_t flow_id,
                                                     const std::vector<int64_t>& edges) {
  FLOWD_TRY(internal::ValidateEdges(edges));
  return db_.Read(true, [&](Connection& conn) -> Result<PerformanceCounts> {
    // One range count per bucket and series, each over an index (never the rows).
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "WITH b AS (SELECT i, lo, LEAD(lo) OVER (ORDER BY i) AS hi FROM "
            "unnest($3::bigint[]) WITH ORDINALITY AS e(lo, i)) SELECT "
            "(SELECT COUNT(*) FROM engine_enrollments WHERE account_id = $1 AND flow_id = $2 AND "
            "enrolled_at_ms >= b.lo AND enrolled_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments WHERE account_id = $1 AND flow_id = $2 AND "
            "status = 'COMPLETED' AND ended_at_ms >= b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments WHERE account_id = $1 AND flow_id = $2 AND "
            "status = 'UNENROLLED' AND ended_at_ms >= b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments WHERE account_id = $1 AND flow_id = $2 AND "
            "status = 'GOAL_MET' AND ended_at_ms >= b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_enrollments WHERE account_id = $1 AND flow_id = $2 AND "
            "status = 'FAILED' AND ended_at_ms >= b.lo AND ended_at_ms < b.hi), "
            "(SELECT COUNT(*) FROM engine_steps WHERE account_id = $1 AND flow_id = $2 AND "
            "finished_at_ms >= b.lo AND finished_at_ms < b.hi) "
            "FROM b WHERE b.hi IS NOT NULL ORDER BY b.i",
            Params().Add(account_id).Add(flow_id).Add(IntArray(edges))));
    PerformanceCounts out;
    for (int i = 0; i < rows.size(); ++i) {
      out.enrolled.push_back(rows.Int(i, 0));
      out.completed.push_back(rows.Int(i, 1));
      out.unenrolled.push_back(rows.Int(i, 2));
      out.goal_met.push_back(rows.Int(i, 3));
      out.failed.push_back(rows.Int(i, 4));
      out.actions.push_back(rows.Int(i, 5));
    }
    return out;
  });
}

}  // namespace flowd::store::postgres

namespace flowd::store::postgres {

Status PgEngineStore::CompleteCallback(int64_t account_id, int64_t enrollment_id,
                                       const std::string& action_id, const std::string& callback_id,
                                       const std::string& outputs_json, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    // Locks the job row, as a commit does before checking its lease.
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT e.data_json, j.lease_until_ms FROM engine_enrollments e JOIN "
                   "engine_jobs j ON j.enrollment_id = e.id WHERE e.account_id = $1 AND e.id = $2 "
                   "AND e.status = 'ACTIVE' AND j.action_id = $3 FOR UPDATE OF j, e",
                   Params().Add(account_id).Add(enrollment_id).Add(action_id)));
    if (rows.empty()) return internal::CallbackNotFound(callback_id);
    FLOWD_ASSIGN_OR_RETURN(
        std::string updated,
        internal::CompleteBlockedData(rows.Text(0, 0), action_id, callback_id, outputs_json));
    if (rows.Int(0, 1) > now_ms) {
      return Error::Conflict("The app action of callback " + callback_id +
                             " is running (its block is expiring); try again");
    }
    FLOWD_TRY(conn.Query("UPDATE engine_enrollments SET data_json = $3, updated_at_ms = $4 WHERE "
                         "account_id = $1 AND id = $2",
                         Params().Add(account_id).Add(enrollment_id).Add(updated).Add(now_ms))
                  .status());
    FLOWD_TRY(conn.Query("UPDATE engine_jobs SET run_at_ms = $3, due_at_ms = GREATEST($3, "
                         "lease_until_ms) WHERE account_id = $1 AND enrollment_id = $2",
                         Params().Add(account_id).Add(enrollment_id).Add(now_ms))
                  .status());
    conn.MarkChanged(kJobsQueued);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
