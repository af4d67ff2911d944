// The executor commits a batch on another thread while the next batch runs (executor.cc): a step
// of a later batch that reads a record an earlier batch's commit still writes must wait for that
// commit, or an INCREMENT is lost.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "crm/property_service.h"
#include "engine/engine.h"
#include "engine/webhook.h"
#include "flows/flow_service.h"
#include "loopback_http.h"
#include "store/store.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

json::value IncrementFlow(int n) {
  return json::parse(R"({"type":"PLATFORM_FLOW","objectTypeId":"0-2","flowType":"WORKFLOW",
    "isEnabled":true,"name":"increment )" +
                     std::to_string(n) + R"(","startActionId":"1","actions":[
    {"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-5","actionTypeVersion":0,
     "fields":{"property_name":"numberofemployees","value":{"type":"INCREMENT",
     "incrementAmount":1}}}],
    "enrollmentCriteria":{"type":"MANUAL","shouldReEnroll":false},
    "timeWindows":[],"blockedDates":[],"customProperties":{},"dataSources":[],
    "suppressionListIds":[],"canEnrollFromSalesforce":false})");
}

class ExecutorPipelineTest : public ::testing::TestWithParam<size_t> {
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
    options.claim_batch = GetParam();
    engine_ = std::make_unique<Engine>(*store_, *properties_, clock_, EngineClients{}, options);
    ASSERT_TRUE(engine_->Load().ok());
    flows_->set_change_sink(engine_.get());
  }

  Clock& clock_ = SystemClock::Instance();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crm::PropertyService> properties_;
  std::unique_ptr<flows::FlowService> flows_;
  std::unique_ptr<Engine> engine_;
  int64_t account_ = 0;
};

TEST_P(ExecutorPipelineTest, IncrementsOfOneRecordAcrossBatchesAllCount) {
  constexpr int kFlows = 40;
  store::ObjectWriteOptions opts;
  auto made = store_->objects().CreateObjects(
      account_, "0-2", {{{"name", "a"}}, {{"name", "b"}}, {{"name", "c"}}}, opts, clock_.NowMs());
  ASSERT_TRUE(made.ok()) << made.error().message;
  std::vector<int64_t> ids;
  for (const auto& r : *made) ids.push_back(r.id);
  for (int i = 0; i < kFlows; ++i) {
    auto flow = flows_->Create(account_, IncrementFlow(i));
    ASSERT_TRUE(flow.ok()) << flow.error().message;
    // Records in a varying order, so that a batch mixes records written by the batch before.
    std::vector<int64_t> order = ids;
    std::rotate(order.begin(), order.begin() + i % order.size(), order.end());
    ASSERT_TRUE(engine_->EnrollObjects(account_, flow->id, order, "MANUAL").ok());
  }
  ASSERT_TRUE(engine_->RunUntilIdle(60'000).ok());
  auto found = store_->objects().GetObjects(account_, "0-2", ids, /*archived=*/false);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), ids.size());
  for (const auto& r : *found) {
    EXPECT_EQ(r.properties.at("numberofemployees"), std::to_string(kFlows)) << "record " << r.id;
  }
  EXPECT_EQ(engine_->counters().steps.load(), kFlows * static_cast<int64_t>(ids.size()));
}

// A pass queues at most 16 external steps per pool thread and gives the rest of what it
// claimed back to the queue (another process could run them meanwhile); all still run, once.
TEST(ExecutorExternalTest, APassHoldsOnlyWhatThePoolCanTake) {
  Clock& clock = SystemClock::Instance();
  auto opened = store::Store::Open("sqlite::memory:");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::unique_ptr<store::Store> store = std::move(opened).value();
  ASSERT_TRUE(store->Migrate().ok());
  auto account = store->accounts().CreateAccount("A", clock.NowMs());
  ASSERT_TRUE(account.ok());
  crm::PropertyService properties(store->properties(), clock);
  flows::FlowService flows(store->flows(), clock);
  flowd::testing::LoopbackHttpServer receiver;
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) receiver.Enqueue({200, {}, "{}", /*pause_ms=*/20});
  std::unique_ptr<WebhookClient> webhooks = NewCurlWebhookClient();
  EngineOptions options;
  options.external_threads = 1;
  Engine engine(*store, properties, clock, EngineClients{webhooks.get(), nullptr, nullptr},
                options);
  ASSERT_TRUE(engine.Load().ok());
  flows.set_change_sink(&engine);
  auto flow = flows.Create(account->id, json::parse(R"({"type":"CONTACT_FLOW","objectTypeId":
    "0-1","flowType":"WORKFLOW","isEnabled":true,"name":"hooks","startActionId":"1","actions":[
    {"type":"WEBHOOK","actionId":"1","method":"POST","queryParams":[],"webhookUrl":")" +
                                                    receiver.Url("/hook") + R"("}],
    "enrollmentCriteria":{"type":"MANUAL","shouldReEnroll":false},"timeWindows":[],
    "blockedDates":[],"customProperties":{},"dataSources":[],"suppressionListIds":[],
    "canEnrollFromSalesforce":false})"));
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  std::vector<std::vector<store::PropertyWrite>> inputs;
  for (int i = 0; i < kJobs; ++i) inputs.push_back({{"email", std::to_string(i) + "@x.io"}});
  auto made = store->objects().CreateObjects(account->id, "0-1", inputs, {}, clock.NowMs());
  ASSERT_TRUE(made.ok()) << made.error().message;
  std::vector<int64_t> ids;
  for (const auto& r : *made) ids.push_back(r.id);
  auto enrolled = engine.EnrollObjects(account->id, flow->id, ids, "MANUAL");
  ASSERT_TRUE(enrolled.ok()) << enrolled.error().message;
  auto page = store->engine().ListEnrollments(account->id, flow->id, {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->enrollments.size(), static_cast<size_t>(kJobs));

  engine.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  size_t held = 0;
  for (const auto& e : page->enrollments) {
    auto job = store->engine().JobOfEnrollment(account->id, e.id);
    ASSERT_TRUE(job.ok());
    if (*job && !(*job)->lease_owner.empty() && (*job)->lease_until_ms > clock.NowMs() + 1000) {
      ++held;
    }
  }
  EXPECT_LE(held, 16u + 1u) << "the pass holds more external steps than its pool can take";

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  store::EnrollmentFilter done;
  done.status = "COMPLETED";
  size_t completed = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto c = store->engine().ListEnrollments(account->id, flow->id, done);
    ASSERT_TRUE(c.ok());
    completed = c->enrollments.size();
    if (completed == static_cast<size_t>(kJobs)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  engine.Stop();
  EXPECT_EQ(completed, static_cast<size_t>(kJobs));
  EXPECT_EQ(receiver.Requests().size(), static_cast<size_t>(kJobs)) << "each delivered once";
}

// Batches of 1 (every step conflicts with the commit in flight), of a few (conflicts inside a
// batch and across), and one batch for everything.
INSTANTIATE_TEST_SUITE_P(ClaimBatch, ExecutorPipelineTest, ::testing::Values(1, 4, 7, 256));

}  // namespace
}  // namespace flowd::engine
