// The filter evaluator shared by CRM lists and the engine: HubSpot's filter model (filterBranch
// JSON, the spec's Public* schemas) checked against the account's properties, compiled, and
// evaluated for one record at a time through a FilterContext.
//
// The JSON's shape (required fields, JSON types, union tags) is checked by model/ when a request
// is decoded; these functions check meaning and still never crash on a malformed value (they
// report it). Every problem is reported at once: one ErrorDetail each, `in` = JSON path.
//
// What flowd evaluates (see docs/filters.md for the operator semantics):
//   branches  OR, AND, NOT_ALL, NOT_ANY, UNIFIED_EVENTS (HAS_COMPLETED / HAS_NOT_COMPLETED,
//             filters read the event's properties), ASSOCIATION (IN_LIST / NOT_IN_LIST: any
//             associated record accepted by the branch's filters);
//   filters   PROPERTY (all 18 operation types), IN_LIST, ASSOCIATION (associated records in a
//             list), CONSTANT, FORM_SUBMISSION, UNIFIED_EVENTS, EVENT.
// What it refuses, because flowd holds no such data (400, code UNSUPPORTED_*, naming the type):
//   RESTRICTED branches; PAGE_VIEW, CTA, EMAIL_EVENT, EMAIL_SUBSCRIPTION,
//   COMMUNICATION_SUBSCRIPTION, SURVEY_MONKEY, SURVEY_MONKEY_VALUE, WEBINAR, PRIVACY, ADS_SEARCH,
//   ADS_TIME, INTEGRATION_EVENT and FORM_SUBMISSION_ON_PAGE filters; HubSpot `4-…` event types
//   other than object created (4-1463224), property changed (4-655002) and form submitted
//   (4-1639801); IN_LIST metadata (workflow, import and dataset memberships).
// Also refused: unknown properties, operators not defined for the operation type, operation
// types that do not fit the property's type, malformed values, unknown time zones.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "crm/filter/filter_context.h"
#include "crm/filter/filter_program.h"
#include "crm/property_value.h"

namespace flowd::crm::filter {

// The properties of another object type (ASSOCIATION branch targets). An unknown type yields an
// empty set (so every property named on it is reported unknown).
using PropertyLookup =
    std::function<Result<std::shared_ptr<const PropertySet>>(const std::string& object_type_id)>;

struct CompileOptions {
  // JSON path of the branch, prefixed to every error's `in`.
  std::string path = "filterBranch";
  // When false, property names are not looked up: value kinds follow the operation types. Used
  // to read the dependencies of a stored filter without its property set.
  bool check_properties = true;
  // Deepest nesting of branches accepted.
  size_t max_depth = 16;
};

// Checks and compiles `branch` for records of `object_type_id`. `lookup` gives property sets
// (the root type's and association targets'); it is not called when !check_properties.
// Errors: kInvalidArgument listing every problem; a lookup failure is returned as is.
Result<CompiledFilter> CompileFilterBranch(const boost::json::value& branch,
                                           const std::string& object_type_id,
                                           const PropertyLookup& lookup,
                                           const CompileOptions& options = {});

// CompileFilterBranch without keeping the program: `properties` are those of `object_type_id`,
// `other_types` those of association targets (when null, association targets' properties are
// looked up in nothing and so reported unknown).
Status ValidateFilterBranch(const boost::json::value& branch, const std::string& object_type_id,
                            const PropertySet& properties, const PropertyLookup& other_types = {},
                            const std::string& path = "filterBranch");

// Whether `record` is accepted by the filter. A record that is not live is accepted by nothing.
// Errors: what the context returns; kInvalidArgument for an unknown account time zone.
Result<bool> Evaluate(const CompiledFilter& filter, const RecordRef& record, FilterContext& ctx);
// Compiles with the context's properties, then evaluates (kInvalidArgument if it does not compile).
Result<bool> Evaluate(const boost::json::value& branch, const RecordRef& record,
                      FilterContext& ctx);

// What a filter reads, so that a change index knows which changes can alter its result.
struct AssociationDependency;
struct FilterDependencies {
  std::set<std::string> properties;      // of the filtered record's type, comparison ones too
  std::set<std::string> list_ids;        // memberships of the filtered record (IN_LIST)
  std::set<std::string> event_type_ids;  // the record's events read
  std::vector<AssociationDependency> associations;
  // True when the result can change with the passing of time alone (rolling and calendar
  // ranges, NOW/TODAY-relative time points, relative refine-bys, anniversaries): such filters
  // need re-evaluation on a schedule as well as on changes.
  bool time_dependent = false;
};
// ASSOCIATION branches and filters: what is read on the associated records. Association
// changes of (object type, category, type id) alter the result too.
struct AssociationDependency {
  std::string object_type_id;  // "" when taken from a list's type at evaluation time
  std::string category;
  int64_t type_id = 0;
  FilterDependencies reads;
};

FilterDependencies DependenciesOf(const CompiledFilter& filter);
// From JSON, without property lookups (kInvalidArgument when it does not compile).
Result<FilterDependencies> DependenciesOf(const boost::json::value& branch,
                                          const std::string& object_type_id);

}  // namespace flowd::crm::filter
