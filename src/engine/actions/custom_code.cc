// CUSTOM_CODE: the action's source run by the environment's code runner (code_runner.h) with its
// inputFields resolved (as text, as HubSpot passes them) and the secrets of secretNames. The
// declared outputFields, coerced by the runner, become the action's outputs (with
// hs_execution_state SUCCESS). A failure of the code (thrown, timeout, memory, bad output) fails
// the enrollment with the runner's message: HubSpot retries custom code only when it hit a rate
// limit, which flowd cannot tell from other failures, so flowd does not retry the code. Only a
// failure of flowd itself to run it (no interpreter is a flow problem; INTERNAL is not) is
// retried, with the webhook backoff. Logs are not recorded with the step (they may print secrets).
#include "common/text.h"
#include "crm/object_types.h"
#include "engine/actions/actions.h"
#include "engine/actions/retry.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

int64_t IdOr0(std::string_view s) { return ParseDecimalId(s, true).value_or(0); }

// The execution index: the last part of the idempotency key (enrollmentId:actionId:index).
int64_t ExecutionIndex(const std::string& key) {
  size_t colon = key.rfind(':');
  return colon == std::string::npos ? 0 : IdOr0(std::string_view(key).substr(colon + 1));
}

}  // namespace

Result<ActionResult> RunCustomCode(Ctx& ctx) {
  CodeRequest request;
  request.runtime = TextField(ctx.action, "runtime").value_or("");
  request.source_code = TextField(ctx.action, "sourceCode").value_or("");
  if (auto lang = LanguageForRuntime(request.runtime); !lang.ok()) {
    return Failed("custom code: " + lang.error().message);
  }
  if (request.source_code.empty()) return Failed("custom code has no sourceCode");
  if (const auto* outputs = ctx.action.if_contains("outputFields")) {
    auto specs = ParseOutputFieldSpecs(*outputs);
    if (!specs.ok()) return Failed("custom code outputFields: " + specs.error().message);
    request.output_fields = std::move(*specs);
  }
  if (const auto* inputs = ArrayField(ctx.action, "inputFields")) {
    for (const auto& f : *inputs) {
      const json::object* o = f.is_object() ? &f.get_object() : nullptr;
      auto name = o ? TextField(*o, "name") : std::nullopt;
      const json::value* value = o ? o->if_contains("value") : nullptr;
      if (!name || !value) return Failed("each custom code input needs a name and a value");
      FLOWD_ASSIGN_OR_RETURN(auto v, ResolveInput(ctx, *value));
      if (!v) return Failed("custom code input " + *name + ": " + ctx.problem);
      request.event.input_fields[*name] = *v;
    }
  }
  if (const auto* names = ArrayField(ctx.action, "secretNames"); names && !names->empty()) {
    std::vector<std::string> wanted;
    for (const auto& n : *names) {
      if (n.is_string()) wanted.emplace_back(n.get_string());
    }
    FLOWD_ASSIGN_OR_RETURN(request.secrets, ctx.env.Secrets(wanted));
    for (const auto& n : wanted) {
      if (!request.secrets.count(n)) return Failed("secret " + n + " does not exist");
    }
  }
  CodeEvent& e = request.event;
  e.object_id = ctx.object_id();
  e.object_type = ctx.ObjectTypeName();
  e.portal_id = IdOr0(ctx.in.portal_id);
  e.flow_id = ctx.enrollment().flow_id;
  e.action_id = IdOr0(ctx.action_id);
  e.action_version = ctx.enrollment().revision_id;
  e.enrollment_id = ctx.enrollment().id;
  e.execution_index = ExecutionIndex(ctx.in.idempotency_key);
  e.callback_id = ctx.in.idempotency_key;

  FLOWD_ASSIGN_OR_RETURN(CodeExecution run, ctx.env.RunCode(request));
  store::DeliveryRecord delivery;
  delivery.account_id = ctx.account_id();
  delivery.enrollment_id = ctx.enrollment().id;
  delivery.idempotency_key = ctx.in.idempotency_key;
  delivery.kind = "CUSTOM_CODE";
  delivery.attempt = ctx.in.attempt;
  delivery.at_ms = ctx.in.now_ms;
  json::object detail{{"durationMs", run.duration_ms}};
  if (run.exit_code) detail["exitCode"] = *run.exit_code;

  ActionResult r;
  if (run.ok()) {
    delivery.outcome = "DELIVERED";
    json::object outputs = run.output_fields;
    outputs["hs_execution_state"] = "SUCCESS";
    r = Continue(ctx.action, std::move(detail));
    r.outputs = std::move(outputs);
  } else {
    std::string failure(CodeFailureName(run.failure));
    delivery.detail = failure + ": " + run.message;
    detail["failure"] = failure;
    if (run.failure == CodeFailure::kInternal) {
      delivery.outcome = "RETRY";
      DeliveryOutcome outcome{DeliveryStatus::kRetry, std::nullopt, delivery.detail};
      r = RetryOrGiveUp(ctx, outcome, "custom code", std::move(detail));
      if (r.failed) delivery.outcome = "FAILED";
    } else {
      delivery.outcome = "FAILED";
      r = Failed("custom code failed (" + failure + "): " + run.message, std::move(detail));
    }
  }
  r.deliveries.push_back(std::move(delivery));
  return r;
}

}  // namespace flowd::engine::actions
