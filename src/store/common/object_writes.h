// The object store's write algorithms, written once for both backends: what a create, an update
// and an archive do (de-duplicate writes, claim and release unique values, version values, keep
// history, append events, keep the maintained columns). Each backend supplies the statements
// through ObjectTxn, bound to its connection inside the caller's transaction. Internal to store/.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"

namespace flowd::store::internal {

struct CurrentValue {
  std::string value;    // "" when unset
  int64_t version = 0;  // the property's last version on the record (0: never set)
};

// What an update needs to know of the record it changes.
struct LiveRecord {
  int64_t created_at_ms = 0;
  ChangeSource created_by;
};

// A value a create writes (version 1 of the property on a new record).
struct NewValue {
  int64_t object_id = 0;
  const PropertyWrite* write = nullptr;  // name and (non-empty) value; outlives the call
  bool lookup = false;                   // as PutValue's
};

// A unique value a new record claims.
struct UniqueClaim {
  int64_t object_id = 0;
  const PropertyWrite* write = nullptr;
};

// One statement (or a few) each, run on the transaction's connection. The batched methods are
// what a create uses (CreateObjectsIn); their defaults loop over the per-row ones, and a backend
// overrides them when it can do a batch in fewer statements.
class ObjectTxn {
 public:
  virtual ~ObjectTxn() = default;
  // A new crm_objects row created by `source`; its id.
  virtual Result<int64_t> InsertObject(int64_t account_id, const std::string& type, int64_t now_ms,
                                       const ChangeSource& source) = 0;
  // The live record `id` of the type in the account, or nullopt (PostgreSQL also locks its row,
  // so concurrent updates of one record apply one after the other).
  virtual Result<std::optional<LiveRecord>> LockLive(int64_t account_id, const std::string& type,
                                                     int64_t id) = 0;
  virtual Result<CurrentValue> ReadCurrent(int64_t id, const std::string& name) = 0;
  // Inserts or replaces the current value row; `lookup`: its equality lookups are indexed
  // (ObjectWriteOptions::lookup_properties).
  virtual Status PutValue(int64_t account_id, const std::string& type, int64_t id,
                          const std::string& name, const std::string& value, int64_t version,
                          bool lookup) = 0;
  virtual Status DeleteValue(int64_t id, const std::string& name) = 0;
  // A history row; with `if_absent`, nothing when the version has one already.
  virtual Status InsertHistory(int64_t id, const std::string& name, int64_t version,
                               const std::string& value, int64_t now_ms, const ChangeSource& source,
                               bool if_absent) = 0;
  // Appends `e` and sets its seq.
  virtual Status InsertEvent(CrmEvent& e) = 0;
  // Claims a unique value for `id`: kConflict (UniqueValueTaken) when another live record holds it.
  virtual Status ClaimUnique(int64_t account_id, const std::string& type, const std::string& name,
                             const std::string& value, int64_t id) = 0;
  virtual Status ReleaseUnique(int64_t account_id, const std::string& type, const std::string& name,
                               const std::string& value) = 0;
  virtual Status TouchObject(int64_t id, int64_t now_ms) = 0;

  // `count` new crm_objects rows (InsertObject's); their ids, in creation order.
  virtual Result<std::vector<int64_t>> InsertObjects(int64_t account_id, const std::string& type,
                                                     size_t count, int64_t now_ms,
                                                     const ChangeSource& source);
  // The claims of new records, in input order, made before any of their values is written:
  // kConflict (UniqueValueTaken) for the first claim whose value another live record holds or
  // an earlier claim of the list makes (naming that claim's record).
  virtual Status ClaimUniques(int64_t account_id, const std::string& type,
                              std::span<const UniqueClaim> claims);
  // The values of new records (PutValue's with version 1; none of them has a row yet).
  virtual Status PutNewValues(int64_t account_id, const std::string& type,
                              std::span<const NewValue> values);
  // Appends the events in order (seqs assigned, not reported).
  Status InsertEvents(std::vector<CrmEvent>& events);
  // The same with the events' properties already encoded: properties_json[i] is what
  // events[i].properties are stored as (EventPropertiesJson; their map is not read).
  virtual Status InsertEncodedEvents(std::vector<CrmEvent>& events,
                                     std::span<const std::string> properties_json) = 0;

