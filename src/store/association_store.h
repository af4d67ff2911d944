// Associations between CRM records. Thread safety and errors as in store.h.
//
// Table `crm_associations` (created with the object tables, migration 2, because archiving a
// record deletes its associations in the same transaction):
//   account_id, from_type, from_id, to_type, to_id, category, type_id, created_at_ms
//   PRIMARY KEY (account_id, from_type, from_id, to_type, to_id, category, type_id)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::store {

// An association between two records. Associations are directed rows, but the store keeps both
// directions: creating A→B (type t) also creates B→A (the inverse type, given by the caller).
struct AssociationRow {
  std::string from_type;
  int64_t from_id = 0;
  std::string to_type;
  int64_t to_id = 0;
  std::string category;  // HUBSPOT_DEFINED | USER_DEFINED | INTEGRATOR_DEFINED
  int64_t type_id = 0;   // association type id
};

class AssociationStore {
 public:
  virtual ~AssociationStore() = default;
  // ---- associations (both directions stored; see AssociationRow)

  // Creates `rows` and their inverses (`inverse_type_ids[i]` for rows[i]); an existing
  // association is kept (idempotent). kNotFound when either end is not a live record.
  virtual Status Associate(int64_t account_id, const std::vector<AssociationRow>& rows,
                           const std::vector<int64_t>& inverse_type_ids) = 0;
  // Removes the given (from, to, type) associations and their inverses; an association
  // without `type_id` (0) removes every type between the two records.
  virtual Status Dissociate(int64_t account_id, const std::vector<AssociationRow>& rows) = 0;
  // Associations from one record to records of `to_type`, ordered by to_id, to_id > after.
  virtual Result<std::vector<AssociationRow>> ListAssociations(
      int64_t account_id, const std::string& from_type, int64_t from_id, const std::string& to_type,
      std::optional<int64_t> after, size_t limit) = 0;
};

}  // namespace flowd::store
