// Stored CRM property definitions, property groups and custom object schemas. HubSpot's built-in
// ("hubspotDefined") properties and groups of the standard objects are not stored: crm/ supplies
// them from code (crm/default_properties.h) and merges them with what is stored here. Thread
// safety and errors as in store.h.
//
// Tables (migration 3): crm_properties, crm_property_groups, crm_schemas,
// crm_schema_associations. Every row carries account_id and every query filters by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::store {

struct PropertyOption {
  std::string label;
  std::string value;
  std::string description;
  int64_t display_order = -1;
  bool hidden = false;
};

// One property of one object type (HubSpot's Property).
struct PropertyRecord {
  std::string object_type_id;  // "0-1", "2-…"
  std::string name;
  std::string label;
  std::string type;        // string | number | date | datetime | enumeration | bool | phone_number
  std::string field_type;  // text | textarea | number | select | radio | checkbox | booleancheckbox
                           // | date | file | calculation_equation | html | phonenumber
  std::string group_name;
  std::string description;
  std::vector<PropertyOption> options;  // enumeration and bool types
  int64_t display_order = -1;
  bool has_unique_value = false;
  bool hidden = false;
  bool form_field = false;
  bool hubspot_defined = false;
  bool read_only_value = false;  // values are maintained by flowd (hs_object_id, createdate…)
  bool read_only_definition = false;  // the definition cannot be changed or archived
  bool calculated = false;
  std::string data_sensitivity = "non_sensitive";  // | sensitive | highly_sensitive
  std::string referenced_object_type;              // e.g. "OWNER" for hubspot_owner_id
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;
  // Options come from outside the definition (hubspot_owner_id: any owner id; see
  // crm::NormalizePropertyValue). Set together with referenced_object_type "OWNER".
  bool external_options = false;
  // Display hints, kept and returned as given (empty = not set).
  std::string number_display_hint;  // unformatted | formatted | currency | percentage | …
  std::string text_display_hint;    // unformatted_single_line | multi_line | email | …
  std::string date_display_hint;    // absolute | absolute_with_relative | time_since | time_until
  std::optional<bool> show_currency_symbol;
  std::string currency_property_name;
};

// A property group of one object type (HubSpot's PropertyGroup).
struct PropertyGroupRecord {
  std::string object_type_id;
  std::string name;
  std::string label;
  int64_t display_order = -1;
  // Built-in groups cannot be changed or deleted: the standard types' (from code) and the
  // default group "<name>_information" created with each custom schema (stored).
  bool hubspot_defined = false;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// An association type defined with (or added to) a custom object schema. Both directions get
// an id of their own: `id` (from → to) and `inverse_id` (to → from). Ids come from one global
// sequence starting at kFirstSchemaAssociationId, clear of HubSpot's defined type ids.
struct SchemaAssociationRecord {
  int64_t id = 0;
  int64_t inverse_id = 0;
  std::string from_object_type_id;  // the schema's own type, "2-N"
  std::string to_object_type_id;    // any type id
  std::string name;                 // e.g. "car_to_contact"
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

inline constexpr int64_t kFirstSchemaAssociationId = 100001;

// A custom object type (HubSpot's ObjectSchema). Its object type id is "2-" + id.
struct ObjectSchemaRecord {
  int64_t id = 0;  // assigned by the store from one global sequence (ids are never reused)
  std::string name;
  std::string singular_label;
  std::string plural_label;
  std::string description;
  std::string primary_display_property;
  std::vector<std::string> secondary_display_properties;
  std::vector<std::string> required_properties;
  std::vector<std::string> searchable_properties;
  bool allows_sensitive_properties = false;
  // Definitions where this type is either end; those stored from the other end are returned
  // turned around (from = this type, id = the stored inverse_id).
  std::vector<SchemaAssociationRecord> associations;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;

  std::string object_type_id() const { return "2-" + std::to_string(id); }
};

class PropertyStore {
 public:
  virtual ~PropertyStore() = default;

  // ---- property definitions (stored ones only)

