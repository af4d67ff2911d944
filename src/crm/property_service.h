// CRM property definitions and groups (/crm/v3/properties/{objectType}…): HubSpot's built-in
// ones (crm/default_properties.h) merged with the account's stored ones, and the PropertyCatalog
// the object service validates values against.
//
// Types are resolved by the caller (SchemaService) and passed as ObjectTypeInfo; every method
// works in one account. Errors: 400 listing every problem of a definition, 404 for an unknown
// property or group, 409 for a name already taken (built-in, stored, or archived: archived names
// cannot be reused), 403 MISSING_SCOPES for a sensitive definition the caller may not write.
//
// Catalog cache: PropertiesOf returns an immutable snapshot per (account, type), rebuilt after
// any definition change made through this service, and at the latest kCatalogTtlMs after it was
// built (changes made by another flowd process sharing a PostgreSQL database are seen within
// that time).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/object_types.h"
#include "crm/property_value.h"
#include "store/property_store.h"

namespace flowd::crm {

inline constexpr int64_t kCatalogTtlMs = 1000;
inline constexpr size_t kMaxPropertyBatch = 100;

// The scopes of the properties API for a type (any one suffices). Reading definitions: the
// type's object scopes (read, write, sensitive and highly sensitive), crm.schemas.<type>.read and
// `automation` (HubSpot's security list), and the write scopes below (a writer may read back
// what it wrote). Writing: crm.schemas.<type>.write (custom types:
// crm.schemas.custom.write; tickets also `tickets` and the tickets sensitive scopes, as in
// HubSpot's list; tasks and notes, which HubSpot's list does not name, also
// crm.schemas.contacts.write, following the engagements-follow-contacts rule of object_types.h).
std::vector<std::string> PropertyReadScopes(const ObjectTypeInfo& type);
std::vector<std::string> PropertyWriteScopes(const ObjectTypeInfo& type);

// Which sensitive definitions the caller may create (from its scopes: the type's
// sensitive_write_scopes / highly_sensitive_write_scopes).
struct SensitiveAccess {
  bool sensitive = false;
  bool highly_sensitive = false;
};

struct PropertyListOptions {
  bool archived = false;
  // Only properties of this sensitivity (HubSpot's dataSensitivity parameter; the list endpoint
  // defaults it to non_sensitive). nullopt: every sensitivity.
  std::optional<std::string> data_sensitivity;
  // Only these names (HubSpot's `properties` parameter); empty: all.
  std::vector<std::string> names;
};

// The outcome of a batch (HubSpot's 207 semantics): what succeeded, and one error per input that
// did not (each with context {"names": [...]} or {"index": [...]}).
struct PropertyBatchResult {
  std::vector<store::PropertyRecord> results;
  std::vector<Error> errors;
};

class PropertyService final : public PropertyCatalog {
 public:
  PropertyService(store::PropertyStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // ---- PropertyCatalog
  Result<std::shared_ptr<const PropertySet>> PropertiesOf(
      int64_t account_id, const std::string& object_type_id) override;

  // ---- properties
  // Sorted by name. Archived: the stored archived ones (built-ins are never archived).
  Result<std::vector<store::PropertyRecord>> List(int64_t account_id, const ObjectTypeInfo& type,
                                                  const PropertyListOptions& options);
  Result<store::PropertyRecord> Get(int64_t account_id, const ObjectTypeInfo& type,
                                    const std::string& name, bool archived);
  Result<store::PropertyRecord> Create(int64_t account_id, const ObjectTypeInfo& type,
                                       const boost::json::value& body, SensitiveAccess access);
  // PATCH; built-in definitions are read-only (400).
  Result<store::PropertyRecord> Update(int64_t account_id, const ObjectTypeInfo& type,
                                       const std::string& name, const boost::json::value& body);
  // 404 for an unknown (or already archived) property; 400 for a built-in one or one a custom
  // schema names as its primary display or a required property.
  Status Archive(int64_t account_id, const ObjectTypeInfo& type, const std::string& name);
  // {"inputs": [PropertyCreate…]} (at most kMaxPropertyBatch). A malformed envelope is 400;
  // inputs that fail are reported per input, the others are created.
  Result<PropertyBatchResult> BatchCreate(int64_t account_id, const ObjectTypeInfo& type,
                                          const boost::json::value& body, SensitiveAccess access);
  // {"inputs": [{"name"}…], "archived", "dataSensitivity"}: unknown names are errors (207).
  Result<PropertyBatchResult> BatchRead(int64_t account_id, const ObjectTypeInfo& type,
                                        const boost::json::value& body);
  // {"inputs": [{"name"}…]}: all or nothing; unknown or already archived names are skipped,
  // built-in ones are a 400 (nothing archived).
  Status BatchArchive(int64_t account_id, const ObjectTypeInfo& type,
                      const boost::json::value& body);

  // ---- groups
  Result<std::vector<store::PropertyGroupRecord>> ListGroups(int64_t account_id,
                                                             const ObjectTypeInfo& type);
  Result<store::PropertyGroupRecord> GetGroup(int64_t account_id, const ObjectTypeInfo& type,
                                              const std::string& name);
  Result<store::PropertyGroupRecord> CreateGroup(int64_t account_id, const ObjectTypeInfo& type,
                                                 const boost::json::value& body);
  Result<store::PropertyGroupRecord> UpdateGroup(int64_t account_id, const ObjectTypeInfo& type,
                                                 const std::string& name,
                                                 const boost::json::value& body);
  // Built-in groups cannot be deleted (400); nor can a group that holds live properties (400).
  Status DeleteGroup(int64_t account_id, const ObjectTypeInfo& type, const std::string& name);

  // Forgets every cached snapshot (SchemaService calls it after schema changes).
  void Invalidate();

 private:
  // Validates and stores new definitions; problems are appended per input.
  Result<std::vector<store::PropertyRecord>> CheckNew(int64_t account_id,
                                                      const ObjectTypeInfo& type,
                                                      std::vector<store::PropertyRecord> props,
                                                      SensitiveAccess access);
  Status CheckGroupExists(int64_t account_id, const ObjectTypeInfo& type, const std::string& group,
                          const std::string& in, std::vector<ErrorDetail>& problems);
  Status CheckSensitivity(int64_t account_id, const ObjectTypeInfo& type,
                          const store::PropertyRecord& p, SensitiveAccess access);
  Result<std::optional<store::PropertyRecord>> FindLive(int64_t account_id,
                                                        const std::string& object_type_id,
                                                        const std::string& name);

  store::PropertyStore& store_;
  const Clock& clock_;

  struct Snapshot {
    std::shared_ptr<const PropertySet> set;
    uint64_t generation = 0;
    int64_t built_at_ms = 0;
  };
  std::mutex mu_;
  uint64_t generation_ = 0;  // bumped by every change; snapshots of older generations are stale
  std::map<std::pair<int64_t, std::string>, Snapshot> cache_;
};

}  // namespace flowd::crm
