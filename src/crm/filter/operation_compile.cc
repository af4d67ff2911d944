// Compiling property operations: the operator vocabulary of each operationType (the lists spec's
// descriptions, HubSpot's published SDK enums, and reference §7.4), which property types each
// operation type applies to, and the operation's own fields.
#include <algorithm>
#include <boost/json/array.hpp>
#include <cmath>
#include <map>

#include "crm/filter/compile_internal.h"
#include "crm/filter/values.h"

namespace flowd::crm::filter::internal {
namespace {

using O = Operator;
using T = OperationType;

struct OpSpec {
  T type;
  std::vector<std::pair<std::string_view, Operator>> operators;
  std::vector<std::string_view> property_types;  // empty: any type
};

const std::map<std::string, OpSpec, std::less<>>& Specs() {
  static const std::vector<std::string_view> kDates = {"date", "datetime"};
  static const std::vector<std::string_view> kTexts = {"string", "phone_number"};
  static const std::map<std::string, OpSpec, std::less<>> kSpecs = {
      {"BOOL",
       {T::kBool,
        {{"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_NOT_EQUAL_TO", O::kIsNotEqualTo},
         {"HAS_EVER_BEEN_EQUAL_TO", O::kHasEverBeenEqualTo},
         {"HAS_NEVER_BEEN_EQUAL_TO", O::kHasNeverBeenEqualTo}},
        {"bool", "enumeration"}}},
      {"NUMBER",
       {T::kNumber,
        {{"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_NOT_EQUAL_TO", O::kIsNotEqualTo},
         {"IS_GREATER_THAN", O::kIsGreaterThan},
         {"IS_GREATER_THAN_OR_EQUAL_TO", O::kIsGreaterThanOrEqualTo},
         {"IS_LESS_THAN", O::kIsLessThan},
         {"IS_LESS_THAN_OR_EQUAL_TO", O::kIsLessThanOrEqualTo},
         {"HAS_EVER_BEEN_EQUAL_TO", O::kHasEverBeenEqualTo},
         {"HAS_NEVER_BEEN_EQUAL_TO", O::kHasNeverBeenEqualTo}},
        {"number"}}},
      {"STRING",
       {T::kString,
        {{"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_NOT_EQUAL_TO", O::kIsNotEqualTo},
         {"CONTAINS", O::kContains},
         {"DOES_NOT_CONTAIN", O::kDoesNotContain},
         {"STARTS_WITH", O::kStartsWith},
         {"ENDS_WITH", O::kEndsWith},
         {"HAS_EVER_BEEN_EQUAL_TO", O::kHasEverBeenEqualTo},
         {"HAS_NEVER_BEEN_EQUAL_TO", O::kHasNeverBeenEqualTo},
         {"HAS_EVER_CONTAINED", O::kHasEverContained},
         {"HAS_NEVER_CONTAINED", O::kHasNeverContained}},
        kTexts}},
      {"MULTISTRING",
       {T::kMultiString,
        {{"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_NOT_EQUAL_TO", O::kIsNotEqualTo},
         {"CONTAINS", O::kContains},
         {"CONTAINS_EXACTLY", O::kContainsExactly},
         {"DOES_NOT_CONTAIN", O::kDoesNotContain},
         {"DOES_NOT_CONTAIN_EXACTLY", O::kDoesNotContainExactly},
         {"STARTS_WITH", O::kStartsWith},
         {"ENDS_WITH", O::kEndsWith}},
        kTexts}},
      {"ENUMERATION",
       {T::kEnumeration,
        {{"IS_ANY_OF", O::kIsAnyOf},
         {"IS_NONE_OF", O::kIsNoneOf},
         {"IS_EXACTLY", O::kIsExactly},
         {"IS_NOT_EXACTLY", O::kIsNotExactly},
         {"CONTAINS_ALL", O::kContainsAll},
         {"DOES_NOT_CONTAIN_ALL", O::kDoesNotContainAll},
         {"HAS_EVER_BEEN_ANY_OF", O::kHasEverBeenAnyOf},
         {"HAS_NEVER_BEEN_ANY_OF", O::kHasNeverBeenAnyOf},
         {"HAS_EVER_BEEN_EXACTLY", O::kHasEverBeenExactly},
         {"HAS_NEVER_BEEN_EXACTLY", O::kHasNeverBeenExactly},
         {"HAS_EVER_CONTAINED_ALL", O::kHasEverContainedAll},
         {"HAS_NEVER_CONTAINED_ALL", O::kHasNeverContainedAll}},
        {"enumeration", "bool"}}},
      {"ALL_PROPERTY",
       {T::kAllProperty,
        {{"IS_KNOWN", O::kIsKnown},
         {"IS_NOT_BLANK", O::kIsKnown},
         {"IS_UNKNOWN", O::kIsUnknown},
         {"IS_NOT_KNOWN", O::kIsUnknown},
         {"IS_BLANK", O::kIsUnknown}},
        {}}},
      {"NUMBER_RANGED",
       {T::kNumberRanged,
        {{"IS_BETWEEN", O::kIsBetween}, {"IS_NOT_BETWEEN", O::kIsNotBetween}},
        {"number"}}},
      {"DATETIME",
       {T::kDateTime,
        {{"IS_BEFORE", O::kIsBefore},
         {"IS_AFTER", O::kIsAfter},
         {"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_BEFORE_DATE", O::kIsBeforeDate},
         {"IS_AFTER_DATE", O::kIsAfterDate}},
        kDates}},
      {"RANGED_DATE",
       {T::kRangedDate,
        {{"IS_BETWEEN", O::kIsBetween}, {"IS_NOT_BETWEEN", O::kIsNotBetween}},
        kDates}},
      {"DATE",
       {T::kDate,
        {{"EQUAL", O::kIsEqualTo},
         {"BEFORE", O::kIsBefore},
         {"AFTER", O::kIsAfter},
         {"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_BEFORE", O::kIsBefore},
         {"IS_AFTER", O::kIsAfter}},
        kDates}},
      {"CALENDAR_DATE",
       {T::kCalendarDate,
        {{"IN_THIS_TIME_UNIT", O::kInThisTimeUnit},
         {"IN_THIS_TIME_UNIT_SO_FAR", O::kInThisTimeUnitSoFar},
         {"IN_LAST_TIME_UNIT", O::kInLastTimeUnit},
         {"IN_NEXT_TIME_UNIT", O::kInNextTimeUnit}},
        kDates}},
      {"ROLLING_DATE_RANGE",
       {T::kRollingDateRange,
        {{"IS_LESS_THAN_X_DAYS_AGO", O::kIsLessThanXDaysAgo},
         {"IS_MORE_THAN_X_DAYS_AGO", O::kIsMoreThanXDaysAgo},
         {"IS_LESS_THAN_X_DAYS_FROM_NOW", O::kIsLessThanXDaysFromNow},
         {"IS_MORE_THAN_X_DAYS_FROM_NOW", O::kIsMoreThanXDaysFromNow}},
        kDates}},
      {"ROLLING_PROPERTY_UPDATED",
       {T::kRollingPropertyUpdated,
        {{"UPDATED_IN_LAST_X_DAYS", O::kUpdatedInLastXDays},
         {"NOT_UPDATED_IN_LAST_X_DAYS", O::kNotUpdatedInLastXDays}},
        {}}},
      {"COMPARATIVE_PROPERTY_UPDATED",
       {T::kComparativePropertyUpdated,
        {{"IS_BEFORE", O::kIsBefore}, {"IS_AFTER", O::kIsAfter}},
        {}}},
      {"COMPARATIVE_DATE",
       {T::kComparativeDate, {{"IS_BEFORE", O::kIsBefore}, {"IS_AFTER", O::kIsAfter}}, kDates}},
      {"COMPARATIVE_STRING",
       {T::kComparativeString,
        {{"IS_EQUAL_TO", O::kIsEqualTo},
         {"IS_NOT_EQUAL_TO", O::kIsNotEqualTo},
         {"CONTAINS", O::kContains},
         {"DOES_NOT_CONTAIN", O::kDoesNotContain},
         {"STARTS_WITH", O::kStartsWith},
         {"ENDS_WITH", O::kEndsWith}},
        {"string", "phone_number", "enumeration"}}},
      {"TIME_POINT",
       {T::kTimePoint, {{"IS_BEFORE", O::kIsBefore}, {"IS_AFTER", O::kIsAfter}}, kDates}},
      {"TIME_RANGED",
       {T::kTimeRanged,
        {{"IS_BETWEEN", O::kIsBetween}, {"IS_NOT_BETWEEN", O::kIsNotBetween}},
        kDates}},
  };
  return kSpecs;
}

bool ReadsHistory(Operator op) {
  switch (op) {
    case O::kHasEverBeenEqualTo:
    case O::kHasNeverBeenEqualTo:
    case O::kHasEverContained:
    case O::kHasNeverContained:
    case O::kHasEverBeenAnyOf:
    case O::kHasNeverBeenAnyOf:
    case O::kHasEverBeenExactly:
    case O::kHasNeverBeenExactly:
    case O::kHasEverContainedAll:
    case O::kHasNeverContainedAll:
      return true;
    default:
      return false;
  }
}

ValueKind InferredKind(T type) {
  switch (type) {
    case T::kBool:
      return ValueKind::kBool;
    case T::kNumber:
    case T::kNumberRanged:
      return ValueKind::kNumber;
    case T::kEnumeration:
      return ValueKind::kEnum;
    case T::kDateTime:
    case T::kRangedDate:
    case T::kDate:
    case T::kCalendarDate:
    case T::kRollingDateRange:
    case T::kComparativeDate:
    case T::kTimePoint:
    case T::kTimeRanged:
      return ValueKind::kDateTime;
    default:
      return ValueKind::kText;
  }
}

std::string Join(const std::string& path, std::string_view field) {
  return path + "." + std::string(field);
}

std::string List(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

}  // namespace

ValueKind KindOfProperty(const store::PropertyRecord& p) {
  if (p.type == "number") return ValueKind::kNumber;
  if (p.type == "bool") return ValueKind::kBool;
  if (p.type == "date") return ValueKind::kDate;
  if (p.type == "datetime") return ValueKind::kDateTime;
  if (p.type == "enumeration") {
    return p.field_type == "booleancheckbox" ? ValueKind::kBool : ValueKind::kEnum;
  }
  return ValueKind::kText;
}

Operation Compiler::CompileOperation(const boost::json::value& v, const std::string& property,
                                     const store::PropertyRecord* prop, const Scope& scope,
                                     const std::string& path) {
  Operation op;
  const auto* o = Object(v, path);
  if (!o) return op;
  std::optional<std::string> type_name;
  if (const auto* t = o->if_contains("type");
      t && t->is_string() && t->as_string() == "TIME_RANGED") {
    type_name = "TIME_RANGED";  // PublicRangedTimeOperation: the tag is `type`
  } else {
    type_name = String(*o, "operationType", path, true);
  }
  if (!type_name) return op;
  auto spec_it = Specs().find(*type_name);
  if (spec_it == Specs().end()) {
    Add(Join(path, "operationType"), "Unknown operationType \"" + type_name->substr(0, 100) + "\"",
        kValue);
    return op;
  }
  const OpSpec& spec = spec_it->second;
  op.type = spec.type;
  if (auto inc = Bool(*o, "includeObjectsWithNoValueSet", path, false)) op.include_no_value = *inc;
  bool have_operator = false;
  if (auto name = String(*o, "operator", path, true)) {
    auto it = std::find_if(spec.operators.begin(), spec.operators.end(),
                           [&](const auto& e) { return e.first == *name; });
    if (it == spec.operators.end()) {
      std::vector<std::string_view> names;
      for (const auto& e : spec.operators) names.push_back(e.first);
      Add(Join(path, "operator"),
          "Operator " + name->substr(0, 100) + " is not defined for operationType " + *type_name +
              " (use one of " + List(names) + ")",
          kOperator);
    } else {
      op.op = it->second;
      have_operator = true;
    }
  }
  if (op.type == T::kTimePoint || op.type == T::kTimeRanged) {
    static const std::vector<std::string_view> kParsers = {
        "VALUE", "UPDATED_AT", "ANNIVERSARY", "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION",
        "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION"};
    if (auto p = OneOf(*o, "propertyParser", path, false, kParsers)) {
      op.parser = *p == "UPDATED_AT"                              ? Parser::kUpdatedAt
                  : *p == "ANNIVERSARY"                           ? Parser::kAnniversary
                  : *p == "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION" ? Parser::kValueSameLocal
                  : *p == "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION"
                      ? Parser::kAnniversarySameLocal
                      : Parser::kValue;
    }
  }
  const bool reads_updates = op.type == T::kRollingPropertyUpdated ||
                             op.type == T::kComparativePropertyUpdated ||
                             op.parser == Parser::kUpdatedAt;
  if (scope.event && ((have_operator && ReadsHistory(op.op)) || reads_updates)) {
    Add(path,
        "operationType " + *type_name +
            (reads_updates ? "" : " with a has-ever/has-never operator") +
            " does not apply to event properties: events keep no value history",
        kValue);
  }
  // Does the operation type fit the property's type?
  const bool any_type = spec.property_types.empty() || reads_updates;
  if (prop && !any_type) {
    const bool fits = std::find(spec.property_types.begin(), spec.property_types.end(),
                                prop->type) != spec.property_types.end() &&
                      !(op.type == T::kBool && prop->type == "enumeration" &&
                        prop->field_type != "booleancheckbox");
    if (!fits) {
      Add(Join(path, "operationType"),
          "operationType " + *type_name + " does not apply to property " + property + " of type " +
              prop->type + " (it applies to: " + List(spec.property_types) + ")",
          kMismatch);
    }
  }
  op.kind = prop ? KindOfProperty(*prop) : InferredKind(op.type);

  switch (op.type) {
    case T::kAllProperty:
      break;
    case T::kBool:
      if (auto b = Bool(*o, "value", path, true)) op.boolean = *b;
      break;
    case T::kNumber:
      if (auto n = Number(*o, "value", path, true)) {
        if (!std::isfinite(*n)) Add(Join(path, "value"), "value must be a finite number", kValue);
        op.number = *n;
      }
      break;
    case T::kString:
      if (auto s = String(*o, "value", path, true)) op.text = *s;
      break;
    case T::kMultiString:
    case T::kEnumeration:
      if (auto vs = Strings(*o, "values", path, true)) {
        if (vs->empty()) Add(Join(path, "values"), "values must not be empty", kValue);
        op.values = *vs;
        if (op.type == T::kEnumeration && prop) {
          for (size_t i = 0; i < vs->size(); ++i) {
            const std::string& x = (*vs)[i];
            const bool ok = prop->type == "bool" || op.kind == ValueKind::kBool
                                ? ParseBool(x).has_value()
                                : prop->options.empty() ||
                                      std::any_of(prop->options.begin(), prop->options.end(),
                                                  [&](const store::PropertyOption& opt) {
                                                    return AsciiLower(opt.value) == AsciiLower(x);
                                                  });
            if (!ok) {
              Add(Join(path, "values") + "[" + std::to_string(i) + "]",
                  x.substr(0, 100) + " is not an option of property " + property, kOption);
            }
          }
        }
      }
      break;
    case T::kNumberRanged: {
      auto lo = Number(*o, "lowerBound", path, true);
      auto hi = Number(*o, "upperBound", path, true);
      if (lo && hi) {
        if (!std::isfinite(*lo) || !std::isfinite(*hi)) {
          Add(path, "lowerBound and upperBound must be finite numbers", kValue);
        } else if (*lo > *hi) {
          Add(path, "lowerBound must not exceed upperBound", kValue);
        }
        op.lower = *lo;
        op.upper = *hi;
      }
      break;
    }
    case T::kDateTime:
      if (auto ts = Int(*o, "timestamp", path, true)) op.timestamp = ClampInstant(*ts);
      if (auto c = Bool(*o, "requiresTimeZoneConversion", path, false)) op.tz_conversion = *c;
      break;
    case T::kRangedDate: {
      auto lo = Int(*o, "lowerBound", path, true);
      auto hi = Int(*o, "upperBound", path, true);
      if (lo && hi) {
        if (*lo > *hi) Add(path, "lowerBound must not exceed upperBound", kValue);
        op.lower_ts = ClampInstant(*lo);
        op.upper_ts = ClampInstant(*hi);
      }
      if (auto c = Bool(*o, "requiresTimeZoneConversion", path, false)) op.tz_conversion = *c;
      break;
    }
    case T::kDate: {
      auto y = Int(*o, "year", path, true);
      auto d = Int(*o, "day", path, true);
      int month = 0;
      if (const auto* m = Field(*o, "month", path, true)) {
        if (const auto* s = m->if_string()) month = MonthFromText(std::string_view(*s));
        if (const auto* i = m->if_int64(); i && *i >= 1 && *i <= 12) month = static_cast<int>(*i);
        if (month == 0) {
          Add(Join(path, "month"), "month must be a month such as JAN, JANUARY or 1", kValue);
        }
      }
      if (y && d && month) {
        if (*y < 1 || *y > 9999 || *d < 1 || *d > DaysInMonth(*y, month)) {
          Add(path, "The date given by year, month and day does not exist", kValue);
        } else {
          op.year = static_cast<int>(*y);
          op.month = month;
          op.day = static_cast<int>(*d);
        }
      }
      break;
    }
    case T::kCalendarDate: {
      if (auto u = OneOf(*o, "timeUnit", path, true, {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"})) {
        op.unit = *u == "DAY"       ? CalendarUnit::kDay
                  : *u == "WEEK"    ? CalendarUnit::kWeek
                  : *u == "MONTH"   ? CalendarUnit::kMonth
                  : *u == "QUARTER" ? CalendarUnit::kQuarter
                                    : CalendarUnit::kYear;
      }
      if (auto n = Int(*o, "timeUnitCount", path, false)) {
        if (*n < 1 || *n > 1000) {
          Add(Join(path, "timeUnitCount"), "timeUnitCount must be between 1 and 1000", kValue);
        } else {
          op.unit_count = *n;
        }
      }
      if (auto f = Bool(*o, "useFiscalYear", path, false)) op.fiscal = *f;
      if (auto fs = String(*o, "fiscalYearStart", path, false)) {
        op.fiscal_start_month = MonthFromText(*fs);
        if (op.fiscal_start_month == 0) {
          Add(Join(path, "fiscalYearStart"), "fiscalYearStart must be a month name such as APRIL",
              kValue);
        }
      } else {
        op.fiscal_start_month = 0;  // the account's
      }
      break;
    }
    case T::kRollingDateRange:
    case T::kRollingPropertyUpdated:
      if (auto n = Int(*o, "numberOfDays", path, true)) {
        if (*n < 0 || *n > 100000) {
          Add(Join(path, "numberOfDays"), "numberOfDays must be between 0 and 100000", kValue);
        } else {
          op.number_of_days = *n;
        }
      }
      if (auto c = Bool(*o, "requiresTimeZoneConversion", path, false)) op.tz_conversion = *c;
      break;
    case T::kComparativePropertyUpdated:
    case T::kComparativeDate:
    case T::kComparativeString: {
      if (auto name = String(*o, "comparisonPropertyName", path, true)) {
        op.comparison_property = *name;
        bool known = true;
        const store::PropertyRecord* other =
            Property(scope, *name, Join(path, "comparisonPropertyName"), &known);
        op.comparison_kind = other ? KindOfProperty(*other) : InferredKind(op.type);
        if (other && !spec.property_types.empty() &&
            std::find(spec.property_types.begin(), spec.property_types.end(), other->type) ==
                spec.property_types.end()) {
          Add(Join(path, "comparisonPropertyName"),
              "Property " + *name + " is of type " + other->type + ": " + *type_name +
                  " compares with " + List(spec.property_types) + " properties",
              kMismatch);
        }
      }
      if (auto def = String(*o, "defaultComparisonValue", path, false)) {
        if (op.type != T::kComparativeString && !def->empty() && !ParseInstant(*def)) {
          Add(Join(path, "defaultComparisonValue"),
              "defaultComparisonValue must be a date or datetime (epoch milliseconds or ISO "
              "8601)",
              kValue);
        }
        if (!def->empty()) op.default_comparison = *def;
      }
      break;
    }
    case T::kTimePoint: {
      if (auto e = OneOf(*o, "endpointBehavior", path, false, {"INCLUSIVE", "EXCLUSIVE"})) {
        op.inclusive = *e == "INCLUSIVE";
      }
      if (const auto* tp = Field(*o, "timePoint", path, true)) {
        op.point = CompileTimePoint(*tp, scope, Join(path, "timePoint"));
      }
      break;
    }
    case T::kTimeRanged: {
      if (auto e =
              OneOf(*o, "lowerBoundEndpointBehavior", path, false, {"INCLUSIVE", "EXCLUSIVE"})) {
        op.lower_inclusive = *e == "INCLUSIVE";
      }
      if (auto e =
              OneOf(*o, "upperBoundEndpointBehavior", path, false, {"INCLUSIVE", "EXCLUSIVE"})) {
        op.upper_inclusive = *e == "INCLUSIVE";
      }
      if (const auto* lo = Field(*o, "lowerBoundTimePoint", path, true)) {
        op.lower_point = CompileTimePoint(*lo, scope, Join(path, "lowerBoundTimePoint"));
      }
      if (const auto* hi = Field(*o, "upperBoundTimePoint", path, true)) {
        op.upper_point = CompileTimePoint(*hi, scope, Join(path, "upperBoundTimePoint"));
      }
      break;
    }
  }
  return op;
}

}  // namespace flowd::crm::filter::internal
