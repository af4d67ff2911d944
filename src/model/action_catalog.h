// The catalogue of built-in action types flowd knows (actionTypeId → input fields).
// Thread-safe, immutable after static initialisation.
#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowd::model {

struct ActionInputField {
  std::string name;
  std::string label;
  std::string description;
  bool required = false;
  std::string crm_type;              // bool currency_number date datetime enumeration json number
                                     // object_coordinates phone_number string
  std::vector<std::string> options;  // ENUM fields only (empty → SIMPLE)
};

struct ActionType {
  std::string action_type_id;                // "0-1"
  std::string name;                          // "Delay for a set amount of time"
  std::string group_id;                      // e.g. "DELAYS", "CRM", "COMMUNICATIONS", "LISTS"
  std::vector<std::string> object_type_ids;  // empty = every object type
  std::vector<ActionInputField> fields;
  // Accepted on input but not listed by the catalogue endpoint (e.g. legacy list action 0-13).
  bool legacy = false;
};

const std::vector<ActionType>& BuiltinActionTypes();
const ActionType* FindBuiltinActionType(std::string_view action_type_id);

// `{ "results": [ApiActionTypeDefinition…] }` items for the catalogue endpoint; every type that
// applies to `object_type_id` (all types when nullopt). Legacy types are not listed.
boost::json::array ActionTypeDefinitions(const std::optional<std::string>& object_type_id);

}  // namespace flowd::model
