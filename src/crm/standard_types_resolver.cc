#include "crm/standard_types_resolver.h"

namespace flowd::crm {

Result<ObjectTypeInfo> StandardTypesResolver::Resolve(int64_t /*account_id*/,
                                                      std::string_view name_or_id) {
  if (auto t = FindStandardObjectType(name_or_id)) return *t;
  return ObjectTypeNotFound(name_or_id);
}

}  // namespace flowd::crm
