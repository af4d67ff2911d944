// SQLite ObjectStore. The write algorithms are shared with PostgreSQL (store/common/
// object_writes.h); this file supplies their statements. Every write runs in the writer's
// (group-committed) transaction, so read-then-write sequences cannot race with another write.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "store/common/object_util.h"
#include "store/common/object_writes.h"
#include "store/common/record_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using internal::IdList;

namespace {

std::string JsonIds(const std::vector<int64_t>& ids) { return IdList(ids, '[', ']'); }

std::string JsonStrings(const std::vector<std::string>& values) {
  return internal::JsonStringArray(values);
}

Status InsertHistory(Connection& conn, int64_t object_id, const std::string& name, int64_t version,
                     const std::string& value, int64_t now_ms, const ChangeSource& source) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins,
      conn.Prepare("INSERT INTO crm_value_history (object_id, name, version, value, "
                   "timestamp_ms, source_type, source_id) VALUES (?1,?2,?3,?4,?5,?6,?7)"));
  return ins.Bind(1, object_id)
      .Bind(2, name)
      .Bind(3, version)
      .Bind(4, value)
      .Bind(5, now_ms)
      .Bind(6, source.type)
      .Bind(7, source.id)
      .Run();
}

Status InsertEvent(Connection& conn, CrmEvent& e) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins, conn.Prepare("INSERT INTO crm_events (account_id, event_type_id, object_type_id, "
                             "object_id, occurred_at_ms, properties_json) "
                             "VALUES (?1,?2,?3,?4,?5,?6)"));
  FLOWD_TRY(ins.Bind(1, e.account_id)
                .Bind(2, e.event_type_id)
                .Bind(3, e.object_type_id)
                .Bind(4, e.object_id)
                .Bind(5, e.occurred_at_ms)
                .Bind(6, internal::EventPropertiesJson(e.properties))
                .Run());
  e.seq = conn.LastInsertRowid();
  return Status::Ok();
}

// Claims `value` of a unique property for `object_id`; kConflict when a live record holds it.
Status ClaimUnique(Connection& conn, int64_t account_id, const std::string& type,
                   const std::string& name, const std::string& value, int64_t object_id) {
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT object_id FROM crm_unique_values WHERE account_id = ?1 AND "
                               "object_type_id = ?2 AND name = ?3 AND value = ?4"));
    sel.Bind(1, account_id).Bind(2, type).Bind(3, name).Bind(4, value);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (row) {
      if (sel.Int(0) == object_id) return Status::Ok();
      return internal::UniqueValueTaken(name, value, sel.Int(0));
    }
  }
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins, conn.Prepare("INSERT INTO crm_unique_values (account_id, object_type_id, name, "
                             "value, object_id) VALUES (?1,?2,?3,?4,?5)"));
  return ins.Bind(1, account_id)
      .Bind(2, type)
      .Bind(3, name)
      .Bind(4, value)
      .Bind(5, object_id)
      .Run();
}

Status ReleaseUnique(Connection& conn, int64_t account_id, const std::string& type,
                     const std::string& name, const std::string& value) {
  FLOWD_ASSIGN_OR_RETURN(Stmt del,
                         conn.Prepare("DELETE FROM crm_unique_values WHERE account_id = ?1 AND "
                                      "object_type_id = ?2 AND name = ?3 AND value = ?4"));
  return del.Bind(1, account_id).Bind(2, type).Bind(3, name).Bind(4, value).Run();
}

// Reads the records' columns; values are filled by FillValues.
Result<std::vector<ObjectRecord>> ReadRows(Stmt& sel) {
  std::vector<ObjectRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) break;
    ObjectRecord r;
    r.id = sel.Int(0);
    r.object_type_id = sel.Text(1);
    r.created_at_ms = sel.Int(2);
    r.updated_at_ms = sel.Int(3);
    r.archived_at_ms = sel.OptInt(4);
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
  // One record (a GET, a search hit) by equality: an `IN (json_each)` list costs SQLite an
  // ephemeral table (a B-tree and its pager) per execution.
  FLOWD_ASSIGN_OR_RETURN(Stmt sel,
                         ids.size() == 1
                             ? conn.Prepare("SELECT object_id, name, value FROM crm_values WHERE "
                                            "object_id = ?1")
                             : conn.Prepare("SELECT object_id, name, value FROM crm_values WHERE "
                                            "object_id IN (SELECT value FROM json_each(?1))"));
  if (ids.size() == 1) {
    sel.Bind(1, ids.front());
  } else {
    sel.Bind(1, JsonIds(ids));
  }
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) break;
    auto it = by_id.find(sel.Int(0));
    if (it != by_id.end()) it->second->properties.emplace(sel.Text(1), sel.Text(2));
  }
  for (auto& r : records) internal::AddMaintainedProperties(r);
  return Status::Ok();
}

