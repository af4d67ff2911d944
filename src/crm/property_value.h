// Property values: how a value written through the API is checked against its property's type,
// and the one canonical text form it is stored in. Every CRM value is stored as text, as HubSpot
// returns them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "common/status.h"
#include "store/property_store.h"

namespace flowd::crm {

// Longest value accepted for any property (HubSpot: 65,536 characters).
inline constexpr size_t kMaxPropertyValueBytes = 65536;

// Checks `value` against `property` and returns its stored form, or an ErrorDetail naming the
// property (`in` = property name) with HubSpot's error code (INVALID_INTEGER, INVALID_OPTION,
// INVALID_DATE, INVALID_DATETIME, INVALID_BOOLEAN, VALUE_TOO_LONG). The empty string clears a
// value and is valid for every type. Canonical forms:
//   number    the decimal text as given (must be a finite JSON-style number)
//   bool      "true" / "false" (case-insensitive on input)
//   date      "YYYY-MM-DD" (input: that, or epoch milliseconds at UTC midnight)
//   datetime  "YYYY-MM-DDTHH:MM:SS.sssZ" (input: epoch milliseconds, or ISO 8601 UTC, or a date)
//   enumeration  one option value; a `checkbox` field takes several, separated by ';'; with
//                external_options (hubspot_owner_id) any positive decimal id
//   string, phone_number  any text
// Does not look at read-only or sensitivity flags (callers decide those).
std::variant<std::string, ErrorDetail> NormalizePropertyValue(const store::PropertyRecord& property,
                                                              std::string_view value);

// Numeric value of a stored number/date/datetime value (epoch ms for dates), for comparisons.
std::optional<double> NumericValue(const store::PropertyRecord& property, std::string_view stored);

// The properties of one object type in one account (defaults merged with stored ones), as a
// snapshot: it never changes once built.
struct PropertySet {
  std::unordered_map<std::string, store::PropertyRecord> by_name;
  const store::PropertyRecord* Find(std::string_view name) const {
    auto it = by_name.find(std::string(name));
    return it == by_name.end() ? nullptr : &it->second;
  }
};

// Where the object service gets property definitions from. Implemented by PropertyService
// (which may cache; a snapshot returned before a property change stays valid, just stale).
class PropertyCatalog {
 public:
  virtual ~PropertyCatalog() = default;
  // Live (non-archived) properties of the type; kNotFound-free: an unknown type yields the
  // empty set (resolve types with ObjectTypeResolver first).
  virtual Result<std::shared_ptr<const PropertySet>> PropertiesOf(
      int64_t account_id, const std::string& object_type_id) = 0;
};

}  // namespace flowd::crm
