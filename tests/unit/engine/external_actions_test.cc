// WEBHOOK and CUSTOM_CODE: requests built from the action, answers classified.
#include "action_test_util.h"

namespace flowd::engine::testing {
namespace {

const char* kHook =
    R"({"type":"WEBHOOK","actionId":"11","method":"POST","webhookUrl":"https://example.com/hook",
  "queryParams":[{"name":"id","value":{"type":"OBJECT_PROPERTY","propertyName":"firstname"}}],
  "authSettings":{"type":"AUTH_KEY","location":"HEADER","name":"X-Api-Key","secretName":"MY_SECRET"},
  "connection":{"edgeType":"STANDARD","nextActionId":"12"}})";

class WebhookActionTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    env.secrets["MY_SECRET"] = "s3cret";
    env.webhook_response.status = 200;
  }
};

TEST_F(WebhookActionTest, DeliveredWithOutputs) {
  env.crm.Set("0-1", 1, "secret", "hidden");  // highly sensitive: not sent
  env.webhook_response.body = R"({"tier":"gold","n":3,"nested":{"x":1}})";
  ActionResult r = Run(kHook);
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.next_action_id, "12");
  ASSERT_EQ(env.webhooks.size(), 1u);
  const WebhookRequest& req = env.webhooks[0];
  EXPECT_EQ(req.url, "https://example.com/hook?id=Ada");
  EXPECT_EQ(req.Header("X-Api-Key"), "s3cret");
  EXPECT_EQ(req.Header("Idempotency-Key"), "7:11:4");
  auto body = boost::json::parse(req.body).as_object();
  EXPECT_EQ(body.at("objectId").as_int64(), 1);
  EXPECT_EQ(body.at("properties").at("firstname").as_string(), "Ada");
  EXPECT_FALSE(body.at("properties").as_object().contains("secret"));
  ASSERT_TRUE(r.outputs);
  EXPECT_EQ(r.outputs->at("statusCode").as_int64(), 200);
  EXPECT_EQ(r.outputs->at("tier").as_string(), "gold");
  EXPECT_FALSE(r.outputs->contains("nested"));
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].kind, "WEBHOOK");
  EXPECT_EQ(r.deliveries[0].outcome, "DELIVERED");
  EXPECT_EQ(boost::json::serialize(r.detail).find("s3cret"), std::string::npos);
}

