// An ObjectTypeResolver that knows the six standard object types only. The composition root
// uses it until SchemaService (which also resolves the account's custom objects) is wired in;
// tests use it as the resolver of standard types.
#pragma once

#include "crm/object_types.h"

namespace flowd::crm {

class StandardTypesResolver final : public ObjectTypeResolver {
 public:
  // Standard types by id, name or singular name (any case); 400 ObjectTypeNotFound otherwise.
  Result<ObjectTypeInfo> Resolve(int64_t account_id, std::string_view name_or_id) override;
};

}  // namespace flowd::crm
