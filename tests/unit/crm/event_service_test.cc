#include "crm/event_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace flowd::crm {
namespace {

using testing::Json;

class EventServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::MemoryStore(&account_);
    auto created = store_->objects().CreateObjects(
        account_, "0-1", {{{"email", "ada@x.io"}, {"hubspotutk", "utk-1"}}, {{"email", "bo@x.io"}}},
        {}, clock_.NowMs());
    ASSERT_TRUE(created.ok()) << created.error().message;
    ada_ = (*created)[0].id;
    bo_ = (*created)[1].id;
  }
  std::vector<store::CrmEvent> Events(int64_t contact, const std::string& type) {
    auto e = store_->objects().ObjectEvents(account_, "0-1", contact, type);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::vector<store::CrmEvent>{};
  }

  FakeClock clock_{1'700'000'000'000};
  int64_t account_ = 0;
  int64_t ada_ = 0;
  int64_t bo_ = 0;
  std::unique_ptr<store::Store> store_;
};

TEST_F(EventServiceTest, SendsByObjectIdEmailAndUtk) {
  EventService events(store_->objects(), clock_);
  auto by_id = events.Send(account_,
                           Json(R"({"eventName":"pe1_signup","objectId":")" + std::to_string(ada_) +
                                R"(","properties":{"plan":"pro","seats":3,"trial":true}})"));
  ASSERT_TRUE(by_id.ok()) << by_id.error().message;
  ASSERT_EQ(by_id->size(), 1u);
  EXPECT_GT((*by_id)[0].seq, 0);
  EXPECT_EQ((*by_id)[0].occurred_at_ms, clock_.NowMs());
  EXPECT_EQ((*by_id)[0].properties.at("seats"), "3");
  EXPECT_EQ((*by_id)[0].properties.at("trial"), "true");
  ASSERT_TRUE(events
                  .Send(account_, Json(R"({"eventName":"pe1_signup","email":"BO@x.io",
      "occurredAt":"2024-01-02T03:04:05.006Z","properties":{}})"))
                  .ok());
  ASSERT_TRUE(
      events.Send(account_, Json(R"({"eventName":"pe1_signup","utk":"utk-1","properties":{}})"))
          .ok());
  EXPECT_EQ(Events(ada_, "pe1_signup").size(), 2u);
  auto bo = Events(bo_, "pe1_signup");
  ASSERT_EQ(bo.size(), 1u);
  EXPECT_EQ(bo[0].occurred_at_ms, 1'704'164'645'006);
  EXPECT_EQ(bo[0].event_type_id, "pe1_signup");
}

TEST_F(EventServiceTest, DuplicateUuidsAreSkipped) {
  EventService events(store_->objects(), clock_);
  std::string body = R"({"eventName":"pe1_view","email":"ada@x.io","uuid":"u-1","properties":{}})";
  ASSERT_TRUE(events.Send(account_, Json(body)).ok());
  auto again = events.Send(account_, Json(body));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  auto batch = events.SendBatch(
      account_,
      Json(R"({"inputs":[)" + body + "," +
           R"({"eventName":"pe1_view","email":"ada@x.io","uuid":"u-2","properties":{}},)" +
           R"({"eventName":"pe1_view","email":"ada@x.io","uuid":"u-2","properties":{}}]})"));
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->size(), 1u);
  auto recorded = Events(ada_, "pe1_view");
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].properties.at("hs_uuid"), "u-2");
}

TEST_F(EventServiceTest, BatchIsAllOrNothingAndListsEveryProblem) {
  EventService events(store_->objects(), clock_);
  auto bad = events.SendBatch(account_, Json(R"({"inputs":[
      {"eventName":"pe1_ok","email":"ada@x.io","properties":{}},
      {"email":"ada@x.io","properties":{}},
      {"eventName":"4-1639801","email":"ada@x.io","properties":{}},
      {"eventName":"pe1 spaces","email":"ada@x.io","properties":{}},
      {"eventName":"pe1_x","properties":{}},
      {"eventName":"pe1_x","email":"nobody@x.io","properties":{}},
      {"eventName":"pe1_x","objectId":"abc","properties":{}},
      {"eventName":"pe1_x","objectId":"999","properties":{}},
      {"eventName":"pe1_x","email":"ada@x.io","occurredAt":"today","properties":{"a":{}, "hs_uuid":"x"}},
      {"eventName":"pe1_x","email":"ada@x.io"},
      7,
      {"eventName":"pe1_x","objectId":null,"email":null,"utk":"","properties":{}},
      {"eventName":"pe1_x","objectId":"","properties":{}}]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto paths = testing::Paths(bad.error());
  for (const char* p :
       {"inputs[1].eventName", "inputs[2].eventName", "inputs[3].eventName", "inputs[4].objectId",
        "inputs[5].email", "inputs[6].objectId", "inputs[7].objectId", "inputs[8].occurredAt",
        "inputs[8].properties.a", "inputs[8].properties.hs_uuid", "inputs[9].properties",
        "inputs[10]", "inputs[11].objectId", "inputs[12].objectId"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end())
        << p << " missing: " << bad.error().message;
  }
  EXPECT_TRUE(Events(ada_, "pe1_ok").empty()) << "nothing recorded";
  EXPECT_FALSE(events.SendBatch(account_, Json(R"({"inputs":[]})")).ok());
  EXPECT_FALSE(events.SendBatch(account_, Json(R"({})")).ok());
  std::string many = R"({"inputs":[)";
  for (size_t i = 0; i <= kMaxEventBatch; ++i) {
    many +=
        std::string(i ? "," : "") + R"({"eventName":"pe1_m","email":"ada@x.io","properties":{}})";
  }
  many += "]}";
  auto too_many = events.SendBatch(account_, Json(many));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().details[0].code, "LIMIT_EXCEEDED");
}

TEST_F(EventServiceTest, OtherAccountsContactsAreUnknown) {
  EventService events(store_->objects(), clock_);
  auto other = store_->accounts().CreateAccount("B", 0);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(events
                .Send(other->id, Json(R"({"eventName":"pe1_x","objectId":")" +
                                      std::to_string(ada_) + R"(","properties":{}})"))
                .error()
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(
      events.Send(other->id, Json(R"({"eventName":"pe1_x","email":"ada@x.io","properties":{}})"))
          .ok());
}

}  // namespace
}  // namespace flowd::crm
