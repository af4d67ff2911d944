// SQLite ObjectStore. The write algorithms are shared with PostgreSQL (store/common/
// object_writes.h); this file supplies their statements. Every write runs in the writer's
// (group-committed) transaction, so read-then-write sequences cannot race with another write.
#include <algorithm>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/common/association_util.h"
#include "store/common/object_util.h"
#include "store/common/object_writes.h"
#include "store/common/record_util.h"
#include "store/sqlite/multi_row.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using internal::IdList;

namespace {

std::string JsonIds(const std::vector<int64_t>& ids) { return IdList(ids, '[', ']'); }

Status InsertHistory(Connection& conn, int64_t object_id, const std::string& name, int64_t version,
                     const std::string& value, int64_t now_ms, const ChangeSource& source,
                     bool if_absent) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt ins,
      if_absent ? conn.Prepare("INSERT OR IGNORE INTO crm_value_history (object_id, name, version, "
                               "value, timestamp_ms, source_type, source_id) VALUES "
                               "(?1,?2,?3,?4,?5,?6,?7)")
                : conn.Prepare("INSERT INTO crm_value_history (object_id, name, version, value, "
                               "timestamp_ms, source_type, source_id) VALUES "
                               "(?1,?2,?3,?4,?5,?6,?7)"));
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
  conn.MarkChanged(kEventsAppended);
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

// Ids of the live records of the type whose `property` has one of `values`, ascending, at most
// `limit`, from one of the two places values are found (migration 7): the value index for rows
// written with lookup = 1, a scan of the property's run of crm_values_by_name (covering: no table
// reads) for the others. For a given property one of the two is empty, unless its lookup setting
// changed while it had values.
Result<std::vector<int64_t>> ValueIds(Connection& conn, int64_t account_id, const std::string& type,
                                      const std::string& property,
                                      std::span<const std::string> values, bool lookup,
                                      size_t limit) {
  // [lookup][one value]. One value (idProperty lookups, a search's EQ, a uniqueness check) by
  // equality: the index then yields the rows in object_id order, so SQLite needs neither a
  // json_each list nor a sort B-tree (each an ephemeral B-tree with its own pager, opened per
  // execution). INDEXED BY crm_values_lookup: crm_values_by_name matches as many equality
  // columns (account, type, name, lookup) and covers the query, and the planner would take it
  // and scan every value of the property.
  static constexpr const char* kSql[2][2] = {
      {"SELECT v.object_id FROM crm_values v INDEXED BY crm_values_by_name JOIN crm_objects o ON "
       "o.id = v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND v.name = ?3 AND "
       "v.lookup = 0 AND v.value IN (SELECT value FROM json_each(?4)) AND o.archived_at_ms IS "
       "NULL ORDER BY v.object_id LIMIT ?5",
       "SELECT v.object_id FROM crm_values v INDEXED BY crm_values_by_name JOIN crm_objects o ON "
       "o.id = v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND v.name = ?3 AND "
       "v.lookup = 0 AND v.value = ?4 AND o.archived_at_ms IS NULL ORDER BY v.object_id LIMIT ?5"},
      {"SELECT v.object_id FROM crm_values v INDEXED BY crm_values_lookup JOIN crm_objects o ON "
       "o.id = v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND v.name = ?3 AND "
       "v.value IN (SELECT value FROM json_each(?4)) AND v.lookup = 1 AND o.archived_at_ms IS "
       "NULL ORDER BY v.object_id LIMIT ?5",
       "SELECT v.object_id FROM crm_values v INDEXED BY crm_values_lookup JOIN crm_objects o ON "
       "o.id = v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 AND v.name = ?3 AND "
       "v.value = ?4 AND v.lookup = 1 AND o.archived_at_ms IS NULL ORDER BY v.object_id LIMIT ?5"}};
  const bool one = values.size() == 1;
  FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare(kSql[lookup ? 1 : 0][one ? 1 : 0]));
  sel.Bind(1, account_id).Bind(2, type).Bind(3, property).Bind(5, static_cast<int64_t>(limit));
  if (one) {
    sel.Bind(4, values.front());
  } else {
    sel.Bind(4, internal::JsonStringArray(values));
  }
  return sel.Ids();
}

// Two ascending id lists merged, duplicates once, at most `limit`.
std::vector<int64_t> MergeIds(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                              size_t limit) {
  std::vector<int64_t> out;
  out.reserve(std::min(limit, a.size() + b.size()));
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  if (out.size() > limit) out.resize(limit);
  return out;
}

