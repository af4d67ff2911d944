// App actions (1-<definitionId>) and SIGNATURE webhooks: payload, signature, answers, BLOCK.
#include "engine/app_action.h"

#include <boost/json/serialize.hpp>

#include "action_test_util.h"

namespace flowd::engine::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";

class AppActionTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    env.app_secrets[3000001] = kSecret;
    store::ActionDefinitionRecord d;
    d.id = 100001;
    d.account_id = 1;
    d.app_id = 3000001;
    d.revision_id = 2;
    d.body_json = R"({"actionUrl":"http://127.0.0.1:9/act","published":true,
      "objectTypes":["0-1"],"inputFields":[],"labels":{"en":{"actionName":"A"}},"functions":[],
      "objectRequestOptions":{"properties":["email","secret","missing"]}})";
    env.definitions[d.id] = d;
    env.crm.Set("0-1", 1, "secret", "hidden");  // highly sensitive: never sent
    env.webhook_response.status = 200;
  }
  std::string Action() const {
    return Single(
        "1-100001",
        R"({"widget":"blue","who":{"type":"OBJECT_PROPERTY","propertyName":"firstname"}})");
  }
};

TEST_F(AppActionTest, PostsHubSpotsPayloadSignedWithTheAppSecret) {
  env.webhook_response.body = R"({"outputFields":{"tier":"gold","n":3,"deep":{"x":1}}})";
  ActionResult r = Run(Action());
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.next_action_id, "2");
  ASSERT_EQ(env.webhooks.size(), 1u);
  const WebhookRequest& req = env.webhooks[0];
  EXPECT_EQ(req.url, "http://127.0.0.1:9/act");
  EXPECT_EQ(req.Header("Idempotency-Key"), "7:1:4");
  auto ts = req.Header("X-HubSpot-Request-Timestamp");
  ASSERT_TRUE(ts);
  EXPECT_EQ(req.Header("X-HubSpot-Signature-v3"),
            SignatureV3(kSecret, "POST", req.url, req.body, std::stoll(*ts)));
  json::object body = json::parse(req.body).as_object();
  EXPECT_EQ(body.at("callbackId").as_string(), "ap-1000001-7-1-4");
  EXPECT_EQ(body.at("origin").at("portalId").as_int64(), 1000001);
  EXPECT_EQ(body.at("origin").at("actionDefinitionId").as_int64(), 100001);
  EXPECT_EQ(body.at("origin").at("actionDefinitionVersion").as_int64(), 2);
  EXPECT_EQ(body.at("context").at("source").as_string(), "WORKFLOWS");
  EXPECT_EQ(body.at("context").at("workflowId").as_int64(), 500);
  EXPECT_EQ(body.at("object").at("objectId").as_int64(), 1);
  EXPECT_EQ(body.at("object").at("objectType").as_string(), "CONTACT");
  const json::object& props = body.at("object").at("properties").as_object();
  EXPECT_EQ(props.at("email").as_string(), "ada@example.com");
  EXPECT_FALSE(props.contains("secret"));
  EXPECT_FALSE(props.contains("missing"));
  EXPECT_FALSE(props.contains("firstname"));  // not requested
  EXPECT_EQ(body.at("inputFields").at("widget").as_string(), "blue");
  EXPECT_EQ(body.at("inputFields").at("who").as_string(), "Ada");
  ASSERT_TRUE(r.outputs);
  EXPECT_EQ(r.outputs->at("tier").as_string(), "gold");
  EXPECT_EQ(r.outputs->at("n").as_int64(), 3);
  EXPECT_FALSE(r.outputs->contains("deep"));
  EXPECT_EQ(r.outputs->at("hs_execution_state").as_string(), "SUCCESS");
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].kind, "APP_ACTION");
}

TEST_F(AppActionTest, FailContinueContinuesAndBadAnswersFail) {
  env.webhook_response.body = R"({"outputFields":{"hs_execution_state":"FAIL_CONTINUE"}})";
  ActionResult r = Run(Action());
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.next_action_id, "2");
  EXPECT_EQ(r.outputs->at("hs_execution_state").as_string(), "FAIL_CONTINUE");
  env.webhook_response.body = R"({"outputFields":{"hs_execution_state":"MAYBE"}})";
  EXPECT_TRUE(Run(Action()).failed);
  env.webhook_response.body = "not json";
  EXPECT_TRUE(Run(Action()).failed);
  env.webhook_response.body = "";
  EXPECT_FALSE(Run(Action()).failed);
}

TEST_F(AppActionTest, RetriesLikeWebhooks) {
  env.webhook_response.status = 503;
  ActionResult r = Run(Action());
  EXPECT_FALSE(r.failed);
  ASSERT_TRUE(r.retry_at_ms);
  EXPECT_GT(*r.retry_at_ms, now);
  env.webhook_response.status = 400;
  EXPECT_TRUE(Run(Action()).failed);
}

TEST_F(AppActionTest, UnknownArchivedOrAppless) {
  ActionResult r = Run(Single("1-999", "{}"));
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("does not exist"), std::string::npos);
  env.definitions[100001].archived_at_ms = now;
  EXPECT_TRUE(Run(Action()).failed);
  env.definitions[100001].archived_at_ms.reset();
  env.app_secrets.clear();
  EXPECT_TRUE(Run(Action()).failed);
  EXPECT_TRUE(env.webhooks.empty());
}

