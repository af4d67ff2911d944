// Action graph checks.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "test_util.h"

namespace flowd::model {
namespace {
namespace json = boost::json;
using testing::Create;
using testing::J;
using testing::MinimalCreate;

json::object Delay(std::string id, std::optional<std::string> next = std::nullopt,
                   std::string edge = "STANDARD") {
  json::object a;
  a["type"] = "SINGLE_CONNECTION";
  a["actionId"] = id;
  a["actionTypeId"] = "0-1";
  a["actionTypeVersion"] = 0;
  a["fields"] = J(R"({"delta":"5","time_unit":"MINUTES"})");
  if (next) a["connection"] = json::object{{"edgeType", edge}, {"nextActionId", *next}};
  return a;
}

json::object WithActions(json::array actions, std::string start = "1") {
  json::object b = MinimalCreate();
  b["actions"] = std::move(actions);
  b["startActionId"] = start;
  return b;
}

TEST(FlowGraph, LinearChainIsValidAndNextAvailableIsMaxPlusOne) {
  auto r = Create(WithActions({Delay("1", "7"), Delay("7")}));
  EXPECT_OK(r);
  EXPECT_EQ(r->content.at("nextAvailableActionId"), "8");
}

TEST(FlowGraph, MissingNextAction) {
  auto r = Create(WithActions({Delay("1", "2")}));
  EXPECT_DETAIL(r, "actions[0].connection.nextActionId", "INVALID_REFERENCE");
}

TEST(FlowGraph, MissingStartAction) {
  auto r = Create(WithActions({Delay("1")}, "9"));
  EXPECT_DETAIL(r, "startActionId", "INVALID_REFERENCE");
  json::object b = WithActions({Delay("1")});
  b.erase("startActionId");
  EXPECT_DETAIL(Create(b), "startActionId", "REQUIRED_FIELD");
}

TEST(FlowGraph, DuplicateActionIds) {
  auto r = Create(WithActions({Delay("1", "2"), Delay("2"), Delay("2")}));
  EXPECT_DETAIL(r, "actions[2].actionId", "DUPLICATE_ID");
}

TEST(FlowGraph, ActionIdFormat) {
  auto r = Create(
      WithActions({Delay("1", "abc"), Delay("abc"), Delay("0"), Delay("01"), Delay("1234567890")}));
  EXPECT_DETAIL(r, "actions[1].actionId", "INVALID_VALUE");
  EXPECT_DETAIL(r, "actions[2].actionId", "INVALID_VALUE");
  EXPECT_DETAIL(r, "actions[3].actionId", "INVALID_VALUE");
  EXPECT_DETAIL(r, "actions[4].actionId", "INVALID_VALUE");
  EXPECT_OK(Create(WithActions({Delay("999999999")}, "999999999")));
}

TEST(FlowGraph, StandardCycleRefusedGotoCycleAllowed) {
  auto r = Create(WithActions({Delay("1", "2"), Delay("2", "3"), Delay("3", "1")}));
  EXPECT_DETAIL(r, "actions[2].connection.nextActionId", "CYCLE");
  auto self = Create(WithActions({Delay("1", "1")}));
  EXPECT_DETAIL(self, "actions[0].connection.nextActionId", "CYCLE");
  EXPECT_OK(Create(WithActions({Delay("1", "2"), Delay("2", "3"), Delay("3", "1", "GOTO")})));
}

TEST(FlowGraph, GoDashToIsNormalisedToGoto) {
  auto r = Create(WithActions({Delay("1", "2"), Delay("2", "1", "GO-TO")}));
  EXPECT_OK(r);
  EXPECT_EQ(r->content.at("actions").as_array()[1].at("connection").at("edgeType"), "GOTO");
}

TEST(FlowGraph, ConvergenceIsFine) {
  auto branch = J(R"({"type":"AB_TEST_BRANCH","actionId":"1","testBranches":[
    {"percentage":50,"connection":{"edgeType":"STANDARD","nextActionId":"2"}},
    {"percentage":50,"connection":{"edgeType":"STANDARD","nextActionId":"3"}}]})");
  EXPECT_OK(Create(WithActions({branch, Delay("2", "4"), Delay("3", "4"), Delay("4")})));
}

TEST(FlowGraph, BranchEdgesAreChecked) {
  auto sb = J(R"({"type":"STATIC_BRANCH","actionId":"1",
    "inputValue":{"type":"OBJECT_PROPERTY","propertyName":"lifecyclestage"},
    "staticBranches":[{"branchValue":"lead","connection":{"edgeType":"STANDARD","nextActionId":"8"}}],
    "defaultBranch":{"edgeType":"STANDARD","nextActionId":"9"}})");
  auto r = Create(WithActions({sb}));
  EXPECT_DETAIL(r, "actions[0].staticBranches[0].connection.nextActionId", "INVALID_REFERENCE");
  EXPECT_DETAIL(r, "actions[0].defaultBranch.nextActionId", "INVALID_REFERENCE");
}

