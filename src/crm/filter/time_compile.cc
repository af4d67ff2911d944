// Compiling the time parts of the filter model: refine-bys (pruning and coalescing), time
// offsets and time points (DATE, INDEXED, PROPERTY_REFERENCED).
#include <algorithm>
#include <chrono>

#include "crm/filter/compile_internal.h"
#include "crm/filter/values.h"

namespace flowd::crm::filter::internal {
namespace {

constexpr int64_t kMaxOffset = 1000000;

std::string Join(const std::string& path, std::string_view field) {
  return path + "." + std::string(field);
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  using namespace std::chrono;
  return year_month_day{year(static_cast<int>(y)), month(static_cast<unsigned>(m)),
                        day(static_cast<unsigned>(d))}
      .ok();
}

Parser ParserFrom(const std::string& s) {
  if (s == "UPDATED_AT") return Parser::kUpdatedAt;
  if (s == "ANNIVERSARY") return Parser::kAnniversary;
  if (s == "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION") return Parser::kValueSameLocal;
  if (s == "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION") return Parser::kAnniversarySameLocal;
  return Parser::kValue;
}

const std::vector<std::string_view> kParsers = {"VALUE", "UPDATED_AT", "ANNIVERSARY",
                                                "VALUE_WITH_ZONE_SAME_LOCAL_CONVERSION",
                                                "ANNIVERSARY_WITH_ZONE_SAME_LOCAL_CONVERSION"};

}  // namespace

std::optional<TimeOffset> Compiler::CompileOffset(const boost::json::object& o,
                                                  std::string_view name, const std::string& path) {
  const auto* v = Field(o, name, path, true);
  if (!v) return std::nullopt;
  const std::string p = Join(path, name);
  const auto* oo = Object(*v, p);
  if (!oo) return std::nullopt;
  TimeOffset off;
  auto amount = Int(*oo, "amount", p, true);
  auto dir = OneOf(*oo, "offsetDirection", p, true, {"PAST", "FUTURE"});
  auto unit = OneOf(*oo, "timeUnit", p, true, {"WEEKS", "DAYS", "HOURS", "MINUTES"});
  if (!amount || !dir || !unit) return std::nullopt;
  if (*amount < 0 || *amount > kMaxOffset) {
    Add(Join(p, "amount"), "amount must be between 0 and " + std::to_string(kMaxOffset), kValue);
    return std::nullopt;
  }
  off.amount = *amount;
  off.future = *dir == "FUTURE";
  off.unit = *unit == "WEEKS"   ? TimeOffset::Unit::kWeeks
             : *unit == "DAYS"  ? TimeOffset::Unit::kDays
             : *unit == "HOURS" ? TimeOffset::Unit::kHours
                                : TimeOffset::Unit::kMinutes;
  return off;
}

void Compiler::CompileRefinement(const boost::json::object& o, std::string_view slot,
                                 Refinement& refinement, const Scope& scope,
                                 const std::string& path, bool occurrences_only) {
  const auto* v = Field(o, slot, path, false);
  if (!v) return;
  const std::string p = Join(path, slot);
  const auto* r = Object(*v, p);
  if (!r) return;
  std::optional<std::string> type;
  if (const auto* t = r->if_contains("type"); t && t->is_string()) {
    type = std::string(t->as_string());
  }
  if (const auto* t = r->if_contains("operationType");
      t && t->is_string() && t->as_string() == "TIME_POINT") {
    type = "TIME_POINT";
  }
  if (!type) {
    Add(Join(p, "type"), "Missing required field " + Join(p, "type"), kRequired);
    return;
  }
  if (*type == "ALL_HISTORY") return;
  if (*type == "NUM_OCCURRENCES") {
    auto min = Int(*r, "minOccurrences", p, false);
    auto max = Int(*r, "maxOccurrences", p, false);
    if ((min && *min < 0) || (max && *max < 0)) {
      Add(p, "minOccurrences and maxOccurrences must not be negative", kValue);
      return;
    }
    if (min && max && *min > *max) {
      Add(p, "minOccurrences must not exceed maxOccurrences", kValue);
      return;
    }
    if (min) refinement.min_occurrences = *min;
    if (max) refinement.max_occurrences = *max;
    return;
  }
  if (*type == "SET_OCCURRENCES") {
    Add(Join(p, "type"),
        "SET_OCCURRENCES refines the values of multi-valued properties; it does not apply to "
        "event or association filters",
        kUnsupported);
    return;
  }
  static const std::vector<std::string_view> kTimeKinds = {
      "RELATIVE_COMPARATIVE", "RELATIVE_RANGED", "ABSOLUTE_COMPARATIVE",
      "ABSOLUTE_RANGED",      "TIME_POINT",      "TIME_RANGED"};
  if (std::find(kTimeKinds.begin(), kTimeKinds.end(), *type) == kTimeKinds.end()) {
    Add(Join(p, "type"), "Unknown refine-by type \"" + type->substr(0, 100) + "\"", kValue);
    return;
  }
  if (occurrences_only) {
    Add(Join(p, "type"),
        "Only NUM_OCCURRENCES and ALL_HISTORY refine ASSOCIATION filters: flowd keeps no "
        "association timestamps",
        kUnsupported);
    return;
  }
  // PROPERTY_REFERENCED time points in a refinement read the record, not the event.
  const Scope& record = scope.event && scope.record ? *scope.record : scope;
  TimeWindow w;
  if (*type == "RELATIVE_COMPARATIVE" || *type == "ABSOLUTE_COMPARATIVE") {
    auto cmp = OneOf(*r, "comparison", p, true, {"BEFORE", "AFTER"});
    if (!cmp) return;
    w.before = *cmp == "BEFORE";
    if (*type == "RELATIVE_COMPARATIVE") {
      w.kind = TimeWindow::Kind::kRelativeComparative;
      auto off = CompileOffset(*r, "timeOffset", p);
      if (!off) return;
      w.offset1 = *off;
    } else {
      w.kind = TimeWindow::Kind::kAbsoluteComparative;
      auto ts = Int(*r, "timestamp", p, true);
      if (!ts) return;
      w.timestamp1 = ClampInstant(*ts);
    }
  } else if (*type == "RELATIVE_RANGED" || *type == "ABSOLUTE_RANGED") {
    auto range = OneOf(*r, "rangeType", p, true, {"BETWEEN", "NOT_BETWEEN"});
    if (!range) return;
    w.negate = *range == "NOT_BETWEEN";
    if (*type == "RELATIVE_RANGED") {
      w.kind = TimeWindow::Kind::kRelativeRanged;
      auto lo = CompileOffset(*r, "lowerBoundOffset", p);
      auto hi = CompileOffset(*r, "upperBoundOffset", p);
      if (!lo || !hi) return;
      w.offset1 = *lo;
      w.offset2 = *hi;
    } else {
      w.kind = TimeWindow::Kind::kAbsoluteRanged;
      auto lo = Int(*r, "lowerTimestamp", p, true);
      auto hi = Int(*r, "upperTimestamp", p, true);
      if (!lo || !hi) return;
      w.timestamp1 = ClampInstant(std::min(*lo, *hi));
      w.timestamp2 = ClampInstant(std::max(*lo, *hi));
    }
  } else if (*type == "TIME_POINT") {
    w.kind = TimeWindow::Kind::kTimePoint;
    auto oper = OneOf(*r, "operator", p, true, {"IS_BEFORE", "IS_AFTER"});
    auto ends = OneOf(*r, "endpointBehavior", p, false, {"INCLUSIVE", "EXCLUSIVE"});
    const auto* tp = Field(*r, "timePoint", p, true);
    if (!oper || !tp) return;
    w.before = *oper == "IS_BEFORE";
    w.inclusive1 = ends && *ends == "INCLUSIVE";
    w.point1 = CompileTimePoint(*tp, record, Join(p, "timePoint"));
  } else {
    w.kind = TimeWindow::Kind::kTimeRanged;
    auto oper = OneOf(*r, "operator", p, true, {"IS_BETWEEN", "IS_NOT_BETWEEN"});
    auto lo_end = OneOf(*r, "lowerBoundEndpointBehavior", p, false, {"INCLUSIVE", "EXCLUSIVE"});
    auto hi_end = OneOf(*r, "upperBoundEndpointBehavior", p, false, {"INCLUSIVE", "EXCLUSIVE"});
    const auto* lo = Field(*r, "lowerBoundTimePoint", p, true);
    const auto* hi = Field(*r, "upperBoundTimePoint", p, true);
    if (!oper || !lo || !hi) return;
    w.negate = *oper == "IS_NOT_BETWEEN";
    w.inclusive1 = !lo_end || *lo_end == "INCLUSIVE";
    w.inclusive2 = !hi_end || *hi_end == "INCLUSIVE";
    w.point1 = CompileTimePoint(*lo, record, Join(p, "lowerBoundTimePoint"));
    w.point2 = CompileTimePoint(*hi, record, Join(p, "upperBoundTimePoint"));
  }
  refinement.windows.push_back(std::move(w));
}

TimePoint Compiler::CompileTimePoint(const boost::json::value& v, const Scope& scope,
                                     const std::string& path) {
  TimePoint tp;
  const auto* o = Object(v, path);
  if (!o) return tp;
  auto type = OneOf(*o, "timeType", path, true, {"DATE", "INDEXED", "PROPERTY_REFERENCED"});
  if (auto zone_id = String(*o, "zoneId", path, true)) {
    auto zone = TimeZone::Find(*zone_id);
    if (zone.ok()) {
      tp.zone = zone.value();
    } else {
      Add(Join(path, "zoneId"), zone.error().message, "INVALID_TIME_ZONE");
    }
  }
  if (!tp.zone) tp.zone = TimeZone::Fixed("UTC", 0);
  if (!type) return tp;
  // Optional wall-clock fields, range-checked.
  auto clock_fields = [&](const boost::json::object& src, const std::string& p) {
    struct F {
      std::string_view name;
      int* dest;
      int64_t max;
    };
    for (const F& f : {F{"hour", &tp.hour, 23}, F{"minute", &tp.minute, 59},
                       F{"second", &tp.second, 59}, F{"millisecond", &tp.millisecond, 999}}) {
      if (auto x = Int(src, f.name, p, false)) {
        if (*x < 0 || *x > f.max) {
          Add(Join(p, f.name), Join(p, f.name) + " must be between 0 and " + std::to_string(f.max),
              kValue);
        } else {
          *f.dest = static_cast<int>(*x);
        }
      }
    }
  };
  if (*type == "DATE") {
    tp.kind = TimePoint::Kind::kDate;
    auto y = Int(*o, "year", path, true);
    auto m = Int(*o, "month", path, true);
    auto d = Int(*o, "day", path, true);
    clock_fields(*o, path);
    if (y && m && d) {
      if (!ValidDate(*y, *m, *d)) {
        Add(path,
            "The date " + std::to_string(*y) + "-" + std::to_string(*m) + "-" + std::to_string(*d) +
                " does not exist",
            kValue);
      } else {
        tp.year = static_cast<int>(*y);
        tp.month = static_cast<int>(*m);
        tp.day = static_cast<int>(*d);
      }
    }
    return tp;
  }
  if (*type == "PROPERTY_REFERENCED") {
    tp.kind = TimePoint::Kind::kProperty;
    auto ref = OneOf(*o, "referenceType", path, true, kParsers);
    if (ref) tp.parser = ParserFrom(*ref);
    auto name = String(*o, "property", path, true);
    if (!name) return tp;
    tp.property = *name;
    if (scope.event && tp.parser == Parser::kUpdatedAt) {
      Add(Join(path, "referenceType"),
          "UPDATED_AT does not apply to event properties (events have no value history)", kValue);
    }
    bool known = true;
    const store::PropertyRecord* prop = Property(scope, *name, Join(path, "property"), &known);
    if (prop) {
      tp.property_kind = KindOfProperty(*prop);
      if (tp.parser != Parser::kUpdatedAt && tp.property_kind != ValueKind::kDate &&
          tp.property_kind != ValueKind::kDateTime) {
        Add(Join(path, "property"),
            "Property " + *name + " is of type " + prop->type +
                ": a time point can only reference a date or datetime property's value",
            kMismatch);
      }
    }
    return tp;
  }
  tp.kind = TimePoint::Kind::kIndexed;
  const std::string rp = Join(path, "indexReference");
  if (const auto* off = Field(*o, "offset", path, false)) {
    const std::string op = Join(path, "offset");
    if (const auto* oo = Object(*off, op)) {
      struct F {
        std::string_view name;
        int64_t* dest;
      };
      IndexOffset& x = tp.offset;
      for (const F& f : {F{"years", &x.years}, F{"quarters", &x.quarters}, F{"months", &x.months},
                         F{"weeks", &x.weeks}, F{"days", &x.days}, F{"hours", &x.hours},
                         F{"minutes", &x.minutes}, F{"seconds", &x.seconds},
                         F{"milliseconds", &x.milliseconds}}) {
        if (auto n = Int(*oo, f.name, op, false)) {
          if (*n < -kMaxOffset || *n > kMaxOffset) {
            Add(Join(op, f.name), "Offsets must lie within ±" + std::to_string(kMaxOffset), kValue);
          } else {
            *f.dest = *n;
          }
        }
      }
    }
  }
  const auto* refv = Field(*o, "indexReference", path, true);
  if (!refv) return tp;
  const auto* ref = Object(*refv, rp);
  if (!ref) return tp;
  auto rt =
      OneOf(*ref, "referenceType", rp, true,
            {"NOW", "TODAY", "WEEK", "MONTH", "QUARTER", "YEAR", "FISCAL_QUARTER", "FISCAL_YEAR"});
  if (!rt) return tp;
  clock_fields(*ref, rp);
  using R = TimePoint::Reference;
  auto month_day = [&](int64_t max_month) {
    auto m = max_month > 0 ? Int(*ref, "month", rp, true) : std::optional<int64_t>(1);
    auto d = Int(*ref, "day", rp, true);
    if (max_month > 0 && m && (*m < 1 || *m > max_month)) {
      Add(Join(rp, "month"), "month must be between 1 and " + std::to_string(max_month), kValue);
    } else if (m) {
      tp.month = static_cast<int>(*m);
    }
    if (d && (*d < 1 || *d > 31)) {
      Add(Join(rp, "day"), "day must be between 1 and 31", kValue);
    } else if (d) {
      tp.day = static_cast<int>(*d);
    }
  };
  if (*rt == "NOW") {
    tp.reference = R::kNow;
  } else if (*rt == "TODAY") {
    tp.reference = R::kToday;
  } else if (*rt == "WEEK") {
    tp.reference = R::kWeek;
    static const std::vector<std::string_view> kDays = {
        "SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"};
    if (auto d = OneOf(*ref, "dayOfWeek", rp, true, kDays)) {
      tp.day_of_week = static_cast<int>(std::find(kDays.begin(), kDays.end(), *d) - kDays.begin());
    }
  } else if (*rt == "MONTH") {
    tp.reference = R::kMonth;
    month_day(0);
  } else if (*rt == "QUARTER" || *rt == "FISCAL_QUARTER") {
    tp.reference = *rt == "QUARTER" ? R::kQuarter : R::kFiscalQuarter;
    month_day(3);
  } else {
    tp.reference = *rt == "YEAR" ? R::kYear : R::kFiscalYear;
    month_day(12);
  }
  return tp;
}

}  // namespace flowd::crm::filter::internal
