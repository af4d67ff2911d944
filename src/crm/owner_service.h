// Owners (HubSpot's /crm/v3/owners): the users records, tasks and notifications are assigned to.
// flowd has no user directory: the operator creates owners (`flowd owner create`); the API reads
// them. Thread-safe (the store is; the service holds no state of its own).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/owner_store.h"

namespace flowd::crm {

// GET /crm/v3/owners page sizes (HubSpot: default 100, at most 500).
inline constexpr size_t kOwnerPageDefault = 100;
inline constexpr size_t kOwnerPageMax = 500;
inline constexpr size_t kOwnerNameMaxLength = 256;

struct OwnerInput {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::vector<store::OwnerTeam> teams;
};

// A plausible email address (one '@', a dotted domain, no spaces or control characters, at most
// 254 bytes), lower-cased; nullopt otherwise.
std::optional<std::string> NormalizeEmail(std::string_view email);

class OwnerService {
 public:
  OwnerService(store::OwnerStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // kInvalidArgument listing every bad field; kConflict when a live owner has the email;
  // kNotFound for an unknown account.
  Result<store::OwnerRecord> Create(int64_t account_id, const OwnerInput& input);

  // GET /crm/v3/owners/{ownerId}: `id_text` is the path parameter, `id_property` "id" (default)
  // or "userId". Only archived owners when `archived`, else only live ones (kNotFound otherwise).
  Result<store::OwnerRecord> Get(int64_t account_id, std::string_view id_text,
                                 std::string_view id_property, bool archived);

  // `email` is matched case-insensitively.
  Result<store::OwnerPage> List(int64_t account_id, const std::optional<std::string>& email,
                                std::optional<int64_t> after_id, size_t limit, bool archived);

  Status Archive(int64_t account_id, int64_t owner_id);

 private:
  store::OwnerStore& store_;
  const Clock& clock_;
};

}  // namespace flowd::crm
