// What the filter evaluator reads records through. Implemented over the store by the lists
// service and by the engine (which may answer from a snapshot of one change), and in memory by
// tests. The evaluator never reads the wall clock or the store directly.
//
// Records are named by (object type id, record id) within one account: an implementation is
// bound to one account, and ids of other accounts do not exist for it.
//
// Errors: an implementation returns an Error only for failures (store errors); absent data is an
// empty answer, never an error. One evaluation calls a context from one thread; whether an
// implementation may be shared between threads is its own contract.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crm/property_value.h"
#include "store/object_store.h"

namespace flowd::crm::filter {

struct RecordRef {
  std::string object_type_id;  // "0-1", "2-7", …
  int64_t id = 0;
};

class FilterContext {
 public:
  virtual ~FilterContext() = default;

  // ---- time

  // The current time, from an injected clock (never the wall clock in tests).
  virtual int64_t NowMs() = 0;
  // The account's time zone: day, week, month, quarter and year boundaries of CALENDAR_DATE,
  // DATE, ROLLING_DATE_RANGE and DATETIME (with requiresTimeZoneConversion) are taken in it,
  // and time points whose timezoneSource is PORTAL or USER use it. Any id TimeZone::Find accepts.
  virtual std::string TimeZoneId() { return "UTC"; }
  // First month (1-12) of the account's fiscal year (FISCAL_QUARTER / FISCAL_YEAR references).
  virtual int FiscalYearStartMonth() { return 1; }

  // ---- records

  // The property definitions of a type: they give values their types (number, date, …).
  // The empty set for an unknown type.
  virtual Result<std::shared_ptr<const PropertySet>> Properties(
      const std::string& object_type_id) = 0;
  // The record's current non-empty property values; nullopt when it is not a live record.
  virtual Result<std::optional<std::map<std::string, std::string>>> Values(
      const RecordRef& record) = 0;
  // Every version of one property, newest first, the current value included (a version whose
  // value is "" cleared the property). Empty when the property was never set.
  virtual Result<std::vector<store::ValueVersion>> History(const RecordRef& record,
                                                           const std::string& property) = 0;

  // ---- lists, associations, events

  // Whether the record is a member of list `list_id` (false for an unknown list).
  virtual Result<bool> IsMember(const std::string& list_id, const RecordRef& record) = 0;
  // The object type of list `list_id`; nullopt for an unknown list.
  virtual Result<std::optional<std::string>> ListObjectType(const std::string& list_id) = 0;
  // Ids of the live records of `to_object_type_id` associated with `from` by an association of
  // `category` (HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED) and `type_id`, in id order.
  // An empty category or a type_id <= 0 matches any category / type.
  virtual Result<std::vector<int64_t>> Associated(const RecordRef& from,
                                                  const std::string& to_object_type_id,
                                                  const std::string& category, int64_t type_id) = 0;
  // The record's events of one type ("4-1639801" form submissions, custom event types, …),
  // oldest first, with their properties and occurred_at_ms.
  virtual Result<std::vector<store::CrmEvent>> Events(const RecordRef& record,
                                                      const std::string& event_type_id) = 0;
};

}  // namespace flowd::crm::filter
