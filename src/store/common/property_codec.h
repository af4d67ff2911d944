// Backend-independent pieces of the property/schema store: how a definition is kept in one
// JSON text column (the columns that are queried — account, type, name, group, timestamps — live
// beside it), and the error texts both backends return. Internal to the store module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/property_store.h"

namespace flowd::store::internal {

// Every field of PropertyRecord except object_type_id, name, group_name and the timestamps.
std::string EncodePropertyDefinition(const PropertyRecord& p);
// Fills those fields of `p` from EncodePropertyDefinition's output. kInternal when unreadable.
Status DecodePropertyDefinition(std::string_view json, PropertyRecord& p);

// The schema's labels, description, display/required/searchable properties and
// allows_sensitive_properties (name, id and timestamps are columns).
std::string EncodeSchemaDefinition(const ObjectSchemaRecord& s);
Status DecodeSchemaDefinition(std::string_view json, ObjectSchemaRecord& s);

// Lower-case ASCII: schema names are unique case-insensitively.
std::string SchemaNameKey(std::string_view name);

// Adds `a` to `s.associations`, turned around when `s` is its target end (see
// ObjectSchemaRecord::associations).
void AddAssociationView(ObjectSchemaRecord& s, const SchemaAssociationRecord& a);

Error PropertyNotFound(const std::string& object_type_id, const std::string& name);
Error PropertyTaken(const std::string& object_type_id, const std::string& name, bool archived);
Error GroupNotFound(const std::string& object_type_id, const std::string& name);
Error GroupTaken(const std::string& object_type_id, const std::string& name);
Error GroupNotEmpty(const std::string& object_type_id, const std::string& name);
Error SchemaNotFound(int64_t schema_id);
Error SchemaNameTaken(const std::string& name);
Error SchemaHasRecords(int64_t schema_id);
Error SchemaAssociationNotFound(int64_t schema_id, int64_t association_id);

}  // namespace flowd::store::internal
