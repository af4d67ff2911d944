// Time points, offsets and time windows at evaluation time.
#include <algorithm>

#include "crm/filter/eval_internal.h"
#include "crm/filter/values.h"

namespace flowd::crm::filter::internal {
namespace {

int64_t TimeOfDay(const TimePoint& p) {
  return std::max(p.hour, 0) * 3600000LL + std::max(p.minute, 0) * 60000LL +
         std::max(p.second, 0) * 1000LL + std::max(p.millisecond, 0);
}

bool HasClock(const TimePoint& p) {
  return p.hour >= 0 || p.minute >= 0 || p.second >= 0 || p.millisecond >= 0;
}

// The first day of the unit containing `today`, as a civil date.
Civil StartCivil(int64_t today, CalendarUnit unit, int fiscal_start_month) {
  return ToCivil(UnitStart(today, unit, fiscal_start_month) * kDayMs);
}

// The local day an INDEXED reference names (before offsets).
int64_t ReferenceDay(const TimePoint& p, int64_t today, int fiscal_start_month) {
  using R = TimePoint::Reference;
  const Civil c = ToCivil(today * kDayMs);
  switch (p.reference) {
    case R::kNow:
    case R::kToday:
      return today;
    case R::kWeek:
      return UnitStart(today, CalendarUnit::kWeek, 1) + (p.day_of_week - kWeekStartsOn + 7) % 7;
    case R::kMonth:
      return DaysFromCivil(c.year, c.month, p.day);
    case R::kQuarter: {
      const Civil s = StartCivil(today, CalendarUnit::kQuarter, 1);
      return DaysFromCivil(s.year, s.month + p.month - 1, p.day);
    }
    case R::kYear:
      return DaysFromCivil(c.year, p.month, p.day);
    case R::kFiscalQuarter: {
      const Civil s = StartCivil(today, CalendarUnit::kQuarter, fiscal_start_month);
      return DaysFromCivil(s.year, s.month + p.month - 1, p.day);
    }
    case R::kFiscalYear: {
      const Civil s = StartCivil(today, CalendarUnit::kYear, fiscal_start_month);
      return DaysFromCivil(s.year, s.month + p.month - 1, p.day);
    }
  }
  return today;
}

}  // namespace

int64_t Shift(int64_t now_ms, const TimeOffset& offset, const TimeEnv& env) {
  const int64_t sign = offset.future ? 1 : -1;
  switch (offset.unit) {
    case TimeOffset::Unit::kMinutes:
      return now_ms + sign * offset.amount * 60000;
    case TimeOffset::Unit::kHours:
      return now_ms + sign * offset.amount * 3600000;
    case TimeOffset::Unit::kDays:
    case TimeOffset::Unit::kWeeks: {
      const int64_t days = offset.amount * (offset.unit == TimeOffset::Unit::kWeeks ? 7 : 1);
      return env.zone->LocalToUtc(env.zone->UtcToLocal(now_ms) + sign * days * kDayMs);
    }
  }
  return now_ms;
}

Result<std::optional<int64_t>> ResolveTimePoint(const TimePoint& p, Subject* subject,
                                                const TimeEnv& env) {
  const TimeZone& zone = p.zone ? *p.zone : *env.zone;
  switch (p.kind) {
    case TimePoint::Kind::kDate: {
      const int64_t local = DaysFromCivil(p.year, p.month, p.day) * kDayMs + TimeOfDay(p);
      return std::optional<int64_t>(zone.LocalToUtc(local));
    }
    case TimePoint::Kind::kIndexed: {
      const int64_t local_now = zone.UtcToLocal(env.now_ms);
      const int64_t today = DayNumber(local_now);
      int64_t local;
      if (p.reference == TimePoint::Reference::kNow && !HasClock(p)) {
        local = local_now;
      } else {
        local = ReferenceDay(p, today, env.fiscal_start_month) * kDayMs + TimeOfDay(p);
      }
      const IndexOffset& o = p.offset;
      if (o.years || o.quarters || o.months || o.weeks || o.days) {
        const Civil c = ToCivil(local);
        const int64_t day =
            DaysFromCivil(c.year, c.month + o.months + 3 * o.quarters + 12 * o.years, c.day) +
            7 * o.weeks + o.days;
        local = day * kDayMs + c.ms_of_day;
      }
      return std::optional<int64_t>(zone.LocalToUtc(local) + o.hours * 3600000 + o.minutes * 60000 +
                                    o.seconds * 1000 + o.milliseconds);
    }
    case TimePoint::Kind::kProperty: {
      if (!subject) return std::optional<int64_t>();
      if (p.parser == Parser::kUpdatedAt) return subject->UpdatedAt(p.property);
      FLOWD_ASSIGN_OR_RETURN(std::string value, subject->Value(p.property));
      auto t = ParseInstant(value);
      if (!t) return std::optional<int64_t>();
      // Date values are midnight UTC: their wall clock is read in UTC.
      const bool utc_wall = p.parser == Parser::kValueSameLocal ||
                            p.parser == Parser::kAnniversarySameLocal ||
                            p.property_kind == ValueKind::kDate;
      if (p.parser == Parser::kValue) return std::optional<int64_t>(*t);
      const int64_t wall = utc_wall ? *t : zone.UtcToLocal(*t);
      if (p.parser == Parser::kValueSameLocal) return std::optional<int64_t>(zone.LocalToUtc(wall));
      const Civil c = ToCivil(wall);
      const Civil now = ToCivil(zone.UtcToLocal(env.now_ms));
      return std::optional<int64_t>(
          zone.LocalToUtc(DaysFromCivil(now.year, c.month, c.day) * kDayMs + c.ms_of_day));
    }
  }
  return std::optional<int64_t>();
}

Result<bool> InWindows(const std::vector<TimeWindow>& windows, int64_t t, Subject* record,
                       const TimeEnv& env) {
  for (const TimeWindow& w : windows) {
    bool in = false;
    switch (w.kind) {
      case TimeWindow::Kind::kRelativeComparative: {
        const int64_t p = Shift(env.now_ms, w.offset1, env);
        in = w.before ? t < p : t > p;
        break;
      }
      case TimeWindow::Kind::kRelativeRanged: {
        const int64_t a = Shift(env.now_ms, w.offset1, env);
        const int64_t b = Shift(env.now_ms, w.offset2, env);
        in = t >= std::min(a, b) && t <= std::max(a, b);
        if (w.negate) in = !in;
        break;
      }
      case TimeWindow::Kind::kAbsoluteComparative:
        in = w.before ? t < w.timestamp1 : t > w.timestamp1;
        break;
      case TimeWindow::Kind::kAbsoluteRanged:
        in = t >= w.timestamp1 && t <= w.timestamp2;
        if (w.negate) in = !in;
        break;
      case TimeWindow::Kind::kTimePoint: {
        FLOWD_ASSIGN_OR_RETURN(auto p, ResolveTimePoint(w.point1, record, env));
        if (!p) return false;
        in = w.before ? (w.inclusive1 ? t <= *p : t < *p) : (w.inclusive1 ? t >= *p : t > *p);
        break;
      }
      case TimeWindow::Kind::kTimeRanged: {
        FLOWD_ASSIGN_OR_RETURN(auto lo, ResolveTimePoint(w.point1, record, env));
        FLOWD_ASSIGN_OR_RETURN(auto hi, ResolveTimePoint(w.point2, record, env));
        if (!lo || !hi) return false;
        in = (w.inclusive1 ? t >= *lo : t > *lo) && (w.inclusive2 ? t <= *hi : t < *hi);
        if (w.negate) in = !in;
        break;
      }
    }
    if (!in) return false;
  }
  return true;
}

}  // namespace flowd::crm::filter::internal