TEST(FlowGraph, BranchLimits) {
  json::array lbs, sbs;
  for (int i = 0; i < 21; ++i) lbs.push_back(json::object{{"branchName", "b"}});
  for (int i = 0; i < 251; ++i) sbs.push_back(json::object{{"branchValue", std::to_string(i)}});
  json::object lb{{"type", "LIST_BRANCH"}, {"actionId", "1"}, {"listBranches", lbs}};
  json::object sb{{"type", "STATIC_BRANCH"},
                  {"actionId", "2"},
                  {"inputValue", J(R"({"type":"STATIC_VALUE","staticValue":"x"})")},
                  {"staticBranches", sbs}};
  auto r = Create(WithActions({lb, sb}));
  EXPECT_DETAIL(r, "actions[0].listBranches", "LIMIT_EXCEEDED");
  EXPECT_DETAIL(r, "actions[1].staticBranches", "LIMIT_EXCEEDED");
  lb["listBranches"].as_array().pop_back();
  sb["staticBranches"].as_array().pop_back();
  EXPECT_OK(Create(WithActions({lb, sb})));
}

TEST(FlowGraph, AbTestPercentagesMustSumTo100WhenAllGiven) {
  auto ab = [](std::string p1, std::string p2) {
    return J(R"({"type":"AB_TEST_BRANCH","actionId":"1","testBranches":[)" + p1 +
             R"("connection":{"edgeType":"STANDARD","nextActionId":"2"}},)" + p2 +
             R"("connection":{"edgeType":"STANDARD","nextActionId":"2"}}]})");
  };
  auto r = Create(WithActions({ab(R"({"percentage":50,)", R"({"percentage":40,)"), Delay("2")}));
  EXPECT_DETAIL(r, "actions[0].testBranches", "INVALID_VALUE");
  EXPECT_OK(Create(WithActions({ab(R"({"percentage":50,)", "{"), Delay("2")})));
  auto over = Create(WithActions({ab(R"({"percentage":150,)", "{"), Delay("2")}));
  EXPECT_DETAIL(over, "actions[0].testBranches[0].percentage", "OUT_OF_RANGE");
}

TEST(FlowGraph, LargeFlowIsFast) {
  json::array actions;
  for (int i = 1; i <= 1000; ++i) {
    actions.push_back(i < 1000 ? Delay(std::to_string(i), std::to_string(i + 1))
                               : Delay(std::to_string(i)));
  }
  auto r = Create(WithActions(std::move(actions)));
  EXPECT_OK(r);
  EXPECT_EQ(r->content.at("nextAvailableActionId"), "1001");
}

}  // namespace
}  // namespace flowd::model

namespace flowd::model {
namespace {

// Regression: an action that fails to decode must not hide a dangling edge elsewhere, nor make
// edges that point at it look dangling.
TEST(FlowGraphRegressionTest, BrokenActionKeepsOtherReferenceChecks) {
  auto body = boost::json::parse(R"({
    "type":"CONTACT_FLOW","objectTypeId":"0-1","flowType":"WORKFLOW","isEnabled":false,
    "startActionId":"1",
    "actions":[
      {"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-1","actionTypeVersion":0,
       "fields":{"delta":"1","time_unit":"DAYS"},"connection":{"edgeType":"STANDARD","nextActionId":"3"}},
      {"type":"SINGLE_CONNECTION","actionId":"2","actionTypeId":"0-1","actionTypeVersion":0,
       "fields":{"delta":"1","time_unit":"DAYS"},"connection":{"edgeType":"STANDARD","nextActionId":"99"}},
      {"type":"NOT_AN_ACTION","actionId":"3"}]})");
  auto r = DecodeFlowRequest(body, FlowRequestKind::kCreate, std::nullopt);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> in;
  for (const auto& d : r.error().details) in.push_back(d.in);
  EXPECT_NE(std::find(in.begin(), in.end(), "actions[1].connection.nextActionId"), in.end());
  EXPECT_EQ(std::find(in.begin(), in.end(), "actions[0].connection.nextActionId"), in.end());
  EXPECT_TRUE(std::any_of(in.begin(), in.end(),
                          [](const std::string& p) { return p.starts_with("actions[2]"); }));
}

}  // namespace
}  // namespace flowd::model
