// 0-11 (rotate record to owner) and 0-15 (enroll in another workflow): what the actions decide.
// The rotation's turn and the enrollment's outcome are the store's (conformance tests).
#include "action_test_util.h"

namespace flowd::engine::testing {
namespace {

class RotateOwnerTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    env.crm.AddProperty("0-1", "hubspot_owner_id", "enumeration", "select", {"11", "12", "13"});
    env.AddOwner(11, "a@example.com");
    env.AddOwner(12, "b@example.com");
    env.AddOwner(13, "c@example.com");
  }
  ActionResult Rotate(const std::string& fields_json) { return Run(Single("0-11", fields_json)); }
};

TEST_F(RotateOwnerTest, RotationEffectWithOwnerIds) {
  // 1012 is owner 12's user id: the value is the owner id either way.
  ActionResult r = Rotate(R"({"user_ids":["11", 1012, "13"]})");
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.outcome, "SUCCEEDED");
  EXPECT_TRUE(r.updates.empty());
  ASSERT_EQ(r.rotations.size(), 1u);
  const store::RotationEffect& e = r.rotations[0];
  EXPECT_EQ(e.values, (std::vector<std::string>{"11", "12", "13"}));
  EXPECT_EQ(e.property, "hubspot_owner_id");
  EXPECT_EQ(e.account_id, 1);
  EXPECT_EQ(e.flow_id, 500);
  EXPECT_EQ(e.action_id, "1");
  EXPECT_EQ(e.object_type_id, "0-1");
  EXPECT_EQ(e.object_id, 1);
  EXPECT_EQ(r.next_action_id, "2");
}

TEST_F(RotateOwnerTest, OverwriteFalseSkipsAnOwnedRecord) {
  EXPECT_EQ(Rotate(R"({"user_ids":["11"],"overwrite_current_owner":"false"})").rotations.size(),
            1u);
  env.crm.Set("0-1", 1, "hubspot_owner_id", "13");
  ActionResult r = Rotate(R"({"user_ids":["11"],"overwrite_current_owner":"false"})");
  EXPECT_EQ(r.outcome, "SKIPPED");
  EXPECT_TRUE(r.rotations.empty());
  EXPECT_EQ(r.next_action_id, "2");
  // The default overwrites.
  EXPECT_EQ(Rotate(R"({"user_ids":["11"]})").rotations.size(), 1u);
  EXPECT_EQ(Rotate(R"({"user_ids":["11"],"overwrite_current_owner":true})").rotations.size(), 1u);
}

TEST_F(RotateOwnerTest, TargetProperty) {
  env.crm.AddProperty("0-1", "backup_owner", "string");
  ActionResult r = Rotate(R"({"user_ids":["12"],"target_property":"backup_owner"})");
  ASSERT_EQ(r.rotations.size(), 1u) << r.error;
  EXPECT_EQ(r.rotations[0].property, "backup_owner");
}

TEST_F(RotateOwnerTest, ProblemsFail) {
  EXPECT_TRUE(Rotate(R"({"user_ids":[]})").failed);
  EXPECT_TRUE(Rotate(R"({})").failed);
  EXPECT_TRUE(Rotate(R"({"user_ids":["99"]})").failed);
  EXPECT_TRUE(Rotate(R"({"user_ids":["x"]})").failed);
  EXPECT_TRUE(Rotate(R"({"user_ids":["11"],"target_property":"no_such"})").failed);
  env.owners[12].archived_at_ms = 1;
  ActionResult r = Rotate(R"({"user_ids":["11","12"]})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("12"), std::string::npos) << r.error;
  env.crm.records.clear();  // the record is gone
  EXPECT_TRUE(Rotate(R"({"user_ids":["11"]})").failed);
}

class EnrollInFlowTest : public ActionTest {
 protected:
  ActionResult Enroll(const std::string& flow_id) {
    return Run(Single("0-15", R"({"flow_id":")" + flow_id + R"("})"));
  }
  void Target(int64_t flow_id, FlowEnrollment::Kind kind, std::string type = "0-1") {
    FlowEnrollment f;
    f.kind = kind;
    f.object_type_id = std::move(type);
    f.enrollment.once = true;
    env.flow_enrollments[flow_id] = f;
  }
};

TEST_F(EnrollInFlowTest, ReadyTargetIsAnEnrollmentEffect) {
  Target(900, FlowEnrollment::Kind::kReady);
  ActionResult r = Enroll("900");
  ASSERT_FALSE(r.failed) << r.error;
  EXPECT_EQ(r.outcome, "SUCCEEDED");
  ASSERT_EQ(r.enrollments.size(), 1u);
  EXPECT_EQ(r.enrollments[0].enrollment.flow_id, 900);
  EXPECT_EQ(r.enrollments[0].enrollment.object_id, 1);
  EXPECT_TRUE(r.enrollments[0].once);
  EXPECT_NE(r.enrollments[0].enrollment.reason.find("flow 500"), std::string::npos);
  EXPECT_EQ(r.next_action_id, "2");
}

TEST_F(EnrollInFlowTest, DisabledOrSuppressedIsSkipped) {
  Target(901, FlowEnrollment::Kind::kDisabled);
  Target(902, FlowEnrollment::Kind::kSuppressed);
  for (const char* id : {"901", "902"}) {
    ActionResult r = Enroll(id);
    EXPECT_FALSE(r.failed);
    EXPECT_EQ(r.outcome, "SKIPPED");
    EXPECT_TRUE(r.enrollments.empty());
    EXPECT_EQ(r.next_action_id, "2");
  }
  EXPECT_EQ(Enroll("901").detail.at("outcome").as_string(), "FLOW_DISABLED");
  EXPECT_EQ(Enroll("902").detail.at("outcome").as_string(), "SUPPRESSED");
}

TEST_F(EnrollInFlowTest, MissingOrMismatchedTargetFails) {
  Target(903, FlowEnrollment::Kind::kOtherObjectType, "0-3");
  EXPECT_TRUE(Enroll("903").failed);
  EXPECT_TRUE(Enroll("904").failed);  // no such flow
  EXPECT_TRUE(Enroll("abc").failed);
  EXPECT_TRUE(Run(Single("0-15", "{}")).failed);
}

}  // namespace
}  // namespace flowd::engine::testing
