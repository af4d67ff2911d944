// RunAction and NextOf: the dispatch on an action's `type` and, for SINGLE_CONNECTION actions,
// its `actionTypeId`.
#include "engine/action.h"
#include "engine/actions/actions.h"
#include "flows/action_definitions.h"

namespace flowd::engine {

namespace json = boost::json;
using actions::Ctx;

std::optional<std::string> NextOf(const json::object& action) {
  return actions::ConnectionTarget(action.if_contains("connection"));
}

Result<ActionResult> RunAction(const ActionInput& input, ActionEnv& env) {
  if (!input.flow || !input.action || !input.enrollment) {
    return Error::Internal("RunAction needs a flow, an action and an enrollment");
  }
  Ctx ctx(input, env);
  std::string type = actions::TextField(*input.action, "type").value_or("");
  if (type == "STATIC_BRANCH") return actions::RunStaticBranch(ctx);
  if (type == "LIST_BRANCH") return actions::RunListBranch(ctx);
  if (type == "AB_TEST_BRANCH") return actions::RunAbTestBranch(ctx);
  if (type == "WEBHOOK") return actions::RunWebhook(ctx);
  if (type == "CUSTOM_CODE") return actions::RunCustomCode(ctx);
  if (type != "SINGLE_CONNECTION") {
    return actions::Failed("action type " + (type.empty() ? "(none)" : type) +
                           " is not supported by flowd");
  }
  std::string id = actions::TextField(*input.action, "actionTypeId").value_or("");
  if (id == "0-1") return actions::RunDelay(ctx);
  if (id == "0-35") return actions::RunDelayUntilDate(ctx);
  if (id == "0-29") return actions::RunDelayUntilEvent(ctx);
  if (id == "0-5") return actions::RunSetProperty(ctx);
  if (id == "0-14") return actions::RunCreateRecord(ctx);
  if (id == "0-3") return actions::RunCreateTask(ctx);
  if (id == "0-4") return actions::RunSendMarketingEmail(ctx);
  if (id == "0-8") return actions::RunInternalEmail(ctx);
  if (id == "0-9") return actions::RunNotification(ctx);
  if (id == "0-11") return actions::RunRotateToOwner(ctx);
  if (id == "0-15") return actions::RunEnrollInFlow(ctx);
  if (id == "0-63809083" || id == "0-63863438" || id == "0-13") {
    return actions::RunListMembership(ctx, id);
  }
  if (auto definition_id = flows::DefinitionIdOfActionType(id)) {
    return actions::RunAppAction(ctx, *definition_id);
  }
  return actions::Failed(
      "action type " + (id.empty() ? "(none)" : id) + " is not supported by flowd",
      json::object{{"actionTypeId", id}});
}

}  // namespace flowd::engine
