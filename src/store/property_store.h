// Stored CRM property definitions and custom object schemas. HubSpot's built-in ("hubspotDefined")
// properties of the standard objects are not stored: crm/ supplies them from code and merges
// them with what is stored here. Thread safety and errors as in store.h.
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
};

}  // namespace flowd::store
