// An enrollment batch in a few statements (contract: engine_batch.h): the (account, flow,
// object) advisory locks in one, one probe per item in one (LATERAL, so each is an index probe
// whatever the table's size), explicit ids, then the enrollments and their first jobs in one
// multi-row insert each. One enrollment at a time cost four round trips.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "store/postgres/arrays.h"
#include "store/postgres/engine_batch.h"

namespace flowd::store::postgres {

namespace {

// The advisory lock class of enrollment checks ("engn"); the object id hashes (account, flow,
// object).
constexpr int64_t kEnrollLockClass = 0x656e676e;

std::string EnrollLockKey(const EnrollmentRecord& e) {
  return std::to_string(e.account_id) + ":" + std::to_string(e.flow_id) + ":" +
         std::to_string(e.object_id);
}

}  // namespace

Result<std::vector<EnrollResult>> EnrollBatched(Connection& conn,
                                                const std::vector<NewEnrollment>& items,
                                                int64_t now_ms) {
  std::vector<EnrollResult> out(items.size());
  if (items.empty()) return out;
  // Held to commit: another process enrolling the same record in the same flow waits here and
  // then sees this enrollment.
  std::set<std::string> keys;
  for (const NewEnrollment& item : items) keys.insert(EnrollLockKey(item.enrollment));
  ArrayLiteral lock_keys;
  for (const std::string& k : keys) lock_keys.Add(k);
  FLOWD_ASSIGN_OR_RETURN(Rows locked,
                         conn.Query("SELECT pg_advisory_xact_lock($1::int, hashtext(k)) FROM "
                                    "unnest($2::text[]) WITH ORDINALITY AS u(k, ord) ORDER BY ord",
                                    Params().Add(kEnrollLockClass).Add(lock_keys.str())));

  // One probe per item answers both checks: an ACTIVE enrollment sorts first, else the newest.
  ArrayLiteral accounts, flows, objects, types;
  for (const NewEnrollment& item : items) {
    accounts.Add(item.enrollment.account_id);
    flows.Add(item.enrollment.flow_id);
    objects.Add(item.enrollment.object_id);
    types.Add(item.enrollment.object_type_id);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows probed,
      conn.Query(
          "SELECT u.ord, e.id, e.account_id, e.flow_id, e.revision_id, e.object_type_id, "
          "e.object_id, e.status, e.source, e.reason, e.enrolled_at_ms, e.updated_at_ms, "
          "e.ended_at_ms, e.data_json, e.executions FROM unnest($1::bigint[], "
          "$2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u(a, f, o, t, ord) "
          "CROSS JOIN LATERAL (SELECT * FROM engine_enrollments x WHERE x.account_id = u.a "
          "AND x.flow_id = u.f AND x.object_id = u.o AND x.object_type_id = u.t ORDER BY "
          "x.status = 'ACTIVE' DESC, x.id DESC LIMIT 1) e",
          Params().Add(accounts.str()).Add(flows.str()).Add(objects.str()).Add(types.str())));
  // What each (account, flow, type, object) has: the probe's answer, then this batch's own.
  using Key = std::tuple<int64_t, int64_t, std::string, int64_t>;
  auto key_of = [](const EnrollmentRecord& e) {
    return Key{e.account_id, e.flow_id, e.object_type_id, e.object_id};
  };
  std::map<Key, EnrollmentRecord> latest;
  for (int i = 0; i < probed.size(); ++i) {
    EnrollmentRecord e;
    e.id = probed.Int(i, 1);
    e.account_id = probed.Int(i, 2);
    e.flow_id = probed.Int(i, 3);
    e.revision_id = probed.Int(i, 4);
    e.object_type_id = probed.Text(i, 5);
    e.object_id = probed.Int(i, 6);
    e.status = probed.Text(i, 7);
    e.source = probed.Text(i, 8);
    e.reason = probed.Text(i, 9);
    e.enrolled_at_ms = probed.Int(i, 10);
    e.updated_at_ms = probed.Int(i, 11);
    e.ended_at_ms = probed.OptInt(i, 12);
    e.data_json = probed.Text(i, 13);
    e.executions = probed.Int(i, 14);
    latest[key_of(e)] = std::move(e);
  }

  std::vector<size_t> fresh;  // the items that enroll
  std::map<Key, size_t> own;  // the keys this batch enrolled: the item that did, last
  std::vector<std::optional<size_t>> blocked_by(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const NewEnrollment& item = items[i];
    const Key key = key_of(item.enrollment);
    auto found = latest.find(key);
    if (found != latest.end() && (found->second.status == kEnrollmentActive || item.once)) {
      const bool active = found->second.status == kEnrollmentActive;
      out[i] = EnrollResult{
          active ? EnrollOutcome::kAlreadyActive : EnrollOutcome::kAlreadyEnrolled, found->second};
      if (auto o = own.find(key); o != own.end()) blocked_by[i] = o->second;
      continue;
    }
    EnrollmentRecord r = item.enrollment;
    r.status = item.first_action_id.empty() ? kEnrollmentCompleted : kEnrollmentActive;
    r.executions = 0;
    if (r.enrolled_at_ms == 0) r.enrolled_at_ms = now_ms;
    r.updated_at_ms = now_ms;
    r.ended_at_ms = item.first_action_id.empty() ? std::optional<int64_t>(now_ms) : std::nullopt;
    if (r.data_json.empty()) r.data_json = "{}";
    out[i] = EnrollResult{EnrollOutcome::kEnrolled, r};
    latest[key] = std::move(r);
    own[key] = i;
    fresh.push_back(i);
  }
  if (fresh.empty()) return out;

  // Ids first, so that each row is known to be its item's (ascending in input order).
  FLOWD_ASSIGN_OR_RETURN(Rows ids,
                         conn.Query("SELECT nextval(pg_get_serial_sequence('engine_enrollments', "
                                    "'id')::regclass) FROM generate_series(1, $1)",
                                    Params().Add(static_cast<int64_t>(fresh.size()))));
  std::vector<int64_t> new_ids;
  for (int i = 0; i < ids.size(); ++i) new_ids.push_back(ids.Int(i, 0));
  std::sort(new_ids.begin(), new_ids.end());
  if (new_ids.size() != fresh.size()) return Error::Internal("enrollment ids not allocated");
  ArrayLiteral e_id, e_account, e_flow, e_revision, e_type, e_object, e_status, e_source, e_reason,
      e_enrolled, e_updated, e_ended, e_data;
  ArrayLiteral j_account, j_enrollment, j_flow, j_action, j_run_at;
  for (size_t n = 0; n < fresh.size(); ++n) {
    const NewEnrollment& item = items[fresh[n]];
    EnrollmentRecord& r = out[fresh[n]].enrollment;
    r.id = new_ids[n];
    e_id.Add(r.id);
    e_account.Add(r.account_id);
    e_flow.Add(r.flow_id);
    e_revision.Add(r.revision_id);
    e_type.Add(r.object_type_id);
    e_object.Add(r.object_id);
    e_status.Add(r.status);
    e_source.Add(r.source);
    e_reason.Add(r.reason);
    e_enrolled.Add(r.enrolled_at_ms);
    e_updated.Add(r.updated_at_ms);
    e_ended.AddOpt(r.ended_at_ms);
    e_data.Add(r.data_json);
    if (!item.first_action_id.empty()) {
      j_account.Add(r.account_id);
      j_enrollment.Add(r.id);
      j_flow.Add(r.flow_id);
      j_action.Add(item.first_action_id);
      j_run_at.Add(item.first_run_at_ms);
    }
  }
  // An item blocked by an earlier one of the batch reports that enrollment, with its id.
  for (size_t i = 0; i < items.size(); ++i) {
    if (blocked_by[i]) out[i].enrollment = out[*blocked_by[i]].enrollment;
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO engine_enrollments (id, account_id, flow_id, revision_id, "
                 "object_type_id, object_id, status, source, reason, enrolled_at_ms, "
                 "updated_at_ms, ended_at_ms, data_json, executions) SELECT i, a, f, r, t, o, s, "
                 "so, re, en, up, ed, d, 0 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], "
                 "$4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], "
                 "$10::bigint[], $11::bigint[], $12::bigint[], $13::text[]) AS u(i, a, f, r, t, o, "
                 "s, so, re, en, up, ed, d) ORDER BY i",
                 Params()
                     .Add(e_id.str())
                     .Add(e_account.str())
                     .Add(e_flow.str())
                     .Add(e_revision.str())
                     .Add(e_type.str())
                     .Add(e_object.str())
                     .Add(e_status.str())
                     .Add(e_source.str())
                     .Add(e_reason.str())
                     .Add(e_enrolled.str())
                     .Add(e_updated.str())
                     .Add(e_ended.str())
                     .Add(e_data.str())));
  if (j_account.size() > 0) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows jobs,
        conn.Query("INSERT INTO engine_jobs (account_id, enrollment_id, flow_id, action_id, "
                   "execution_index, run_at_ms, attempt, paused, lease_owner, lease_until_ms, "
                   "due_at_ms) SELECT a, e, f, ac, 0, r, 0, false, '', 0, r FROM "
                   "unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[]) "
                   "WITH ORDINALITY AS u(a, e, f, ac, r, ord) ORDER BY ord",
                   Params()
                       .Add(j_account.str())
                       .Add(j_enrollment.str())
                       .Add(j_flow.str())
                       .Add(j_action.str())
                       .Add(j_run_at.str())));
  }
  return out;
}

}  // namespace flowd::store::postgres
