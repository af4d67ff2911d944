#include "flows/flow_service.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "flows/render.h"

namespace flowd::flows {
namespace {

namespace json = boost::json;

constexpr const char* kContactFlow = R"({
  "type":"CONTACT_FLOW","objectTypeId":"0-1","flowType":"WORKFLOW","isEnabled":false,
  "name":"Webinar follow-up","startActionId":"1",
  "actions":[
    {"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-1","actionTypeVersion":0,
     "connection":{"edgeType":"STANDARD","nextActionId":"2"},
     "fields":{"delta":"1440","time_unit":"MINUTES"}},
    {"type":"SINGLE_CONNECTION","actionId":"2","actionTypeId":"0-4","actionTypeVersion":0,
     "fields":{"content_id":"113782603056"}}],
  "dataSources":[{"type":"STATIC_PROPERTY_FILTER","name":"ds","propertyName":"email","staticValue":"x"}]
})";

class FlowServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    account_ = store_->accounts().CreateAccount("a", 1)->id;
    other_ = store_->accounts().CreateAccount("b", 1)->id;
    svc_ = std::make_unique<FlowService>(store_->flows(), clock_);
  }

  json::object Rendered(const store::FlowRecord& r) {
    return json::parse(RenderFlow(r)).as_object();
  }

  FakeClock clock_{1'717'781'228'101};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FlowService> svc_;
  int64_t account_ = 0, other_ = 0;
};

TEST_F(FlowServiceTest, CreateFillsServerFieldsAndDefaults) {
  auto r = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(r.ok()) << r.error().message;
  json::object f = Rendered(*r);
  EXPECT_EQ(f.at("revisionId").as_string(), "1");
  EXPECT_EQ(f.at("createdAt").as_string(), "2024-06-07T17:27:08.101Z");
  EXPECT_EQ(f.at("nextAvailableActionId").as_string(), "3");
  EXPECT_EQ(f.at("crmObjectCreationStatus").as_string(), "COMPLETE");
  EXPECT_TRUE(f.at("timeWindows").as_array().empty());
  EXPECT_TRUE(f.at("suppressionListIds").as_array().empty());
  EXPECT_EQ(f.at("canEnrollFromSalesforce").as_bool(), false);
}

