// The PostgreSQL EngineStore's date-based enrollment entries (contract: store/engine_store.h;
// table: migration 13). EnrollDateDues is in engine_store.cc, next to the other enrollments. A
// compare-and-set write locks its row: a second process that read the same due entry waits, then
// finds it moved and writes nothing.
#include <string>

#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {
namespace {

#define DATE_DUE_COLUMNS "account_id, flow_id, object_type_id, object_id, due_at_ms"

std::vector<DateDueRecord> ReadDateDues(const Rows& rows) {
  std::vector<DateDueRecord> out;
  for (int i = 0; i < rows.size(); ++i) {
    DateDueRecord d;
    d.account_id = rows.Int(i, 0);
    d.flow_id = rows.Int(i, 1);
    d.object_type_id = rows.Text(i, 2);
    d.object_id = rows.Int(i, 3);
    d.due_at_ms = rows.Int(i, 4);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Status ApplyDateDues(Connection& conn, const std::vector<DateDueWrite>& writes) {
  for (const DateDueWrite& w : writes) {
    Params key = Params().Add(w.account_id).Add(w.flow_id).Add(w.object_type_id).Add(w.object_id);
    Result<Rows> changed = Error::Internal("unreached");
    if (w.expected_due_ms && w.due_at_ms) {
      key.Add(*w.due_at_ms).Add(*w.expected_due_ms);
      changed = conn.Query(
          "UPDATE engine_date_dues SET due_at_ms = $5 WHERE account_id = $1 AND flow_id = $2 AND "
          "object_type_id = $3 AND object_id = $4 AND due_at_ms = $6",
          key);
    } else if (w.expected_due_ms) {
      key.Add(*w.expected_due_ms);
      changed = conn.Query(
          "DELETE FROM engine_date_dues WHERE account_id = $1 AND flow_id = $2 AND object_type_id "
          "= $3 AND object_id = $4 AND due_at_ms = $5",
          key);
    } else if (w.due_at_ms) {
      key.Add(*w.due_at_ms);
      changed = conn.Query("INSERT INTO engine_date_dues (" DATE_DUE_COLUMNS
                           ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, flow_id, "
                           "object_type_id, object_id) DO UPDATE SET due_at_ms = "
                           "EXCLUDED.due_at_ms",
                           key);
    } else {
      changed = conn.Query(
          "DELETE FROM engine_date_dues WHERE account_id = $1 AND flow_id = $2 AND object_type_id "
          "= $3 AND object_id = $4",
          key);
    }
    if (!changed.ok()) return std::move(changed).error();
    if (w.expected_due_ms && changed->affected() != 1) {
      return Error::Conflict("the date schedule entry of flow " + std::to_string(w.flow_id) +
                             " for record " + std::to_string(w.object_id) + " has moved");
    }
  }
  return Status::Ok();
}

Status PgEngineStore::WriteDateDues(const std::vector<DateDueWrite>& writes) {
  if (writes.empty()) return Status::Ok();
  return db_.Write([&](Connection& conn) { return ApplyDateDues(conn, writes); });
}

Result<std::vector<DateDueRecord>> PgEngineStore::DueDates(int64_t now_ms, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DateDueRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT " DATE_DUE_COLUMNS " FROM engine_date_dues WHERE due_at_ms "
                              "<= $1 ORDER BY due_at_ms, account_id, flow_id, object_type_id, "
                              "object_id LIMIT $2",
                              Params().Add(now_ms).Add(static_cast<int64_t>(limit))));
    return ReadDateDues(rows);
  });
}

Result<std::vector<DateDueRecord>> PgEngineStore::FlowDateDues(int64_t account_id, int64_t flow_id,
                                                               int64_t after_object_id,
                                                               size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<DateDueRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT " DATE_DUE_COLUMNS " FROM engine_date_dues WHERE account_id "
                              "= $1 AND flow_id = $2 AND object_id > $3 ORDER BY object_id, "
                              "object_type_id LIMIT $4",
                              Params()
                                  .Add(account_id)
                                  .Add(flow_id)
                                  .Add(after_object_id)
                                  .Add(static_cast<int64_t>(limit))));
    return ReadDateDues(rows);
  });
}

Result<int64_t> PgEngineStore::DropDateDues(int64_t account_id, int64_t flow_id) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("DELETE FROM engine_date_dues WHERE account_id = $1 AND flow_id = $2",
                              Params().Add(account_id).Add(flow_id)));
    return rows.affected();
  });
}

Result<int64_t> PgEngineStore::DropObjectDateDues(int64_t account_id,
                                                  const std::string& object_type_id,
                                                  int64_t object_id) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("DELETE FROM engine_date_dues WHERE account_id = $1 AND "
                                      "object_type_id = $2 AND object_id = $3",
                                      Params().Add(account_id).Add(object_type_id).Add(object_id)));
    return rows.affected();
  });
}

}  // namespace flowd::store::postgres
