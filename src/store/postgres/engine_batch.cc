// A batch of steps in a fixed number of statements: the jobs locked in one, the updated records in
// one, their current values read in one, then one multi-row statement (`unnest` of array
// parameters) per kind of row written. The per-step path (engine_store.cc) runs each step in a
// savepoint, a dozen round trips each; on a network link the round trips, not PostgreSQL's work,
// bounded the executor (≈ 500 steps/s, 75 % of its CPU in the kernel's poll and scheduler).
//
// The outcomes are the per-step path's. What could fail a step there is checked here before
// anything is written (the lease, ValidateStepCommit, a record that is gone), so the failing
// steps are left out instead of rolled back. Unique values (claims can clash with another
// transaction's), creations and list memberships stay on the per-step path: the batch declines.
#include "store/postgres/engine_batch.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "store/change_listener.h"
#include "store/common/engine_util.h"
#include "store/common/object_util.h"
#include "store/postgres/arrays.h"
#include "store/postgres/shared_writes.h"

namespace flowd::store::postgres {

namespace {

using RecordKey = std::tuple<int64_t, std::string, int64_t>;  // account, type, id

struct LockedJob {
  int64_t account_id = 0;
  int64_t enrollment_id = 0;
  int64_t flow_id = 0;
  bool paused = false;
  std::string lease_owner;
  int64_t execution_index = 0;
  int64_t attempt = 0;
};

struct Live {
  int64_t created_at_ms = 0;
  ChangeSource created_by;
};

// Whether every step is one the batch does (see the header).
bool Batchable(const std::vector<StepCommit>& steps) {
  std::set<int64_t> jobs;
  std::set<RecordKey> records;
  for (const StepCommit& s : steps) {
    if (!s.creates.empty() || !s.memberships.empty() || !s.rotations.empty() ||
        !s.enrollments.empty()) {
      return false;
    }
    if (!jobs.insert(s.job_id).second) return false;
    for (const ObjectUpdateEffect& u : s.updates) {
      for (const ObjectUpdate& w : u.updates) {
        if (!records.insert({u.account_id, u.object_type_id, w.id}).second) return false;
        for (const PropertyWrite& p : w.properties) {
          for (const std::string& unique : u.options.unique_properties) {
            if (p.name == unique) return false;
          }
        }
      }
    }
  }
  return true;
}

Result<std::map<int64_t, LockedJob>> LockJobs(Connection& conn,
                                              const std::vector<StepCommit>& steps) {
  ArrayLiteral ids;
  for (const StepCommit& s : steps) ids.Add(s.job_id);
  // FOR UPDATE, in id order: a claim by another process (after the lease expired) waits for this
  // commit, or this commit sees the new owner.
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT id, account_id, enrollment_id, flow_id, paused, lease_owner, "
                 "execution_index, attempt FROM engine_jobs WHERE id = ANY($1::bigint[]) "
                 "ORDER BY id FOR UPDATE",
                 Params().Add(ids.str())));
  std::map<int64_t, LockedJob> out;
  for (int i = 0; i < rows.size(); ++i) {
    out[rows.Int(i, 0)] =
        LockedJob{rows.Int(i, 1),  rows.Int(i, 2), rows.Int(i, 3), rows.Bool(i, 4),
                  rows.Text(i, 5), rows.Int(i, 6), rows.Int(i, 7)};
  }
  return out;
}

// The live records among `keys`, locked (as LockLive does one at a time), in id order.
Result<std::map<RecordKey, Live>> LockRecords(Connection& conn, const std::set<RecordKey>& keys) {
  std::map<RecordKey, Live> out;
  if (keys.empty()) return out;
  ArrayLiteral accounts, types, ids;
  for (const auto& [account, type, id] : keys) {
    accounts.Add(account);
    types.Add(type);
    ids.Add(id);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT o.account_id, o.object_type_id, o.id, o.created_at_ms, "
                 "o.created_source_type, o.created_source_id FROM crm_objects o JOIN "
                 "unnest($1::bigint[], $2::text[], $3::bigint[]) AS u(a, t, i) ON o.id = u.i AND "
                 "o.account_id = u.a AND o.object_type_id = u.t WHERE o.archived_at_ms IS NULL "
                 "ORDER BY o.id FOR UPDATE OF o",
                 Params().Add(accounts.str()).Add(types.str()).Add(ids.str())));
  for (int i = 0; i < rows.size(); ++i) {
    out[{rows.Int(i, 0), rows.Text(i, 1), rows.Int(i, 2)}] =
        Live{rows.Int(i, 3), ChangeSource{rows.Text(i, 4), rows.Text(i, 5)}};
  }
  return out;
}

