// 0-35: delay until a calendar date (`date` STATIC_VALUE: epoch ms or an ISO date / time) or the
// date of a property of the enrolled record (OBJECT_PROPERTY), moved by an optional `delta`
// `time_unit` (negative: before the date) and set to an optional `time_of_day` {hour, minute} of
// that day in the account's time zone. A date given without a time (date properties, "YYYY-MM-DD")
// is that local day's midnight unless time_of_day says otherwise. A moment already past continues
// at once; an empty property skips the delay (as HubSpot does), with the step saying so.
#include "common/time_format.h"
#include "crm/filter/time_zone.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {
constexpr int64_t kDayMs = 86'400'000;
int64_t FloorDay(int64_t ms) { return (ms >= 0 ? ms : ms - kDayMs + 1) / kDayMs * kDayMs; }
}  // namespace

Result<ActionResult> RunDelayUntilDate(Ctx& ctx) {
  const json::object& f = ctx.fields;
  const json::value* date = f.if_contains("date");
  if (!date) return Failed("delay until a date needs a date");
  std::string text;
  if (date->is_object() && TextField(date->get_object(), "type") == "OBJECT_PROPERTY") {
    std::string name = TextField(date->get_object(), "propertyName").value_or("");
    FLOWD_ASSIGN_OR_RETURN(auto value, ResolveInput(ctx, *date));
    if (!value) return Failed(ctx.problem);
    if (value->empty()) {
      ActionResult r = Continue(ctx.action, {{"skipped", "property " + name + " has no value"}});
      r.outcome = "SKIPPED";
      return r;
    }
    text = *value;
  } else {
    FLOWD_ASSIGN_OR_RETURN(auto value, ResolveInput(ctx, *date));
    if (!value) return Failed(ctx.problem);
    text = *value;
  }
  bool date_only = false;
  auto at = ParseDateValue(text, &date_only);
  if (!at) return Failed("\"" + text + "\" is not a date");

  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(ctx.env.TimeZoneId()));
  // Work in local time: a date-only value is already a local day.
  int64_t local = date_only ? *at : zone->UtcToLocal(*at);
  if (f.contains("delta")) {
    auto delta = IntField(f, "delta");
    if (!delta) return Failed("delta must be an integer");
    std::string unit = TextField(f, "time_unit").value_or("DAYS");
    auto moved = AddTime(local, *delta, unit);
    if (!moved) return Failed("time_unit " + unit + " is not supported");
    local = *moved;
  }
  if (const auto* tod_field = f.if_contains("time_of_day"); tod_field && !tod_field->is_null()) {
    auto tod = ParseTimeOfDay(ctx, *tod_field);
    if (!tod) return Failed(ctx.problem);
    local = FloorDay(local) + (tod->hour * 60LL + tod->minute) * 60'000;
  }
  int64_t until = zone->LocalToUtc(local);
  if (until <= ctx.in.now_ms) {
    return Continue(ctx.action, {{"until", FormatIso8601Ms(until)}, {"passed", true}});
  }
  ActionResult r = Continue(ctx.action, {{"until", FormatIso8601Ms(until)}});
  r.outcome = "DELAYED";
  r.next_run_at_ms = until;
  return r;
}

}  // namespace flowd::engine::actions
