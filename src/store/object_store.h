// Stored CRM records ("objects"), their property values and value history, and the CRM event
// log. Associations live in association_store.h. Thread safety and errors as in store.h.
//
// Values are text in their canonical form (crm/property_value.h); the store does not know
// property types. An absent property and an empty value are the same thing: writing "" clears.
//
// The store maintains three properties itself, in the same transaction as the write:
// `hs_object_id` (the id), `createdate` and `lastmodifieddate` (ISO 8601 UTC, from now_ms).
//
// History: every version of every value, newest first, with its time and source. A value written
// by the create itself is stored only as the current value (its time and source are the record's
// creation); its history row is written when it is first superseded.
//
// Events: every create appends one `4-1463224` (object created) event carrying the initial values;
// every value that changes appends one `4-655002` (property value changed) event with the old and
// new value. They are written in the transaction of the change and numbered by a global,
// strictly increasing `seq`, so a consumer that remembers the last seq it processed sees every
// change exactly once, in commit order per record. The list store appends list membership changes
// to the same log (kEventListMembership), the association store association changes
// (kEventAssociationChanged).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::store {

inline constexpr std::string_view kEventObjectCreated = "4-1463224";
inline constexpr std::string_view kEventPropertyChanged = "4-655002";
inline constexpr std::string_view kEventFormSubmitted = "4-1639801";
// flowd's own: a record was archived (HubSpot publishes no event type id for it). The engine uses
// it to unenroll the record.
inline constexpr std::string_view kEventObjectArchived = "flowd.object_archived";
// flowd's own: a record joined or left a list (HubSpot publishes no event type id for it either).
// Written by the list store in the transaction of the membership change, one per record and
// change, with `hs_list_id` (the list id) and `hs_membership_change` (ADDED | REMOVED). Records
// leaving their lists because they were archived write none (kEventObjectArchived covers them).
// The engine matches them against listMembershipFilterBranches.
inline constexpr std::string_view kEventListMembership = "flowd.list_membership_changed";
inline constexpr std::string_view kListIdProperty = "hs_list_id";
inline constexpr std::string_view kMembershipChangeProperty = "hs_membership_change";
inline constexpr std::string_view kMembershipAdded = "ADDED";
inline constexpr std::string_view kMembershipRemoved = "REMOVED";
// flowd's own: an association of the record was added or removed. Written by the association
// store (and the engine store's created records) in the transaction of the change, one per
// stored row that changed — an association is stored in both directions, so each end gets one
// per type — on the row's from record, with `hs_to_object_type_id`, `hs_to_object_id`,
// `hs_association_category`, `hs_association_type_id` and `hs_association_change` (ADDED |
// REMOVED). Writing an association that exists or removing one that does not writes none.
// Archiving a record logs the removal of the other records' rows (on those records; its own rows
// are covered by kEventObjectArchived); deleting a label writes none. The engine re-evaluates
// the flows whose filters read associations to the other record's type.
inline constexpr std::string_view kEventAssociationChanged = "flowd.association_changed";
inline constexpr std::string_view kToObjectTypeProperty = "hs_to_object_type_id";
inline constexpr std::string_view kToObjectIdProperty = "hs_to_object_id";
inline constexpr std::string_view kAssociationCategoryProperty = "hs_association_category";
inline constexpr std::string_view kAssociationTypeIdProperty = "hs_association_type_id";
inline constexpr std::string_view kAssociationChangeProperty = "hs_association_change";
// Event types flowd writes for itself: never shown as HubSpot events, never readable by filters,
// never sendable through the events API.
inline bool IsInternalEventType(std::string_view event_type_id) {
  return event_type_id.substr(0, 6) == "flowd.";
}

struct ObjectRecord {
  int64_t id = 0;
  std::string object_type_id;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;
  std::map<std::string, std::string> properties;  // non-empty values only
};

// One property write. An empty value clears the property.
struct PropertyWrite {
  std::string name;
  std::string value;
};

// Where a change came from (HubSpot's sourceType / sourceId in property history).
struct ChangeSource {
  std::string type = "API";  // API | FORM | WORKFLOW | CRM_UI | IMPORT | INTEGRATION
  std::string id;            // e.g. the token id, form guid or flow id
};

struct ObjectWriteOptions {
  // Properties whose values must be unique among the type's live records (contacts' `email`,
  // custom `hasUniqueValue` properties). A clash is kConflict naming the property, the value and
  // the record that holds it.
  std::vector<std::string> unique_properties;
  // Properties whose equality lookups (FindByValues) must be indexed: identifiers and
  // low-cardinality values (enumerations, booleans). The unique properties always are. A backend
  // may index more (PostgreSQL indexes every value); on SQLite the others are found by a scan of
  // that property's values alone, which keeps a write from touching one random index page per
  // free-text value (see docs/architecture.md, "CRM storage").
  std::vector<std::string> lookup_properties;
  ChangeSource source;
};

struct ObjectUpdate {
  int64_t id = 0;
  std::vector<PropertyWrite> properties;
};

struct ObjectPage {
  std::vector<ObjectRecord> objects;
  std::optional<int64_t> next_after;  // set when more records follow
};

