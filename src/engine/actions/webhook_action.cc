// WEBHOOK: one attempt per execution. The request (webhook.h) carries the enrolled record as its
// body ({objectId, objectTypeId, properties}: the record's non-sensitive values), query
// parameters resolved from their input values, and the AUTH_KEY secret from the account's
// secrets. The answer is classified by HubSpot's rules: delivered continues (outputs: statusCode
// and, for a JSON object answer, its scalar top-level fields), a retryable failure runs again
// at RetryPolicy's time until 3 days after the first attempt, anything else fails.
// SIGNATURE auth signs with the client secret of the account's app `appId` (flowd app create);
// an app that no longer exists fails the step (enabling a flow naming an unknown app is refused).
#include <boost/json/parse.hpp>

#include "common/clock.h"
#include "engine/actions/actions.h"
#include "engine/actions/retry.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

constexpr size_t kMaxOutputFields = 100;
constexpr size_t kMaxOutputString = 65'000;

// The scalar top-level fields of a JSON object body (bounded), for later actions.
void AddBodyOutputs(const WebhookResponse& response, json::object& outputs) {
  if (response.body_truncated || response.body.empty()) return;
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object()) return;
  size_t n = 0;
  for (const auto& [k, v] : body.get_object()) {
    if (n == kMaxOutputFields) break;
    if (v.is_object() || v.is_array()) continue;
    if (v.is_string() && v.get_string().size() > kMaxOutputString) continue;
    outputs[k] = v;
    ++n;
  }
}

Result<json::value> RecordBody(Ctx& ctx) {
  FLOWD_ASSIGN_OR_RETURN(const Values* values, ctx.Enrolled());
  FLOWD_ASSIGN_OR_RETURN(auto props, ctx.env.Properties(ctx.object_type()));
  json::object properties;
  if (values) {
    for (const auto& [k, v] : *values) {
      const store::PropertyRecord* p = props ? props->Find(k) : nullptr;
      if (p && p->data_sensitivity != "non_sensitive") continue;
      properties[k] = v;
    }
  }
  return json::value{{"objectId", ctx.object_id()},
                     {"objectTypeId", ctx.object_type()},
                     {"properties", std::move(properties)}};
}

}  // namespace

Result<ActionResult> RunWebhook(Ctx& ctx) {
  auto settings = ParseWebhookAction(json::value(ctx.action));
  if (!settings.ok()) return Failed("webhook: " + settings.error().message);

  WebhookInputs inputs;
  inputs.idempotency_key = ctx.in.idempotency_key;
  for (const auto& q : settings->query_params) {
    FLOWD_ASSIGN_OR_RETURN(auto v, ResolveInput(ctx, q.value));
    if (!v) return Failed("webhook query parameter " + q.name + ": " + ctx.problem);
    inputs.query_params.emplace_back(q.name, *v);
  }
  if (const auto* key = std::get_if<WebhookAuthKey>(&settings->auth)) {
    FLOWD_ASSIGN_OR_RETURN(auto secrets, ctx.env.Secrets({key->secret_name}));
    auto it = secrets.find(key->secret_name);
    if (it == secrets.end()) return Failed("secret " + key->secret_name + " does not exist");
    inputs.secret = it->second;
  } else if (const auto* sig = std::get_if<WebhookSignatureAuth>(&settings->auth)) {
    FLOWD_ASSIGN_OR_RETURN(auto secret, ctx.env.AppSecret(sig->app_id));
    if (!secret) {
      return Failed("webhook SIGNATURE: app " + std::to_string(sig->app_id) +
                    " does not exist in this account (create it with flowd app create)");
    }
    inputs.secret = std::move(*secret);
  }
  FLOWD_ASSIGN_OR_RETURN(inputs.body, RecordBody(ctx));
  FakeClock clock(ctx.in.now_ms);  // the signature timestamp: the execution's time
  auto request = BuildWebhookRequest(*settings, inputs, clock);
  if (!request.ok()) return Failed("webhook: " + request.error().message);

  WebhookResponse response = ctx.env.SendWebhook(*request);
  DeliveryOutcome outcome = ClassifyWebhookResponse(response, ctx.in.now_ms);
  store::DeliveryRecord delivery;
  delivery.account_id = ctx.account_id();
  delivery.enrollment_id = ctx.enrollment().id;
  delivery.idempotency_key = ctx.in.idempotency_key;
  delivery.kind = "WEBHOOK";
  delivery.attempt = ctx.in.attempt;
  delivery.at_ms = ctx.in.now_ms;
  delivery.detail = outcome.reason;
  json::object detail{{"method", std::string(HttpMethodName(settings->method))},
                      {"url", settings->url},  // without the query (it may carry the secret)
                      {"reason", outcome.reason}};
  if (response.transport == WebhookResponse::Transport::kCompleted) {
    detail["statusCode"] = response.status;
  }

  ActionResult r;
  switch (outcome.status) {
    case DeliveryStatus::kDelivered: {
      delivery.outcome = "DELIVERED";
      json::object outputs;
      AddBodyOutputs(response, outputs);
      outputs["statusCode"] = response.status;
      outputs["hs_execution_state"] = "SUCCESS";
      r = Continue(ctx.action, std::move(detail));
      r.outputs = std::move(outputs);
      break;
    }
    case DeliveryStatus::kRetry:
    case DeliveryStatus::kFailed:
      r = Undelivered(ctx, outcome, "webhook", std::move(detail), delivery.outcome);
      break;
  }
  r.deliveries.push_back(std::move(delivery));
  return r;
}

}  // namespace flowd::engine::actions
