#include "store/common/object_writes.h"

#include <algorithm>
#include <unordered_map>

#include "store/common/object_util.h"

namespace flowd::store::internal {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool IsUnique(const ObjectWriteOptions& o, const std::string& name) {
  return Contains(o.unique_properties, name);
}

// Unique values are found by their lookup index (SQLite checks uniqueness through it).
bool IsLookup(const ObjectWriteOptions& o, const std::string& name) {
  return IsUnique(o, name) || Contains(o.lookup_properties, name);
}

}  // namespace

Result<std::vector<int64_t>> ObjectTxn::InsertObjects(int64_t account_id, const std::string& type,
                                                      size_t count, int64_t now_ms,
                                                      const ChangeSource& source) {
  std::vector<int64_t> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    FLOWD_ASSIGN_OR_RETURN(int64_t id, InsertObject(account_id, type, now_ms, source));
    ids.push_back(id);
  }
  return ids;
}

Status ObjectTxn::ClaimUniques(int64_t account_id, const std::string& type,
                               std::span<const UniqueClaim> claims) {
  for (const UniqueClaim& c : claims) {
    FLOWD_TRY(ClaimUnique(account_id, type, c.write->name, c.write->value, c.object_id));
  }
  return Status::Ok();
}

Status ObjectTxn::PutNewValues(int64_t account_id, const std::string& type,
                               std::span<const NewValue> values) {
  for (const NewValue& v : values) {
    FLOWD_TRY(PutValue(account_id, type, v.object_id, v.write->name, v.write->value, 1, v.lookup));
  }
  return Status::Ok();
}

Status ObjectTxn::InsertEvents(std::vector<CrmEvent>& events) {
  std::vector<std::string> json;
  json.reserve(events.size());
  for (const CrmEvent& e : events) json.push_back(EventPropertiesJson(e.properties));
  return InsertEncodedEvents(events, json);
}

PreparedCreate PrepareCreate(const std::vector<std::vector<PropertyWrite>>& inputs,
                             const ObjectWriteOptions& options) {
  PreparedCreate p;
  p.writes.reserve(inputs.size());
  p.event_json.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<PropertyWrite> writes = LastWriteWins(inputs[i]);
    std::erase_if(writes, [](const PropertyWrite& w) { return w.value.empty(); });
    // In key order (name within a record; ids grow): every value row lands at the end of the
    // values' primary key.
    std::sort(writes.begin(), writes.end(),
              [](const PropertyWrite& a, const PropertyWrite& b) { return a.name < b.name; });
    p.event_json.push_back(EventPropertiesJson(writes));  // name order, unique: as a map's
    p.writes.push_back(std::move(writes));
  }
  // After the last push_back: the pointers below stay valid.
  for (size_t i = 0; i < p.writes.size(); ++i) {
    for (const PropertyWrite& w : p.writes[i]) {
      if (IsUnique(options, w.name)) {
        p.claims.push_back(UniqueClaim{0, &w});
        p.claim_record.push_back(i);
      }
      // Version 1 of a created value has no history row until it is superseded: its time and
      // source are the record's (a create writes a third of the rows it did with one).
      p.values.push_back(NewValue{0, &w, IsLookup(options, w.name)});
      p.value_record.push_back(i);
    }
  }
  return p;
}

Result<std::vector<int64_t>> ApplyCreate(ObjectTxn& txn, int64_t account_id,
                                         const std::string& type, PreparedCreate& p,
                                         const ObjectWriteOptions& options, int64_t now_ms) {
  // In phases, each one batched call for all the records (a backend may do each in a few
  // statements): rows, unique claims (all before any value, so a clash leaves nothing to undo
  // but the transaction), values, events.
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      txn.InsertObjects(account_id, type, p.writes.size(), now_ms, options.source));
  for (size_t i = 0; i < p.claims.size(); ++i) p.claims[i].object_id = ids[p.claim_record[i]];
  for (size_t i = 0; i < p.values.size(); ++i) p.values[i].object_id = ids[p.value_record[i]];
  if (!p.claims.empty()) FLOWD_TRY(txn.ClaimUniques(account_id, type, p.claims));
  FLOWD_TRY(txn.PutNewValues(account_id, type, p.values));
  std::vector<CrmEvent> events;
  events.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    events.push_back(
        CrmEvent{0, account_id, std::string(kEventObjectCreated), type, ids[i], now_ms, {}});
  }
  FLOWD_TRY(txn.InsertEncodedEvents(events, p.event_json));
  return ids;
}