TEST_F(WebhookActionTest, ServerErrorRetriesWithBackoff) {
  env.webhook_response.status = 503;
  ActionResult r = Run(kHook);
  EXPECT_EQ(r.outcome, "RETRYING");
  EXPECT_FALSE(r.failed);
  ASSERT_TRUE(r.retry_at_ms);
  EXPECT_GE(*r.retry_at_ms, now + 48'000);
  EXPECT_LE(*r.retry_at_ms, now + 60'000);
  EXPECT_EQ(r.detail.at("firstAttemptAtMs").as_int64(), now);
  EXPECT_EQ(r.deliveries.at(0).outcome, "RETRY");
  // Later attempts back off further.
  r = Run(kHook, 3, now - 7 * 60'000);
  ASSERT_TRUE(r.retry_at_ms);
  EXPECT_GE(*r.retry_at_ms, now + 4 * 48'000);
}

TEST_F(WebhookActionTest, RateLimitHonoursRetryAfter) {
  env.webhook_response.status = 429;
  env.webhook_response.retry_after = "120";
  ActionResult r = Run(kHook);
  ASSERT_TRUE(r.retry_at_ms);
  EXPECT_EQ(*r.retry_at_ms, now + 120'000);
}

TEST_F(WebhookActionTest, GivesUpThreeDaysAfterTheFirstAttempt) {
  env.webhook_response.status = 500;
  ActionResult r = Run(kHook, 15, now - 72 * 3'600'000LL);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("gave up"), std::string::npos) << r.error;
  EXPECT_EQ(r.deliveries.at(0).outcome, "FAILED");
  // Without a known first attempt, the estimate from the attempt count does not give up early.
  r = Run(kHook, 5);
  EXPECT_EQ(r.outcome, "RETRYING");
}

TEST_F(WebhookActionTest, ClientErrorAndNetworkErrors) {
  env.webhook_response.status = 404;
  ActionResult r = Run(kHook);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.deliveries.at(0).outcome, "FAILED");
  env.webhook_response.transport = WebhookResponse::Transport::kTimeout;
  env.webhook_response.status = 0;
  EXPECT_EQ(Run(kHook).outcome, "RETRYING");
}

TEST_F(WebhookActionTest, MissingSecretAndBadSettingsFail) {
  env.secrets.clear();
  ActionResult r = Run(kHook);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("MY_SECRET"), std::string::npos);
  EXPECT_TRUE(env.webhooks.empty());
  EXPECT_TRUE(
      Run(R"({"type":"WEBHOOK","actionId":"11","method":"TRACE","webhookUrl":"https://x.test","queryParams":[]})")
          .failed);
  EXPECT_TRUE(
      Run(R"({"type":"WEBHOOK","actionId":"11","method":"POST","webhookUrl":"ftp://x.test","queryParams":[]})")
          .failed);
  EXPECT_TRUE(
      Run(R"({"type":"WEBHOOK","actionId":"11","method":"POST","webhookUrl":"https://x.test","queryParams":[],
    "authSettings":{"type":"SIGNATURE","appId":5}})")
          .failed);
}

const char* kCode = R"({"type":"CUSTOM_CODE","actionId":"10","runtime":"NODE20X",
  "sourceCode":"exports.main = async (event, callback) => { callback({ outputFields: { tier: 'gold' } }); };",
  "secretNames":["API"],
  "inputFields":[{"name":"email","value":{"type":"OBJECT_PROPERTY","propertyName":"email"}}],
  "outputFields":[{"type":"ENUMERATION","name":"tier","options":["gold","silver"]}],
  "connection":{"edgeType":"STANDARD","nextActionId":"11"}})";

TEST_F(ActionTest, CustomCodeRunsWithInputsAndSecrets) {
  env.secrets["API"] = "k";
  env.code_result.output_fields = {{"tier", "gold"}};
  ActionResult r = Run(kCode);
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.next_action_id, "11");
  ASSERT_EQ(env.code_requests.size(), 1u);
  const CodeRequest& req = env.code_requests[0];
  EXPECT_EQ(req.runtime, "NODE20X");
  EXPECT_EQ(req.event.input_fields.at("email").as_string(), "ada@example.com");
  EXPECT_EQ(req.secrets.at("API"), "k");
  EXPECT_EQ(req.event.object_type, "CONTACT");
  EXPECT_EQ(req.event.portal_id, 1000001);
  EXPECT_EQ(req.event.flow_id, 500);
  EXPECT_EQ(req.event.action_id, 10);
  EXPECT_EQ(req.event.enrollment_id, 7);
  EXPECT_EQ(req.event.execution_index, 4);
  ASSERT_EQ(req.output_fields.size(), 1u);
  ASSERT_TRUE(r.outputs);
  EXPECT_EQ(r.outputs->at("tier").as_string(), "gold");
  EXPECT_EQ(r.outputs->at("hs_execution_state").as_string(), "SUCCESS");
  EXPECT_EQ(r.deliveries.at(0).kind, "CUSTOM_CODE");
}

TEST_F(ActionTest, CustomCodeFailures) {
  env.secrets["API"] = "k";
  env.code_result.failure = CodeFailure::kTimeout;
  env.code_result.message = "timed out after 20000 ms";
  ActionResult r = Run(kCode);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("TIMEOUT"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("timed out"), std::string::npos);
  env.code_result.failure = CodeFailure::kInternal;
  EXPECT_EQ(Run(kCode).outcome, "RETRYING");
  env.secrets.clear();
  r = Run(kCode);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("secret API"), std::string::npos);
  EXPECT_TRUE(
      Run(R"({"type":"CUSTOM_CODE","actionId":"10","runtime":"RUBY3","sourceCode":"x","secretNames":[],"inputFields":[],"outputFields":[]})")
          .failed);
}

}  // namespace
}  // namespace flowd::engine::testing
