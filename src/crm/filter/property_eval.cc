// Evaluating one property operation against a subject's value, history or update time.
//
// The rule for records without a value: when the property (or, for has-ever operators, its
// whole history; for updated-based operations, its update time) is empty, the operation's result
// is includeObjectsWithNoValueSet — whatever the operator. ALL_PROPERTY is the exception: its
// operator asks exactly that question. Text comparisons ignore ASCII case, except the
// *_EXACTLY operators of MULTISTRING.
#include <algorithm>
#include <set>

#include "crm/filter/eval_internal.h"
#include "crm/filter/values.h"

namespace flowd::crm::filter::internal {
namespace {

using O = Operator;
using T = OperationType;

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}
bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// STRING / COMPARATIVE_STRING operators on lower-cased text.
bool TextOp(Operator op, const std::string& v, const std::string& x) {
  switch (op) {
    case O::kIsEqualTo:
      return v == x;
    case O::kIsNotEqualTo:
      return v != x;
    case O::kContains:
      return Contains(v, x);
    case O::kDoesNotContain:
      return !Contains(v, x);
    case O::kStartsWith:
      return StartsWith(v, x);
    case O::kEndsWith:
      return EndsWith(v, x);
    default:
      return false;
  }
}

bool NumberOp(Operator op, double v, double x) {
  switch (op) {
    case O::kIsEqualTo:
      return v == x;
    case O::kIsNotEqualTo:
      return v != x;
    case O::kIsGreaterThan:
      return v > x;
    case O::kIsGreaterThanOrEqualTo:
      return v >= x;
    case O::kIsLessThan:
      return v < x;
    case O::kIsLessThanOrEqualTo:
      return v <= x;
    default:
      return false;
  }
}

std::set<std::string> Set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::set<std::string> LowerSet(const std::vector<std::string>& values) {
  std::set<std::string> out;
  for (const auto& v : values) out.insert(AsciiLower(v));
  return out;
}

bool AnyOf(const std::set<std::string>& s, const std::set<std::string>& v) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return s.count(x) > 0; });
}
bool AllOf(const std::set<std::string>& s, const std::set<std::string>& v) {
  return std::all_of(v.begin(), v.end(), [&](const std::string& x) { return s.count(x) > 0; });
}

// The local day of a value: a date value is its own (UTC) date, a datetime's day is taken in
// `zone`.
int64_t DayOf(int64_t t, ValueKind kind, const TimeZone& zone) {
  return kind == ValueKind::kDate ? DayNumber(t) : DayNumber(zone.UtcToLocal(t));
}

// has-ever / has-never operators: the predicate over any non-empty version.
Result<bool> EvalHistory(const Operation& op, const std::string& property, Subject& s) {
  FLOWD_ASSIGN_OR_RETURN(auto versions, s.History(property));
  FLOWD_ASSIGN_OR_RETURN(std::string current, s.Value(property));
  std::vector<std::string> values;
  if (!current.empty()) values.push_back(current);
  for (const auto& v : versions) {
    if (!v.value.empty()) values.push_back(v.value);
  }
  if (values.empty()) return op.include_no_value;
  const std::set<std::string> wanted = LowerSet(op.values);
  const std::string text = AsciiLower(op.text);
  auto matches = [&](const std::string& v) -> bool {
    switch (op.type) {
      case T::kBool: {
        auto b = ParseBool(v);
        return b && *b == op.boolean;
      }
      case T::kNumber: {
        auto n = ParseNumber(v);
        return n && *n == op.number;
      }
      case T::kString:
        return op.op == O::kHasEverContained || op.op == O::kHasNeverContained
                   ? Contains(AsciiLower(v), text)
                   : AsciiLower(v) == text;
      case T::kEnumeration: {
        const std::set<std::string> have = Set(SplitOptions(v));
        if (op.op == O::kHasEverBeenAnyOf || op.op == O::kHasNeverBeenAnyOf) {
          return AnyOf(have, wanted);
        }
        if (op.op == O::kHasEverBeenExactly || op.op == O::kHasNeverBeenExactly) {
          return have == wanted;
        }
        return AllOf(have, wanted);
      }
      default:
        return false;
    }
  };
  const bool ever = std::any_of(values.begin(), values.end(), matches);
  switch (op.op) {
    case O::kHasNeverBeenEqualTo:
    case O::kHasNeverContained:
    case O::kHasNeverBeenAnyOf:
    case O::kHasNeverBeenExactly:
    case O::kHasNeverContainedAll:
      return !ever;
    default:
      return ever;
  }
}