// One property write of a committed step, and what its record had.
struct Write {
  const StepCommit* step = nullptr;
  const ObjectUpdateEffect* effect = nullptr;
  int64_t object_id = 0;
  PropertyWrite write;
  internal::CurrentValue current;
};

// The current value and version of each write's property (ReadCurrent's, for all at once).
Status ReadCurrents(Connection& conn, std::vector<Write>& writes) {
  if (writes.empty()) return Status::Ok();
  ArrayLiteral ids, names;
  for (const Write& w : writes) {
    ids.Add(w.object_id);
    names.Add(w.write.name);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT u.ord, v.value, CASE WHEN v.object_id IS NULL THEN (SELECT "
                 "COALESCE(MAX(h.version), 0) FROM crm_value_history h WHERE h.object_id = u.i "
                 "AND h.name = u.n) ELSE v.version END FROM unnest($1::bigint[], $2::text[]) WITH "
                 "ORDINALITY AS u(i, n, ord) LEFT JOIN crm_values v ON v.object_id = u.i AND "
                 "v.name = u.n",
                 Params().Add(ids.str()).Add(names.str())));
  for (int i = 0; i < rows.size(); ++i) {
    Write& w = writes.at(static_cast<size_t>(rows.Int(i, 0) - 1));
    w.current.value = rows.IsNull(i, 1) ? "" : rows.Text(i, 1);
    w.current.version = rows.Int(i, 2);
  }
  return Status::Ok();
}

// The rows the changed values write, as array columns.
struct ValueRows {
  ArrayLiteral put_id, put_name, put_value, put_version, put_account, put_type;
  ArrayLiteral del_id, del_name;
  // History: the superseded version 1 of a created record (if absent), then the new versions.
  struct History {
    ArrayLiteral id, name, version, value, at, source_type, source_id;
    void Add(int64_t i, const std::string& n, int64_t v, const std::string& val, int64_t t,
             const ChangeSource& s) {
      id.Add(i);
      name.Add(n);
      version.Add(v);
      value.Add(val);
      at.Add(t);
      source_type.Add(s.type);
      source_id.Add(s.id);
    }
  } first, history;
  ArrayLiteral ev_account, ev_type, ev_object_type, ev_object, ev_at, ev_properties;
  ArrayLiteral touch_id, touch_at;
};

Status InsertHistory(Connection& conn, ValueRows::History& h, bool if_absent) {
  if (h.id.size() == 0) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query(if_absent
                     ? "INSERT INTO crm_value_history (object_id, name, version, value, "
                       "timestamp_ms, source_type, source_id) SELECT * FROM unnest($1::bigint[], "
                       "$2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], "
                       "$7::text[]) ON CONFLICT DO NOTHING"
                     : "INSERT INTO crm_value_history (object_id, name, version, value, "
                       "timestamp_ms, source_type, source_id) SELECT * FROM unnest($1::bigint[], "
                       "$2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], "
                       "$7::text[])",
                 Params()
                     .Add(h.id.str())
                     .Add(h.name.str())
                     .Add(h.version.str())
                     .Add(h.value.str())
                     .Add(h.at.str())
                     .Add(h.source_type.str())
                     .Add(h.source_id.str())));
  return Status::Ok();
}

