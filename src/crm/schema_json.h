// Custom object schemas as HubSpot's JSON (ObjectSchemaEgg, ObjectTypeDefinitionPatch,
// ObjectSchema, ObjectTypeDefinition, AssociationDefinition). Pure functions; the checks that
// need other types or storage are SchemaService's.
//
// Rendering: `id` is the numeric part of the object type id and `objectTypeId` the whole
// ("2-100001"), as HubSpot answers; `fullyQualifiedName` is "p<portalId>_<name>".
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/property_store.h"

namespace flowd::crm {

inline constexpr size_t kMaxSchemaNameLength = 100;
inline constexpr size_t kMaxSchemaLabelLength = 100;
inline constexpr size_t kMaxSchemaProperties = 1000;
inline constexpr size_t kMaxSchemaAssociations = 100;

// An ObjectSchemaEgg, checked field by field.
struct SchemaCreateInput {
  store::ObjectSchemaRecord schema;               // no id, no associations yet
  std::vector<store::PropertyRecord> properties;  // the custom ones, in the default group
  std::vector<std::string> associated_objects;    // as given (resolved by the service)
  bool same_object_association = false;           // shouldCreateSameObjectAssociation
};

// True for a letter followed by letters, digits and underscores, at most 100 characters.
bool IsValidSchemaName(const std::string& name);

// Parses an ObjectSchemaEgg: name, labels, description, allowsSensitiveProperties, properties[]
// (ObjectTypePropertyCreate, groupName defaulting to the new type's "<name>_information"),
// requiredProperties, searchableProperties, secondaryDisplayProperties and
// primaryDisplayProperty (each naming one of properties[] — the latter two may also name
// hs_object_id, createdate or lastmodifieddate), associatedObjects. Every problem is appended;
// the input is returned only when there were none.
std::optional<SchemaCreateInput> ParseSchemaCreate(const boost::json::value& body,
                                                   std::vector<ErrorDetail>& problems);

// What an ObjectTypeDefinitionPatch changes; property names are checked by the service.
struct SchemaPatch {
  std::optional<std::string> singular_label, plural_label, description;
  std::optional<std::string> primary_display_property;
  std::optional<std::vector<std::string>> required_properties, searchable_properties,
      secondary_display_properties;
  std::optional<bool> allows_sensitive_properties;
};
std::optional<SchemaPatch> ParseSchemaPatch(const boost::json::value& body,
                                            std::vector<ErrorDetail>& problems);

struct SchemaRenderOptions {
  bool properties = true;    // includePropertyDefinitions
  bool associations = true;  // includeAssociationDefinitions
  bool audit = true;         // includeAuditMetadata (createdAt, updatedAt)
};

// HubSpot's ObjectSchema; `properties` are the type's live definitions.
boost::json::object RenderSchema(const store::ObjectSchemaRecord& s,
                                 const std::vector<store::PropertyRecord>& properties,
                                 int64_t account_id, const SchemaRenderOptions& options);
// HubSpot's ObjectTypeDefinition (the PATCH answer).
boost::json::object RenderObjectTypeDefinition(const store::ObjectSchemaRecord& s,
                                               int64_t account_id);
boost::json::object RenderAssociationDefinition(const store::SchemaAssociationRecord& a);

}  // namespace flowd::crm