#define OBJECT_COLUMNS "id, object_type_id, created_at_ms, updated_at_ms, archived_at_ms"

Result<std::vector<ObjectRecord>> LoadObjects(Connection& conn, int64_t account_id,
                                              const std::string& type,
                                              const std::vector<int64_t>& ids, bool archived) {
  std::vector<ObjectRecord> found;
  {
    // One id (GET, search hit, single update): equality, no json_each list (see FillValues).
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        ids.size() == 1
            ? conn.Prepare("SELECT " OBJECT_COLUMNS " FROM crm_objects WHERE account_id = ?1 "
                           "AND object_type_id = ?2 AND id = ?3 AND (archived_at_ms IS NOT "
                           "NULL) = ?4")
            : conn.Prepare("SELECT " OBJECT_COLUMNS " FROM crm_objects WHERE account_id = ?1 "
                           "AND object_type_id = ?2 AND id IN (SELECT value FROM "
                           "json_each(?3)) AND (archived_at_ms IS NOT NULL) = ?4"));
    sel.Bind(1, account_id).Bind(2, type).Bind(4, int64_t{archived ? 1 : 0});
    if (ids.size() == 1) {
      sel.Bind(3, ids.front());
    } else {
      sel.Bind(3, JsonIds(ids));
    }
    FLOWD_ASSIGN_OR_RETURN(found, ReadRows(sel));
  }
  FLOWD_TRY(FillValues(conn, found));
  return internal::InRequestedOrder(std::move(found), ids);
}

Result<internal::CurrentValue> ReadCurrent(Connection& conn, int64_t object_id,
                                           const std::string& name) {
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        conn.Prepare("SELECT value, version FROM crm_values WHERE object_id = ?1 AND name = ?2"));
    sel.Bind(1, object_id).Bind(2, name);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (row) return internal::CurrentValue{sel.Text(0), sel.Int(1)};
  }
  // Cleared (or never set): the history remembers how many versions there were.
  FLOWD_ASSIGN_OR_RETURN(
      Stmt sel, conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM crm_value_history WHERE "
                             "object_id = ?1 AND name = ?2"));
  sel.Bind(1, object_id).Bind(2, name);
  FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
  return internal::CurrentValue{"", row ? sel.Int(0) : 0};
}

// The statements of the shared write algorithms (store/common/object_writes.h) on the writer's
// connection.
class SqliteObjectTxn final : public internal::ObjectTxn {
 public:
  explicit SqliteObjectTxn(Connection& conn) : conn_(conn) {}

  Result<int64_t> InsertObject(int64_t account_id, const std::string& type,
                               int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(Stmt ins,
                           conn_.Prepare("INSERT INTO crm_objects (account_id, object_type_id, "
                                         "created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?3)"));
    FLOWD_TRY(ins.Bind(1, account_id).Bind(2, type).Bind(3, now_ms).Run());
    return conn_.LastInsertRowid();
  }