// What UpdateObjectsIn writes for the changed values, in the order it writes them.
Status WriteValues(Connection& conn, std::vector<Write>& writes,
                   const std::map<RecordKey, Live>& live) {
  ValueRows r;
  std::set<int64_t> touched;
  for (const Write& w : writes) {
    if (w.current.value == w.write.value) continue;
    const int64_t version = w.current.version + 1;
    const ObjectUpdateEffect& e = *w.effect;
    const int64_t now_ms = w.step->now_ms;
    if (w.write.value.empty()) {
      r.del_id.Add(w.object_id);
      r.del_name.Add(w.write.name);
    } else {
      r.put_id.Add(w.object_id);
      r.put_name.Add(w.write.name);
      r.put_value.Add(w.write.value);
      r.put_version.Add(version);
      r.put_account.Add(e.account_id);
      r.put_type.Add(e.object_type_id);
    }
    if (w.current.version == 1) {
      const Live& l = live.at({e.account_id, e.object_type_id, w.object_id});
      r.first.Add(w.object_id, w.write.name, 1, w.current.value, l.created_at_ms, l.created_by);
    }
    r.history.Add(w.object_id, w.write.name, version, w.write.value, now_ms, e.options.source);
    r.ev_account.Add(e.account_id);
    r.ev_type.Add(kEventPropertyChanged);
    r.ev_object_type.Add(e.object_type_id);
    r.ev_object.Add(w.object_id);
    r.ev_at.Add(now_ms);
    r.ev_properties.Add(internal::EventPropertiesJson(
        internal::ChangeEventProperties(w.write.name, w.write.value, w.current.value)));
    if (touched.insert(w.object_id).second) {
      r.touch_id.Add(w.object_id);
      r.touch_at.Add(now_ms);
    }
  }
  if (r.del_id.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored, conn.Query("DELETE FROM crm_values WHERE (object_id, name) IN (SELECT * FROM "
                                 "unnest($1::bigint[], $2::text[]))",
                                 Params().Add(r.del_id.str()).Add(r.del_name.str())));
  }
  if (r.put_id.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO crm_values (object_id, name, value, version, account_id, "
                   "object_type_id) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], "
                   "$4::bigint[], $5::bigint[], $6::text[]) ON CONFLICT (object_id, name) DO "
                   "UPDATE SET value = excluded.value, version = excluded.version",
                   Params()
                       .Add(r.put_id.str())
                       .Add(r.put_name.str())
                       .Add(r.put_value.str())
                       .Add(r.put_version.str())
                       .Add(r.put_account.str())
                       .Add(r.put_type.str())));
  }
  FLOWD_TRY(InsertHistory(conn, r.first, /*if_absent=*/true));
  FLOWD_TRY(InsertHistory(conn, r.history, /*if_absent=*/false));
  if (r.ev_account.size() > 0) {
    // The event log's lock first, as every writer of crm_events takes it (object_store.cc); the
    // events take their seqs in the order given.
    conn.MarkChanged(kEventsAppended);
    FLOWD_TRY(LockEventLog(conn));
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO crm_events (account_id, event_type_id, object_type_id, object_id, "
                   "occurred_at_ms, properties_json) SELECT a, e, t, o, at, p FROM "
                   "unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], "
                   "$6::text[]) WITH ORDINALITY AS u(a, e, t, o, at, p, ord) ORDER BY ord",
                   Params()
                       .Add(r.ev_account.str())
                       .Add(r.ev_type.str())
                       .Add(r.ev_object_type.str())
                       .Add(r.ev_object.str())
                       .Add(r.ev_at.str())
                       .Add(r.ev_properties.str())));
  }
  if (r.touch_id.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("UPDATE crm_objects o SET updated_at_ms = u.t FROM unnest($1::bigint[], "
                   "$2::bigint[]) AS u(i, t) WHERE o.id = u.i",
                   Params().Add(r.touch_id.str()).Add(r.touch_at.str())));
  }
  return Status::Ok();
}