std::vector<ObjectRecord> CreatedRecords(const std::string& type, PreparedCreate& p,
                                         const std::vector<int64_t>& ids, int64_t now_ms) {
  std::vector<ObjectRecord> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    ObjectRecord& r = out[i];
    r.id = ids[i];
    r.object_type_id = type;
    r.created_at_ms = r.updated_at_ms = now_ms;
    for (PropertyWrite& w : p.writes[i]) r.properties.emplace(w.name, std::move(w.value));
    AddMaintainedProperties(r);
  }
  return out;
}

Result<std::vector<ObjectRecord>> CreateObjectsIn(
    ObjectTxn& txn, int64_t account_id, const std::string& type,
    const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
    int64_t now_ms) {
  PreparedCreate p = PrepareCreate(inputs, options);
  FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         ApplyCreate(txn, account_id, type, p, options, now_ms));
  return CreatedRecords(type, p, ids, now_ms);
}

Status WriteObjectUpdatesIn(ObjectTxn& txn, int64_t account_id, const std::string& type,
                            const std::vector<ObjectUpdate>& updates,
                            const ObjectWriteOptions& options, int64_t now_ms) {
  for (const ObjectUpdate& u : updates) {
    FLOWD_ASSIGN_OR_RETURN(std::optional<LiveRecord> live, txn.LockLive(account_id, type, u.id));
    if (!live) return ObjectNotFound(type, u.id);
    bool changed = false;
    for (const PropertyWrite& w : LastWriteWins(u.properties)) {
      FLOWD_ASSIGN_OR_RETURN(CurrentValue cur, txn.ReadCurrent(u.id, w.name));
      if (cur.value == w.value) continue;
      changed = true;
      const int64_t version = cur.version + 1;
      if (IsUnique(options, w.name)) {
        if (!cur.value.empty()) FLOWD_TRY(txn.ReleaseUnique(account_id, type, w.name, cur.value));
        if (!w.value.empty()) FLOWD_TRY(txn.ClaimUnique(account_id, type, w.name, w.value, u.id));
      }
      if (w.value.empty()) {
        FLOWD_TRY(txn.DeleteValue(u.id, w.name));
      } else {
        FLOWD_TRY(txn.PutValue(account_id, type, u.id, w.name, w.value, version,
                               IsLookup(options, w.name)));
      }
      if (cur.version == 1) {
        // The superseded version may be the create's, which has no row yet (a version 1 written
        // by an update has one, and it stays).
        FLOWD_TRY(txn.InsertHistory(u.id, w.name, 1, cur.value, live->created_at_ms,
                                    live->created_by, /*if_absent=*/true));
      }
      FLOWD_TRY(txn.InsertHistory(u.id, w.name, version, w.value, now_ms, options.source,
                                  /*if_absent=*/false));
      CrmEvent e{0,
                 account_id,
                 std::string(kEventPropertyChanged),
                 type,
                 u.id,
                 now_ms,
                 ChangeEventProperties(w.name, w.value, cur.value)};
      FLOWD_TRY(txn.InsertEvent(e));
    }
    if (changed) FLOWD_TRY(txn.TouchObject(u.id, now_ms));
  }
  return Status::Ok();
}

Result<std::vector<ObjectRecord>> UpdateObjectsIn(ObjectTxn& txn, int64_t account_id,
                                                  const std::string& type,
                                                  const std::vector<ObjectUpdate>& updates,
                                                  const ObjectWriteOptions& options,
                                                  int64_t now_ms) {
  FLOWD_TRY(WriteObjectUpdatesIn(txn, account_id, type, updates, options, now_ms));
  std::vector<int64_t> ids;
  ids.reserve(updates.size());
  for (const ObjectUpdate& u : updates) ids.push_back(u.id);
  FLOWD_ASSIGN_OR_RETURN(std::vector<ObjectRecord> found, txn.LoadLive(account_id, type, ids));
  // Input order, with repeats (the same id updated twice appears twice).
  std::unordered_map<int64_t, const ObjectRecord*> by_id;
  for (const auto& r : found) by_id[r.id] = &r;
  std::vector<ObjectRecord> out;
  out.reserve(ids.size());
  for (int64_t id : ids) out.push_back(*by_id.at(id));
  return out;
}

Result<std::vector<int64_t>> ArchiveObjectsIn(ObjectTxn& txn, int64_t account_id,
                                              const std::string& type,
                                              const std::vector<int64_t>& ids, int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> archived,
                         txn.MarkArchived(account_id, type, ids, now_ms));
  if (archived.empty()) return archived;
  FLOWD_TRY(txn.DetachArchived(account_id, type, archived, now_ms));
  for (int64_t id : archived) {
    CrmEvent e{0, account_id, std::string(kEventObjectArchived), type, id, now_ms, {}};
    FLOWD_TRY(txn.InsertEvent(e));
  }
  return archived;
}

}  // namespace flowd::store::internal