TEST_F(FlowServiceTest, UnnamedFlowsGetAName) {
  auto r = svc_->Create(
      account_,
      json::parse(
          R"({"type":"PLATFORM_FLOW","objectTypeId":"0-3","flowType":"WORKFLOW","isEnabled":false,"actions":[]})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "Unnamed workflow - 2024-06-07 17:27:08");
}

TEST_F(FlowServiceTest, GetBodyCanBePutBackAndReadOnlyFieldsAreKept) {
  auto created = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(created.ok());
  json::object body = Rendered(*created);
  body["name"] = "renamed";
  body["objectTypeId"] = "0-3";         // read-only on PUT: ignored
  body["dataSources"] = json::array();  // read-only on PUT: ignored
  body.erase("enrollmentCriteria");
  clock_.AdvanceMs(1000);
  auto updated = svc_->Replace(account_, created->id, body);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  json::object f = Rendered(*updated);
  EXPECT_EQ(f.at("revisionId").as_string(), "2");
  EXPECT_EQ(f.at("name").as_string(), "renamed");
  EXPECT_EQ(f.at("objectTypeId").as_string(), "0-1");
  EXPECT_EQ(f.at("dataSources").as_array().size(), 1u);
  EXPECT_EQ(f.at("createdAt"), Rendered(*created).at("createdAt"));
  EXPECT_NE(f.at("updatedAt"), Rendered(*created).at("updatedAt"));

  // The same body again is now stale.
  auto stale = svc_->Replace(account_, created->id, body);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_NE(stale.error().message.find("revision 2"), std::string::npos);
}

TEST_F(FlowServiceTest, PutKeepsTheNameWhenOmittedAndClearsOtherParts) {
  auto created = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(created.ok());
  auto updated = svc_->Replace(
      account_, created->id,
      json::parse(R"({"type":"CONTACT_FLOW","revisionId":"1","isEnabled":false,"actions":[]})"));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  json::object f = Rendered(*updated);
  EXPECT_EQ(f.at("name").as_string(), "Webinar follow-up");
  EXPECT_TRUE(f.at("actions").as_array().empty());
  EXPECT_FALSE(f.contains("startActionId"));
}

TEST_F(FlowServiceTest, PutNeedsADecimalRevision) {
  auto created = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(created.ok());
  auto r = svc_->Replace(account_, created->id,
                         json::parse(R"({"type":"CONTACT_FLOW","isEnabled":false,"actions":[]})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(FlowServiceTest, OtherAccountsSeeNothing) {
  auto created = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(svc_->Get(other_, created->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc_->Delete(other_, created->id).error().code, ErrorCode::kNotFound);
  auto batch = svc_->BatchRead(other_, {std::to_string(created->id)});
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->found.empty());
  EXPECT_EQ(batch->missing, std::vector<std::string>{std::to_string(created->id)});
  auto map = svc_->MapIds(other_, {{MappingInput::Kind::kFlowId, std::to_string(created->id)}});
  ASSERT_TRUE(map.ok());
  EXPECT_TRUE(map->found.empty());
}

TEST_F(FlowServiceTest, BatchReadReportsMissingAndMalformedIdsOnce) {
  auto a = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(a.ok());
  std::string id = std::to_string(a->id);
  auto r = svc_->BatchRead(account_, {id, "abc", id, "123", "abc"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->found.size(), 1u);
  EXPECT_EQ(r->missing, (std::vector<std::string>{"abc", "123"}));
}

TEST_F(FlowServiceTest, MapsBothDirections) {
  auto a = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(a.ok());
  auto r =
      svc_->MapIds(account_, {{MappingInput::Kind::kFlowId, std::to_string(a->id)},
                              {MappingInput::Kind::kWorkflowId, std::to_string(a->workflow_id)},
                              {MappingInput::Kind::kWorkflowId, "1"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->found.size(), 1u);  // the same flow twice is listed once
  EXPECT_EQ(r->found[0].flow_id, a->id);
  EXPECT_EQ(r->found[0].workflow_id, a->workflow_id);
  EXPECT_LE(a->workflow_id, INT32_MAX);
  EXPECT_EQ(r->missing, std::vector<std::string>{"1"});
}

TEST_F(FlowServiceTest, EmailCampaignsFollowTheFlowsSendEmailActions) {
  auto a = svc_->Create(account_, json::parse(kContactFlow));
  ASSERT_TRUE(a.ok());
  auto page = svc_->EmailCampaigns(account_, {}, std::nullopt, std::nullopt, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].email_content_id, "113782603056");
  ASSERT_TRUE(svc_->Delete(account_, a->id).ok());
  page = svc_->EmailCampaigns(account_, {}, std::nullopt, std::nullopt, 100);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
}

// Regression: content nested deeper than Boost.JSON's default parse depth (32) was accepted on
// create and then made every PUT fail with "stored flow content is corrupt".
TEST_F(FlowServiceTest, DeeplyNestedContentCanBeReplaced) {
  std::string deep = "\"x\"";
  for (int i = 0; i < 50; ++i) deep = "[" + deep + "]";
  std::string body =
      std::string(R"({"type":"CONTACT_FLOW","objectTypeId":"0-1","flowType":"WORKFLOW",)") +
      R"("isEnabled":false,"customProperties":{},"actions":[],)" + R"("dataSources":[]})";
  auto created = svc_->Create(account_, json::parse(body));
  ASSERT_TRUE(created.ok()) << created.error().message;
  // Store deep JSON inside an any-JSON slot through a SINGLE_CONNECTION action's fields.
  std::string with_action =
      R"({"type":"CONTACT_FLOW","revisionId":"1","isEnabled":false,"startActionId":"1","actions":[)"
      R"({"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"1-99","actionTypeVersion":0,)"
      R"("fields":{"deep":)" +
      deep + "}}]}";
  json::parse_options deep_opts;
  deep_opts.max_depth = 64;
  auto put1 = svc_->Replace(account_, created->id, json::parse(with_action, {}, deep_opts));
  ASSERT_TRUE(put1.ok()) << put1.error().message;
  std::string again = with_action;
  again.replace(again.find("\"revisionId\":\"1\""), 16, "\"revisionId\":\"2\"");
  auto put2 = svc_->Replace(account_, created->id, json::parse(again, {}, deep_opts));
  ASSERT_TRUE(put2.ok()) << put2.error().message;
}

}  // namespace
}  // namespace flowd::flows
