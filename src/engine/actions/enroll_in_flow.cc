// 0-15: enroll in another workflow. Enrolls the enrolled record in the account's flow `flow_id`
// as the enrollment API does (POST /automation/v4/flows/{flowId}/enrollments): the target must
// exist and enroll records of the same object type (else the step fails); a disabled target, or
// one whose suppression excludes the record, enrolls nothing and the step is SKIPPED. The
// enrollment itself is an internal effect committed with the step (StepCommit::enrollments):
// the target's re-enrollment rule is applied there, and a record already ACTIVE in the target,
// or enrolled before in a target that does not re-enroll, makes the step SKIPPED with that
// outcome in its detail. Either way this enrollment continues with its next action.
#include "common/text.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

Result<ActionResult> RunEnrollInFlow(Ctx& ctx) {
  const std::string text = TextField(ctx.fields, "flow_id").value_or("");
  auto flow_id = ParseDecimalId(text);
  if (!flow_id) return Failed("enroll in another workflow needs a flow_id (a decimal flow id)");
  const std::string reason = "enrolled by flow " + std::to_string(ctx.enrollment().flow_id) +
                             " (action " + ctx.action_id + ", enrollment " +
                             std::to_string(ctx.enrollment().id) + ")";
  FLOWD_ASSIGN_OR_RETURN(FlowEnrollment target, ctx.env.EnrollmentIn(*flow_id, ctx.object_type(),
                                                                     ctx.object_id(), reason));
  const std::string id = std::to_string(*flow_id);
  auto skipped = [&](std::string_view outcome, std::string why) {
    ActionResult r = Continue(ctx.action, {{"flowId", id}, {"outcome", outcome}, {"reason", why}});
    r.outcome = "SKIPPED";
    return r;
  };
  switch (target.kind) {
    case FlowEnrollment::Kind::kNoSuchFlow:
      return Failed("flow " + id + " does not exist", {{"flowId", id}});
    case FlowEnrollment::Kind::kOtherObjectType:
      return Failed("flow " + id + " enrolls records of " + target.object_type_id + ", not " +
                        ctx.object_type(),
                    {{"flowId", id}});
    case FlowEnrollment::Kind::kDisabled:
      return skipped("FLOW_DISABLED", "flow " + id + " is disabled");
    case FlowEnrollment::Kind::kSuppressed:
      return skipped("SUPPRESSED", "the record is suppressed from flow " + id);
    case FlowEnrollment::Kind::kReady:
      break;
  }
  ActionResult r = Continue(ctx.action, {{"flowId", id}});
  r.enrollments.push_back(std::move(target.enrollment));
  return r;
}

}  // namespace flowd::engine::actions