TEST_F(AppActionTest, BlockWaitsForTheCallbackThenContinuesOrExpires) {
  env.webhook_response.body =
      R"({"outputFields":{"hs_execution_state":"BLOCK","hs_expiration_duration":"PT2H"}})";
  ActionResult r = Run(Action());
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.outcome, "BLOCKED");
  EXPECT_EQ(r.next_action_id, "1");  // itself, at the expiry
  EXPECT_EQ(r.next_run_at_ms, now + 2 * 3'600'000);
  EXPECT_EQ(r.outputs->at("hs_callback_id").as_string(), "ap-1000001-7-1-4");

  // The next execution (index 5) finds the block still there: it expired.
  data["1"] = *r.outputs;
  action = json::parse(Action()).as_object();
  ActionInput in;
  in.flow = &flow;
  in.action = &action;
  in.enrollment = &enrollment;
  in.data = &data;
  in.now_ms = now;
  in.idempotency_key = "7:1:5";
  in.portal_id = "1000001";
  auto expired = RunAction(in, env);
  ASSERT_TRUE(expired.ok());
  EXPECT_TRUE(expired->failed);
  EXPECT_NE(expired->error.find("expired"), std::string::npos);

  // Completed: continues with the callback's outputs, without calling the app again.
  data["1"] = json::object{
      {"hs_execution_state", "SUCCESS"}, {"hs_callback_id", "ap-1000001-7-1-4"}, {"answer", "42"}};
  const size_t calls = env.webhooks.size();
  auto completed = RunAction(in, env);
  ASSERT_TRUE(completed.ok());
  EXPECT_FALSE(completed->failed);
  EXPECT_EQ(completed->next_action_id, "2");
  EXPECT_EQ(completed->outputs->at("answer").as_string(), "42");
  EXPECT_EQ(env.webhooks.size(), calls);
}

TEST_F(ActionTest, SignatureWebhookSignsWithTheAppSecret) {
  env.app_secrets[5] = kSecret;
  env.webhook_response.status = 200;
  ActionResult r = Run(R"({"type":"WEBHOOK","actionId":"11","method":"POST",
    "webhookUrl":"http://127.0.0.1:9/hook","queryParams":[],
    "authSettings":{"type":"SIGNATURE","appId":5}})");
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(env.webhooks.size(), 1u);
  const WebhookRequest& req = env.webhooks[0];
  auto ts = req.Header("X-HubSpot-Request-Timestamp");
  ASSERT_TRUE(ts);
  EXPECT_EQ(req.Header("X-HubSpot-Signature-v3"),
            SignatureV3(kSecret, "POST", req.url, req.body, std::stoll(*ts)));
}

TEST(AppActionPayload, CallbackIdsRoundTrip) {
  CallbackRef ref{1000001, 42, "7", 3};
  std::string id = MakeCallbackId(ref);
  EXPECT_EQ(id, "ap-1000001-42-7-3");
  auto back = ParseCallbackId(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->enrollment_id, 42);
  EXPECT_EQ(back->action_id, "7");
  EXPECT_EQ(back->execution_index, 3);
  EXPECT_FALSE(ParseCallbackId("ap-1-2-3"));
  EXPECT_FALSE(ParseCallbackId("xx-1-2-3-4"));
  EXPECT_FALSE(ParseCallbackId("ap-1-2-x-4"));
  EXPECT_FALSE(ParseCallbackId(std::string(200, '1')));
}

TEST(AppActionPayload, WithoutObjectWhenNotRequired) {
  AppActionCall call;
  call.with_object = false;
  json::object body = BuildAppActionPayload(call).as_object();
  EXPECT_FALSE(body.contains("object"));
  EXPECT_TRUE(body.contains("inputFields"));
}

TEST(AppActionPayload, IsoDurations) {
  EXPECT_EQ(ParseIsoDurationMs("P1D"), 86'400'000);
  EXPECT_EQ(ParseIsoDurationMs("PT30M"), 1'800'000);
  EXPECT_EQ(ParseIsoDurationMs("P1W"), 7 * 86'400'000LL);
  EXPECT_EQ(ParseIsoDurationMs("P1DT1H1M1S"), 86'400'000 + 3'600'000 + 60'000 + 1000);
  EXPECT_FALSE(ParseIsoDurationMs("P"));
  EXPECT_FALSE(ParseIsoDurationMs("1D"));
  EXPECT_FALSE(ParseIsoDurationMs("PT"));
  EXPECT_FALSE(ParseIsoDurationMs("P1H"));
  EXPECT_FALSE(ParseIsoDurationMs("P2Y"));  // beyond kMaxBlockMs
  auto a = ParseAppActionAnswer(R"({"outputFields":{"hs_execution_state":"BLOCK"}})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->block_ms, kDefaultBlockMs);
  EXPECT_FALSE(ReadOutputFields(json::parse(R"({"hs_execution_state":"BLOCK"})"), false).ok());
  EXPECT_FALSE(
      ParseAppActionAnswer(
          R"({"outputFields":{"hs_execution_state":"BLOCK","hs_expiration_duration":"x"}})")
          .ok());
}

}  // namespace
}  // namespace flowd::engine::testing