// The steps' own rows, their enrollments' updates and what follows each (RecordStep's, for all).
Status RecordSteps(Connection& conn, const std::vector<const StepCommit*>& steps,
                   const std::map<int64_t, LockedJob>& jobs) {
  ArrayLiteral st_account, st_flow, st_enrollment, st_index, st_attempt, st_action, st_type,
      st_started, st_finished, st_outcome, st_detail;
  ArrayLiteral en_id, en_data, en_at, en_status, en_reason;
  ArrayLiteral gone;
  ArrayLiteral nx_account, nx_enrollment, nx_flow, nx_action, nx_index, nx_run_at, nx_attempt,
      nx_paused;
  ArrayLiteral rt_id, rt_at;
  for (const StepCommit* s : steps) {
    const LockedJob& job = jobs.at(s->job_id);
    st_account.Add(job.account_id);
    st_flow.Add(job.flow_id);
    st_enrollment.Add(job.enrollment_id);
    st_index.Add(s->step.execution_index);
    st_attempt.Add(s->step.attempt);
    st_action.Add(s->step.action_id);
    st_type.Add(s->step.action_type_id);
    st_started.Add(s->step.started_at_ms);
    st_finished.Add(s->step.finished_at_ms);
    st_outcome.Add(s->step.outcome);
    st_detail.Add(s->step.detail_json.empty() ? std::string("{}") : s->step.detail_json);
    en_id.Add(job.enrollment_id);
    en_data.AddOpt(s->data_json);
    en_at.Add(s->now_ms);
    en_status.AddOpt(s->end_status);
    en_reason.Add(s->end_reason);
    if (s->next || s->end_status) gone.Add(s->job_id);
    if (s->next) {
      // A new job (a new id): a commit still holding the old id finds it gone.
      nx_account.Add(job.account_id);
      nx_enrollment.Add(job.enrollment_id);
      nx_flow.Add(job.flow_id);
      nx_action.Add(s->next->action_id);
      nx_index.Add(s->next->execution_index);
      nx_run_at.Add(s->next->run_at_ms);
      nx_attempt.Add(s->next->attempt);
      nx_paused.Add(job.paused);
    } else if (!s->end_status) {
      rt_id.Add(s->job_id);
      rt_at.Add(*s->retry_at_ms);
    }
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows ins_steps,
      conn.Query("INSERT INTO engine_steps (account_id, flow_id, enrollment_id, execution_index, "
                 "attempt, action_id, action_type_id, started_at_ms, finished_at_ms, outcome, "
                 "detail_json) SELECT a, f, e, x, t, ac, ty, s, fi, o, d FROM "
                 "unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], "
                 "$6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[], $11::text[]) "
                 "WITH ORDINALITY AS u(a, f, e, x, t, ac, ty, s, fi, o, d, ord) ORDER BY ord",
                 Params()
                     .Add(st_account.str())
                     .Add(st_flow.str())
                     .Add(st_enrollment.str())
                     .Add(st_index.str())
                     .Add(st_attempt.str())
                     .Add(st_action.str())
                     .Add(st_type.str())
                     .Add(st_started.str())
                     .Add(st_finished.str())
                     .Add(st_outcome.str())
                     .Add(st_detail.str())));
  // Deliveries and messages are rare (external steps come one at a time): one row each.
  for (const StepCommit* s : steps) {
    const LockedJob& job = jobs.at(s->job_id);
    FLOWD_TRY(InsertOutbox(conn, job.account_id, job.enrollment_id, *s));
  }
  // The enrollment's data and count, and its end when the step ends it.
  FLOWD_ASSIGN_OR_RETURN(
      Rows enrollments,
      conn.Query("UPDATE engine_enrollments e SET data_json = COALESCE(u.d, e.data_json), "
                 "executions = e.executions + 1, updated_at_ms = u.t, status = COALESCE(u.s, "
                 "e.status), reason = CASE WHEN u.s IS NULL THEN e.reason ELSE u.r END, "
                 "ended_at_ms = CASE WHEN u.s IS NULL THEN e.ended_at_ms ELSE u.t END FROM "
                 "unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(i, "
                 "d, t, s, r) WHERE e.id = u.i",
                 Params()
                     .Add(en_id.str())
                     .Add(en_data.str())
                     .Add(en_at.str())
                     .Add(en_status.str())
                     .Add(en_reason.str())));
  if (gone.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(Rows deleted,
                           conn.Query("DELETE FROM engine_jobs WHERE id = ANY($1::bigint[])",
                                      Params().Add(gone.str())));
  }
  if (nx_account.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows inserted,
        conn.Query("INSERT INTO engine_jobs (account_id, enrollment_id, flow_id, action_id, "
                   "execution_index, run_at_ms, attempt, paused, lease_owner, lease_until_ms, "
                   "due_at_ms) SELECT a, e, f, ac, x, r, t, p, '', 0, r FROM unnest($1::bigint[], "
                   "$2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], "
                   "$7::bigint[], $8::boolean[]) WITH ORDINALITY AS u(a, e, f, ac, x, r, t, p, "
                   "ord) ORDER BY ord",
                   Params()
                       .Add(nx_account.str())
                       .Add(nx_enrollment.str())
                       .Add(nx_flow.str())
                       .Add(nx_action.str())
                       .Add(nx_index.str())
                       .Add(nx_run_at.str())
                       .Add(nx_attempt.str())
                       .Add(nx_paused.str())));
  }
  if (rt_id.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows retried,
        conn.Query("UPDATE engine_jobs j SET attempt = j.attempt + 1, run_at_ms = u.r, due_at_ms "
                   "= u.r, lease_owner = '', lease_until_ms = 0 FROM unnest($1::bigint[], "
                   "$2::bigint[]) AS u(i, r) WHERE j.id = u.i",
                   Params().Add(rt_id.str()).Add(rt_at.str())));
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<std::vector<CommitResult>>> CommitStepsBatched(
    Connection& conn, std::vector<StepCommit>& steps) {
  using Outcomes = std::optional<std::vector<CommitResult>>;
  if (!Batchable(steps)) return Outcomes();  // declined: the per-step path
  FLOWD_ASSIGN_OR_RETURN(auto jobs, LockJobs(conn, steps));

  std::vector<CommitResult> out(steps.size());
  std::vector<size_t> going;  // the steps past the lease and validity checks
  std::set<int64_t> enrollments;
  std::set<RecordKey> records;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepCommit& s = steps[i];
    auto it = jobs.find(s.job_id);
    if (it == jobs.end() || !internal::HoldsJob(s, it->second.lease_owner,
                                                it->second.execution_index, it->second.attempt)) {
      out[i].outcome = CommitOutcome::kLeaseLost;
      continue;
    }
    if (Status valid = internal::ValidateStepCommit(s, it->second.account_id); !valid.ok()) {
      out[i].outcome = CommitOutcome::kFailed;
      out[i].error = std::move(valid).error();
      continue;
    }
    // One job per enrollment is the queue's rule; two would need the per-step order.
    if (!enrollments.insert(it->second.enrollment_id).second) return Outcomes();
    going.push_back(i);
    for (const ObjectUpdateEffect& u : s.updates) {
      for (const ObjectUpdate& w : u.updates)
        records.insert({u.account_id, u.object_type_id, w.id});
    }
  }

  FLOWD_ASSIGN_OR_RETURN(auto live, LockRecords(conn, records));
  std::vector<const StepCommit*> committed;
  std::vector<Write> writes;
  for (size_t i : going) {
    const StepCommit& s = steps[i];
    // A step that updates a record that is gone fails (its first such update names it), and
    // writes nothing.
    std::optional<Error> missing;
    for (const ObjectUpdateEffect& u : s.updates) {
      for (const ObjectUpdate& w : u.updates) {
        if (!missing && !live.count({u.account_id, u.object_type_id, w.id})) {
          missing = internal::ObjectNotFound(u.object_type_id, w.id);
        }
      }
    }
    if (missing) {
      out[i].outcome = CommitOutcome::kFailed;
      out[i].error = std::move(missing);
      continue;
    }
    committed.push_back(&s);
    for (const ObjectUpdateEffect& u : s.updates) {
      for (const ObjectUpdate& w : u.updates) {
        for (PropertyWrite& p : internal::LastWriteWins(w.properties)) {
          writes.push_back(Write{&s, &u, w.id, std::move(p), {}});
        }
      }
    }
  }
  if (committed.empty()) return Outcomes(std::move(out));
  FLOWD_TRY(ReadCurrents(conn, writes));
  FLOWD_TRY(WriteValues(conn, writes, live));
  FLOWD_TRY(RecordSteps(conn, committed, jobs));
  return Outcomes(std::move(out));
}

}  // namespace flowd::store::postgres