  // Creates all or none; created/updated = now, not archived. kConflict naming the property
  // when its (type, name) is taken by a stored property, live or archived (HubSpot keeps
  // archived names: they cannot be reused).
  virtual Result<std::vector<PropertyRecord>> CreateProperties(
      int64_t account_id, const std::vector<PropertyRecord>& properties, int64_t now_ms) = 0;
  // The type's live properties (archived = false) or archived ones (true), by name.
  virtual Result<std::vector<PropertyRecord>> ListProperties(int64_t account_id,
                                                             const std::string& object_type_id,
                                                             bool archived) = 0;
  // kNotFound unless a property of that name exists in that state (live / archived).
  virtual Result<PropertyRecord> GetProperty(int64_t account_id, const std::string& object_type_id,
                                             const std::string& name, bool archived) = 0;
  // Replaces the stored definition of a live property (found by object_type_id and name);
  // created_at is kept, updated_at = now. kNotFound when it is not a live property.
  virtual Result<PropertyRecord> UpdateProperty(int64_t account_id, const PropertyRecord& property,
                                                int64_t now_ms) = 0;
  // Archives the live properties among `names` (others are skipped); returns those archived.
  virtual Result<std::vector<std::string>> ArchiveProperties(int64_t account_id,
                                                             const std::string& object_type_id,
                                                             const std::vector<std::string>& names,
                                                             int64_t now_ms) = 0;

  // ---- property groups (stored ones only)

  // kConflict when the (type, name) exists.
  virtual Result<PropertyGroupRecord> CreateGroup(int64_t account_id,
                                                  const PropertyGroupRecord& group,
                                                  int64_t now_ms) = 0;
  virtual Result<std::vector<PropertyGroupRecord>> ListGroups(
      int64_t account_id, const std::string& object_type_id) = 0;
  virtual Result<PropertyGroupRecord> GetGroup(int64_t account_id,
                                               const std::string& object_type_id,
                                               const std::string& name) = 0;
  // Label and display order; kNotFound.
  virtual Result<PropertyGroupRecord> UpdateGroup(int64_t account_id,
                                                  const PropertyGroupRecord& group,
                                                  int64_t now_ms) = 0;
  // kNotFound; kConflict (nothing deleted) while live properties of the type are in the group.
  virtual Status DeleteGroup(int64_t account_id, const std::string& object_type_id,
                             const std::string& name) = 0;

  // ---- custom object schemas

  // Creates the schema with its id, its groups and properties (object_type_id set to the new
  // type's) and its association definitions (ids assigned; an empty from/to type id stands for
  // the new type), in one transaction. kConflict when another schema of the account, live or
  // archived, has the same name (case-insensitively), or when a group or property clashes.
  virtual Result<ObjectSchemaRecord> CreateSchema(int64_t account_id,
                                                  const ObjectSchemaRecord& schema,
                                                  const std::vector<PropertyGroupRecord>& groups,
                                                  const std::vector<PropertyRecord>& properties,
                                                  int64_t now_ms) = 0;
  // Live or archived; kNotFound when the account has no schema with that id.
  virtual Result<ObjectSchemaRecord> GetSchema(int64_t account_id, int64_t schema_id) = 0;
  // Live schemas (archived = false) or archived ones, in id order.
  virtual Result<std::vector<ObjectSchemaRecord>> ListSchemas(int64_t account_id,
                                                              bool archived) = 0;
  // Labels, description, display/required/searchable properties and allows_sensitive of a live
  // schema; kNotFound.
  virtual Result<ObjectSchemaRecord> UpdateSchema(int64_t account_id,
                                                  const ObjectSchemaRecord& schema,
                                                  int64_t now_ms) = 0;
  // Archives a live schema. kNotFound; kConflict while it has live records (crm_objects).
  virtual Status ArchiveSchema(int64_t account_id, int64_t schema_id, int64_t now_ms) = 0;
  // Deletes an archived schema with its properties, groups and association definitions (both
  // ends), which frees its name. kNotFound unless the schema is archived. Archived records of
  // the type stay in crm_objects (the type id is never handed out again).
  virtual Status PurgeSchema(int64_t account_id, int64_t schema_id) = 0;
  // Adds a definition from a live schema's type (ids assigned). kNotFound for the schema.
  virtual Result<SchemaAssociationRecord> AddSchemaAssociation(
      int64_t account_id, int64_t schema_id, const SchemaAssociationRecord& association,
      int64_t now_ms) = 0;
  // Removes the definition with id or inverse id `association_id` in which the live schema's
  // type is either end. kNotFound otherwise.
  virtual Status RemoveSchemaAssociation(int64_t account_id, int64_t schema_id,
                                         int64_t association_id) = 0;
};

}  // namespace flowd::store
