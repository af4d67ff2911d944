#include "store/common/association_util.h"

#include <utility>

namespace flowd::store::internal {

std::vector<AssociationRowKey> RowsOf(const std::string& from_type, int64_t from_id,
                                      const std::string& to_type, int64_t to_id,
                                      const AssociationTypeWrite& t) {
  return {AssociationRowKey{from_type, from_id, to_type, to_id, t.category, t.type_id},
          AssociationRowKey{to_type, to_id, from_type, from_id, t.category, t.inverse_type_id}};
}

CrmEvent AssociationChangeEvent(int64_t account_id, const AssociationRowKey& row, bool added,
                                int64_t now_ms) {
  CrmEvent e;
  e.account_id = account_id;
  e.event_type_id = std::string(kEventAssociationChanged);
  e.object_type_id = row.from_type;
  e.object_id = row.from_id;
  e.occurred_at_ms = now_ms;
  e.properties = {{std::string(kToObjectTypeProperty), row.to_type},
                  {std::string(kToObjectIdProperty), std::to_string(row.to_id)},
                  {std::string(kAssociationCategoryProperty), row.category},
                  {std::string(kAssociationTypeIdProperty), std::to_string(row.type_id)},
                  {std::string(kAssociationChangeProperty),
                   std::string(added ? kMembershipAdded : kMembershipRemoved)}};
  return e;
}

Status AssociationEventLog::Log(const AssociationRowKey& row, bool added) {
  CrmEvent e = AssociationChangeEvent(account_id_, row, added, now_ms_);
  return txn_->InsertEvent(e);
}

std::optional<SingleOwner> SingleOwnerOf(const AssociationWrite& w, const AssociationTypeWrite& t) {
  switch (t.single) {
    case AssociationTypeWrite::Single::kNone:
      return std::nullopt;
    case AssociationTypeWrite::Single::kFrom:
      return SingleOwner{w.from_type, w.from_id,         w.to_type, t.category,
                         t.type_id,   t.inverse_type_id, w.to_id};
    case AssociationTypeWrite::Single::kTo:
      return SingleOwner{w.to_type,         w.to_id,   w.from_type, t.category,
                         t.inverse_type_id, t.type_id, w.from_id};
  }
  return std::nullopt;
}

std::vector<AssociationRowKey> RowsOfSingle(const SingleOwner& owner, int64_t other_id) {
  return {AssociationRowKey{owner.from_type, owner.from_id, owner.to_type, other_id, owner.category,
                            owner.type_id},
          AssociationRowKey{owner.to_type, other_id, owner.from_type, owner.from_id, owner.category,
                            owner.inverse_type_id}};
}

void AssociationPageBuilder::Add(int64_t to_id, AssociationTypeKey type) {
  if (records_.empty() || records_.back().to_id != to_id) {
    if (records_.size() == limit_) {
      more_ = true;
      return;
    }
    if (more_) return;
    records_.push_back(AssociatedRecord{to_id, {}});
  }
  records_.back().types.push_back(std::move(type));
}

void AssociationPageBuilder::Finish(AssociationPage& page) {
  if (more_ && !records_.empty()) page.next_after = records_.back().to_id;
  page.records = std::move(records_);
  records_.clear();
}

int64_t IdsNeededFor(const AssociationLabelDefinition& def) {
  return def.from_type == def.to_type && !def.inverse_label ? 1 : 2;
}

std::vector<AssociationLabel> LabelRowsFor(const AssociationLabelDefinition& def, int64_t first,
                                           int64_t second, int64_t now_ms) {
  if (IdsNeededFor(def) == 1) {
    return {
        AssociationLabel{first, def.from_type, def.to_type, first, def.name, def.label, now_ms}};
  }
  return {AssociationLabel{first, def.from_type, def.to_type, second, def.name, def.label, now_ms},
          AssociationLabel{second, def.to_type, def.from_type, first, def.name,
                           def.inverse_label.value_or(def.label), now_ms}};
}

Error LabelNotFound(int64_t type_id, const std::string& from_type, const std::string& to_type) {
  return Error::NotFound("No association label with type id " + std::to_string(type_id) + " from " +
                         from_type + " to " + to_type);
}

Error LabelNameTaken(const std::string& name) {
  return Error::Conflict("An association label named '" + name +
                         "' already exists between these object types");
}

Error TooManyLabels(size_t max_labels) {
  return Error::Invalid("At most " + std::to_string(max_labels) +
                        " association labels can be defined between two object types");
}

Error TypeIdsExhausted() {
  return Error::Invalid("This account has used up its association type ids");
}

}  // namespace flowd::store::internal
