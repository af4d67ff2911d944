// PostgreSQL ObjectStore. The write algorithms are shared with SQLite (store/common/
// object_writes.h); this file supplies their statements.
// Unique values hold under concurrent writers through crm_unique_values' primary key; event
// numbering holds through a transaction-scoped advisory lock taken before the first event of a
// transaction, so events commit in seq order (see kEventLogLock).
#include <algorithm>
#include <string>
#include <unordered_map>

#include "store/common/association_util.h"
#include "store/common/object_util.h"
#include "store/common/object_writes.h"
#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using internal::IdList;

// Serialises the writers of crm_events until they commit: an identity value is taken before its
// transaction commits, so without it a reader could see seq 11 before seq 10 commits and skip 10.
constexpr int64_t kEventLogLock = 0x666c6f7764657631;  // "flowdev1"

Status LockEventLog(Connection& conn) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored, conn.Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kEventLogLock)));
  return Status::Ok();
}

namespace {

std::string IntArray(const std::vector<int64_t>& ids) { return IdList(ids, '{', '}'); }

Status InsertHistory(Connection& conn, int64_t object_id, const std::string& name, int64_t version,
                     const std::string& value, int64_t now_ms, const ChangeSource& source,
                     bool if_absent) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query(if_absent ? "INSERT INTO crm_value_history (object_id, name, version, value, "
                             "timestamp_ms, source_type, source_id) VALUES ($1, $2, $3, $4, $5, "
                             "$6, $7) ON CONFLICT DO NOTHING"
                           : "INSERT INTO crm_value_history (object_id, name, version, value, "
                             "timestamp_ms, source_type, source_id) VALUES ($1, $2, $3, $4, $5, "
                             "$6, $7)",
                 Params()
                     .Add(object_id)
                     .Add(name)
                     .Add(version)
                     .Add(value)
                     .Add(now_ms)
                     .Add(source.type)
                     .Add(source.id)));
  return Status::Ok();
}

// `locked`: whether this transaction already holds the event-log lock (taken once, held until
// commit).
// `json`: the properties' stored form (EventPropertiesJson(e.properties)).
Status InsertEncodedEvent(Connection& conn, CrmEvent& e, const std::string& json, bool& locked) {
  conn.MarkChanged(kEventsAppended);
  if (!locked) {
    FLOWD_TRY(LockEventLog(conn));
    locked = true;
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("INSERT INTO crm_events (account_id, event_type_id, object_type_id, object_id, "
                 "occurred_at_ms, properties_json) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                 Params()
                     .Add(e.account_id)
                     .Add(e.event_type_id)
                     .Add(e.object_type_id)
                     .Add(e.object_id)
                     .Add(e.occurred_at_ms)
                     .Add(json)));
  e.seq = rows.Int(0, 0);
  return Status::Ok();
}

Status InsertEvent(Connection& conn, CrmEvent& e, bool& locked) {
  return InsertEncodedEvent(conn, e, internal::EventPropertiesJson(e.properties), locked);
}

Status ClaimUnique(Connection& conn, int64_t account_id, const std::string& type,
                   const std::string& name, const std::string& value, int64_t object_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO crm_unique_values (account_id, object_type_id, name, value_md5, "
                 "value, object_id) VALUES ($1, $2, $3, md5($4), $4, $5) ON CONFLICT DO NOTHING "
                 "RETURNING object_id",
                 Params().Add(account_id).Add(type).Add(name).Add(value).Add(object_id)));
  if (!inserted.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      Rows holder, conn.Query("SELECT object_id FROM crm_unique_values WHERE account_id = $1 AND "
                              "object_type_id = $2 AND name = $3 AND value_md5 = md5($4)",
                              Params().Add(account_id).Add(type).Add(name).Add(value)));
  if (holder.empty()) return Error{ErrorCode::kUnavailable, "unique value claim raced", {}, {}, {}};
  if (holder.Int(0, 0) == object_id) return Status::Ok();
  return internal::UniqueValueTaken(name, value, holder.Int(0, 0));
}

