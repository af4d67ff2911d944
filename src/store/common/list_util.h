// What both backends' ListStore implementations share: name keys, error texts, the membership
// delta arithmetic. Internal to the store module.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/common/object_writes.h"
#include "store/list_store.h"
#include "store/object_store.h"

namespace flowd::store::internal {

// The column list every list SELECT reads, in the order ReadList (per backend) decodes it.
inline constexpr const char* kListColumns =
    "id, account_id, name, object_type_id, processing_type, processing_status, list_version, "
    "filter_json, custom_properties_json, folder_id, size, created_at_ms, updated_at_ms, "
    "filters_updated_at_ms, deleted_at_ms, last_added_at_ms, last_removed_at_ms, created_by_id, "
    "updated_by_id, backfill_after, last_full_evaluation_ms";

// List names are unique per account without case (ASCII case folding, as HubSpot's UI does).
std::string ListNameKey(const std::string& name);

Error ListNotFound(int64_t list_id);
Error ListNameTaken(const std::string& name);
Error FolderNotFound(int64_t folder_id);

// Ids to remove: `remove` minus `add` (an id in both is added), de-duplicated.
std::vector<int64_t> RemovalsOf(const std::vector<int64_t>& add,
                                const std::vector<int64_t>& remove);
// `ids` de-duplicated, order kept.
std::vector<int64_t> Unique(const std::vector<int64_t>& ids);

// Appends the kEventListMembership events of one change of `list`'s members to the CRM event
// log through `txn` (the change's transaction): removals first, then additions, each in id order.
Status LogMembershipChange(ObjectTxn& txn, const ListRecord& list, const MembershipResult& change,
                           int64_t now_ms);

}  // namespace flowd::store::internal
