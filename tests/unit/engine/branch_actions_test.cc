// STATIC_BRANCH, LIST_BRANCH, AB_TEST_BRANCH.
#include "action_test_util.h"

namespace flowd::engine::testing {
namespace {

const char* kStatic = R"({"type":"STATIC_BRANCH","actionId":"3",
  "inputValue":{"type":"FIELD_DATA","actionId":"2","dataKey":"hs_execution_state"},
  "staticBranches":[
    {"branchValue":"SUCCESS","connection":{"edgeType":"STANDARD","nextActionId":"4"}},
    {"branchValue":"FAILURE","connection":{"edgeType":"STANDARD","nextActionId":"5"}}],
  "defaultBranchName":"Other","defaultBranch":{"edgeType":"STANDARD","nextActionId":"6"}})";

TEST_F(ActionTest, StaticBranchOnFieldData) {
  data["2"] = boost::json::object{{"hs_execution_state", "FAILURE"}};
  ActionResult r = Run(kStatic);
  EXPECT_EQ(r.outcome, "BRANCHED");
  EXPECT_EQ(r.next_action_id, "5");
  EXPECT_EQ(r.detail.at("branch").as_uint64(), 1u);
  data["2"] = boost::json::object{{"hs_execution_state", "ODD"}};
  r = Run(kStatic);
  EXPECT_EQ(r.next_action_id, "6");
  EXPECT_EQ(r.detail.at("branch").as_string(), "default");
  EXPECT_EQ(r.detail.at("branchName").as_string(), "Other");
  data.clear();
  EXPECT_EQ(Run(kStatic).next_action_id, "6");  // no data: the default
}

TEST_F(ActionTest, StaticBranchOnObjectPropertyWithoutDefault) {
  const char* action = R"({"type":"STATIC_BRANCH","actionId":"3",
    "inputValue":{"type":"OBJECT_PROPERTY","propertyName":"firstname"},
    "staticBranches":[{"branchValue":"Ada","connection":{"edgeType":"STANDARD","nextActionId":"4"}},
                      {"branchValue":"Bob"}]})";
  EXPECT_EQ(Run(action).next_action_id, "4");
  env.crm.Set("0-1", 1, "firstname", "Bob");
  ActionResult r = Run(action);
  EXPECT_EQ(r.outcome, "BRANCHED");
  EXPECT_EQ(r.next_action_id, std::nullopt);  // the branch has no connection: the path ends
  env.crm.Set("0-1", 1, "firstname", "Cy");
  EXPECT_EQ(Run(action).next_action_id, std::nullopt);
}

TEST_F(ActionTest, ListBranchFirstMatchWins) {
  using crm::filter::testing::PropertyFilter;
  using crm::filter::testing::Root;
  std::string known = Root(PropertyFilter(
      "email",
      R"({"operationType":"ALL_PROPERTY","operator":"IS_KNOWN","includeObjectsWithNoValueSet":false})"));
  std::string ada = Root(PropertyFilter(
      "firstname",
      R"({"operationType":"STRING","operator":"IS_EQUAL_TO","value":"Ada","includeObjectsWithNoValueSet":false})"));
  std::string action =
      R"({"type":"LIST_BRANCH","actionId":"2","listBranches":[
      {"branchName":"Is Bob","filterBranch":)" +
      Root(PropertyFilter(
          "firstname",
          R"({"operationType":"STRING","operator":"IS_EQUAL_TO","value":"Bob","includeObjectsWithNoValueSet":false})")) +
      R"(,"connection":{"edgeType":"STANDARD","nextActionId":"7"}},
      {"branchName":"Has email","filterBranch":)" +
      known + R"(,"connection":{"edgeType":"STANDARD","nextActionId":"3"}},
      {"branchName":"Is Ada","filterBranch":)" +
      ada + R"(,"connection":{"edgeType":"STANDARD","nextActionId":"8"}}],
    "defaultBranchName":"None matched","defaultBranch":{"edgeType":"GOTO","nextActionId":"4"}})";
  ActionResult r = Run(action);
  EXPECT_EQ(r.outcome, "BRANCHED");
  EXPECT_EQ(r.next_action_id, "3");
  EXPECT_EQ(r.detail.at("branchName").as_string(), "Has email");
  env.crm.Set("0-1", 1, "email", "");
  env.crm.Set("0-1", 1, "firstname", "Cy");
  r = Run(action);
  EXPECT_EQ(r.next_action_id, "4");
  EXPECT_EQ(r.detail.at("branch").as_string(), "default");
}

TEST_F(ActionTest, ListBranchWithAnInvalidFilterFails) {
  std::string action = R"({"type":"LIST_BRANCH","actionId":"2","listBranches":[{"filterBranch":)" +
                       crm::filter::testing::Root(crm::filter::testing::PropertyFilter(
                           "nope", R"({"operationType":"ALL_PROPERTY","operator":"IS_KNOWN"})")) +
                       "}]}";
  EXPECT_TRUE(Run(action).failed);
}

std::string AbTest(int a, int b) {
  return R"({"type":"AB_TEST_BRANCH","actionId":"7","testBranches":[
    {"percentage":)" +
         std::to_string(a) + R"(,"connection":{"edgeType":"STANDARD","nextActionId":"8"}},
    {"percentage":)" +
         std::to_string(b) + R"(,"connection":{"edgeType":"STANDARD","nextActionId":"9"}}]})";
}

TEST_F(ActionTest, AbTestIsDeterministicPerEnrollment) {
  for (int64_t id = 1; id < 50; ++id) {
    enrollment.id = id;
    ActionResult first = Run(AbTest(50, 50));
    EXPECT_EQ(first.outcome, "BRANCHED");
    EXPECT_EQ(Run(AbTest(50, 50)).next_action_id, first.next_action_id);
  }
}

TEST_F(ActionTest, AbTestFollowsThePercentages) {
  for (auto [a, b] : {std::pair{50, 50}, {20, 80}, {100, 0}, {0, 100}}) {
    int to_first = 0;
    const int n = 4000;
    for (int64_t id = 1; id <= n; ++id) {
      enrollment.id = id;
      if (Run(AbTest(a, b)).next_action_id == "8") ++to_first;
    }
    double share = 100.0 * to_first / n;
    EXPECT_NEAR(share, a, 3.0) << a << "/" << b;
  }
}

TEST_F(ActionTest, AbTestProblems) {
  EXPECT_TRUE(Run(AbTest(70, 70)).failed);
  EXPECT_TRUE(Run(R"({"type":"AB_TEST_BRANCH","actionId":"7","testBranches":[]})").failed);
}

}  // namespace
}  // namespace flowd::engine::testing