Status ReleaseUnique(Connection& conn, int64_t account_id, const std::string& type,
                     const std::string& name, const std::string& value) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("DELETE FROM crm_unique_values WHERE account_id = $1 AND object_type_id = $2 AND "
                 "name = $3 AND value_md5 = md5($4)",
                 Params().Add(account_id).Add(type).Add(name).Add(value)));
  return Status::Ok();
}

#define OBJECT_COLUMNS "id, object_type_id, created_at_ms, updated_at_ms, archived_at_ms"

std::vector<ObjectRecord> ReadRows(const Rows& rows) {
  std::vector<ObjectRecord> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    ObjectRecord r;
    r.id = rows.Int(i, 0);
    r.object_type_id = rows.Text(i, 1);
    r.created_at_ms = rows.Int(i, 2);
    r.updated_at_ms = rows.Int(i, 3);
    r.archived_at_ms = rows.OptInt(i, 4);
    out.push_back(std::move(r));
  }
  return out;
}

Status FillValues(Connection& conn, std::vector<ObjectRecord>& records) {
  if (records.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::unordered_map<int64_t, ObjectRecord*> by_id;
  for (auto& r : records) {
    ids.push_back(r.id);
    by_id[r.id] = &r;
  }
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT object_id, name, value FROM crm_values WHERE object_id = "
                            "ANY($1::bigint[])",
                            Params().Add(IntArray(ids))));
  for (int i = 0; i < rows.size(); ++i) {
    auto it = by_id.find(rows.Int(i, 0));
    if (it != by_id.end()) it->second->properties.emplace(rows.Text(i, 1), rows.Text(i, 2));
  }
  for (auto& r : records) internal::AddMaintainedProperties(r);
  return Status::Ok();
}

Result<std::vector<ObjectRecord>> LoadObjects(Connection& conn, int64_t account_id,
                                              const std::string& type,
                                              const std::vector<int64_t>& ids, bool archived) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT " OBJECT_COLUMNS " FROM crm_objects WHERE account_id = $1 AND "
                            "object_type_id = $2 AND id = ANY($3::bigint[]) AND "
                            "(archived_at_ms IS NOT NULL) = $4",
                            Params().Add(account_id).Add(type).Add(IntArray(ids)).Add(archived)));
  std::vector<ObjectRecord> found = ReadRows(rows);
  FLOWD_TRY(FillValues(conn, found));
  return internal::InRequestedOrder(std::move(found), ids);
}

Result<internal::CurrentValue> ReadCurrent(Connection& conn, int64_t object_id,
                                           const std::string& name) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT value, version FROM crm_values WHERE object_id = $1 AND name = $2",
                 Params().Add(object_id).Add(name)));
  if (!rows.empty()) return internal::CurrentValue{rows.Text(0, 0), rows.Int(0, 1)};
  FLOWD_ASSIGN_OR_RETURN(Rows max,
                         conn.Query("SELECT COALESCE(MAX(version), 0) FROM crm_value_history WHERE "
                                    "object_id = $1 AND name = $2",
                                    Params().Add(object_id).Add(name)));
  return internal::CurrentValue{"", max.empty() ? 0 : max.Int(0, 0)};
}

std::vector<int64_t> Ids(const Rows& rows) {
  std::vector<int64_t> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(rows.Int(i, 0));
  return out;
}

#define EVENT_COLUMNS \
  "seq, account_id, event_type_id, object_type_id, object_id, occurred_at_ms, properties_json"

