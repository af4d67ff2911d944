// 0-4, 0-8, 0-9 and the list actions.
#include "action_test_util.h"

namespace flowd::engine::testing {
namespace {

class MessageTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    store::MarketingEmailRecord e;
    e.account_id = 1;
    e.id = 113;
    e.content_json =
        R"({"subject":"Hi {{ contact.firstname }}","from":{"fromName":"Team","replyTo":"team@example.com"},
      "content":{"widgets":{"w":{"order":0,"body":{"html":"<p>Hello {{ contact.firstname }}</p>"}}}}})";
    env.emails["113"] = e;
  }
  std::string SendEmail() { return Single("0-4", R"({"content_id":"113"})"); }
};

TEST_F(MessageTest, MarketingEmailRecordedLocallyWithoutSmtp) {
  env.crm.Set("0-1", 1, "firstname", "<Ada>");
  ActionResult r = Run(SendEmail());
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_TRUE(env.sent.empty());
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& m = r.messages[0];
  EXPECT_EQ(m.channel, "EMAIL");
  EXPECT_EQ(m.delivery, "LOCAL");
  EXPECT_EQ(m.to, "ada@example.com");
  EXPECT_EQ(m.from, "team@example.com");
  EXPECT_EQ(m.subject, "Hi <Ada>");
  EXPECT_EQ(m.body, "<p>Hello &lt;Ada&gt;</p>");
  EXPECT_EQ(m.idempotency_key, "7:1:4");
  EXPECT_TRUE(r.deliveries.empty());
  EXPECT_EQ(r.next_action_id, "2");
}

TEST_F(MessageTest, MarketingEmailOverSmtp) {
  env.smtp = true;
  ActionResult r = Run(SendEmail());
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(env.sent.size(), 1u);
  EXPECT_EQ(env.sent[0].message_id, "7:1:4");
  EXPECT_EQ(env.sent[0].to[0].address, "ada@example.com");
  EXPECT_EQ(env.sent[0].from.display_name, "Team");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].delivery, "SMTP");
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].kind, "EMAIL");
  EXPECT_EQ(r.deliveries[0].outcome, "DELIVERED");
}

TEST_F(MessageTest, TransientSmtpFailureRetries) {
  env.smtp = true;
  env.send_result = {SendResult::Kind::kTransient, 421, "try later"};
  ActionResult r = Run(SendEmail());
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.outcome, "RETRYING");
  ASSERT_TRUE(r.retry_at_ms);
  EXPECT_GE(*r.retry_at_ms, now + 48'000);
  EXPECT_LE(*r.retry_at_ms, now + 60'000);
  EXPECT_TRUE(r.messages.empty());
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].outcome, "RETRY");
  // Three days after the first attempt it gives up.
  r = Run(SendEmail(), 20, now - 73 * 3'600'000LL);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.deliveries[0].outcome, "FAILED");
}

TEST_F(MessageTest, PermanentSmtpFailureFails) {
  env.smtp = true;
  env.send_result = {SendResult::Kind::kPermanent, 550, "no such user"};
  ActionResult r = Run(SendEmail());
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("550"), std::string::npos) << r.error;
  EXPECT_TRUE(r.messages.empty());
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].outcome, "FAILED");
}

TEST_F(MessageTest, MarketingEmailProblems) {
  env.crm.Set("0-1", 1, "email", "");
  ActionResult r = Run(SendEmail());
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.error, "contact has no email");
  EXPECT_TRUE(Run(Single("0-4", R"({"content_id":"999"})")).failed);
  env.emails["113"].archived_at_ms = 5;
  env.crm.Set("0-1", 1, "email", "ada@example.com");
  EXPECT_TRUE(Run(SendEmail()).failed);
}

