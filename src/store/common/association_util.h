// Backend-independent pieces of the AssociationStore implementations: the rows an association
// write touches, the "single" (primary) rule, page assembly and label row shapes. Internal to the
// store module; SQL stays in each backend.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/association_store.h"
#include "store/common/object_writes.h"
#include "store/object_store.h"

namespace flowd::store::internal {

inline constexpr std::string_view kUserDefinedCategory = "USER_DEFINED";

// One crm_associations row (without account and timestamp).
struct AssociationRowKey {
  std::string from_type;
  int64_t from_id = 0;
  std::string to_type;
  int64_t to_id = 0;
  std::string category;
  int64_t type_id = 0;
};

// The two rows of type `t` between two records: from→to with t.type_id and to→from with
// t.inverse_type_id.
std::vector<AssociationRowKey> RowsOf(const std::string& from_type, int64_t from_id,
                                      const std::string& to_type, int64_t to_id,
                                      const AssociationTypeWrite& t);

// The event log entry of a row written (`added`) or removed: kEventAssociationChanged on the
// row's from record.
CrmEvent AssociationChangeEvent(int64_t account_id, const AssociationRowKey& row, bool added,
                                int64_t now_ms);

// Appends the events of the association rows a transaction changes, through that transaction's
// ObjectTxn (each backend's writer of crm_events).
class AssociationEventLog {
 public:
  AssociationEventLog(std::unique_ptr<ObjectTxn> txn, int64_t account_id, int64_t now_ms)
      : txn_(std::move(txn)), account_id_(account_id), now_ms_(now_ms) {}
  Status Log(const AssociationRowKey& row, bool added);
  int64_t account_id() const { return account_id_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  std::unique_ptr<ObjectTxn> txn_;
  int64_t account_id_;
  int64_t now_ms_;
};

// The record that may hold a "single" type to one record only, seen from that record: it keeps
// the type to `keep_to_id` and loses it to every other record of `to_type`.
struct SingleOwner {
  std::string from_type;
  int64_t from_id = 0;
  std::string to_type;
  std::string category;
  int64_t type_id = 0;          // the type as seen from the owner
  int64_t inverse_type_id = 0;  // as seen from the other side
  int64_t keep_to_id = 0;
};

// The owner of `t` in write `w`, or nullopt when `t` is not single.
std::optional<SingleOwner> SingleOwnerOf(const AssociationWrite& w, const AssociationTypeWrite& t);

// The rows to delete when the owner's single type moves away from `other_id`.
std::vector<AssociationRowKey> RowsOfSingle(const SingleOwner& owner, int64_t other_id);

// Groups association rows read in (to_id, category, type_id) order — the rows of at most
// limit + 1 records — into a page of at most `limit` records.
class AssociationPageBuilder {
 public:
  explicit AssociationPageBuilder(size_t limit) : limit_(limit) {}
  void Add(int64_t to_id, AssociationTypeKey type);
  // Moves the records into `page`, setting next_after when a record beyond the limit was seen.
  void Finish(AssociationPage& page);

 private:
  size_t limit_;
  std::vector<AssociatedRecord> records_;
  bool more_ = false;
};

// The label rows CreateLabel inserts for `def` given the allocated ids (`second` unused when one
// symmetric row is enough): from→to first.
std::vector<AssociationLabel> LabelRowsFor(const AssociationLabelDefinition& def, int64_t first,
                                           int64_t second, int64_t now_ms);
// How many ids `def` needs (1 for a symmetric label, else 2).
int64_t IdsNeededFor(const AssociationLabelDefinition& def);

// Errors both backends return.
Error LabelNotFound(int64_t type_id, const std::string& from_type, const std::string& to_type);
Error LabelNameTaken(const std::string& name);
Error TooManyLabels(size_t max_labels);
Error TypeIdsExhausted();

}  // namespace flowd::store::internal
