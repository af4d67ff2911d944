// The PostgreSQL EngineStore's pending passes (contract: store/engine_store.h; table: migration
// 10). A page's enrollments are written by EnrollBackfillPage in engine_store.cc; the cursor
// moves here, first in that transaction: the row lock it takes makes a second process that read
// the same page wait, then find the cursor moved and write nothing.
#include <string>

#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {
namespace {

#define BACKFILL_COLUMNS \
  "id, account_id, flow_id, kind, occurrence_ms, after_id, created_at_ms, updated_at_ms"

std::vector<BackfillRecord> ReadBackfills(const Rows& rows) {
  std::vector<BackfillRecord> out;
  for (int i = 0; i < rows.size(); ++i) {
    BackfillRecord b;
    b.id = rows.Int(i, 0);
    b.account_id = rows.Int(i, 1);
    b.flow_id = rows.Int(i, 2);
    b.kind = rows.Text(i, 3);
    b.occurrence_ms = rows.Int(i, 4);
    b.after_id = rows.OptInt(i, 5);
    b.created_at_ms = rows.Int(i, 6);
    b.updated_at_ms = rows.Int(i, 7);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

Result<BackfillRecord> InsertBackfill(Connection& conn, const BackfillRecord& pass,
                                      int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("INSERT INTO engine_backfills (account_id, flow_id, kind, "
                            "occurrence_ms, after_id, created_at_ms, updated_at_ms) VALUES ($1, "
                            "$2, $3, $4, $5, $6, $6) RETURNING id",
                            Params()
                                .Add(pass.account_id)
                                .Add(pass.flow_id)
                                .Add(pass.kind)
                                .Add(pass.occurrence_ms)
                                .AddOpt(pass.after_id)
                                .Add(now_ms)));
  BackfillRecord out = pass;
  out.id = rows.Int(0, 0);
  out.created_at_ms = out.updated_at_ms = now_ms;
  return out;
}

Status ApplyFlowEnabled(Connection& conn, const FlowRecord& flow, bool was_enabled,
                        bool enroll_existing, int64_t now_ms) {
  if (flow.is_enabled == was_enabled) return Status::Ok();
  const Params ids = Params().Add(flow.account_id).Add(flow.id);
  FLOWD_ASSIGN_OR_RETURN(Rows paused,
                         conn.Query("UPDATE engine_jobs SET paused = $3 WHERE account_id = $1 AND "
                                    "flow_id = $2 AND paused <> $3",
                                    Params(ids).Add(!flow.is_enabled)));
  if (flow.is_enabled) {
    conn.MarkChanged(kJobsQueued);
    if (!enroll_existing) return Status::Ok();
    return InsertBackfill(conn, internal::PassOf(flow.account_id, flow.id, kBackfillEnable), now_ms)
        .status();
  }
  for (const char* sql : {"DELETE FROM engine_backfills WHERE account_id = $1 AND flow_id = $2",
                          "DELETE FROM engine_date_dues WHERE account_id = $1 AND flow_id = $2"}) {
    FLOWD_ASSIGN_OR_RETURN(Rows ignored, conn.Query(sql, ids));
  }
  return Status::Ok();
}

Status AdvanceBackfill(Connection& conn, const BackfillAdvance& advance, int64_t now_ms) {
  // kMinId stands for "not started" so that one comparison covers both states.
  const Params where = Params()
                           .Add(advance.backfill_id)
                           .Add(advance.expected_after.value_or(internal::kMinId))
                           .Add(internal::kMinId);
  Result<Rows> changed = Error::Internal("unreached");
  if (advance.next_after) {
    Params p = where;
    p.Add(*advance.next_after).Add(now_ms);
    changed = conn.Query(
        "UPDATE engine_backfills SET after_id = $4, updated_at_ms = $5 WHERE id = $1 AND "
        "COALESCE(after_id, $3) = $2",
        p);
  } else {
    changed = conn.Query(
        "DELETE FROM engine_backfills WHERE id = $1 AND COALESCE(after_id, $3) = $2", where);
  }
  if (!changed.ok()) return std::move(changed).error();
  if (changed->affected() != 1) return internal::BackfillMoved(advance.backfill_id);
  FLOWD_TRY(ApplyDateDues(conn, advance.date_dues));
  if (!advance.next_after && advance.then) {
    FLOWD_TRY(InsertBackfill(conn, *advance.then, now_ms).status());
  }
  return Status::Ok();
}

Result<BackfillRecord> PgEngineStore::AddBackfill(const BackfillRecord& pass, int64_t now_ms) {
  return db_.Write([&](Connection& conn) { return InsertBackfill(conn, pass, now_ms); });
}

Result<std::vector<BackfillRecord>> PgEngineStore::DueBackfills(int64_t now_ms, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<BackfillRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " BACKFILL_COLUMNS " FROM engine_backfills WHERE "
                                      "occurrence_ms <= $1 ORDER BY updated_at_ms, id LIMIT $2",
                                      Params().Add(now_ms).Add(static_cast<int64_t>(limit))));
    return ReadBackfills(rows);
  });
}

Result<std::vector<BackfillRecord>> PgEngineStore::FlowBackfills(int64_t account_id,
                                                                 int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<BackfillRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " BACKFILL_COLUMNS " FROM engine_backfills WHERE "
                                      "account_id = $1 AND flow_id = $2 ORDER BY id",
                                      Params().Add(account_id).Add(flow_id)));
    return ReadBackfills(rows);
  });
}

Result<int64_t> PgEngineStore::DropBackfills(int64_t account_id, int64_t flow_id,
                                             std::optional<std::string> kind) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("DELETE FROM engine_backfills WHERE account_id = $1 AND flow_id = "
                              "$2 AND ($3 = '' OR kind = $3)",
                              Params().Add(account_id).Add(flow_id).Add(kind.value_or(""))));
    return rows.affected();
  });
}

}  // namespace flowd::store::postgres
