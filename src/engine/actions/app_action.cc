// App actions (actionTypeId "1-<definitionId>"): the account's custom action definition is
// called like a WEBHOOK — one signed POST per attempt to its actionUrl, with HubSpot's execution
// payload (engine/app_action.h), signed with the app's client secret (X-HubSpot-Signature-v3),
// retried by the webhook rules. The answer's outputFields become the action's outputs.
//
// BLOCK is a durable wait, not memory: the step records the outputs {hs_execution_state: BLOCK,
// hs_callback_id, hs_block_expires_at} and schedules this same action again at the expiry. The
// callback completion API (EngineStore::CompleteCallback) replaces those outputs with the
// completed ones and moves the job to now. When the action runs again it finds either the
// completed outputs (it continues with them, without calling the app again) or its own BLOCK
// still there (the block expired: the action fails, as HubSpot ends an expired block).
#include "engine/app_action.h"

#include "common/clock.h"
#include "common/text.h"
#include "crm/object_types.h"
#include "engine/actions/actions.h"
#include "engine/actions/retry.h"
#include "flows/action_definitions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

int64_t ExecutionIndexOf(const std::string& key) {
  size_t colon = key.rfind(':');
  if (colon == std::string::npos) return 0;
  return ParseDecimalId(std::string_view(key).substr(colon + 1), true).value_or(0);
}

// The outputs this action stored on an earlier run of the same execution (a BLOCK, or the
// completion that replaced it), or nullptr.
const json::object* EarlierOutputs(const Ctx& ctx) {
  if (!ctx.in.data) return nullptr;
  const json::value* v = ctx.in.data->if_contains(ctx.action_id);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string StateOf(const json::object& outputs) {
  const json::value* s = outputs.if_contains("hs_execution_state");
  return s && s->is_string() ? std::string(s->get_string()) : std::string();
}

// The run after a BLOCK: completed (continue with the callback's outputs) or expired (fail).
// A BLOCK schedules this action as the next execution (index + 1), so the earlier run is the
// one whose callback id names the previous index; any other earlier output is from an earlier
// visit of the action (a GOTO loop) and is called afresh.
std::optional<ActionResult> AfterBlock(Ctx& ctx, int64_t execution_index) {
  const json::object* earlier = EarlierOutputs(ctx);
  if (!earlier) return std::nullopt;
  const json::value* id = earlier->if_contains("hs_callback_id");
  if (!id || !id->is_string()) return std::nullopt;
  const std::string callback_id(id->get_string());
  auto ref = ParseCallbackId(callback_id);
  if (!ref || ref->enrollment_id != ctx.enrollment().id || ref->action_id != ctx.action_id ||
      ref->execution_index + 1 != execution_index) {
    return std::nullopt;
  }
  json::object detail{{"callbackId", callback_id}};
  if (StateOf(*earlier) == "BLOCK") {
    return Failed("app action " + callback_id +
                      ": the callback was not completed before the "
                      "block expired",
                  std::move(detail));
  }
  ActionResult r = Continue(ctx.action, std::move(detail));
  r.outputs = *earlier;
  return r;
}

}  // namespace