std::vector<CrmEvent> ReadEventRows(const Rows& rows, const ObjectStore::EventNeed& need = {}) {
  std::vector<CrmEvent> out;
  for (int i = 0; i < rows.size(); ++i) {
    CrmEvent& e = out.emplace_back(CrmEvent{rows.Int(i, 0),
                                            rows.Int(i, 1),
                                            rows.Text(i, 2),
                                            rows.Text(i, 3),
                                            rows.Int(i, 4),
                                            rows.Int(i, 5),
                                            {}});
    if (!need || need(e)) e.properties = internal::ParseEventProperties(rows.Text(i, 6));
  }
  return out;
}

// The statements of the shared write algorithms (store/common/object_writes.h) on one
// transaction's connection.
class PgObjectTxn final : public internal::ObjectTxn {
 public:
  explicit PgObjectTxn(Connection& conn) : conn_(conn) {}

  Result<int64_t> InsertObject(int64_t account_id, const std::string& type, int64_t now_ms,
                               const ChangeSource& source) override {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ins,
        conn_.Query(
            "INSERT INTO crm_objects (account_id, object_type_id, created_at_ms, "
            "updated_at_ms, created_source_type, created_source_id) VALUES ($1, $2, $3, "
            "$3, $4, $5) RETURNING id",
            Params().Add(account_id).Add(type).Add(now_ms).Add(source.type).Add(source.id)));
    return ins.Int(0, 0);
  }

  Result<std::optional<internal::LiveRecord>> LockLive(int64_t account_id, const std::string& type,
                                                       int64_t id) override {
    // FOR UPDATE: concurrent updates of one record apply one after the other.
    FLOWD_ASSIGN_OR_RETURN(
        Rows live,
        conn_.Query("SELECT created_at_ms, created_source_type, created_source_id FROM "
                    "crm_objects WHERE id = $1 AND account_id = $2 AND object_type_id = $3 AND "
                    "archived_at_ms IS NULL FOR UPDATE",
                    Params().Add(id).Add(account_id).Add(type)));
    if (live.empty()) return std::optional<internal::LiveRecord>();
    return std::optional<internal::LiveRecord>(
        internal::LiveRecord{live.Int(0, 0), ChangeSource{live.Text(0, 1), live.Text(0, 2)}});
  }

  Result<internal::CurrentValue> ReadCurrent(int64_t id, const std::string& name) override {
    return postgres::ReadCurrent(conn_, id, name);
  }

  // PostgreSQL indexes every value (by md5): its B-tree pages are not written twice per commit
  // as SQLite's WAL and checkpoint do, so `lookup` changes nothing here.
  Status PutValue(int64_t account_id, const std::string& type, int64_t id, const std::string& name,
                  const std::string& value, int64_t version, bool /*lookup*/) override {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn_.Query("INSERT INTO crm_values (object_id, name, value, version, account_id, "
                    "object_type_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (object_id, "
                    "name) DO UPDATE SET value = excluded.value, version = excluded.version",
                    Params().Add(id).Add(name).Add(value).Add(version).Add(account_id).Add(type)));
    return Status::Ok();
  }

  Status DeleteValue(int64_t id, const std::string& name) override {
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn_.Query("DELETE FROM crm_values WHERE object_id = $1 AND name = $2",
                                       Params().Add(id).Add(name)));
    return Status::Ok();
  }

  Status InsertHistory(int64_t id, const std::string& name, int64_t version,
                       const std::string& value, int64_t now_ms, const ChangeSource& source,
                       bool if_absent) override {
    return postgres::InsertHistory(conn_, id, name, version, value, now_ms, source, if_absent);
  }

  Status InsertEvent(CrmEvent& e) override {
    return postgres::InsertEvent(conn_, e, event_log_locked_);
  }
  Status InsertEncodedEvents(std::vector<CrmEvent>& events,
                             std::span<const std::string> properties_json) override {
    for (size_t i = 0; i < events.size(); ++i) {
      FLOWD_TRY(InsertEncodedEvent(conn_, events[i], properties_json[i], event_log_locked_));
    }
    return Status::Ok();
  }

  Status ClaimUnique(int64_t account_id, const std::string& type, const std::string& name,
                     const std::string& value, int64_t id) override {
    return postgres::ClaimUnique(conn_, account_id, type, name, value, id);
  }

  Status ReleaseUnique(int64_t account_id, const std::string& type, const std::string& name,
                       const std::string& value) override {
    return postgres::ReleaseUnique(conn_, account_id, type, name, value);
  }

  Status TouchObject(int64_t id, int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn_.Query("UPDATE crm_objects SET updated_at_ms = $2 WHERE id = $1",
                                       Params().Add(id).Add(now_ms)));
    return Status::Ok();
  }

  Result<std::vector<int64_t>> MarkArchived(int64_t account_id, const std::string& type,
                                            const std::vector<int64_t>& ids,
                                            int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn_.Query("UPDATE crm_objects SET archived_at_ms = $1 WHERE account_id = $2 AND "
                    "object_type_id = $3 AND archived_at_ms IS NULL AND id = ANY($4::bigint[]) "
                    "RETURNING id",
                    Params().Add(now_ms).Add(account_id).Add(type).Add(IntArray(ids))));
    std::vector<int64_t> archived = Ids(rows);
    std::sort(archived.begin(), archived.end());
    return archived;
  }

  Status DetachArchived(int64_t account_id, const std::string& type,
                        const std::vector<int64_t>& ids, int64_t now_ms) override {
    const std::string list = IntArray(ids);
    FLOWD_ASSIGN_OR_RETURN(Rows r1,
                           conn_.Query("DELETE FROM crm_unique_values WHERE account_id = $1 AND "
                                       "object_type_id = $2 AND object_id = ANY($3::bigint[])",
                                       Params().Add(account_id).Add(type).Add(list)));
    FLOWD_ASSIGN_OR_RETURN(
        Rows r2,
        conn_.Query("DELETE FROM crm_associations inv USING crm_associations f WHERE "
                    "inv.account_id = $1 AND inv.to_type = $2 AND inv.to_id = ANY($3::bigint[]) "
                    "AND f.account_id = $1 AND f.from_type = $2 AND f.from_id = inv.to_id AND "
                    "f.to_type = inv.from_type AND f.to_id = inv.from_id RETURNING inv.from_type, "
                    "inv.from_id, inv.to_type, inv.to_id, inv.category, inv.type_id",
                    Params().Add(account_id).Add(type).Add(list)));
    for (int i = 0; i < r2.size(); ++i) {
      CrmEvent e = internal::AssociationChangeEvent(
          account_id,
          {r2.Text(i, 0), r2.Int(i, 1), r2.Text(i, 2), r2.Int(i, 3), r2.Text(i, 4), r2.Int(i, 5)},
          /*added=*/false, now_ms);
      FLOWD_TRY(InsertEvent(e));
    }
    FLOWD_ASSIGN_OR_RETURN(
        Rows r3, conn_.Query("DELETE FROM crm_associations WHERE account_id = $1 AND from_type = "
                             "$2 AND from_id = ANY($3::bigint[])",
                             Params().Add(account_id).Add(type).Add(list)));
    return Status::Ok();
  }

  Result<std::vector<ObjectRecord>> LoadLive(int64_t account_id, const std::string& type,
                                             const std::vector<int64_t>& ids) override {
    return LoadObjects(conn_, account_id, type, ids, /*archived=*/false);
  }

 private:
  Connection& conn_;
  bool event_log_locked_ = false;
};

}  // namespace

