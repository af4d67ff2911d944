// Backend-independent pieces of the owner, form and marketing-email stores: the error texts both
// backends return, the stored form of owner teams, and id arithmetic. Internal to the store
// module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/owner_store.h"

namespace flowd::store::internal {

// user_id = id - kOwnerUserIdOffset, a generated column (see each backend's migration 5).
inline constexpr int64_t kOwnerUserIdOffset = 90'000'000;

// The owner id of a user id, or nullopt when no owner can have it (keeps the arithmetic in range).
std::optional<int64_t> OwnerIdForUserId(int64_t user_id);

Error OwnerNotFound(int64_t owner_id);
Error OwnerNotFoundByUserId(int64_t user_id);
Error OwnerEmailTaken(const std::string& email);
Error FormNotFound(const std::string& form_id);
Error FormIdTaken(const std::string& form_id);
Error MarketingEmailNotFound(int64_t email_id);

// Teams are stored as a JSON array of {id, name, primary}.
std::string TeamsToJson(const std::vector<OwnerTeam>& teams);
// Unreadable stored text yields no teams (the column is only ever written by TeamsToJson).
std::vector<OwnerTeam> TeamsFromJson(std::string_view text);

}  // namespace flowd::store::internal
