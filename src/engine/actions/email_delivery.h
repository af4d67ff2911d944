// Sending an email for an action (0-4, 0-8): over SMTP when the environment has it (Message-ID
// from the idempotency key, one DeliveryRecord per attempt, transient failures retried under the
// webhook RetryPolicy, permanent ones failing the enrollment), else recorded only (LOCAL). Either
// way a sent email is one MessageRecord keyed by the idempotency key.
#pragma once

#include "engine/actions/action_util.h"

namespace flowd::engine::actions {

// `email.message_id` is set here. `detail` is completed and recorded with the step.
ActionResult DeliverEmail(Ctx& ctx, Email email, boost::json::object detail);

}  // namespace flowd::engine::actions
