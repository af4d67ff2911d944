// Enabling a LIST_BASED flow enrolls the records that already match, by a pass the flow's write
// records in its own transaction (FlowWrite::enroll_existing). These tests save flows through the
// flow service with no engine told of it — what a crash right after the commit leaves — and
// check that the existing records still enroll: after a restart (a fresh engine loading the
// store), and in an engine whose trigger index has not filed the flow yet.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "crm/property_service.h"
#include "engine/engine.h"
#include "flows/flow_service.h"
#include "store/store.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

json::value CustomerFlow(bool enabled) {
  return json::parse(std::string(R"({"type":"CONTACT_FLOW","objectTypeId":"0-1",
    "flowType":"WORKFLOW","isEnabled":)") +
                     (enabled ? "true" : "false") + R"(,"name":"customers","startActionId":"1",
    "actions":[{"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-5",
    "actionTypeVersion":0,"fields":{"property_name":"firstname","value":{"type":"STATIC_VALUE",
    "staticValue":"enrolled"}}}],"enrollmentCriteria":{"type":"LIST_BASED",
    "shouldReEnroll":false,"unEnrollObjectsNotMeetingCriteria":false,
    "reEnrollmentTriggersFilterBranches":[],"listFilterBranch":{"filterBranchType":"OR",
    "filterBranchOperator":"OR","filters":[],"filterBranches":[{"filterBranchType":"AND",
    "filterBranchOperator":"AND","filterBranches":[],"filters":[{"filterType":"PROPERTY",
    "property":"lifecyclestage","operation":{"operationType":"ENUMERATION",
    "operator":"IS_ANY_OF","values":["customer"],"includeObjectsWithNoValueSet":false}}]}]}},
    "timeWindows":[],"blockedDates":[],"customProperties":{},"dataSources":[],
    "suppressionListIds":[],"canEnrollFromSalesforce":false})");
}

class EnablePassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    auto account = store_->accounts().CreateAccount("A", clock_.NowMs());
    ASSERT_TRUE(account.ok());
    account_ = account->id;
    properties_ = std::make_unique<crm::PropertyService>(store_->properties(), clock_);
    // No change sink: the engine hears of no flow write, as when flowd dies right after one.
    flows_ = std::make_unique<flows::FlowService>(store_->flows(), clock_);
    store::ObjectWriteOptions opts;
    auto made =
        store_->objects().CreateObjects(account_, "0-1",
                                        {{{"email", "c1@x.io"}, {"lifecyclestage", "customer"}},
                                         {{"email", "l1@x.io"}, {"lifecyclestage", "lead"}},
                                         {{"email", "c2@x.io"}, {"lifecyclestage", "customer"}}},
                                        opts, clock_.NowMs());
    ASSERT_TRUE(made.ok()) << made.error().message;
    // Their creation events are read before any flow exists: only the pass can enroll them.
    ASSERT_TRUE(NewEngine()->RunUntilIdle().ok());
  }

  std::unique_ptr<Engine> NewEngine() {
    auto engine =
        std::make_unique<Engine>(*store_, *properties_, clock_, EngineClients{}, EngineOptions{});
    EXPECT_TRUE(engine->Load().ok());
    return engine;
  }

  size_t Enrolled(int64_t flow_id) {
    auto page = store_->engine().ListEnrollments(account_, flow_id, store::EnrollmentFilter{});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->enrollments.size() : 0;
  }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crm::PropertyService> properties_;
  std::unique_ptr<flows::FlowService> flows_;
  int64_t account_ = 0;
};

TEST_F(EnablePassTest, AFlowCreatedEnabledEnrollsExistingRecordsAfterARestart) {
  auto flow = flows_->Create(account_, CustomerFlow(true));
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  auto engine = NewEngine();  // the restarted process
  ASSERT_TRUE(engine->RunUntilIdle().ok());
  EXPECT_EQ(Enrolled(flow->id), 2u);
}

TEST_F(EnablePassTest, AFlowEnabledByAPutEnrollsExistingRecordsAfterARestart) {
  auto draft = flows_->Create(account_, CustomerFlow(false));
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  json::value body = CustomerFlow(true);
  body.as_object()["revisionId"] = std::to_string(draft->revision_id);
  auto enabled = flows_->Replace(account_, draft->id, body);
  ASSERT_TRUE(enabled.ok()) << enabled.error().message;
  auto engine = NewEngine();
  ASSERT_TRUE(engine->RunUntilIdle().ok());
  EXPECT_EQ(Enrolled(draft->id), 2u);
  // Enabled again later (disabled in between): each record still enrolls once.
  body.as_object()["isEnabled"] = false;
  body.as_object()["revisionId"] = std::to_string(enabled->revision_id);
  auto disabled = flows_->Replace(account_, draft->id, body);
  ASSERT_TRUE(disabled.ok()) << disabled.error().message;
  body.as_object()["isEnabled"] = true;
  body.as_object()["revisionId"] = std::to_string(disabled->revision_id);
  ASSERT_TRUE(flows_->Replace(account_, draft->id, body).ok());
  engine = NewEngine();
  ASSERT_TRUE(engine->RunUntilIdle().ok());
  EXPECT_EQ(Enrolled(draft->id), 2u);
}

TEST_F(EnablePassTest, APassForAFlowTheIndexHasNotFiledYetStillRuns) {
  // The engine loads before the flow exists and is never told of it: the pass committed with
  // the flow is met before the flow is in the trigger index (the request thread files it only
  // after the commit; another process when it reloads).
  auto engine = NewEngine();
  auto flow = flows_->Create(account_, CustomerFlow(true));
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  ASSERT_TRUE(engine->RunUntilIdle().ok());
  EXPECT_EQ(Enrolled(flow->id), 2u);
}

}  // namespace
}  // namespace flowd::engine