std::unique_ptr<internal::ObjectTxn> NewObjectTxn(Connection& conn) {
  return std::make_unique<PgObjectTxn>(conn);
}

Result<std::vector<ObjectRecord>> PgObjectStore::CreateObjects(
    int64_t account_id, const std::string& type,
    const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
    int64_t now_ms) {
  // Worked out before the write (outside the writer's critical section).
  internal::PreparedCreate prepared = internal::PrepareCreate(inputs, options);
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids, db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
        PgObjectTxn txn(conn);
        return internal::ApplyCreate(txn, account_id, type, prepared, options, now_ms);
      }));
  return internal::CreatedRecords(type, prepared, ids, now_ms);
}

Result<std::vector<ObjectRecord>> PgObjectStore::UpdateObjects(
    int64_t account_id, const std::string& type, const std::vector<ObjectUpdate>& updates,
    const ObjectWriteOptions& options, int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    PgObjectTxn txn(conn);
    return internal::UpdateObjectsIn(txn, account_id, type, updates, options, now_ms);
  });
}

Result<std::vector<int64_t>> PgObjectStore::ArchiveObjects(int64_t account_id,
                                                           const std::string& type,
                                                           const std::vector<int64_t>& ids,
                                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    PgObjectTxn txn(conn);
    return internal::ArchiveObjectsIn(txn, account_id, type, ids, now_ms);
  });
}

