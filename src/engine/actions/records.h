// Record writes shared by set property, create record and create task: property checks against
// the type's definitions and associations of a new record with the enrolled one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/actions/action_util.h"

namespace flowd::engine::actions {

// The type's properties; a type without any (an unknown type) is a problem.
Result<std::optional<std::shared_ptr<const crm::PropertySet>>> PropertiesOf(
    Ctx& ctx, const std::string& object_type_id);

// The property `name` of `props`, writable by a workflow; nullptr records a problem (unknown,
// read-only or calculated).
const store::PropertyRecord* WritableProperty(Ctx& ctx, const crm::PropertySet& props,
                                              const std::string& object_type_id,
                                              const std::string& name);

// `value` in its stored form for `property` (crm::NormalizePropertyValue); nullopt records the
// problem (HubSpot's error code and message).
std::optional<std::string> NormalizeValue(Ctx& ctx, const store::PropertyRecord& property,
                                          const std::string& value);

// The associations of a record of `new_type` being created: `associations` entries
// {target: {associationCategory, associationTypeId}, value: {type: ENROLLED_OBJECT}} (HubSpot's
// shape for 0-3 and 0-14), or, when there are none and `explicit_only` is false, the default
// type between the new type and the enrolled record's. Only HUBSPOT_DEFINED types can be written
// here (their inverse is known without the store). nullopt records a problem.
std::optional<std::vector<store::AssociationWrite>> EnrolledAssociations(
    Ctx& ctx, const std::string& new_type, const boost::json::array* associations,
    bool explicit_only);

}  // namespace flowd::engine::actions