// Checks that no other live record holds `value` of a unique property: kConflict naming the one
// that does. The single writer makes check-then-write safe, and unique values are always written
// with lookup = 1, so the value index finds them; nothing is claimed or released.
Status CheckUnique(Connection& conn, int64_t account_id, const std::string& type,
                   const std::string& name, const std::string& value, int64_t object_id) {
  // Two ids at most: the record itself and one other holder.
  FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> holders,
                         ValueIds(conn, account_id, type, name, std::span(&value, 1),
                                  /*lookup=*/true, 2));
  for (int64_t id : holders) {
    if (id != object_id) return internal::UniqueValueTaken(name, value, id);
  }
  return Status::Ok();
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
  explicit SqliteObjectTxn(Connection& conn, std::vector<CrmEvent>* deferred = nullptr)
      : conn_(conn), deferred_(deferred) {}

  Result<int64_t> InsertObject(int64_t account_id, const std::string& type, int64_t now_ms,
                               const ChangeSource& source) override {
    FLOWD_ASSIGN_OR_RETURN(Stmt ins,
                           conn_.Prepare("INSERT INTO crm_objects (account_id, object_type_id, "
                                         "created_at_ms, updated_at_ms, created_source_type, "
                                         "created_source_id) VALUES (?1, ?2, ?3, ?3, ?4, ?5)"));
    FLOWD_TRY(ins.Bind(1, account_id)
                  .Bind(2, type)
                  .Bind(3, now_ms)
                  .Bind(4, source.type)
                  .Bind(5, source.id)
                  .Run());
    return conn_.LastInsertRowid();
  }

  Result<std::optional<internal::LiveRecord>> LockLive(int64_t account_id, const std::string& type,
                                                       int64_t id) override {
    // The single writer already excludes every other write.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt sel, conn_.Prepare("SELECT created_at_ms, created_source_type, created_source_id "
                                "FROM crm_objects WHERE id = ?1 AND account_id = ?2 AND "
                                "object_type_id = ?3 AND archived_at_ms IS NULL"));
    sel.Bind(1, id).Bind(2, account_id).Bind(3, type);
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) return std::optional<internal::LiveRecord>();
    return std::optional<internal::LiveRecord>(
        internal::LiveRecord{sel.Int(0), ChangeSource{sel.Text(1), sel.Text(2)}});
  }

  Result<internal::CurrentValue> ReadCurrent(int64_t id, const std::string& name) override {
    return sqlite::ReadCurrent(conn_, id, name);
  }

  Status PutValue(int64_t account_id, const std::string& type, int64_t id, const std::string& name,
                  const std::string& value, int64_t version, bool lookup) override {
    // Only a property's first value (version 1) is sure to have no row; a later one has one
    // unless the value was cleared. An UPDATE first costs one seek less than an upsert.
    if (version > 1) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt up, conn_.Prepare("UPDATE crm_values SET value = ?3, version = ?4, lookup = ?5 "
                                 "WHERE object_id = ?1 AND name = ?2"));
      FLOWD_TRY(up.Bind(1, id)
                    .Bind(2, name)
                    .Bind(3, value)
                    .Bind(4, version)
                    .Bind(5, int64_t{lookup ? 1 : 0})
                    .Run());
      if (conn_.Changes() > 0) return Status::Ok();
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins, conn_.Prepare("INSERT INTO crm_values (object_id, name, value, version, "
                                "account_id, object_type_id, lookup) VALUES (?1, ?2, ?3, ?4, ?5, "
                                "?6, ?7)"));
    return ins.Bind(1, id)
        .Bind(2, name)
        .Bind(3, value)
        .Bind(4, version)
        .Bind(5, account_id)
        .Bind(6, type)
        .Bind(7, int64_t{lookup ? 1 : 0})
        .Run();
  }

  Status DeleteValue(int64_t id, const std::string& name) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn_.Prepare("DELETE FROM crm_values WHERE object_id = ?1 AND name = ?2"));
    return del.Bind(1, id).Bind(2, name).Run();
  }

  Status InsertHistory(int64_t id, const std::string& name, int64_t version,
                       const std::string& value, int64_t now_ms, const ChangeSource& source,
                       bool if_absent) override {
    return sqlite::InsertHistory(conn_, id, name, version, value, now_ms, source, if_absent);
  }

  Status InsertEvent(CrmEvent& e) override {
    if (deferred_ == nullptr) return sqlite::InsertEvent(conn_, e);
    deferred_->push_back(e);  // seq assigned when inserted (InsertDeferredEvents)
    return Status::Ok();
  }

  Status ClaimUnique(int64_t account_id, const std::string& type, const std::string& name,
                     const std::string& value, int64_t id) override {
    return CheckUnique(conn_, account_id, type, name, value, id);
  }

  // A value stops counting as taken when its row changes or its record is archived.
  Status ReleaseUnique(int64_t, const std::string&, const std::string&,
                       const std::string&) override {
    return Status::Ok();
  }

  Status TouchObject(int64_t id, int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn_.Prepare("UPDATE crm_objects SET updated_at_ms = ?2 WHERE id = ?1"));
    return up.Bind(1, id).Bind(2, now_ms).Run();
  }

  // A create's rows in a few statements each (multi_row.h).
  Result<std::vector<int64_t>> InsertObjects(int64_t account_id, const std::string& type,
                                             size_t count, int64_t now_ms,
                                             const ChangeSource& source) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins, conn_.Prepare("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                "WHERE i < ?6) INSERT INTO crm_objects (account_id, "
                                "object_type_id, created_at_ms, updated_at_ms, "
                                "created_source_type, created_source_id) SELECT ?1, ?2, ?3, ?3, "
                                "?4, ?5 FROM n RETURNING id"));
    ins.Bind(1, account_id)
        .Bind(2, type)
        .Bind(3, now_ms)
        .Bind(4, source.type)
        .Bind(5, source.id)
        .Bind(6, static_cast<int64_t>(count));
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> ids, ins.Ids());
    // RETURNING promises no order; ids grow (AUTOINCREMENT), so ascending is creation order.
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Status ClaimUniques(int64_t account_id, const std::string& type,
                      std::span<const internal::UniqueClaim> claims) override {
    // The live holders of the claimed values, one IN list per property; then the claims in
    // order against those holders and against the earlier claims (the new records have no
    // values yet, so the query cannot see them).
    static const MultiRowSql kHolders(
        "SELECT v.value, v.object_id FROM crm_values v INDEXED BY crm_values_lookup JOIN "
        "crm_objects o ON o.id = v.object_id WHERE v.account_id = ?1 AND v.object_type_id = ?2 "
        "AND v.name = ?3 AND v.lookup = 1 AND o.archived_at_ms IS NULL AND v.value IN (",
        "$0", ")", 3, 1);
    std::map<std::pair<std::string_view, std::string_view>, int64_t> holder;  // (name, value)
    std::vector<const std::string*> names;
    for (const auto& c : claims) {
      if (std::find_if(names.begin(), names.end(),
                       [&](const std::string* n) { return *n == c.write->name; }) == names.end()) {
        names.push_back(&c.write->name);
      }
    }
    std::vector<const std::string*> values;
    std::unordered_map<std::string_view, const std::string*> claimed;
    for (const std::string* name : names) {
      values.clear();
      claimed.clear();
      for (const auto& c : claims) {
        if (c.write->name != *name) continue;
        values.push_back(&c.write->value);
        claimed.emplace(c.write->value, &c.write->value);
      }
      FLOWD_TRY(kHolders.Run(
          conn_, values.size(),
          [&](Stmt& s) { s.Bind(1, account_id).Bind(2, type).Bind(3, *name); },
          [&](Stmt& s, int first, size_t i) { s.Bind(first, *values[i]); },
          [&](Stmt& s) -> Status {
            while (true) {
              FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
              if (!row) return Status::Ok();
              // Keyed by the claim's own text, which outlives the row.
              auto it = claimed.find(s.Text(0));
              if (it == claimed.end()) continue;
              holder.emplace(std::pair<std::string_view, std::string_view>(*name, *it->second),
                             s.Int(1));
            }
          }));
    }
    for (const auto& c : claims) {
      auto [it, fresh] = holder.emplace(
          std::pair{std::string_view(c.write->name), std::string_view(c.write->value)},
          c.object_id);
      if (!fresh) return internal::UniqueValueTaken(c.write->name, c.write->value, it->second);
    }
    return Status::Ok();
  }

  Status PutNewValues(int64_t account_id, const std::string& type,
                      std::span<const internal::NewValue> values) override {
    static const MultiRowSql kInsert(
        "INSERT INTO crm_values (object_id, name, value, version, account_id, object_type_id, "
        "lookup) VALUES ",
        "($0, $1, $2, 1, ?1, ?2, $3)", "", 2, 4);
    return kInsert.Run(
        conn_, values.size(), [&](Stmt& s) { s.Bind(1, account_id).Bind(2, type); },
        [&](Stmt& s, int first, size_t i) {
          const internal::NewValue& v = values[i];
          s.Bind(first, v.object_id)
              .Bind(first + 1, v.write->name)
              .Bind(first + 2, v.write->value)
              .Bind(first + 3, int64_t{v.lookup ? 1 : 0});
        },
        [](Stmt& s) { return s.Run(); });
  }

  Status InsertEncodedEvents(std::vector<CrmEvent>& events,
                             std::span<const std::string> properties_json) override {
    conn_.MarkChanged(kEventsAppended);
    static const MultiRowSql kInsert(
        "INSERT INTO crm_events (account_id, event_type_id, object_type_id, object_id, "
        "occurred_at_ms, properties_json) VALUES ",
        "($0, $1, $2, $3, $4, $5)", "", 0, 6);
    return kInsert.Run(
        conn_, events.size(), [](Stmt&) {},
        [&](Stmt& s, int first, size_t i) {
          const CrmEvent& e = events[i];
          s.Bind(first, e.account_id)
              .Bind(first + 1, e.event_type_id)
              .Bind(first + 2, e.object_type_id)
              .Bind(first + 3, e.object_id)
              .Bind(first + 4, e.occurred_at_ms)
              .Bind(first + 5, properties_json[i]);
        },
        [](Stmt& s) { return s.Run(); });
  }

  Result<std::vector<int64_t>> MarkArchived(int64_t account_id, const std::string& type,
                                            const std::vector<int64_t>& ids,
                                            int64_t now_ms) override {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt up, conn_.Prepare("UPDATE crm_objects SET archived_at_ms = ?1 WHERE account_id = ?2 "
                               "AND object_type_id = ?3 AND archived_at_ms IS NULL AND id IN "
                               "(SELECT value FROM json_each(?4)) RETURNING id"));
    up.Bind(1, now_ms).Bind(2, account_id).Bind(3, type).Bind(4, JsonIds(ids));
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> archived, up.Ids());
    std::sort(archived.begin(), archived.end());
    return archived;
  }

  Status DetachArchived(int64_t account_id, const std::string& type,
                        const std::vector<int64_t>& ids, int64_t now_ms) override {
    // Unique values need no release: CheckUnique looks at live records only.
    const std::string list = JsonIds(ids);
    // Inverse rows first (they are found through the forward ones), then the forward rows.
    std::vector<internal::AssociationRowKey> gone;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt del,
          conn_.Prepare("DELETE FROM crm_associations AS inv WHERE inv.account_id = ?1 AND "
                        "inv.to_type = ?2 AND inv.to_id IN (SELECT value FROM json_each(?3)) AND "
                        "EXISTS (SELECT 1 FROM crm_associations f WHERE f.account_id = ?1 AND "
                        "f.from_type = ?2 AND f.from_id = inv.to_id AND f.to_type = inv.from_type "
                        "AND f.to_id = inv.from_id) "
                        "RETURNING from_type, from_id, to_type, to_id, category, type_id"));
      del.Bind(1, account_id).Bind(2, type).Bind(3, list);
      while (true) {
        FLOWD_ASSIGN_OR_RETURN(bool row, del.Step());
        if (!row) break;
        gone.push_back({del.Text(0), del.Int(1), del.Text(2), del.Int(3), del.Text(4), del.Int(5)});
      }
    }
    for (const auto& r : gone) {
      CrmEvent e = internal::AssociationChangeEvent(account_id, r, /*added=*/false, now_ms);
      FLOWD_TRY(InsertEvent(e));
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
  std::vector<CrmEvent>* deferred_;  // when set, where InsertEvent puts events
};

}  // namespace

