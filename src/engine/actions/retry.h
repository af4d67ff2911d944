// Retries of external effects (webhook, email): when the next attempt of this execution runs,
// under webhook.h's RetryPolicy, measured from the execution's first attempt.
#pragma once

#include "engine/actions/action_util.h"

namespace flowd::engine::actions {

// The first attempt's time: ActionInput::first_attempt_ms when known; now on attempt 0; else
// the latest time it can have been, given `attempt` backoff retries since (each as short as the
// jitter allows) — so an estimate never gives up before the policy's cap.
int64_t FirstAttemptMs(const ActionInput& in, const RetryPolicy& policy = {});

// The result of an attempt that should be retried: RETRYING at NextAttempt's time, or failed
// with "<what> gave up after <n> attempts: <reason>" when the policy is out of time.
ActionResult RetryOrGiveUp(Ctx& ctx, const DeliveryOutcome& outcome, const std::string& what,
                           boost::json::object detail);

// The result of an HTTP delivery that did not succeed (kRetry or kFailed): RetryOrGiveUp, or
// failed with "<what> failed: <reason>"; `delivery_outcome` (the attempt's record) is set to
// RETRY or FAILED to match.
ActionResult Undelivered(Ctx& ctx, const DeliveryOutcome& outcome, const std::string& what,
                         boost::json::object detail, std::string& delivery_outcome);

}  // namespace flowd::engine::actions
