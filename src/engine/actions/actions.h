// The action types (one file each, internal to engine/actions/); registry.cc dispatches to them.
// Each returns the action's result, or an Error for failures of the environment (see action.h).
#pragma once

#include "engine/actions/action_util.h"

namespace flowd::engine::actions {

Result<ActionResult> RunDelay(Ctx& ctx);               // 0-1
Result<ActionResult> RunDelayUntilDate(Ctx& ctx);      // 0-35
Result<ActionResult> RunDelayUntilEvent(Ctx& ctx);     // 0-29
Result<ActionResult> RunSetProperty(Ctx& ctx);         // 0-5
Result<ActionResult> RunCreateRecord(Ctx& ctx);        // 0-14
Result<ActionResult> RunCreateTask(Ctx& ctx);          // 0-3
Result<ActionResult> RunSendMarketingEmail(Ctx& ctx);  // 0-4
Result<ActionResult> RunInternalEmail(Ctx& ctx);       // 0-8
Result<ActionResult> RunNotification(Ctx& ctx);        // 0-9
Result<ActionResult> RunRotateToOwner(Ctx& ctx);       // 0-11
Result<ActionResult> RunEnrollInFlow(Ctx& ctx);        // 0-15
// 0-63809083 (add), 0-63863438 (remove), legacy 0-13 (operation ADD/REMOVE).
Result<ActionResult> RunListMembership(Ctx& ctx, const std::string& action_type_id);
Result<ActionResult> RunStaticBranch(Ctx& ctx);
Result<ActionResult> RunListBranch(Ctx& ctx);
Result<ActionResult> RunAbTestBranch(Ctx& ctx);
Result<ActionResult> RunWebhook(Ctx& ctx);
Result<ActionResult> RunCustomCode(Ctx& ctx);
// 1-<definitionId>: an app (custom workflow) action.
Result<ActionResult> RunAppAction(Ctx& ctx, int64_t definition_id);

}  // namespace flowd::engine::actions