Result<std::vector<ObjectRecord>> PgObjectStore::GetObjects(int64_t account_id,
                                                            const std::string& type,
                                                            const std::vector<int64_t>& ids,
                                                            bool archived) {
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) {
    return LoadObjects(conn, account_id, type, ids, archived);
  });
}

Result<ObjectPage> PgObjectStore::ListObjects(int64_t account_id, const std::string& type,
                                              std::optional<int64_t> after_id, size_t limit,
                                              bool archived) {
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) -> Result<ObjectPage> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " OBJECT_COLUMNS " FROM crm_objects WHERE account_id = $1 AND "
                   "object_type_id = $2 AND id > $3 AND (archived_at_ms IS NOT NULL) = $4 "
                   "ORDER BY id LIMIT $5",
                   Params()
                       .Add(account_id)
                       .Add(type)
                       .Add(after_id.value_or(internal::kMinId))
                       .Add(archived)
                       .Add(static_cast<int64_t>(limit + 1))));
    ObjectPage page;
    page.objects = ReadRows(rows);
    if (page.objects.size() > limit) {
      page.objects.resize(limit);
      page.next_after = page.objects.back().id;
    }
    FLOWD_TRY(FillValues(conn, page.objects));
    return page;
  });
}

Result<std::vector<int64_t>> PgObjectStore::FindByValues(int64_t account_id,
                                                         const std::string& type,
                                                         const std::string& property,
                                                         const std::vector<std::string>& values,
                                                         size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT v.object_id FROM crm_values v JOIN crm_objects o ON o.id = v.object_id "
                   "JOIN jsonb_array_elements_text($4::jsonb) AS want(value) ON md5(v.value) = "
                   "md5(want.value) AND v.value = want.value WHERE v.account_id = $1 AND "
                   "v.object_type_id = $2 AND v.name = $3 AND o.archived_at_ms IS NULL "
                   "ORDER BY v.object_id LIMIT $5",
                   Params()
                       .Add(account_id)
                       .Add(type)
                       .Add(property)
                       .Add(internal::JsonStringArray(values))
                       .Add(static_cast<int64_t>(std::min(limit, internal::kMaxPage)))));
    return Ids(rows);
  });
}

Result<std::vector<int64_t>> PgObjectStore::FindWithProperty(int64_t account_id,
                                                             const std::string& type,
                                                             const std::string& property,
                                                             std::optional<int64_t> after_id,
                                                             size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT v.object_id FROM crm_values v JOIN crm_objects o ON o.id = v.object_id "
                   "WHERE v.account_id = $1 AND v.object_type_id = $2 AND v.name = $3 AND "
                   "v.object_id > $4 AND o.archived_at_ms IS NULL ORDER BY v.object_id LIMIT $5",
                   Params()
                       .Add(account_id)
                       .Add(type)
                       .Add(property)
                       .Add(after_id.value_or(internal::kMinId))
                       .Add(static_cast<int64_t>(std::min(limit, internal::kMaxPage)))));
    return Ids(rows);
  });
}