  Result<bool> LockLive(int64_t account_id, const std::string& type, int64_t id) override {
    // The single writer already excludes every other write.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn_.Prepare("SELECT 1 FROM crm_objects WHERE id = ?1 AND account_id = ?2 "
                                "AND object_type_id = ?3 AND archived_at_ms IS NULL"));
    sel.Bind(1, id).Bind(2, account_id).Bind(3, type);
    return sel.Step();
  }

  Result<internal::CurrentValue> ReadCurrent(int64_t id, const std::string& name) override {
    return sqlite::ReadCurrent(conn_, id, name);
  }

  Status PutValue(int64_t account_id, const std::string& type, int64_t id, const std::string& name,
                  const std::string& value, int64_t version) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn_.Prepare("INSERT INTO crm_values (object_id, name, value, version, "
                               "account_id, object_type_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                               "ON CONFLICT (object_id, name) DO UPDATE SET value = "
                               "excluded.value, version = excluded.version"));
    return up.Bind(1, id)
        .Bind(2, name)
        .Bind(3, value)
        .Bind(4, version)
        .Bind(5, account_id)
        .Bind(6, type)
        .Run();
  }

  Status DeleteValue(int64_t id, const std::string& name) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn_.Prepare("DELETE FROM crm_values WHERE object_id = ?1 AND name = ?2"));
    return del.Bind(1, id).Bind(2, name).Run();
  }

  Status InsertHistory(int64_t id, const std::string& name, int64_t version,
                       const std::string& value, int64_t now_ms,
                       const ChangeSource& source) override {
    return sqlite::InsertHistory(conn_, id, name, version, value, now_ms, source);
  }

  Status InsertEvent(CrmEvent& e) override { return sqlite::InsertEvent(conn_, e); }

  Status ClaimUnique(int64_t account_id, const std::string& type, const std::string& name,
                     const std::string& value, int64_t id) override {
    return sqlite::ClaimUnique(conn_, account_id, type, name, value, id);
  }

  Status ReleaseUnique(int64_t account_id, const std::string& type, const std::string& name,
                       const std::string& value) override {
    return sqlite::ReleaseUnique(conn_, account_id, type, name, value);
  }

  Status TouchObject(int64_t id, int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn_.Prepare("UPDATE crm_objects SET updated_at_ms = ?2 WHERE id = ?1"));
    return up.Bind(1, id).Bind(2, now_ms).Run();
  }

  Result<std::vector<int64_t>> MarkArchived(int64_t account_id, const std::string& type,
                                            const std::vector<int64_t>& ids,
                                            int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn_.Prepare("UPDATE crm_objects SET archived_at_ms = ?1 WHERE account_id = ?2 "
                               "AND object_type_id = ?3 AND archived_at_ms IS NULL AND id IN "
                               "(SELECT value FROM json_each(?4)) RETURNING id"));
    up.Bind(1, now_ms).Bind(2, account_id).Bind(3, type).Bind(4, JsonIds(ids));
    std::vector<int64_t> archived;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, up.Step());
      if (!row) break;
      archived.push_back(up.Int(0));
    }
    std::sort(archived.begin(), archived.end());
    return archived;
  }

  Status DetachArchived(int64_t account_id, const std::string& type,
                        const std::vector<int64_t>& ids) override {
    const std::string list = JsonIds(ids);
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt del,
                             conn_.Prepare("DELETE FROM crm_unique_values WHERE account_id = ?1 "
                                           "AND object_type_id = ?2 AND object_id IN (SELECT "
                                           "value FROM json_each(?3))"));
      FLOWD_TRY(del.Bind(1, account_id).Bind(2, type).Bind(3, list).Run());
    }
    // Inverse rows first (they are found through the forward ones), then the forward rows.
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt del,
          conn_.Prepare("DELETE FROM crm_associations AS inv WHERE inv.account_id = ?1 AND "
                        "inv.to_type = ?2 AND inv.to_id IN (SELECT value FROM json_each(?3)) AND "
                        "EXISTS (SELECT 1 FROM crm_associations f WHERE f.account_id = ?1 AND "
                        "f.from_type = ?2 AND f.from_id = inv.to_id AND f.to_type = inv.from_type "
                        "AND f.to_id = inv.from_id)"));
      FLOWD_TRY(del.Bind(1, account_id).Bind(2, type).Bind(3, list).Run());
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn_.Prepare("DELETE FROM crm_associations WHERE account_id = ?1 AND "
                                "from_type = ?2 AND from_id IN (SELECT value FROM json_each(?3))"));
    return del.Bind(1, account_id).Bind(2, type).Bind(3, list).Run();
  }

  Result<std::vector<ObjectRecord>> LoadLive(int64_t account_id, const std::string& type,
                                             const std::vector<int64_t>& ids) override {
    return LoadObjects(conn_, account_id, type, ids, /*archived=*/false);
  }

 private:
  Connection& conn_;
};

}  // namespace

