// Custom object schemas (/crm-object-schemas/v3/schemas, also served as /crm/v3/schemas) and
// the ObjectTypeResolver every CRM API uses to turn a path's objectType into a type.
//
// Resolution (one account): HubSpot's standard types by id or name (FindStandardObjectType), then
// the account's live custom schemas by object type id ("2-100001"), name ("cars", any case) or
// fully qualified name ("p1000001_cars"). Archived schemas do not resolve.
//
// Schemas: ids "2-N" come from one global sequence (never reused). Creating a schema stores, in
// one transaction, its default group "<name>_information", the built-in properties every custom
// object has (hs_object_id, createdate, lastmodifieddate), the properties given, and one
// association definition per associated object (HubSpot names them "<name>_to_<other>").
// Deleting archives the schema and is refused (409) while it has live records; deleting an
// archived schema with archived=true purges it (frees its name). Only custom schemas are served
// here: a standard type is 404.
//
// A resolved custom type is cached per account (same rules as the property catalog:
// rebuilt after changes made here, at the latest kCatalogTtlMs after it was built).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/object_types.h"
#include "crm/property_service.h"
#include "crm/schema_json.h"
#include "store/property_store.h"

namespace flowd::crm {

// The scopes of the schemas API (HubSpot's security lists).
std::vector<std::string> SchemaReadScopes();   // crm.schemas.custom.read, crm.objects.custom.*…
std::vector<std::string> SchemaWriteScopes();  // crm.schemas.custom.write

// A schema with the live property definitions of its type.
struct SchemaView {
  store::ObjectSchemaRecord schema;
  std::vector<store::PropertyRecord> properties;
};

class SchemaService final : public ObjectTypeResolver {
 public:
  SchemaService(store::PropertyStore& store, PropertyService& properties, const Clock& clock)
      : store_(store), properties_(properties), clock_(clock) {}

  // ---- ObjectTypeResolver
  Result<ObjectTypeInfo> Resolve(int64_t account_id, std::string_view name_or_id) override;

  // ---- schemas
  Result<std::vector<SchemaView>> List(int64_t account_id, bool archived);
  // Live schemas only; 404 for anything else.
  Result<SchemaView> Get(int64_t account_id, std::string_view object_type);
  // {"inputs": ["2-…" | name | fully qualified name …]} (at most 100): the live schemas found,
  // in input order without repeats (unknown inputs are left out).
  Result<std::vector<SchemaView>> BatchRead(int64_t account_id, const boost::json::value& body);
  // ObjectSchemaEgg (schema_json.h). Sensitive properties need allowsSensitiveProperties and the
  // caller's sensitive write scopes (`access`, for crm.objects.custom).
  Result<SchemaView> Create(int64_t account_id, const boost::json::value& body,
                            SensitiveAccess access);
  // ObjectTypeDefinitionPatch: property names must be live properties of the type
  // (requiredProperties and primaryDisplayProperty: not read-only ones).
  Result<store::ObjectSchemaRecord> Update(int64_t account_id, std::string_view object_type,
                                           const boost::json::value& body);
  // purge = false: archive a live schema (409 while it has live records); purge = true: delete an
  // archived one (400 when it is still live).
  Status Delete(int64_t account_id, std::string_view object_type, bool purge);
  // AssociationDefinitionEgg {fromObjectTypeId (this schema's type), toObjectTypeId, name?}.
  Result<store::SchemaAssociationRecord> CreateAssociation(int64_t account_id,
                                                           std::string_view object_type,
                                                           const boost::json::value& body);
  Status DeleteAssociation(int64_t account_id, std::string_view object_type,
                           std::string_view association_id);

 private:
  // The account's live schemas (cached).
  Result<std::shared_ptr<const std::vector<store::ObjectSchemaRecord>>> LiveSchemas(
      int64_t account_id);
  // The live schema `object_type` names; 404 (or a standard type's 404) otherwise.
  Result<store::ObjectSchemaRecord> FindLive(int64_t account_id, std::string_view object_type);
  Result<SchemaView> ViewOf(int64_t account_id, store::ObjectSchemaRecord schema);
  void Invalidate();

  store::PropertyStore& store_;
  PropertyService& properties_;
  const Clock& clock_;

  struct Cached {
    std::shared_ptr<const std::vector<store::ObjectSchemaRecord>> schemas;
    uint64_t generation = 0;
    int64_t built_at_ms = 0;
  };
  std::mutex mu_;
  uint64_t generation_ = 0;
  std::map<int64_t, Cached> cache_;
};

}  // namespace flowd::crm
