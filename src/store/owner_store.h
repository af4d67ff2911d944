// Stored CRM owners: the users that records, tasks and notifications are assigned to (HubSpot's
// /crm/v3/owners). flowd has no user accounts of its own: owners are created by the operator
// (`flowd owner create`). Thread safety and errors as in store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::store {

struct OwnerTeam {
  std::string id;
  std::string name;
  bool primary = false;
};

struct OwnerRecord {
  int64_t account_id = 0;
  int64_t id = 0;       // owner id (int32 range, as HubSpot's path parameter is)
  int64_t user_id = 0;  // HubSpot's user id: a function of the id, distinct from every owner id
  std::string email;    // lower-cased by the caller; unique among the account's live owners
  std::string first_name;
  std::string last_name;
  std::string type = "PERSON";  // PERSON | QUEUE
  std::vector<OwnerTeam> teams;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;
};

struct OwnerWrite {
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string type = "PERSON";
  std::vector<OwnerTeam> teams;
};

struct OwnerPage {
  std::vector<OwnerRecord> owners;
  std::optional<int64_t> next_after;  // set when more owners follow
};

class OwnerStore {
 public:
  virtual ~OwnerStore() = default;
  // Assigns id and user_id; created = updated = now. kNotFound for an unknown account, kConflict
  // when a live owner of the account has the same email.
  virtual Result<OwnerRecord> CreateOwner(int64_t account_id, const OwnerWrite& owner,
                                          int64_t now_ms) = 0;
  // The owner (live or archived). kNotFound when not in the account.
  virtual Result<OwnerRecord> GetOwner(int64_t account_id, int64_t owner_id) = 0;
  virtual Result<OwnerRecord> GetOwnerByUserId(int64_t account_id, int64_t user_id) = 0;
  // Owners in id order with id > after_id: only archived ones when `archived`, else only live
  // ones; only those with exactly this (lower-cased) email when `email` is set.
  virtual Result<OwnerPage> ListOwners(int64_t account_id, const std::optional<std::string>& email,
                                       std::optional<int64_t> after_id, size_t limit,
                                       bool archived) = 0;
  // kNotFound unless the owner is live in the account. Frees its email for a new owner.
  virtual Status ArchiveOwner(int64_t account_id, int64_t owner_id, int64_t now_ms) = 0;
};

}  // namespace flowd::store