Result<std::vector<ObjectRecord>> SqliteObjectStore::CreateObjects(
    int64_t account_id, const std::string& type,
    const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    SqliteObjectTxn txn(conn);
    return internal::CreateObjectsIn(txn, account_id, type, inputs, options, now_ms);
  });
}

Result<std::vector<ObjectRecord>> SqliteObjectStore::UpdateObjects(
    int64_t account_id, const std::string& type, const std::vector<ObjectUpdate>& updates,
    const ObjectWriteOptions& options, int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    SqliteObjectTxn txn(conn);
    return internal::UpdateObjectsIn(txn, account_id, type, updates, options, now_ms);
  });
}

Result<std::vector<int64_t>> SqliteObjectStore::ArchiveObjects(int64_t account_id,
                                                               const std::string& type,
                                                               const std::vector<int64_t>& ids,
                                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    SqliteObjectTxn txn(conn);
    return internal::ArchiveObjectsIn(txn, account_id, type, ids, now_ms);
  });
}

Result<std::vector<ObjectRecord>> SqliteObjectStore::GetObjects(int64_t account_id,
                                                                const std::string& type,
                                                                const std::vector<int64_t>& ids,
                                                                bool archived) {
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) {
    return LoadObjects(conn, account_id, type, ids, archived);
  });
}

Result<ObjectPage> SqliteObjectStore::ListObjects(int64_t account_id, const std::string& type,
                                                  std::optional<int64_t> after_id, size_t limit,
                                                  bool archived) {
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) -> Result<ObjectPage> {
    ObjectPage page;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt sel,
          conn.Prepare("SELECT " OBJECT_COLUMNS " FROM crm_objects WHERE account_id = ?1 AND "
                       "object_type_id = ?2 AND id > ?3 AND (archived_at_ms IS NOT NULL) = ?4 "
                       "ORDER BY id LIMIT ?5"));
      sel.Bind(1, account_id)
          .Bind(2, type)
          .Bind(3, after_id.value_or(internal::kMinId))
          .Bind(4, int64_t{archived ? 1 : 0})
          .Bind(5, static_cast<int64_t>(limit + 1));
      FLOWD_ASSIGN_OR_RETURN(page.objects, ReadRows(sel));
    }
    if (page.objects.size() > limit) {
      page.objects.resize(limit);
      page.next_after = page.objects.back().id;
    }
    FLOWD_TRY(FillValues(conn, page.objects));
    return page;
  });
}

Result<std::vector<int64_t>> SqliteObjectStore::FindByValues(int64_t account_id,
                                                             const std::string& type,
                                                             const std::string& property,
                                                             const std::vector<std::string>& values,
                                                             size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    // One value (idProperty lookups, a search's EQ) by equality: the index then yields the rows
    // in object_id order, so SQLite needs neither a json_each list nor a sort B-tree (each an
    // ephemeral B-tree with its own pager, opened per execution).
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        values.size() == 1
            ? conn.Prepare("SELECT v.object_id FROM crm_values v JOIN crm_objects o ON o.id = "
                           "v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND "
                           "v.name = ?3 AND v.value = ?4 AND o.archived_at_ms IS NULL ORDER BY "
                           "v.object_id LIMIT ?5")
            : conn.Prepare("SELECT v.object_id FROM crm_values v JOIN crm_objects o ON o.id = "
                           "v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND "
                           "v.name = ?3 AND v.value IN (SELECT value FROM json_each(?4)) AND "
                           "o.archived_at_ms IS NULL ORDER BY v.object_id LIMIT ?5"));
    sel.Bind(1, account_id)
        .Bind(2, type)
        .Bind(3, property)
        .Bind(4, values.size() == 1 ? values.front() : JsonStrings(values))
        .Bind(5, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    std::vector<int64_t> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) break;
      out.push_back(sel.Int(0));
    }
    return out;
  });
}