  // Marks the live ones among `ids` archived; the ids archived, ascending.
  virtual Result<std::vector<int64_t>> MarkArchived(int64_t account_id, const std::string& type,
                                                    const std::vector<int64_t>& ids,
                                                    int64_t now_ms) = 0;
  // Releases every unique value of the records and deletes their associations, both directions;
  // each association row of another record that goes is logged (kEventAssociationChanged, on
  // that record) — the archived records' own rows are covered by their archive event.
  virtual Status DetachArchived(int64_t account_id, const std::string& type,
                                const std::vector<int64_t>& ids, int64_t now_ms) = 0;
  // The records as GetObjects returns them (live ones; found only, requested order).
  virtual Result<std::vector<ObjectRecord>> LoadLive(int64_t account_id, const std::string& type,
                                                     const std::vector<int64_t>& ids) = 0;
};

// What a create writes, worked out before its transaction: a backend whose writes are serialised
// (SQLite's single writer) prepares outside the critical section, which then only runs the
// statements. Keeps pointers into nothing: it owns its data.
struct PreparedCreate {
  std::vector<std::vector<PropertyWrite>> writes;  // per record, de-duplicated, non-empty values
  std::vector<NewValue> values;  // object_id unset (0) until the rows exist; key order per record
  std::vector<UniqueClaim> claims;   // likewise
  std::vector<size_t> value_record;  // values[i] belongs to record value_record[i]
  std::vector<size_t> claim_record;
  std::vector<std::string> event_json;  // per record: its created event's properties
};
// `inputs` as CreateObjectsIn takes them. Pointers in the result point into the result itself:
// do not copy it (move is fine: vectors keep their buffers).
PreparedCreate PrepareCreate(const std::vector<std::vector<PropertyWrite>>& inputs,
                             const ObjectWriteOptions& options);
// Runs a prepared create; the new records' ids, in input order.
Result<std::vector<int64_t>> ApplyCreate(ObjectTxn& txn, int64_t account_id,
                                         const std::string& type, PreparedCreate& prepared,
                                         const ObjectWriteOptions& options, int64_t now_ms);
// The created records as CreateObjects returns them (consumes the prepared writes).
std::vector<ObjectRecord> CreatedRecords(const std::string& type, PreparedCreate& prepared,
                                         const std::vector<int64_t>& ids, int64_t now_ms);

// PrepareCreate, ApplyCreate and CreatedRecords in one.
Result<std::vector<ObjectRecord>> CreateObjectsIn(
    ObjectTxn& txn, int64_t account_id, const std::string& type,
    const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
    int64_t now_ms);

// The updates' writes (values, history, events), without reading the records back.
Status WriteObjectUpdatesIn(ObjectTxn& txn, int64_t account_id, const std::string& type,
                            const std::vector<ObjectUpdate>& updates,
                            const ObjectWriteOptions& options, int64_t now_ms);

// The writes, then the updated records as they now are (input order, repeats kept).
Result<std::vector<ObjectRecord>> UpdateObjectsIn(ObjectTxn& txn, int64_t account_id,
                                                  const std::string& type,
                                                  const std::vector<ObjectUpdate>& updates,
                                                  const ObjectWriteOptions& options,
                                                  int64_t now_ms);

Result<std::vector<int64_t>> ArchiveObjectsIn(ObjectTxn& txn, int64_t account_id,
                                              const std::string& type,
                                              const std::vector<int64_t>& ids, int64_t now_ms);

}  // namespace flowd::store::internal
