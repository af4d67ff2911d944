// 0-29: delay until an event occurs. The enrollment waits until an event that one of
// `event_filter_branches` accepts (the branches of an EVENT_BASED trigger: `eventTypeId` and
// filters on the event's properties) happens on the enrolled record, or until
// `expiration_minutes` have passed, then continues. The wait is the next action's job, due at the
// expiry (a timer like any delay); the trigger consumer brings it forward when a matching event
// is read (triggers.cc, EngineStore::WakeJob). Without `expiration_minutes` it waits for the
// event alone (the job is due in kNoExpiryMs).
#include "common/time_format.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {
constexpr int64_t kNoExpiryMs = 100LL * 366 * 86'400'000;  // about 100 years
}  // namespace

Result<ActionResult> RunDelayUntilEvent(Ctx& ctx) {
  const json::object& f = ctx.fields;
  const json::array* branches = ArrayField(f, "event_filter_branches");
  if (!branches || branches->empty()) {
    return Failed("delay until an event needs event_filter_branches");
  }
  json::array types;
  for (const auto& b : *branches) {
    const auto* type = b.is_object() ? b.as_object().if_contains("eventTypeId") : nullptr;
    if (!type || !type->is_string()) {
      return Failed("each of event_filter_branches needs an eventTypeId");
    }
    types.push_back(*type);
  }
  int64_t wait_ms = kNoExpiryMs;
  if (f.contains("expiration_minutes") && !f.at("expiration_minutes").is_null()) {
    auto minutes = IntField(f, "expiration_minutes");
    if (!minutes || *minutes < 0 || *minutes > kNoExpiryMs / 60'000) {
      return Failed("expiration_minutes must be a whole number of minutes, 0 or more");
    }
    wait_ms = *minutes * 60'000;
  }
  const int64_t until = ctx.in.now_ms + wait_ms;
  ActionResult r = Continue(
      ctx.action, {{"waitingForEvents", std::move(types)}, {"expiresAt", FormatIso8601Ms(until)}});
  r.outcome = "DELAYED";
  r.next_run_at_ms = until;
  return r;
}

}  // namespace flowd::engine::actions
