// 0-1: delay for a set amount of time (`delta` + `time_unit`), optionally then until one of
// `days_of_week` and/or a `time_of_day` {hour, minute} in the account's time zone (HubSpot's
// "delay until a day or time": the variant fields flowd reads; either may come without a delta).
#include "common/time_format.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunDelay(Ctx& ctx) {
  const json::object& f = ctx.fields;
  const auto* days = ArrayField(f, "days_of_week");
  const auto* tod_field = f.if_contains("time_of_day");
  bool has_variant = (days && !days->empty()) || (tod_field && !tod_field->is_null());
  int64_t t = ctx.in.now_ms;
  if (f.contains("delta") || !has_variant) {
    auto delta = IntField(f, "delta");
    if (!delta || *delta < 0) return Failed("delay needs a non-negative integer delta");
    std::string unit = TextField(f, "time_unit").value_or("MINUTES");
    auto moved = AddTime(t, *delta, unit);
    if (!moved) return Failed("delay time_unit " + unit + " is not supported");
    t = *moved;
  }
  unsigned mask = 0;
  if (days) {
    auto m = ParseDaysOfWeek(ctx, *days);
    if (!m) return Failed(ctx.problem);
    mask = *m;
  }
  std::optional<TimeOfDay> tod;
  if (tod_field && !tod_field->is_null()) {
    tod = ParseTimeOfDay(ctx, *tod_field);
    if (!tod) return Failed(ctx.problem);
  }
  auto until = NextDayAndTime(t, mask, tod, ctx.env.TimeZoneId());
  if (!until.ok()) return Failed(until.error().message);
  ActionResult r = Continue(ctx.action, {{"until", FormatIso8601Ms(*until)}});
  r.outcome = "DELAYED";
  r.next_run_at_ms = *until;
  return r;
}

}  // namespace flowd::engine::actions