// The instants a TIME_POINT / TIME_RANGED operation tests for the subject's property (several
// for anniversaries: last, this and next year's); empty when it has no value.
Result<std::vector<int64_t>> SubjectInstants(const Operation& op, const std::string& property,
                                             Subject& s, const TimeEnv& env) {
  if (op.parser == Parser::kUpdatedAt) {
    FLOWD_ASSIGN_OR_RETURN(auto u, s.UpdatedAt(property));
    if (!u) return std::vector<int64_t>{};
    return std::vector<int64_t>{*u};
  }
  FLOWD_ASSIGN_OR_RETURN(std::string value, s.Value(property));
  auto t = ParseInstant(value);
  if (!t) return std::vector<int64_t>{};
  if (op.parser == Parser::kValue) return std::vector<int64_t>{*t};
  const TimePoint& p = op.type == T::kTimePoint ? op.point : op.lower_point;
  const TimeZone& zone = p.zone ? *p.zone : *env.zone;
  const bool utc_wall = op.parser == Parser::kValueSameLocal ||
                        op.parser == Parser::kAnniversarySameLocal || op.kind == ValueKind::kDate;
  const int64_t wall = utc_wall ? *t : zone.UtcToLocal(*t);
  if (op.parser == Parser::kValueSameLocal) return std::vector<int64_t>{zone.LocalToUtc(wall)};
  const Civil c = ToCivil(wall);
  const int64_t year = ToCivil(zone.UtcToLocal(env.now_ms)).year;
  std::vector<int64_t> out;
  for (int64_t y : {year, year - 1, year + 1}) {
    out.push_back(zone.LocalToUtc(DaysFromCivil(y, c.month, c.day) * kDayMs + c.ms_of_day));
  }
  if (op.type == T::kTimePoint) out.resize(1);  // this year's anniversary
  return out;
}

Result<bool> EvalTimeOperation(const Operation& op, const std::string& property, Subject& s,
                               const TimeEnv& env) {
  FLOWD_ASSIGN_OR_RETURN(auto instants, SubjectInstants(op, property, s, env));
  if (instants.empty()) return op.include_no_value;
  if (op.type == T::kTimePoint) {
    FLOWD_ASSIGN_OR_RETURN(auto p, ResolveTimePoint(op.point, &s, env));
    if (!p) return op.include_no_value;
    const int64_t t = instants[0];
    if (op.op == O::kIsBefore) return op.inclusive ? t <= *p : t < *p;
    return op.inclusive ? t >= *p : t > *p;
  }
  FLOWD_ASSIGN_OR_RETURN(auto lo, ResolveTimePoint(op.lower_point, &s, env));
  FLOWD_ASSIGN_OR_RETURN(auto hi, ResolveTimePoint(op.upper_point, &s, env));
  if (!lo || !hi) return op.include_no_value;
  const bool any = std::any_of(instants.begin(), instants.end(), [&](int64_t t) {
    return (op.lower_inclusive ? t >= *lo : t > *lo) && (op.upper_inclusive ? t <= *hi : t < *hi);
  });
  return op.op == O::kIsBetween ? any : !any;
}

// The other property's value of a COMPARATIVE_* operation, or its default ("" when neither).
Result<std::string> Comparison(const Operation& op, Subject& s) {
  FLOWD_ASSIGN_OR_RETURN(std::string other, s.Value(op.comparison_property));
  if (other.empty() && op.default_comparison) other = *op.default_comparison;
  return other;
}

