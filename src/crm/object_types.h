// CRM object types: HubSpot's standard ones (contacts 0-1, companies 0-2, deals 0-3, tickets 0-5,
// tasks 0-27, notes 0-46) and custom ones (2-N, defined through /crm/v3/schemas), with the names
// the APIs accept for them and the scopes that guard them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::crm {

struct ObjectTypeInfo {
  std::string id;        // "0-1", "2-123"
  std::string name;      // API path name: "contacts"; custom: the schema's name, e.g. "cars"
  std::string singular;  // "contact", "car"
  // The fully qualified name HubSpot also accepts for custom types ("p1000001_cars"); empty for
  // standard types.
  std::string fully_qualified_name;
  std::string primary_display_property;  // "email", "name", "dealname", "subject", …
  bool custom = false;

  // Scopes (any one suffices). Sensitive scopes are the `.sensitive.{read,write}` forms; HubSpot's
  // `.v2` spellings are accepted too.
  std::vector<std::string> read_scopes;
  std::vector<std::string> write_scopes;
  std::vector<std::string> sensitive_read_scopes;
  std::vector<std::string> sensitive_write_scopes;
  std::vector<std::string> highly_sensitive_read_scopes;
  std::vector<std::string> highly_sensitive_write_scopes;
};

// The six standard types, in id order.
const std::vector<ObjectTypeInfo>& StandardObjectTypes();

// A standard type by id ("0-1"), plural or singular name ("contacts", "contact", any case), or
// HubSpot's upper-case enum spelling ("CONTACT"). nullopt when it is not a standard type.
std::optional<ObjectTypeInfo> FindStandardObjectType(std::string_view name_or_id);

// The info for a custom type (scopes `crm.objects.custom.*`).
ObjectTypeInfo MakeCustomObjectType(std::string id, std::string name, std::string singular,
                                    std::string primary_display_property, int64_t account_id);

// True for "2-<digits>".
bool IsCustomObjectTypeId(std::string_view id);

// Resolves names to types for one account: standard types, then the account's custom schemas.
// Implemented by SchemaService. kNotFound (HubSpot: 400 "Unable to infer object type from: x"
// — see ObjectTypeNotFound) when nothing matches.
class ObjectTypeResolver {
 public:
  virtual ~ObjectTypeResolver() = default;
  virtual Result<ObjectTypeInfo> Resolve(int64_t account_id, std::string_view name_or_id) = 0;
};

// HubSpot's answer for an object type it cannot resolve (400, as HubSpot answers it).
Error ObjectTypeNotFound(std::string_view name_or_id);

}  // namespace flowd::crm