Result<int64_t> PgObjectStore::CountObjects(int64_t account_id, const std::string& type) {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT COUNT(*) FROM crm_objects WHERE account_id = $1 AND "
                                      "object_type_id = $2 AND archived_at_ms IS NULL",
                                      Params().Add(account_id).Add(type)));
    return rows.Int(0, 0);
  });
}

Result<ValueHistory> PgObjectStore::GetHistory(int64_t account_id, const std::string& type,
                                               const std::vector<int64_t>& ids,
                                               const std::vector<std::string>& properties) {
  return db_.Read(true, [&](Connection& conn) -> Result<ValueHistory> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        // History rows, plus the created values never superseded (version 1 without a row:
        // their time and source are the record's creation).
        conn.Query("SELECT h.object_id, h.name, h.value, h.timestamp_ms, h.source_type, "
                   "h.source_id, h.version FROM crm_value_history h JOIN crm_objects o ON o.id = "
                   "h.object_id WHERE o.account_id = $1 AND o.object_type_id = $2 AND h.object_id "
                   "= ANY($3::bigint[]) AND ($4::jsonb = '[]'::jsonb OR h.name IN (SELECT "
                   "jsonb_array_elements_text($4::jsonb))) "
                   "UNION ALL "
                   "SELECT v.object_id, v.name, v.value, o.created_at_ms, o.created_source_type, "
                   "o.created_source_id, v.version FROM crm_values v JOIN crm_objects o ON o.id = "
                   "v.object_id WHERE o.account_id = $1 AND o.object_type_id = $2 AND v.object_id "
                   "= ANY($3::bigint[]) AND ($4::jsonb = '[]'::jsonb OR v.name IN (SELECT "
                   "jsonb_array_elements_text($4::jsonb))) AND v.version = 1 AND NOT EXISTS "
                   "(SELECT 1 FROM crm_value_history h WHERE h.object_id = v.object_id AND h.name "
                   "= v.name AND h.version = 1) ORDER BY 1, 2, 7 DESC",
                   Params()
                       .Add(account_id)
                       .Add(type)
                       .Add(IntArray(ids))
                       .Add(internal::JsonStringArray(properties))));
    ValueHistory out;
    for (int i = 0; i < rows.size(); ++i) {
      out[rows.Int(i, 0)][rows.Text(i, 1)].push_back(
          ValueVersion{rows.Text(i, 2), rows.Int(i, 3), rows.Text(i, 4), rows.Text(i, 5)});
    }
    return out;
  });
}

Result<std::vector<CrmEvent>> PgObjectStore::AppendEvents(const std::vector<CrmEvent>& events) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    std::vector<CrmEvent> out = events;
    bool locked = false;
    for (CrmEvent& e : out) FLOWD_TRY(InsertEvent(conn, e, locked));
    return out;
  });
}

Result<std::vector<CrmEvent>> PgObjectStore::ReadEvents(int64_t after_seq, size_t limit,
                                                        const EventNeed& need) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT " EVENT_COLUMNS " FROM crm_events WHERE seq > $1 ORDER BY "
                              "seq LIMIT $2",
                              Params().Add(after_seq).Add(
                                  static_cast<int64_t>(std::min(limit, internal::kMaxPage)))));
    return ReadEventRows(rows, need);
  });
}

Result<std::vector<CrmEvent>> PgObjectStore::ObjectEvents(int64_t account_id,
                                                          const std::string& type,
                                                          int64_t object_id,
                                                          std::string_view event_type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " EVENT_COLUMNS " FROM crm_events WHERE object_id = $1 AND "
                   "account_id = $2 AND object_type_id = $3 AND ($4 = '' OR "
                   "event_type_id = $4) ORDER BY seq",
                   Params().Add(object_id).Add(account_id).Add(type).Add(event_type_id)));
    return ReadEventRows(rows);
  });
}

}  // namespace flowd::store::postgres
