// HubSpot's built-in ("hubspotDefined") properties and property groups of the standard object
// types, supplied from code (never stored), and the built-ins a custom object type is created
// with (stored with its schema, see SchemaService).
//
// Every type has `hs_object_id` (number), `createdate` and `lastmodifieddate` (datetime): their
// values are maintained by the object store (read-only values). flowd uses these three names for
// every type, including those for which HubSpot names the modification date
// `hs_lastmodifieddate`.
//
// Built-in definitions are read-only: they cannot be changed (PATCH is 400) or archived (400),
// options included — flowd has no pipelines API, so the deal and ticket stages are the default
// pipeline's. `hubspot_owner_id` is an enumeration with external options (referencedObjectType
// OWNER): any owner id (a positive decimal id) is a valid value, see NormalizePropertyValue.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/property_store.h"

namespace flowd::crm {

// The built-in groups of a standard type ("0-1" …), in display order; empty for other types.
const std::vector<store::PropertyGroupRecord>& DefaultGroups(std::string_view object_type_id);

// The built-in properties of a standard type, by name; empty for other types.
const std::vector<store::PropertyRecord>& DefaultProperties(std::string_view object_type_id);

// The default group of a custom type named `schema_name`: "<schema_name>_information".
store::PropertyGroupRecord CustomObjectDefaultGroup(const std::string& schema_name,
                                                    const std::string& singular_label);

// The built-in properties of a custom type (hs_object_id, createdate, lastmodifieddate), in
// group `group_name`.
std::vector<store::PropertyRecord> CustomObjectDefaultProperties(const std::string& group_name);

}  // namespace flowd::crm
