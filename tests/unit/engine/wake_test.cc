// The engine's worker threads do not poll (engine.h): a committed CRM change wakes the trigger
// thread, and the executor sleeps until the earliest due job. With the safety-net wake-up set to
// a minute, each test's work must happen within seconds or the wake-up it checks is missing.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <thread>

#include "crm/property_service.h"
#include "engine/engine.h"
#include "flows/flow_service.h"
#include "store/store.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

constexpr const char* kSetFirstname = R"({"type":"SINGLE_CONNECTION","actionId":"1",
  "actionTypeId":"0-5","actionTypeVersion":0,"fields":{"property_name":"firstname",
  "value":{"type":"STATIC_VALUE","staticValue":"woken"}}})";

json::value Flow(const std::string& criteria) {
  return json::parse(R"({"type":"CONTACT_FLOW","objectTypeId":"0-1","flowType":"WORKFLOW",
    "isEnabled":true,"name":"wake","startActionId":"1","actions":[)" +
                     std::string(kSetFirstname) + R"(],"enrollmentCriteria":)" + criteria +
                     R"(,"timeWindows":[],"blockedDates":[],"customProperties":{},
    "dataSources":[],"suppressionListIds":[],"canEnrollFromSalesforce":false})");
}

constexpr const char* kCustomerList = R"({"type":"LIST_BASED","shouldReEnroll":false,
  "unEnrollObjectsNotMeetingCriteria":false,"reEnrollmentTriggersFilterBranches":[],
  "listFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
  "filterBranches":[{"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
  "filters":[{"filterType":"PROPERTY","property":"lifecyclestage","operation":{"operationType":
  "ENUMERATION","operator":"IS_ANY_OF","values":["customer"],"includeObjectsWithNoValueSet":
  false}}]}]}})";

class EngineWakeTest : public ::testing::Test {
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
    flows_ = std::make_unique<flows::FlowService>(store_->flows(), clock_);
    EngineOptions options;
    options.idle_ms = 60'000;  // no safety net within a test's time
    engine_ = std::make_unique<Engine>(*store_, *properties_, clock_, EngineClients{}, options);
    ASSERT_TRUE(engine_->Load().ok());
    flows_->set_change_sink(engine_.get());
    store_->SetChangeListener(engine_.get());
  }
  void TearDown() override {
    store_->SetChangeListener(nullptr);
    engine_.reset();
  }

  // Waits (at most 5 s) for the flow's enrollments to be COMPLETED; returns how many are.
  int64_t WaitCompleted(int64_t flow_id, size_t want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    store::EnrollmentFilter f;
    f.status = "COMPLETED";
    while (true) {
      auto page = store_->engine().ListEnrollments(account_, flow_id, f);
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->enrollments.size() >= want ||
          std::chrono::steady_clock::now() > deadline) {
        return page.ok() ? static_cast<int64_t>(page->enrollments.size()) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  Clock& clock_ = SystemClock::Instance();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crm::PropertyService> properties_;
  std::unique_ptr<flows::FlowService> flows_;
  std::unique_ptr<Engine> engine_;
  int64_t account_ = 0;
};

TEST_F(EngineWakeTest, ACommittedCrmChangeWakesTheTriggerThread) {
  auto flow = flows_->Create(account_, Flow(kCustomerList));
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  engine_->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both workers asleep
  store::ObjectWriteOptions opts;
  auto made = store_->objects().CreateObjects(
      account_, "0-1", {{{"email", "a@x.io"}, {"lifecyclestage", "customer"}}}, opts,
      clock_.NowMs());
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(WaitCompleted(flow->id, 1), 1) << "the write did not wake the engine";
}

TEST_F(EngineWakeTest, TheExecutorSleepsUntilTheEarliestDueJob) {
  auto flow = flows_->Create(account_, Flow(R"({"type":"MANUAL","shouldReEnroll":false})"));
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  store::ObjectWriteOptions opts;
  auto made = store_->objects().CreateObjects(account_, "0-1", {{{"email", "b@x.io"}}}, opts,
                                              clock_.NowMs());
  ASSERT_TRUE(made.ok());
  engine_->Start();
  const int64_t due = clock_.NowMs() + 300;
  store::NewEnrollment n;
  n.enrollment.account_id = account_;
  n.enrollment.flow_id = flow->id;
  n.enrollment.revision_id = flow->revision_id;
  n.enrollment.object_type_id = "0-1";
  n.enrollment.object_id = (*made)[0].id;
  n.enrollment.source = "MANUAL";
  n.first_action_id = "1";
  n.first_run_at_ms = due;
  ASSERT_TRUE(store_->engine().Enroll({n}, std::nullopt, clock_.NowMs()).ok());
  ASSERT_EQ(WaitCompleted(flow->id, 1), 1) << "the delay did not run when due";
  auto enrollments = store_->engine().ListEnrollments(account_, flow->id, {});
  ASSERT_TRUE(enrollments.ok());
  auto steps = store_->engine().ListSteps(account_, enrollments->enrollments[0].id);
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 1u);
  EXPECT_GE((*steps)[0].finished_at_ms, due);
}

}  // namespace
}  // namespace flowd::engine