struct ValueVersion {
  std::string value;  // "" when the change cleared the property
  int64_t timestamp_ms = 0;
  std::string source_type;
  std::string source_id;
};

// object id → property name → versions, newest first.
using ValueHistory = std::map<int64_t, std::map<std::string, std::vector<ValueVersion>>>;

struct CrmEvent {
  int64_t seq = 0;  // assigned by the store
  int64_t account_id = 0;
  std::string event_type_id;  // "4-1463224", "4-655002", "4-1639801", custom "pe…_…"
  std::string object_type_id;
  int64_t object_id = 0;
  int64_t occurred_at_ms = 0;
  // Event properties: for 4-655002 `hs_name`, `hs_value`, `hs_previous_value`; for 4-1463224 the
  // initial values; for 4-1639801 `hs_form_id` and the submitted values; custom events their own.
  std::map<std::string, std::string> properties;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Creates the records (all or nothing) and returns them with ids assigned, in input order.
  virtual Result<std::vector<ObjectRecord>> CreateObjects(
      int64_t account_id, const std::string& object_type_id,
      const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
      int64_t now_ms) = 0;

  // Applies the writes (all or nothing; kNotFound naming the first id that is not a live record
  // of the type). Values equal to the current one are not changes: they write no history and no
  // event. `lastmodifieddate` moves only when something changed. Returns the records after the
  // update, in input order; the same id twice is applied in order.
  virtual Result<std::vector<ObjectRecord>> UpdateObjects(int64_t account_id,
                                                          const std::string& object_type_id,
                                                          const std::vector<ObjectUpdate>& updates,
                                                          const ObjectWriteOptions& options,
                                                          int64_t now_ms) = 0;

  // Archives the live records among `ids` (unknown and already archived ids are skipped: HubSpot
  // answers 204 for them too), releases their unique values, and deletes their associations in
  // both directions (table crm_associations, see association_store.h), logging the other ends'
  // removals (kEventAssociationChanged). Returns the ids archived.
  virtual Result<std::vector<int64_t>> ArchiveObjects(int64_t account_id,
                                                      const std::string& object_type_id,
                                                      const std::vector<int64_t>& ids,
                                                      int64_t now_ms) = 0;

  // Found records only, in the order of `ids` (duplicates once). Archived records are returned
  // only with `archived` = true, and then only archived ones (HubSpot's `archived` parameter).
  virtual Result<std::vector<ObjectRecord>> GetObjects(int64_t account_id,
                                                       const std::string& object_type_id,
                                                       const std::vector<int64_t>& ids,
                                                       bool archived) = 0;

  // Records in id order with id > after_id.
  virtual Result<ObjectPage> ListObjects(int64_t account_id, const std::string& object_type_id,
                                         std::optional<int64_t> after_id, size_t limit,
                                         bool archived) = 0;

  // Ids of live records whose current value of `property` is one of `values` (indexed), in id
  // order, at most `limit`.
  virtual Result<std::vector<int64_t>> FindByValues(int64_t account_id,
                                                    const std::string& object_type_id,
                                                    const std::string& property,
                                                    const std::vector<std::string>& values,
                                                    size_t limit) = 0;

  // Ids of live records that have any value for `property`, id > after_id, at most `limit`.
  virtual Result<std::vector<int64_t>> FindWithProperty(int64_t account_id,
                                                        const std::string& object_type_id,
                                                        const std::string& property,
                                                        std::optional<int64_t> after_id,
                                                        size_t limit) = 0;

  // Number of live records of the type.
  virtual Result<int64_t> CountObjects(int64_t account_id, const std::string& object_type_id) = 0;

  // Value history of the given properties (all properties when `properties` is empty).
  virtual Result<ValueHistory> GetHistory(int64_t account_id, const std::string& object_type_id,
                                          const std::vector<int64_t>& ids,
                                          const std::vector<std::string>& properties) = 0;

  // ---- events

  // Appends events (form submissions, custom events) with seq assigned; returns them.
  virtual Result<std::vector<CrmEvent>> AppendEvents(const std::vector<CrmEvent>& events) = 0;
  // Which events of a feed read a consumer needs the properties of: called with each event as
  // read, its properties still empty; false leaves them empty (they are not decoded, which is
  // most of a read's cost when nothing listens, e.g. records created in bulk).
  using EventNeed = std::function<bool(const CrmEvent& event)>;
  // Events of all accounts with seq > after_seq, in seq order (the engine's feed). With `need`,
  // only the events it accepts carry their properties.
  virtual Result<std::vector<CrmEvent>> ReadEvents(int64_t after_seq, size_t limit,
                                                   const EventNeed& need) = 0;
  Result<std::vector<CrmEvent>> ReadEvents(int64_t after_seq, size_t limit) {
    return ReadEvents(after_seq, limit, EventNeed());
  }
  // One record's events of one type (all types when empty), oldest first.
  virtual Result<std::vector<CrmEvent>> ObjectEvents(int64_t account_id,
                                                     const std::string& object_type_id,
                                                     int64_t object_id,
                                                     std::string_view event_type_id) = 0;
};

}  // namespace flowd::store
