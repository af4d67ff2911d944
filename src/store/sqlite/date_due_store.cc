// The SQLite EngineStore's date-based enrollment entries (contract: store/engine_store.h;
// table: migration 13). EnrollDateDues is in engine_store.cc, next to the other enrollments.
#include <string>

#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {
namespace {

#define DATE_DUE_COLUMNS "account_id, flow_id, object_type_id, object_id, due_at_ms"

Result<std::vector<DateDueRecord>> ReadDateDues(Stmt& s) {
  std::vector<DateDueRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    DateDueRecord d;
    d.account_id = s.Int(0);
    d.flow_id = s.Int(1);
    d.object_type_id = s.Text(2);
    d.object_id = s.Int(3);
    d.due_at_ms = s.Int(4);
    out.push_back(std::move(d));
  }
}

Error DateDueMoved(const DateDueWrite& w) {
  return Error::Conflict("the date schedule entry of flow " + std::to_string(w.flow_id) +
                         " for record " + std::to_string(w.object_id) + " has moved");
}

}  // namespace

Status ApplyDateDues(Connection& conn, const std::vector<DateDueWrite>& writes) {
  for (const DateDueWrite& w : writes) {
    if (w.expected_due_ms && w.due_at_ms) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt up, conn.Prepare("UPDATE engine_date_dues SET due_at_ms = ?5 WHERE account_id = ?1 "
                                "AND flow_id = ?2 AND object_type_id = ?3 AND object_id = ?4 AND "
                                "due_at_ms = ?6"));
      FLOWD_TRY(up.Bind(1, w.account_id)
                    .Bind(2, w.flow_id)
                    .Bind(3, w.object_type_id)
                    .Bind(4, w.object_id)
                    .Bind(5, *w.due_at_ms)
                    .Bind(6, *w.expected_due_ms)
                    .Run());
      if (conn.Changes() != 1) return DateDueMoved(w);
    } else if (w.expected_due_ms) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt del,
          conn.Prepare("DELETE FROM engine_date_dues WHERE account_id = ?1 AND flow_id = "
                       "?2 AND object_type_id = ?3 AND object_id = ?4 AND due_at_ms = ?5"));
      FLOWD_TRY(del.Bind(1, w.account_id)
                    .Bind(2, w.flow_id)
                    .Bind(3, w.object_type_id)
                    .Bind(4, w.object_id)
                    .Bind(5, *w.expected_due_ms)
                    .Run());
      if (conn.Changes() != 1) return DateDueMoved(w);
    } else if (w.due_at_ms) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt up, conn.Prepare("INSERT INTO engine_date_dues (" DATE_DUE_COLUMNS
                                ") VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account_id, flow_id, "
                                "object_type_id, object_id) DO UPDATE SET due_at_ms = "
                                "excluded.due_at_ms"));
      FLOWD_TRY(up.Bind(1, w.account_id)
                    .Bind(2, w.flow_id)
                    .Bind(3, w.object_type_id)
                    .Bind(4, w.object_id)
                    .Bind(5, *w.due_at_ms)
                    .Run());
    } else {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt del, conn.Prepare("DELETE FROM engine_date_dues WHERE account_id = ?1 AND flow_id = "
                                 "?2 AND object_type_id = ?3 AND object_id = ?4"));
      FLOWD_TRY(del.Bind(1, w.account_id)
                    .Bind(2, w.flow_id)
                    .Bind(3, w.object_type_id)
                    .Bind(4, w.object_id)
                    .Run());
    }
  }
  return Status::Ok();
}

Status SqliteEngineStore::WriteDateDues(const std::vector<DateDueWrite>& writes) {
  if (writes.empty()) return Status::Ok();
  return db_.Write([&](Connection& conn) { return ApplyDateDues(conn, writes); });
}

Result<std::vector<DateDueRecord>> SqliteEngineStore::DueDates(int64_t now_ms, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DateDueRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " DATE_DUE_COLUMNS " FROM engine_date_dues WHERE due_at_ms "
                               "<= ?1 ORDER BY due_at_ms, account_id, flow_id, object_type_id, "
                               "object_id LIMIT ?2"));
    sel.Bind(1, now_ms).Bind(2, static_cast<int64_t>(limit));
    return ReadDateDues(sel);
  });
}

Result<std::vector<DateDueRecord>> SqliteEngineStore::FlowDateDues(int64_t account_id,
                                                                   int64_t flow_id,
                                                                   int64_t after_object_id,
                                                                   size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DateDueRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " DATE_DUE_COLUMNS " FROM engine_date_dues WHERE account_id "
                               "= ?1 AND flow_id = ?2 AND object_id > ?3 ORDER BY object_id, "
                               "object_type_id LIMIT ?4"));
    sel.Bind(1, account_id)
        .Bind(2, flow_id)
        .Bind(3, after_object_id)
        .Bind(4, static_cast<int64_t>(limit));
    return ReadDateDues(sel);
  });
}

Result<int64_t> SqliteEngineStore::DropDateDues(int64_t account_id, int64_t flow_id) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del,
        conn.Prepare("DELETE FROM engine_date_dues WHERE account_id = ?1 AND flow_id = ?2"));
    FLOWD_TRY(del.Bind(1, account_id).Bind(2, flow_id).Run());
    return int64_t{conn.Changes()};
  });
}

Result<int64_t> SqliteEngineStore::DropObjectDateDues(int64_t account_id,
                                                      const std::string& object_type_id,
                                                      int64_t object_id) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt del,
                           conn.Prepare("DELETE FROM engine_date_dues WHERE account_id = ?1 AND "
                                        "object_type_id = ?2 AND object_id = ?3"));
    FLOWD_TRY(del.Bind(1, account_id).Bind(2, object_type_id).Bind(3, object_id).Run());
    return int64_t{conn.Changes()};
  });
}

}  // namespace flowd::store::sqlite