TEST_F(MessageTest, InternalEmailToUsersAndOwners) {
  env.AddOwner(5, "bob@example.com", "Bob", "Stone");
  env.AddOwner(6, "cy@example.com");
  ActionResult r = Run(Single("0-8", R"({"user_ids":["1005", 77],"owner_ids":[6],
      "subject":"About {{ enrolled_object.firstname }}","body":"<b>{{ enrolled_object.firstname }}</b>"})"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].to, "bob@example.com, cy@example.com");
  EXPECT_EQ(r.messages[0].subject, "About Ada");
  EXPECT_EQ(r.messages[0].body, "<b>Ada</b>");
  EXPECT_EQ(r.detail.at("unknownRecipients").as_array().size(), 1u);
  EXPECT_TRUE(Run(Single("0-8", R"({"user_ids":["77"]})")).failed);
}

TEST_F(MessageTest, NotificationPerUser) {
  env.AddOwner(5, "bob@example.com");
  env.AddOwner(6, "cy@example.com");
  ActionResult r = Run(Single("0-9", R"({"user_ids":["1005","1006"],"delivery_method":"APP",
      "subject":"Deal follow-up","body":"Time to follow up on {{ enrolled_object.firstname }}!"})"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].channel, "NOTIFICATION");
  EXPECT_EQ(r.messages[0].to, "1005");
  EXPECT_EQ(r.messages[0].idempotency_key, "7:1:4:1005");
  EXPECT_EQ(r.messages[1].idempotency_key, "7:1:4:1006");
  EXPECT_EQ(r.messages[0].body, "Time to follow up on Ada!");
  EXPECT_TRUE(Run(Single("0-9", R"({"user_ids":["1"]})")).failed);
  EXPECT_TRUE(Run(Single("0-9", R"({})")).failed);
}

TEST_F(ActionTest, ListAddRemoveAndLegacy) {
  env.crm.list_types["178"] = "0-1";
  ActionResult r =
      Run(Single("0-63809083", R"({"listId":"178","targetObject":"{{ enrolled_object }}"})"));
  ASSERT_EQ(r.memberships.size(), 1u);
  EXPECT_EQ(r.memberships[0].list_id, 178);
  EXPECT_EQ(r.memberships[0].add, std::vector<int64_t>{1});
  EXPECT_TRUE(r.memberships[0].remove.empty());
  EXPECT_EQ(r.next_action_id, "2");
  r = Run(Single("0-63863438", R"({"listId":178})"));
  ASSERT_EQ(r.memberships.size(), 1u);
  EXPECT_EQ(r.memberships[0].remove, std::vector<int64_t>{1});
  r = Run(Single("0-13", R"({"operation":"ADD","list_id":"178"})"));
  EXPECT_EQ(r.memberships.at(0).add, std::vector<int64_t>{1});
  r = Run(Single("0-13", R"({"operation":"REMOVE","list_id":"178"})"));
  EXPECT_EQ(r.memberships.at(0).remove, std::vector<int64_t>{1});
}

TEST_F(ActionTest, ListProblems) {
  env.crm.list_types["9"] = "0-2";
  EXPECT_TRUE(Run(Single("0-63809083", R"({"listId":"404"})")).failed);
  EXPECT_TRUE(Run(Single("0-63809083", R"({"listId":"9"})")).failed);
  EXPECT_TRUE(Run(Single("0-63809083", R"({})")).failed);
  EXPECT_TRUE(Run(Single("0-13", R"({"operation":"MOVE","list_id":"9"})")).failed);
}

TEST_F(ActionTest, UnknownActionTypesFail) {
  // An app action whose definition the account does not have (app_action_test.cc covers the
  // rest).
  ActionResult r = Run(Single("1-179507819", "{}"));
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.error, "app action 179507819 does not exist");
  EXPECT_EQ(Run(Single("1-x", "{}")).error, "action type 1-x is not supported by flowd");
  EXPECT_EQ(Run(Single("0-25", "{}")).error, "action type 0-25 is not supported by flowd");
  EXPECT_TRUE(Run(R"({"type":"TELEPORT","actionId":"1"})").failed);
}

TEST(NextOfTest, Connection) {
  EXPECT_EQ(NextOf(boost::json::parse(R"({"connection":{"edgeType":"GOTO","nextActionId":"9"}})")
                       .as_object()),
            "9");
  EXPECT_EQ(NextOf(boost::json::object{}), std::nullopt);
}

}  // namespace
}  // namespace flowd::engine::testing