Result<ActionResult> RunAppAction(Ctx& ctx, int64_t definition_id) {
  const int64_t execution_index = ExecutionIndexOf(ctx.in.idempotency_key);
  if (auto after = AfterBlock(ctx, execution_index)) return std::move(*after);
  const std::string callback_id =
      MakeCallbackId({ParseDecimalId(ctx.in.portal_id).value_or(0), ctx.enrollment().id,
                      ctx.action_id, execution_index});

  FLOWD_ASSIGN_OR_RETURN(auto definition, ctx.env.ActionDefinition(definition_id));
  if (!definition) return Failed("app action " + std::to_string(definition_id) + " does not exist");
  if (definition->archived_at_ms) {
    return Failed("app action " + std::to_string(definition_id) + " is archived");
  }
  FLOWD_ASSIGN_OR_RETURN(auto secret, ctx.env.AppSecret(definition->app_id));
  if (!secret) {
    return Failed("app " + std::to_string(definition->app_id) + " of app action " +
                  std::to_string(definition_id) + " no longer exists");
  }
  json::object body = flows::RenderDefinition(*definition);
  const std::string url = TextField(body, "actionUrl").value_or("");

  AppActionCall call;
  call.callback_id = callback_id;
  call.portal_id = ParseDecimalId(ctx.in.portal_id).value_or(0);
  call.definition_id = definition->id;
  call.definition_version = definition->revision_id;
  call.workflow_id = ctx.enrollment().flow_id;
  call.action_id = ParseDecimalId(ctx.action_id, true).value_or(0);
  call.with_object = definition->requires_object;
  call.object_id = ctx.object_id();
  call.object_type = ctx.ObjectTypeName();
  if (const json::object* options = ObjectField(body, "objectRequestOptions")) {
    const json::array* wanted = ArrayField(*options, "properties");
    FLOWD_ASSIGN_OR_RETURN(const Values* values, ctx.Enrolled());
    FLOWD_ASSIGN_OR_RETURN(auto props, ctx.env.Properties(ctx.object_type()));
    for (const auto& name : wanted ? *wanted : json::array()) {
      if (!name.is_string() || !values) continue;
      const std::string n(name.get_string());
      const store::PropertyRecord* p = props ? props->Find(n) : nullptr;
      if (p && p->data_sensitivity != "non_sensitive") continue;  // never sent out
      auto it = values->find(n);
      if (it != values->end()) call.properties[n] = it->second;
    }
  }
  for (const auto& [name, value] : ctx.fields) {
    FLOWD_ASSIGN_OR_RETURN(auto v, ResolveInput(ctx, value));
    if (!v) return Failed("app action input " + std::string(name) + ": " + ctx.problem);
    call.input_fields[name] = *v;
  }

  WebhookActionSettings settings;
  settings.action_id = ctx.action_id;
  settings.method = HttpMethod::kPost;
  settings.url = url;
  settings.auth = WebhookSignatureAuth{definition->app_id};
  WebhookInputs inputs;
  inputs.idempotency_key = ctx.in.idempotency_key;
  inputs.secret = *secret;
  inputs.body = BuildAppActionPayload(call);
  FakeClock clock(ctx.in.now_ms);  // the signature timestamp: the execution's time
  auto request = BuildWebhookRequest(settings, inputs, clock);
  if (!request.ok()) return Failed("app action: " + request.error().message);

  WebhookResponse response = ctx.env.SendWebhook(*request);
  DeliveryOutcome outcome = ClassifyWebhookResponse(response, ctx.in.now_ms);
  store::DeliveryRecord delivery;
  delivery.account_id = ctx.account_id();
  delivery.enrollment_id = ctx.enrollment().id;
  delivery.idempotency_key = ctx.in.idempotency_key;
  delivery.kind = "APP_ACTION";
  delivery.attempt = ctx.in.attempt;
  delivery.at_ms = ctx.in.now_ms;
  delivery.detail = outcome.reason;
  json::object detail{{"definitionId", std::to_string(definition->id)},
                      {"definitionRevisionId", std::to_string(definition->revision_id)},
                      {"url", url},
                      {"callbackId", callback_id},
                      {"reason", outcome.reason}};
  if (response.transport == WebhookResponse::Transport::kCompleted) {
    detail["statusCode"] = response.status;
  }

  ActionResult r;
  switch (outcome.status) {
    case DeliveryStatus::kDelivered: {
      delivery.outcome = "DELIVERED";
      auto answer = response.body_truncated
                        ? Result<AppActionAnswer>(Error::Invalid("the answer is too long"))
                        : ParseAppActionAnswer(response.body);
      if (!answer.ok()) {
        r = Failed("app action answer: " + answer.error().message, std::move(detail));
        break;
      }
      detail["executionState"] = std::string(AppExecutionStateName(answer->state));
      if (answer->state == AppExecutionState::kBlock) {
        const int64_t expires = ctx.in.now_ms + answer->block_ms;
        answer->outputs["hs_callback_id"] = callback_id;
        answer->outputs["hs_block_expires_at"] = expires;
        detail["blockedUntilMs"] = expires;
        r.outcome = "BLOCKED";
        r.detail = std::move(detail);
        r.next_action_id = ctx.action_id;  // this action again: completion or expiry
        r.next_run_at_ms = expires;
      } else {
        r = Continue(ctx.action, std::move(detail));
      }
      r.outputs = std::move(answer->outputs);
      break;
    }
    case DeliveryStatus::kRetry:
    case DeliveryStatus::kFailed:
      r = Undelivered(ctx, outcome, "app action", std::move(detail), delivery.outcome);
      break;
  }
  r.deliveries.push_back(std::move(delivery));
  return r;
}

}  // namespace flowd::engine::actions
