// HubSpot's data-sensitivity rules for automation (reference §10): a flow "references sensitive
// data" when a trigger, filter, branch, action field or input value names a property whose
// dataSensitivity is `sensitive`. Creating, updating or deleting such a flow needs the flow
// object type's `.sensitive.write` scope; reading its enrollment and performance data needs
// `.sensitive.read`. `highly_sensitive` properties cannot be used by automation at all.
//
// Property names are looked up among the flow object type's properties; names that are not
// properties of that type (associated objects' properties, event properties) do not count.
// Thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crm/object_types.h"
#include "crm/property_value.h"

namespace flowd::crm {

struct SensitiveReferences {
  std::vector<std::string> sensitive;
  std::vector<std::string> highly_sensitive;
  bool any() const { return !sensitive.empty() || !highly_sensitive.empty(); }
};

class DataSensitivity {
 public:
  DataSensitivity(ObjectTypeResolver& types, PropertyCatalog& properties)
      : types_(types), properties_(properties) {}

  Result<SensitiveReferences> Classify(int64_t account_id, std::string_view object_type_id,
                                       const std::set<std::string>& property_names);

  // For flow create/update/delete: 400 naming every highly sensitive property; 403
  // MISSING_SCOPES (the type's sensitive write scopes) when sensitive ones are referenced and the
  // caller has none of those scopes.
  Status CheckFlowWrite(int64_t account_id, std::string_view object_type_id,
                        const std::set<std::string>& property_names,
                        const std::vector<std::string>& scopes);
  // For changing or deleting a stored flow: 403 unless the caller holds the sensitive write scope
  // when the flow references sensitive (or, since a property's sensitivity can be raised after
  // the flow was saved, highly sensitive) properties. Never a 400: a stored flow stays deletable.
  Status CheckStoredFlowWrite(int64_t account_id, std::string_view object_type_id,
                              const std::set<std::string>& property_names,
                              const std::vector<std::string>& scopes);
  // Whether any property of the type is sensitive or highly sensitive: when none is, no flow of
  // the type can reference sensitive data and callers need not collect what a flow references.
  Result<bool> TypeHasSensitiveProperties(int64_t account_id, std::string_view object_type_id);
  // For enrollment and performance data: 403 unless the caller holds the sensitive read scope.
  Status CheckFlowRead(int64_t account_id, std::string_view object_type_id,
                       const std::set<std::string>& property_names,
                       const std::vector<std::string>& scopes);

 private:
  ObjectTypeResolver& types_;
  PropertyCatalog& properties_;
};

}  // namespace flowd::crm