std::unique_ptr<internal::ObjectTxn> NewObjectTxn(Connection& conn) {
  return std::make_unique<SqliteObjectTxn>(conn);
}

std::unique_ptr<internal::ObjectTxn> NewObjectTxn(Connection& conn,
                                                  std::vector<CrmEvent>* deferred) {
  return std::make_unique<SqliteObjectTxn>(conn, deferred);
}

Status InsertDeferredEvents(Connection& conn, std::vector<CrmEvent>& deferred) {
  if (deferred.empty()) return Status::Ok();
  SqliteObjectTxn txn(conn);
  FLOWD_TRY(txn.InsertEvents(deferred));
  deferred.clear();
  return Status::Ok();
}

Result<std::vector<ObjectRecord>> SqliteObjectStore::CreateObjects(
    int64_t account_id, const std::string& type,
    const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
    int64_t now_ms) {
  // Worked out before the write (outside the writer's critical section).
  internal::PreparedCreate prepared = internal::PrepareCreate(inputs, options);
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids, db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
        SqliteObjectTxn txn(conn);
        return internal::ApplyCreate(txn, account_id, type, prepared, options, now_ms);
      }));
  return internal::CreatedRecords(type, prepared, ids, now_ms);
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
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> indexed,
                           ValueIds(conn, account_id, type, property, values, true, limit));
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> scanned,
                           ValueIds(conn, account_id, type, property, values, false, limit));
    return MergeIds(indexed, scanned, limit);
  });
}

