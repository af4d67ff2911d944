// CRM search (POST /crm/v3/objects/{type}/search): filter groups (OR of ANDs), a free-text
// query, sorting and offset paging, evaluated over the records' current values.
//
// How it runs: when every filter group has an indexed equality (EQ or IN), the candidates are the
// union of those index lookups; otherwise the type's records are scanned. Either way every
// filter is then evaluated on each candidate, so `total` is exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crm/object_service.h"

namespace flowd::crm {

struct SearchFilter {
  std::string property;
  std::string op;  // EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY
                   // CONTAINS_TOKEN NOT_CONTAINS_TOKEN
  std::optional<std::string> value;
  std::optional<std::string> high_value;
  std::vector<std::string> values;
};

struct SearchSort {
  std::string property;
  bool descending = false;
};

struct SearchRequest {
  std::vector<std::vector<SearchFilter>> groups;  // OR of ANDs
  std::vector<SearchSort> sorts;
  std::string query;
  std::vector<std::string> properties;  // empty = the type's defaults
  int64_t after = 0;                    // offset
  size_t limit = 10;
};

struct SearchResult {
  std::vector<ObjectView> results;
  int64_t total = 0;
  std::optional<int64_t> next_after;
};

// HubSpot's limits.
inline constexpr size_t kMaxSearchGroups = 5;
inline constexpr size_t kMaxFiltersPerGroup = 6;
inline constexpr size_t kMaxSearchFilters = 18;
inline constexpr size_t kMaxSearchLimit = 200;
inline constexpr int64_t kMaxSearchResults = 10000;  // after + limit may not pass it
inline constexpr size_t kMaxSearchQuery = 3000;

// kInvalidArgument listing every problem (unknown properties, operators without their values,
// values that do not fit the property type, limits); kPermissionDenied for filters or sorts on
// sensitive properties without the read scope.
Result<SearchResult> Search(ObjectService& service, const Caller& c, const ObjectTypeInfo& t,
                            const SearchRequest& request);

}  // namespace flowd::crm
