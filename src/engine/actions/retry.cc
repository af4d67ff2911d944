#include "engine/actions/retry.h"

#include <algorithm>

#include "common/time_format.h"

namespace flowd::engine::actions {

int64_t FirstAttemptMs(const ActionInput& in, const RetryPolicy& policy) {
  if (in.first_attempt_ms > 0) return in.first_attempt_ms;
  int64_t back = 0;
  int64_t delay = policy.first_delay_ms;
  for (int64_t i = 0; i < in.attempt && back < policy.give_up_after_ms; ++i) {
    // The shortest gap the jitter allows: the estimate is the latest the first attempt can have
    // been (Retry-After waits and run times only make it earlier).
    back += delay - static_cast<int64_t>(static_cast<double>(delay) * policy.jitter);
    delay = std::min(delay * 2, policy.max_delay_ms);
  }
  return in.now_ms - std::min(back, policy.give_up_after_ms);
}

ActionResult RetryOrGiveUp(Ctx& ctx, const DeliveryOutcome& outcome, const std::string& what,
                           boost::json::object detail) {
  int64_t first = FirstAttemptMs(ctx.in);
  auto at = NextAttempt(first, static_cast<int>(ctx.in.attempt) + 1, outcome, ctx.in.now_ms, {},
                        StableHash(ctx.in.idempotency_key));
  detail["firstAttemptAtMs"] = first;
  if (!at) {
    return Failed(what + " gave up after " + std::to_string(ctx.in.attempt + 1) +
                      " attempts: " + outcome.reason,
                  std::move(detail));
  }
  ActionResult r;
  r.outcome = "RETRYING";
  r.retry_at_ms = *at;
  detail["retryAt"] = FormatIso8601Ms(*at);
  detail["reason"] = outcome.reason;
  r.detail = std::move(detail);
  return r;
}

ActionResult Undelivered(Ctx& ctx, const DeliveryOutcome& outcome, const std::string& what,
                         boost::json::object detail, std::string& delivery_outcome) {
  if (outcome.status == DeliveryStatus::kRetry) {
    ActionResult r = RetryOrGiveUp(ctx, outcome, what, std::move(detail));
    delivery_outcome = r.failed ? "FAILED" : "RETRY";
    return r;
  }
  delivery_outcome = "FAILED";
  return Failed(what + " failed: " + outcome.reason, std::move(detail));
}

}  // namespace flowd::engine::actions