Result<std::vector<int64_t>> SqliteObjectStore::FindWithProperty(int64_t account_id,
                                                                 const std::string& type,
                                                                 const std::string& property,
                                                                 std::optional<int64_t> after_id,
                                                                 size_t limit) {
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    // crm_values_by_name holds a property's values in two runs (lookup 0 and 1), each in id
    // order: one seek into each, merged.
    std::vector<int64_t> runs[2];
    for (int64_t lookup : {0, 1}) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt sel,
          conn.Prepare("SELECT v.object_id FROM crm_values v INDEXED BY crm_values_by_name JOIN "
                       "crm_objects o ON o.id = v.object_id WHERE v.account_id = ?1 AND "
                       "v.object_type_id = ?2 AND v.name = ?3 AND v.lookup = ?4 AND v.object_id > "
                       "?5 AND o.archived_at_ms IS NULL ORDER BY v.object_id LIMIT ?6"));
      sel.Bind(1, account_id)
          .Bind(2, type)
          .Bind(3, property)
          .Bind(4, lookup)
          .Bind(5, after_id.value_or(internal::kMinId))
          .Bind(6, static_cast<int64_t>(limit));
      FLOWD_ASSIGN_OR_RETURN(runs[lookup], sel.Ids());
    }
    return MergeIds(runs[0], runs[1], limit);
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
        // History rows, plus the created values never superseded (version 1 without a row:
        // their time and source are the record's creation).
        conn.Prepare("SELECT h.object_id, h.name, h.value, h.timestamp_ms, h.source_type, "
                     "h.source_id, h.version FROM crm_value_history h JOIN crm_objects o ON o.id "
                     "= h.object_id WHERE o.account_id = ?1 AND o.object_type_id = ?2 AND "
                     "h.object_id IN (SELECT value FROM json_each(?3)) AND (?4 = '[]' OR h.name "
                     "IN (SELECT value FROM json_each(?4))) "
                     "UNION ALL "
                     "SELECT v.object_id, v.name, v.value, o.created_at_ms, o.created_source_type, "
                     "o.created_source_id, v.version FROM crm_values v JOIN crm_objects o ON o.id "
                     "= v.object_id WHERE o.account_id = ?1 AND o.object_type_id = ?2 AND "
                     "v.object_id IN (SELECT value FROM json_each(?3)) AND (?4 = '[]' OR v.name "
                     "IN (SELECT value FROM json_each(?4))) AND v.version = 1 AND NOT EXISTS "
                     "(SELECT 1 FROM crm_value_history h WHERE h.object_id = v.object_id AND "
                     "h.name = v.name AND h.version = 1) "
                     "ORDER BY 1, 2, 7 DESC"));
    sel.Bind(1, account_id)
        .Bind(2, type)
        .Bind(3, JsonIds(ids))
        .Bind(4, internal::JsonStringArray(properties));
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

Result<std::vector<CrmEvent>> ReadEventRows(Stmt& sel, const ObjectStore::EventNeed& need = {}) {
  std::vector<CrmEvent> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, sel.Step());
    if (!row) break;
    CrmEvent& e = out.emplace_back(
        CrmEvent{sel.Int(0), sel.Int(1), sel.Text(2), sel.Text(3), sel.Int(4), sel.Int(5), {}});
    if (!need || need(e)) e.properties = internal::ParseEventProperties(sel.Text(6));
  }
  return out;
}

#define EVENT_COLUMNS \
  "seq, account_id, event_type_id, object_type_id, object_id, occurred_at_ms, properties_json"

}  // namespace

Result<std::vector<CrmEvent>> SqliteObjectStore::ReadEvents(int64_t after_seq, size_t limit,
                                                            const EventNeed& need) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<CrmEvent>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt sel, conn.Prepare("SELECT " EVENT_COLUMNS " FROM crm_events WHERE "
                                                  "seq > ?1 ORDER BY seq LIMIT ?2"));
    sel.Bind(1, after_seq).Bind(2, static_cast<int64_t>(std::min(limit, internal::kMaxPage)));
    return ReadEventRows(sel, need);
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
