#include "crm/list_context.h"

#include <algorithm>
#include <charconv>

#include "common/text.h"

namespace flowd::crm {
namespace {}  // namespace

Result<std::vector<int64_t>> AssociatedIds(store::AssociationStore& associations,
                                           int64_t account_id, const std::string& from_type,
                                           int64_t from_id, const std::string& to_type,
                                           const std::string& category, int64_t type_id) {
  constexpr size_t kPage = 500;
  std::vector<int64_t> out;
  std::optional<int64_t> after;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(
        auto pages, associations.ListAssociations(account_id, from_type,
                                                  {store::AssociationPageRequest{from_id, after}},
                                                  to_type, kPage));
    if (pages.empty()) break;
    for (const auto& r : pages.front().records) {
      const bool wanted = std::any_of(r.types.begin(), r.types.end(), [&](const auto& t) {
        return (category.empty() || t.category == category) &&
               (type_id <= 0 || t.type_id == type_id);
      });
      if (wanted) out.push_back(r.to_id);
    }
    if (!pages.front().next_after) break;
    after = pages.front().next_after;
  }
  return out;
}

StoreFilterContext::StoreFilterContext(int64_t account_id, store::ObjectStore& objects,
                                       store::ListStore& lists,
                                       store::AssociationStore* associations,
                                       PropertyCatalog& properties, const Clock& clock,
                                       std::string time_zone)
    : account_id_(account_id),
      objects_(objects),
      lists_(lists),
      associations_(associations),
      properties_(properties),
      clock_(clock),
      time_zone_(std::move(time_zone)) {}

void StoreFilterContext::Prefetch(const std::string& type,
                                  const std::vector<store::ObjectRecord>& records,
                                  const std::vector<int64_t>& asked) {
  for (int64_t id : asked) values_[{type, id}] = std::nullopt;  // not live unless found below
  for (const auto& r : records) values_[{type, r.id}] = r.properties;
}

int64_t StoreFilterContext::NowMs() { return clock_.NowMs(); }

Result<std::shared_ptr<const PropertySet>> StoreFilterContext::Properties(
    const std::string& object_type_id) {
  return properties_.PropertiesOf(account_id_, object_type_id);
}

Result<std::optional<std::map<std::string, std::string>>> StoreFilterContext::Values(
    const filter::RecordRef& record) {
  auto key = std::make_pair(record.object_type_id, record.id);
  auto it = values_.find(key);
  if (it != values_.end()) return it->second;
  FLOWD_ASSIGN_OR_RETURN(
      auto found, objects_.GetObjects(account_id_, record.object_type_id, {record.id}, false));
  Values_ v;
  if (!found.empty()) v = std::move(found.front().properties);
  values_[key] = v;
  return v;
}

Result<std::vector<store::ValueVersion>> StoreFilterContext::History(
    const filter::RecordRef& record, const std::string& property) {
  FLOWD_ASSIGN_OR_RETURN(
      auto h, objects_.GetHistory(account_id_, record.object_type_id, {record.id}, {property}));
  auto r = h.find(record.id);
  if (r == h.end()) return std::vector<store::ValueVersion>{};
  auto p = r->second.find(property);
  if (p == r->second.end()) return std::vector<store::ValueVersion>{};
  return p->second;
}

Result<bool> StoreFilterContext::IsMember(const std::string& list_id,
                                          const filter::RecordRef& record) {
  auto id = ParseDecimalId(list_id);
  if (!id) return false;
  FLOWD_ASSIGN_OR_RETURN(auto members, lists_.FilterMembers(account_id_, *id, {record.id}));
  return !members.empty();
}

Result<std::optional<std::string>> StoreFilterContext::ListObjectType(const std::string& list_id) {
  auto it = list_types_.find(list_id);
  if (it != list_types_.end()) return it->second;
  std::optional<std::string> type;
  if (auto id = ParseDecimalId(list_id)) {
    auto l = lists_.GetList(account_id_, *id, false);
    if (l.ok()) {
      type = l->object_type_id;
    } else if (l.error().code != ErrorCode::kNotFound) {
      return std::move(l).error();
    }
  }
  list_types_[list_id] = type;
  return type;
}

Result<std::vector<int64_t>> StoreFilterContext::Associated(const filter::RecordRef& from,
                                                            const std::string& to_type,
                                                            const std::string& category,
                                                            int64_t type_id) {
  if (associations_ == nullptr) {
    return Error{ErrorCode::kNotImplemented,
                 "Association filters need the associations store, which this server lacks",
                 {},
                 {},
                 std::nullopt};
  }
  return AssociatedIds(*associations_, account_id_, from.object_type_id, from.id, to_type, category,
                       type_id);
}

Result<std::vector<store::CrmEvent>> StoreFilterContext::Events(const filter::RecordRef& record,
                                                                const std::string& event_type_id) {
  return objects_.ObjectEvents(account_id_, record.object_type_id, record.id, event_type_id);
}

}  // namespace flowd::crm
