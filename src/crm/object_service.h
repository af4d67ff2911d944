// CRM records through HubSpot's v3 objects API semantics: create, read (by id or a unique
// property), update, archive, list, the batch forms, upsert, and value history — with every
// value checked against its property, and sensitive properties guarded by scopes.
//
// Thread-safe. Errors: kInvalidArgument (400, every problem listed), kNotFound, kConflict
// (unique values), kPermissionDenied (sensitive properties without their scope).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/object_types.h"
#include "crm/property_value.h"
#include "store/store.h"

namespace flowd::crm {

// The store options for writing records of a type with properties `props`: its unique
// properties, the properties whose equality lookups are indexed, and the change's source. Every
// writer of CRM records (the API's object service, the engine's actions) uses these, so that the
// store indexes a property the same way whoever wrote it.
store::ObjectWriteOptions WriteOptionsFor(const PropertySet& props, store::ChangeSource source);

// The stored name of a requested property: HubSpot's `hs_createdate` / `hs_lastmodifieddate`
// spellings (used on non-contact types) name `createdate` / `lastmodifieddate`.
std::string StoredPropertyName(const std::string& name);

// Who is asking, for scope checks and history sources.
struct Caller {
  int64_t account_id = 0;
  // The caller's scopes; a view (of the authenticated principal's, usually), not a copy: the
  // vector it views must outlive the Caller.
  std::span<const std::string> scopes;
  store::ChangeSource source;  // how writes are attributed in property history
  bool HasAny(const std::vector<std::string>& wanted) const;
};

// What to return for each record.
struct ReadOptions {
  // Property names to return; empty = the type's default set (DefaultPropertyNames).
  std::vector<std::string> properties;
  std::vector<std::string> properties_with_history;
  bool archived = false;
};

struct ObjectView {
  store::ObjectRecord record;
  // Only the properties that were asked for, exist, have a value and the caller may read.
  std::map<std::string, std::string> properties;
  std::map<std::string, std::vector<store::ValueVersion>> history;
};

// One failed item of a batch (HubSpot's StandardError inside a 207).
struct ItemError {
  Error error;
  std::vector<std::string> ids;  // context.ids
};

struct BatchResult {
  std::vector<ObjectView> results;
  std::vector<ItemError> errors;
  std::vector<bool> is_new;  // upsert only: parallel to results
};

// Upsert/update addressing: an id, or a value of a unique property (`id_property`).
struct ObjectRef {
  std::string id;
  std::string id_property;  // empty = record id
};

struct ObjectInput {
  std::map<std::string, std::string> properties;
};

struct ObjectUpdateInput {
  ObjectRef ref;
  std::map<std::string, std::string> properties;
};

// The store options of writes to records with these properties: unique properties, indexed
// lookup properties (enumerations, booleans, owner references, identifiers), and the source.
// Used by every writer of records (the API and the engine's actions).
store::ObjectWriteOptions WriteOptionsFor(const PropertySet& props, store::ChangeSource source);

class ObjectService {
 public:
  ObjectService(store::Store& store, ObjectTypeResolver& types, PropertyCatalog& properties,
                const Clock& clock);

  // The type for a path's objectType (400 "Unable to infer object type" when unknown).
  Result<ObjectTypeInfo> Type(int64_t account_id, std::string_view name_or_id);

  // HubSpot's default property names returned when a request names none.
  static std::vector<std::string> DefaultPropertyNames(const ObjectTypeInfo& type);

  Result<ObjectView> Create(const Caller& c, const ObjectTypeInfo& t, const ObjectInput& in);
  Result<ObjectView> Get(const Caller& c, const ObjectTypeInfo& t, const ObjectRef& ref,
                         const ReadOptions& read);
  Result<ObjectView> Update(const Caller& c, const ObjectTypeInfo& t, const ObjectRef& ref,
                            const ObjectInput& in);
  // 204 semantics: unknown ids are not an error.
  Status Archive(const Caller& c, const ObjectTypeInfo& t, const std::vector<int64_t>& ids);
  Result<std::pair<std::vector<ObjectView>, std::optional<int64_t>>> List(
      const Caller& c, const ObjectTypeInfo& t, std::optional<int64_t> after, size_t limit,
      const ReadOptions& read);

  // Batches (≤ kMaxBatch inputs; 400 above). Create is all-or-nothing (HubSpot's batch create);
  // read/update/upsert report per-item errors.
  Result<BatchResult> BatchCreate(const Caller& c, const ObjectTypeInfo& t,
                                  const std::vector<ObjectInput>& inputs);
  Result<BatchResult> BatchRead(const Caller& c, const ObjectTypeInfo& t,
                                const std::vector<std::string>& ids, const std::string& id_property,
                                const ReadOptions& read);
  Result<BatchResult> BatchUpdate(const Caller& c, const ObjectTypeInfo& t,
                                  const std::vector<ObjectUpdateInput>& inputs);
  Result<BatchResult> BatchUpsert(const Caller& c, const ObjectTypeInfo& t,
                                  const std::vector<ObjectUpdateInput>& inputs);

  // Create-or-update the record whose unique `property` has `value` (form submissions, the v2
  // enrollment endpoints). Returns the record and whether it was created.
  Result<std::pair<ObjectView, bool>> UpsertByUniqueValue(const Caller& c, const ObjectTypeInfo& t,
                                                          const std::string& property,
                                                          const std::string& value,
                                                          const ObjectInput& in);

  // Views of stored records as `read` asks (used by search).
  Result<std::vector<ObjectView>> Views(const Caller& c, const ObjectTypeInfo& t,
                                        std::vector<store::ObjectRecord> records,
                                        const ReadOptions& read);
  // The property set of a type, for callers that evaluate values (search, filters).
  Result<std::shared_ptr<const PropertySet>> Properties(int64_t account_id,
                                                        const ObjectTypeInfo& t);
  // kPermissionDenied unless the caller may read property `p` of type `t`.
  Status CheckReadable(const Caller& c, const ObjectTypeInfo& t,
                       const store::PropertyRecord& p) const;

  store::ObjectStore& objects() { return store_.objects(); }

  static constexpr size_t kMaxBatch = 100;

 private:
  // Validated, normalized writes; every problem in one error.
  Result<std::vector<store::PropertyWrite>> PrepareWrites(
      const Caller& c, const ObjectTypeInfo& t, const PropertySet& props,
      const std::map<std::string, std::string>& in, std::string_view where);
  store::ObjectWriteOptions WriteOptions(const Caller& c, const PropertySet& props) const;
  Result<int64_t> ResolveRef(const ObjectTypeInfo& t, int64_t account_id, const PropertySet& props,
                             const ObjectRef& ref);

  store::Store& store_;
  ObjectTypeResolver& types_;
  PropertyCatalog& properties_;
  const Clock& clock_;
};

}  // namespace flowd::crm
