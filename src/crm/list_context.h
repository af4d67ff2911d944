// The filter evaluator's view of one account's CRM data, read from the store: record values
// (prefetched in batches when the caller knows which records it will evaluate), value history,
// list memberships, associations and events. Used by the list processor; the engine may reuse it.
//
// Not thread-safe (one evaluation batch at a time). Values read are cached for the context's
// lifetime, so a context should live for one batch: later changes reach the processor as events
// and are evaluated again with a fresh context.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "crm/filter/filter_context.h"
#include "crm/property_value.h"
#include "store/association_store.h"
#include "store/list_store.h"
#include "store/object_store.h"

namespace flowd::crm {

class StoreFilterContext final : public filter::FilterContext {
 public:
  // `associations` may be null: association queries then fail with kNotImplemented (filters
  // that need them are refused when lists are created, see ListService).
  // `time_zone`: the account's IANA zone id (AccountZones).
  StoreFilterContext(int64_t account_id, store::ObjectStore& objects, store::ListStore& lists,
                     store::AssociationStore* associations, PropertyCatalog& properties,
                     const Clock& clock, std::string time_zone = "UTC");

  // Remembers these records' values (live records of `object_type_id`); ids asked for later that
  // are not among them are read one by one.
  void Prefetch(const std::string& object_type_id, const std::vector<store::ObjectRecord>& records,
                const std::vector<int64_t>& asked);

  int64_t NowMs() override;
  std::string TimeZoneId() override { return time_zone_; }
  Result<std::shared_ptr<const PropertySet>> Properties(const std::string& object_type_id) override;
  Result<std::optional<std::map<std::string, std::string>>> Values(
      const filter::RecordRef& record) override;
  Result<std::vector<store::ValueVersion>> History(const filter::RecordRef& record,
                                                   const std::string& property) override;
  Result<bool> IsMember(const std::string& list_id, const filter::RecordRef& record) override;
  Result<std::optional<std::string>> ListObjectType(const std::string& list_id) override;
  Result<std::vector<int64_t>> Associated(const filter::RecordRef& from,
                                          const std::string& to_object_type_id,
                                          const std::string& category, int64_t type_id) override;
  Result<std::vector<store::CrmEvent>> Events(const filter::RecordRef& record,
                                              const std::string& event_type_id) override;

 private:
  using Values_ = std::optional<std::map<std::string, std::string>>;
  const int64_t account_id_;
  store::ObjectStore& objects_;
  store::ListStore& lists_;
  store::AssociationStore* associations_;
  PropertyCatalog& properties_;
  const Clock& clock_;
  const std::string time_zone_;
  std::map<std::pair<std::string, int64_t>, Values_> values_;
  std::map<std::string, std::optional<std::string>> list_types_;
};

// Ids of the live records of `to_type` associated with `from` (category/type filtered as in
// FilterContext::Associated), read page by page.
Result<std::vector<int64_t>> AssociatedIds(store::AssociationStore& associations,
                                           int64_t account_id, const std::string& from_type,
                                           int64_t from_id, const std::string& to_type,
                                           const std::string& category, int64_t type_id);

}  // namespace flowd::crm
