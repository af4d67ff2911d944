// Checks of the built-in actions whose fields name other things of the account, made when a flow
// is enabled (create or PUT with isEnabled: true; a disabled draft may name anything its shape
// allows): rotate record to owner (0-11) names owners and an owner property, enroll in another
// workflow (0-15) a flow. The shape of the fields is checked on every save (model/).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "crm/property_value.h"
#include "model/flow_codec.h"
#include "store/owner_store.h"
#include "store/store.h"

namespace flowd::flows {

// 400 listing every problem: a user id that is neither the id nor the user id of a live owner
// (UNKNOWN_OWNER), a target_property that is not a property of the flow's object type
// (UNKNOWN_PROPERTY) or one workflows cannot write (READ_ONLY_PROPERTY), a flow_id that names no
// flow of the account (UNKNOWN_FLOW) or one of another object type (OBJECT_TYPE_MISMATCH).
// `owners` and `properties` may be null: those checks are then skipped (made when the step runs).
Status CheckActionTargets(int64_t account_id, const model::DecodedFlow& decoded,
                          store::FlowStore& flows, store::OwnerStore* owners,
                          crm::PropertyCatalog* properties);

}  // namespace flowd::flows