Result<std::vector<int64_t>> SqliteObjectStore::FindWithProperty(int64_t account_id,
                                                                 const std::string& type,
                                                                 const std::string& property,
                                                                 std::optional<int64_t> after_id,
                                                                 size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        conn.Prepare("SELECT v.object_id FROM crm_values v JOIN crm_objects o ON o.id = "
                     "v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND v.name = "
                     "?3 AND v.object_id > ?4 AND o.archived_at_ms IS NULL ORDER BY v.object_id "
                     "LIMIT ?5"));
    sel.Bind(1, account_id)
        .Bind(2, type)
        .Bind(3, property)
        .Bind(4, after_id.value_or(internal::kMinId))
        .Bind(5, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    std::vector<int64_t> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) break;
      out.push_back(sel.Int(0));
    }
    return out;
  });
}

Result<int64_t> SqliteObjectStore::CountObjects(int64_t account_id, const std::string& type) {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT COUNT(*) FROM crm_objects WHERE account_id = ?1 AND "
                               "object_type_id = ?2 AND archived_at_ms IS NULL"));
    sel.Bind(1, account_id).Bind(2, type);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    return row ? sel.Int(0) : 0;
  });
}

Result<ValueHistory> SqliteObjectStore::GetHistory(int64_t account_id, const std::string& type,
                                                   const std::vector<int64_t>& ids,
                                                   const std::vector<std::string>& properties) {
  return db_.Read(true, [&](Connection& conn) -> Result<ValueHistory> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel,
        conn.Prepare("SELECT h.object_id, h.name, h.value, h.timestamp_ms, h.source_type, "
                     "h.source_id FROM crm_value_history h JOIN crm_objects o ON o.id = "
                     "h.object_id WHERE o.account_id = ?1 AND o.object_type_id = ?2 AND "
                     "h.object_id IN (SELECT value FROM json_each(?3)) AND (?4 = '[]' OR h.name "
                     "IN (SELECT value FROM json_each(?4))) ORDER BY h.object_id, h.name, "
                     "h.version DESC"));
    sel.Bind(1, account_id).Bind(2, type).Bind(3, JsonIds(ids)).Bind(4, JsonStrings(properties));
    ValueHistory out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
      if (!row) break;
      out[sel.Int(0)][sel.Text(1)].push_back(
          ValueVersion{sel.Text(2), sel.Int(3), sel.Text(4), sel.Text(5)});
    }
    return out;
  });
}

Result<std::vector<CrmEvent>> SqliteObjectStore::AppendEvents(const std::vector<CrmEvent>& events) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    std::vector<CrmEvent> out = events;
    for (CrmEvent& e : out) FLOWD_TRY(InsertEvent(conn, e));
    return out;
  });
}

namespace {

Result<std::vector<CrmEvent>> ReadEventRows(Stmt& sel) {
  std::vector<CrmEvent> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) break;
    out.push_back(CrmEvent{sel.Int(0), sel.Int(1), sel.Text(2), sel.Text(3), sel.Int(4), sel.Int(5),
                           internal::ParseEventProperties(sel.Text(6))});
  }
  return out;
}

#define EVENT_COLUMNS \
  "seq, account_id, event_type_id, object_type_id, object_id, occurred_at_ms, properties_json"

}  // namespace

Result<std::vector<CrmEvent>> SqliteObjectStore::ReadEvents(int64_t after_seq, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare("SELECT " EVENT_COLUMNS " FROM crm_events WHERE "
                                                  "seq > ?1 ORDER BY seq LIMIT ?2"));
    sel.Bind(1, after_seq).Bind(2, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    return ReadEventRows(sel);
  });
}

Result<std::vector<CrmEvent>> SqliteObjectStore::ObjectEvents(int64_t account_id,
                                                              const std::string& type,
                                                              int64_t object_id,
                                                              std::string_view event_type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn.Prepare("SELECT " EVENT_COLUMNS " FROM crm_events WHERE object_id = ?1 AND "
                               "account_id = ?2 AND object_type_id = ?3 AND (?4 = '' OR "
                               "event_type_id = ?4) ORDER BY seq"));
    sel.Bind(1, object_id).Bind(2, account_id).Bind(3, type).Bind(4, event_type_id);
    return ReadEventRows(sel);
  });
}

}  // namespace flowd::store::sqlite