Result<bool> EvalDates(const Operation& op, int64_t t, const TimeEnv& env) {
  static const std::shared_ptr<const TimeZone> kUtc = TimeZone::Fixed("UTC", 0);
  const TimeZone& account = *env.zone;
  switch (op.type) {
    case T::kDateTime: {
      const TimeZone& zone = op.tz_conversion ? account : *kUtc;
      const int64_t d = DayOf(t, op.kind, zone);
      const int64_t target = DayNumber(zone.UtcToLocal(op.timestamp));
      switch (op.op) {
        case O::kIsBefore:
          return t < op.timestamp;
        case O::kIsAfter:
          return t > op.timestamp;
        case O::kIsEqualTo:
          return d == target;
        case O::kIsBeforeDate:
          return d < target;
        case O::kIsAfterDate:
          return d > target;
        default:
          return false;
      }
    }
    case T::kRangedDate: {
      const bool in = t >= op.lower_ts && t <= op.upper_ts;
      return op.op == O::kIsBetween ? in : !in;
    }
    case T::kDate: {
      const int64_t d = DayOf(t, op.kind, account);
      const int64_t target = DaysFromCivil(op.year, op.month, op.day);
      if (op.op == O::kIsBefore) return d < target;
      if (op.op == O::kIsAfter) return d > target;
      return d == target;
    }
    case T::kCalendarDate: {
      const int64_t today = DayNumber(account.UtcToLocal(env.now_ms));
      const int fs = !op.fiscal              ? 1
                     : op.fiscal_start_month ? op.fiscal_start_month
                                             : env.fiscal_start_month;
      const int64_t start = UnitStart(today, op.unit, fs);
      const int64_t d = DayOf(t, op.kind, account);
      switch (op.op) {
        case O::kInThisTimeUnit:
          return d >= start && d < AddUnits(start, op.unit, 1);
        case O::kInThisTimeUnitSoFar:
          return d >= start && (op.kind == ValueKind::kDate ? d <= today : t <= env.now_ms);
        case O::kInLastTimeUnit:
          return d >= AddUnits(start, op.unit, -op.unit_count) && d < start;
        case O::kInNextTimeUnit: {
          const int64_t next = AddUnits(start, op.unit, 1);
          return d >= next && d < AddUnits(next, op.unit, op.unit_count);
        }
        default:
          return false;
      }
    }
    case T::kRollingDateRange: {
      const int64_t n = op.number_of_days;
      if (op.kind == ValueKind::kDate) {
        // Whole days: today in the account's zone (UTC without time zone conversion).
        const TimeZone& zone = op.tz_conversion ? account : *kUtc;
        const int64_t today = DayNumber(zone.UtcToLocal(env.now_ms));
        const int64_t d = DayNumber(t);
        switch (op.op) {
          case O::kIsLessThanXDaysAgo:
            return d >= today - n && d <= today;
          case O::kIsMoreThanXDaysAgo:
            return d < today - n;
          case O::kIsLessThanXDaysFromNow:
            return d >= today && d <= today + n;
          case O::kIsMoreThanXDaysFromNow:
            return d > today + n;
          default:
            return false;
        }
      }
      const int64_t now = env.now_ms;
      switch (op.op) {
        case O::kIsLessThanXDaysAgo:
          return t >= now - n * kDayMs && t <= now;
        case O::kIsMoreThanXDaysAgo:
          return t < now - n * kDayMs;
        case O::kIsLessThanXDaysFromNow:
          return t >= now && t <= now + n * kDayMs;
        case O::kIsMoreThanXDaysFromNow:
          return t > now + n * kDayMs;
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

}  // namespace

Result<bool> EvalOperation(const Operation& op, const std::string& property, Subject& s,
                           const TimeEnv& env) {
  switch (op.op) {
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
      return EvalHistory(op, property, s);
    default:
      break;
  }
  if (op.type == T::kRollingPropertyUpdated || op.type == T::kComparativePropertyUpdated) {
    FLOWD_ASSIGN_OR_RETURN(auto updated, s.UpdatedAt(property));
    if (!updated) return op.include_no_value;
    if (op.type == T::kRollingPropertyUpdated) {
      const bool recent = *updated >= env.now_ms - op.number_of_days * kDayMs;
      return op.op == O::kUpdatedInLastXDays ? recent : !recent;
    }
    FLOWD_ASSIGN_OR_RETURN(auto other, s.UpdatedAt(op.comparison_property));
    if (!other && op.default_comparison) other = ParseInstant(*op.default_comparison);
    if (!other) return op.include_no_value;
    return op.op == O::kIsBefore ? *updated < *other : *updated > *other;
  }
  if (op.type == T::kTimePoint || op.type == T::kTimeRanged) {
    return EvalTimeOperation(op, property, s, env);
  }
  FLOWD_ASSIGN_OR_RETURN(std::string value, s.Value(property));
  if (op.type == T::kAllProperty) {
    return op.op == O::kIsKnown ? !value.empty() : value.empty();
  }
  if (value.empty()) return op.include_no_value;
  switch (op.type) {
    case T::kBool: {
      auto b = ParseBool(value);
      if (!b) return op.include_no_value;
      return op.op == O::kIsEqualTo ? *b == op.boolean : *b != op.boolean;
    }
    case T::kNumber:
    case T::kNumberRanged: {
      auto n = ParseNumber(value);
      if (!n) return op.include_no_value;
      if (op.type == T::kNumber) return NumberOp(op.op, *n, op.number);
      const bool in = *n >= op.lower && *n <= op.upper;
      return op.op == O::kIsBetween ? in : !in;
    }
    case T::kString:
      return TextOp(op.op, AsciiLower(value), AsciiLower(op.text));
    case T::kMultiString: {
      if (op.op == O::kContainsExactly || op.op == O::kDoesNotContainExactly) {
        const bool any = std::any_of(op.values.begin(), op.values.end(),
                                     [&](const std::string& x) { return Contains(value, x); });
        return op.op == O::kContainsExactly ? any : !any;
      }
      const std::string v = AsciiLower(value);
      // Negative operators hold when no value matches; positive ones when any does.
      const bool negative = op.op == O::kIsNotEqualTo || op.op == O::kDoesNotContain;
      const Operator positive = op.op == O::kIsNotEqualTo     ? O::kIsEqualTo
                                : op.op == O::kDoesNotContain ? O::kContains
                                                              : op.op;
      const bool any = std::any_of(op.values.begin(), op.values.end(), [&](const std::string& x) {
        return TextOp(positive, v, AsciiLower(x));
      });
      return negative ? !any : any;
    }
    case T::kEnumeration: {
      const std::set<std::string> have = Set(SplitOptions(value));
      const std::set<std::string> wanted = LowerSet(op.values);
      switch (op.op) {
        case O::kIsAnyOf:
          return AnyOf(have, wanted);
        case O::kIsNoneOf:
          return !AnyOf(have, wanted);
        case O::kIsExactly:
          return have == wanted;
        case O::kIsNotExactly:
          return have != wanted;
        case O::kContainsAll:
          return AllOf(have, wanted);
        case O::kDoesNotContainAll:
          return !AllOf(have, wanted);
        default:
          return false;
      }
    }
    case T::kComparativeString: {
      FLOWD_ASSIGN_OR_RETURN(std::string other, Comparison(op, s));
      if (other.empty()) return op.include_no_value;
      return TextOp(op.op, AsciiLower(value), AsciiLower(other));
    }
    case T::kComparativeDate: {
      auto t = ParseInstant(value);
      FLOWD_ASSIGN_OR_RETURN(std::string other_text, Comparison(op, s));
      auto other = ParseInstant(other_text);
      if (!t || !other) return op.include_no_value;
      return op.op == O::kIsBefore ? *t < *other : *t > *other;
    }
    default: {
      auto t = ParseInstant(value);
      if (!t) return op.include_no_value;
      return EvalDates(op, *t, env);
    }
  }
}

}  // namespace flowd::crm::filter::internal
