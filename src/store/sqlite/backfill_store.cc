// The SQLite EngineStore's pending passes (contract: store/engine_store.h; table: migration 10).
// A page's enrollments are written by EnrollBackfillPage in engine_store.cc; the cursor moves
// here, first in that transaction.
#include <string>

#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {
namespace {

#define BACKFILL_COLUMNS \
  "id, account_id, flow_id, kind, occurrence_ms, after_id, created_at_ms, updated_at_ms"

Result<std::vector<BackfillRecord>> ReadBackfills(Stmt& s) {
  std::vector<BackfillRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    BackfillRecord b;
    b.id = s.Int(0);
    b.account_id = s.Int(1);
    b.flow_id = s.Int(2);
    b.kind = s.Text(3);
    b.occurrence_ms = s.Int(4);
    b.after_id = s.OptInt(5);
    b.created_at_ms = s.Int(6);
    b.updated_at_ms = s.Int(7);
    out.push_back(std::move(b));
  }
}

}  // namespace

Result<BackfillRecord> InsertBackfill(Connection& conn, const BackfillRecord& pass,
                                      int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins, conn.Prepare("INSERT INTO engine_backfills (account_id, flow_id, kind, "
                             "occurrence_ms, after_id, created_at_ms, updated_at_ms) VALUES (?1, "
                             "?2, ?3, ?4, ?5, ?6, ?6)"));
  ins.Bind(1, pass.account_id)
      .Bind(2, pass.flow_id)
      .Bind(3, pass.kind)
      .Bind(4, pass.occurrence_ms)
      .Bind(6, now_ms);
  if (pass.after_id) {
    ins.Bind(5, *pass.after_id);
  } else {
    ins.BindNull(5);
  }
  FLOWD_TRY(ins.Run());
  BackfillRecord out = pass;
  out.id = conn.LastInsertRowid();
  out.created_at_ms = out.updated_at_ms = now_ms;
  return out;
}

Status ApplyFlowEnabled(Connection& conn, const FlowRecord& flow, bool was_enabled,
                        bool enroll_existing, int64_t now_ms) {
  if (flow.is_enabled == was_enabled) return Status::Ok();
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_jobs SET paused = ?3 WHERE account_id = ?1 AND "
                              "flow_id = ?2 AND paused <> ?3"));
    FLOWD_TRY(up.Bind(1, flow.account_id)
                  .Bind(2, flow.id)
                  .Bind(3, int64_t{flow.is_enabled ? 0 : 1})
                  .Run());
  }
  if (flow.is_enabled) {
    conn.MarkChanged(kJobsQueued);
    if (!enroll_existing) return Status::Ok();
    return InsertBackfill(conn, internal::PassOf(flow.account_id, flow.id, kBackfillEnable), now_ms)
        .status();
  }
  for (const char* sql : {"DELETE FROM engine_backfills WHERE account_id = ?1 AND flow_id = ?2",
                          "DELETE FROM engine_date_dues WHERE account_id = ?1 AND flow_id = ?2"}) {
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare(sql));
    FLOWD_TRY(del.Bind(1, flow.account_id).Bind(2, flow.id).Run());
  }
  return Status::Ok();
}

Status AdvanceBackfill(Connection& conn, const BackfillAdvance& advance, int64_t now_ms) {
  // kMinId stands for "not started" so that one comparison covers both states.
  if (advance.next_after) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn.Prepare("UPDATE engine_backfills SET after_id = ?2, updated_at_ms = ?3 "
                              "WHERE id = ?1 AND IFNULL(after_id, ?5) = ?4"));
    FLOWD_TRY(up.Bind(1, advance.backfill_id)
                  .Bind(2, *advance.next_after)
                  .Bind(3, now_ms)
                  .Bind(4, advance.expected_after.value_or(internal::kMinId))
                  .Bind(5, internal::kMinId)
                  .Run());
  } else {
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM engine_backfills WHERE id = ?1 "
                                                  "AND IFNULL(after_id, ?3) = ?2"));
    FLOWD_TRY(del.Bind(1, advance.backfill_id)
                  .Bind(2, advance.expected_after.value_or(internal::kMinId))
                  .Bind(3, internal::kMinId)
                  .Run());
  }
  if (conn.Changes() != 1) return internal::BackfillMoved(advance.backfill_id);
  FLOWD_TRY(ApplyDateDues(conn, advance.date_dues));
  if (!advance.next_after && advance.then) {
    FLOWD_TRY(InsertBackfill(conn, *advance.then, now_ms).status());
  }
  return Status::Ok();
}

Result<BackfillRecord> SqliteEngineStore::AddBackfill(const BackfillRecord& pass, int64_t now_ms) {
  return db_.Write([&](Connection& conn) { return InsertBackfill(conn, pass, now_ms); });
}

Result<std::vector<BackfillRecord>> SqliteEngineStore::DueBackfills(int64_t now_ms, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<BackfillRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                           conn.Prepare("SELECT " BACKFILL_COLUMNS " FROM engine_backfills WHERE "
                                        "occurrence_ms <= ?1 ORDER BY updated_at_ms, id LIMIT ?2"));
    sel.Bind(1, now_ms).Bind(2, static_cast<int64_t>(limit));
    return ReadBackfills(sel);
  });
}

Result<std::vector<BackfillRecord>> SqliteEngineStore::FlowBackfills(int64_t account_id,
                                                                     int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<BackfillRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                           conn.Prepare("SELECT " BACKFILL_COLUMNS " FROM engine_backfills WHERE "
                                        "account_id = ?1 AND flow_id = ?2 ORDER BY id"));
    sel.Bind(1, account_id).Bind(2, flow_id);
    return ReadBackfills(sel);
  });
}

Result<int64_t> SqliteEngineStore::DropBackfills(int64_t account_id, int64_t flow_id,
                                                 std::optional<std::string> kind) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn.Prepare("DELETE FROM engine_backfills WHERE account_id = ?1 AND flow_id = "
                               "?2 AND (?3 = '' OR kind = ?3)"));
    FLOWD_TRY(del.Bind(1, account_id).Bind(2, flow_id).Bind(3, kind.value_or("")).Run());
    return int64_t{conn.Changes()};
  });
}

}  // namespace flowd::store::sqlite
