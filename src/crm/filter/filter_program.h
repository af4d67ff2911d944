// A filter branch compiled from its JSON (the spec's Public* filter model): checked once, then
// evaluated many times without touching JSON. Built by CompileFilterBranch (filter_eval.h);
// immutable afterwards and safe to share between threads. A program captures the property
// types it was compiled against: recompile after a property definition changes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crm/filter/time_zone.h"

namespace flowd::crm::filter {

// How a property's stored text is read.
enum class ValueKind { kText, kNumber, kBool, kDate, kDateTime, kEnum };

enum class OperationType {
  kBool,
  kNumber,
  kString,
  kMultiString,
  kEnumeration,
  kAllProperty,
  kNumberRanged,
  kDateTime,
  kRangedDate,
  kDate,
  kCalendarDate,
  kRollingDateRange,
  kRollingPropertyUpdated,
  kComparativePropertyUpdated,
  kComparativeDate,
  kComparativeString,
  kTimePoint,
  kTimeRanged,
};

enum class Operator {
  kIsEqualTo,
  kIsNotEqualTo,
  kContains,
  kDoesNotContain,
  kStartsWith,
  kEndsWith,
  kContainsExactly,
  kDoesNotContainExactly,
  kHasEverBeenEqualTo,
  kHasNeverBeenEqualTo,
  kHasEverContained,
  kHasNeverContained,
  kIsGreaterThan,
  kIsGreaterThanOrEqualTo,
  kIsLessThan,
  kIsLessThanOrEqualTo,
  kIsBetween,
  kIsNotBetween,
  kIsAnyOf,
  kIsNoneOf,
  kIsExactly,
  kIsNotExactly,
  kContainsAll,
  kDoesNotContainAll,
  kHasEverBeenAnyOf,
  kHasNeverBeenAnyOf,
  kHasEverBeenExactly,
  kHasNeverBeenExactly,
  kHasEverContainedAll,
  kHasNeverContainedAll,
  kIsKnown,
  kIsUnknown,
  kIsBefore,
  kIsAfter,
  kIsBeforeDate,
  kIsAfterDate,
  kIsLessThanXDaysAgo,
  kIsMoreThanXDaysAgo,
  kIsLessThanXDaysFromNow,
  kIsMoreThanXDaysFromNow,
  kUpdatedInLastXDays,
  kNotUpdatedInLastXDays,
  kInThisTimeUnit,
  kInThisTimeUnitSoFar,
  kInLastTimeUnit,
  kInNextTimeUnit,
};

// propertyParser / PROPERTY_REFERENCED referenceType: which instant a property gives.
enum class Parser { kValue, kUpdatedAt, kAnniversary, kValueSameLocal, kAnniversarySameLocal };

enum class CalendarUnit { kDay, kWeek, kMonth, kQuarter, kYear };

struct IndexOffset {
  int64_t years = 0, quarters = 0, months = 0, weeks = 0, days = 0;
  int64_t hours = 0, minutes = 0, seconds = 0, milliseconds = 0;
};

// PublicDatePoint | PublicIndexedTimePoint | PublicPropertyReferencedTime.
struct TimePoint {
  enum class Kind { kDate, kIndexed, kProperty };
  enum class Reference {
    kNow,
    kToday,
    kWeek,
    kMonth,
    kQuarter,
    kYear,
    kFiscalQuarter,
    kFiscalYear
  };
  Kind kind = Kind::kDate;
  std::shared_ptr<const TimeZone> zone;  // from zoneId
  // kDate: the wall-clock fields; kIndexed: the reference's optional fields (-1 = not given).
  int year = 0, month = 0, day = 0;
  int hour = -1, minute = -1, second = -1, millisecond = -1;
  Reference reference = Reference::kNow;
  int day_of_week = 0;  // kWeek: 0 = Sunday … 6 = Saturday
  IndexOffset offset;
  // kProperty
  std::string property;
  ValueKind property_kind = ValueKind::kDateTime;
  Parser parser = Parser::kValue;
};

struct TimeOffset {
  enum class Unit { kMinutes, kHours, kDays, kWeeks };
  int64_t amount = 0;
  bool future = false;
  Unit unit = Unit::kDays;
};

// A condition on an instant (an event's time): the time refine-bys and TIME_POINT/TIME_RANGED.
struct TimeWindow {
  enum class Kind {
    kRelativeComparative,
    kRelativeRanged,
    kAbsoluteComparative,
    kAbsoluteRanged,
    kTimePoint,
    kTimeRanged
  };
  Kind kind = Kind::kAbsoluteComparative;
  bool before = false;  // comparative kinds: BEFORE (else AFTER)
  bool negate = false;  // ranged kinds: NOT_BETWEEN
  TimeOffset offset1, offset2;
  int64_t timestamp1 = 0, timestamp2 = 0;
  TimePoint point1, point2;
  bool inclusive1 = false, inclusive2 = true;
};

// pruningRefineBy / coalescingRefineBy, merged: occurrences must fall in every window, and their
// count must lie in [min, max] (min defaults to 1).
struct Refinement {
  std::vector<TimeWindow> windows;
  int64_t min_occurrences = 1;
  std::optional<int64_t> max_occurrences;
};

struct Operation {
  OperationType type = OperationType::kString;
  Operator op = Operator::kIsEqualTo;
  bool include_no_value = false;
  ValueKind kind = ValueKind::kText;   // how the filtered property is read
  bool boolean = false;                // BOOL value
  double number = 0;                   // NUMBER value
  std::string text;                    // STRING value
  std::vector<std::string> values;     // MULTISTRING / ENUMERATION values
  double lower = 0, upper = 0;         // NUMBER_RANGED bounds
  int64_t timestamp = 0;               // DATETIME
  int64_t lower_ts = 0, upper_ts = 0;  // RANGED_DATE
  bool tz_conversion = false;          // requiresTimeZoneConversion
  int year = 0, month = 0, day = 0;    // DATE
  CalendarUnit unit = CalendarUnit::kDay;
  int64_t unit_count = 1;
  bool fiscal = false;
  int fiscal_start_month = 1;  // 0 = the account's
  int64_t number_of_days = 0;
  std::string comparison_property;
  ValueKind comparison_kind = ValueKind::kText;
  std::optional<std::string> default_comparison;
  Parser parser = Parser::kValue;
  TimePoint point, lower_point, upper_point;
  bool inclusive = false, lower_inclusive = true, upper_inclusive = true;
};

struct PropertyLine {
  std::string property;
  Operation operation;
};

struct Filter {
  enum class Kind { kProperty, kInList, kAssociationInList, kConstant, kFormSubmission, kEvents };
  Kind kind = Kind::kConstant;
  PropertyLine line;              // kProperty
  std::string list_id;            // kInList, kAssociationInList
  bool negate = false;            // NOT_IN_LIST, NOT_FILLED_OUT, NOT_HAS_EVENT
  bool accept = false;            // kConstant
  std::string to_object_type_id;  // kAssociationInList ("" = the list's type)
  std::string association_category;
  int64_t association_type_id = 0;
  std::optional<std::string> form_id;  // kFormSubmission
  std::string event_type_id;           // kEvents (UNIFIED_EVENTS, EVENT)
  std::vector<PropertyLine> lines;     // kEvents: all must match an occurrence
  Refinement refinement;
};

struct Branch {
  enum class Kind { kOr, kAnd, kNotAll, kNotAny, kUnifiedEvents, kAssociation };
  Kind kind = Kind::kOr;
  bool combine_or = false;  // kUnifiedEvents / kAssociation: filterBranchOperator OR
  std::vector<Filter> filters;
  std::vector<Branch> branches;
  // kUnifiedEvents: occurrences of `event_type_id` accepted by filters/branches (read against
  // the event's properties), refined; HAS_NOT_COMPLETED negates.
  std::string event_type_id;
  Refinement refinement;
  bool negate = false;  // HAS_NOT_COMPLETED, NOT_IN_LIST
  // kAssociation: associated records of `object_type_id`, any one accepted (IN_LIST).
  std::string object_type_id;
  std::string association_category;
  int64_t association_type_id = 0;
};

struct CompiledFilter {
  std::string object_type_id;
  Branch root;
};

}  // namespace flowd::crm::filter
