// The engine store's flow effects (src/store/engine_store.h): rotations (rotate record to owner)
// and enrollments in other flows (enroll in another workflow), committed with their step.
#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

constexpr int64_t kLease = 30'000;
constexpr int64_t kFlow = 7;
constexpr int64_t kTarget = 8;

class EngineFlowEffectsTest : public StoreConformanceTest {
 protected:
  EngineStore& engine() { return store_->engine(); }

  static NewEnrollment New(int64_t account, int64_t flow, int64_t object, bool once = false) {
    NewEnrollment n;
    n.enrollment.account_id = account;
    n.enrollment.flow_id = flow;
    n.enrollment.revision_id = 3;
    n.enrollment.object_type_id = "0-1";
    n.enrollment.object_id = object;
    n.enrollment.source = "WORKFLOW";
    n.first_action_id = "1";
    n.first_run_at_ms = kT0;
    n.once = once;
    return n;
  }

  EnrollmentRecord MustEnroll(const NewEnrollment& n) {
    auto r = engine().Enroll({n}, std::nullopt, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok() || r->size() != 1) return {};
    EXPECT_EQ((*r)[0].outcome, EnrollOutcome::kEnrolled);
    return (*r)[0].enrollment;
  }

  // Every job of flow `flow` due now, claimed by "w".
  std::vector<JobRecord> Claim(int64_t flow, int64_t now) {
    auto r = engine().ClaimJobs("w", now, kLease, 100);
    EXPECT_TRUE(r.ok()) << r.error().message;
    std::vector<JobRecord> out;
    if (r.ok()) {
      for (auto& j : *r) {
        if (j.flow_id == flow) out.push_back(j);
      }
    }
    return out;
  }

  static StepCommit Step(const JobRecord& job, int64_t now) {
    StepCommit s;
    s.job_id = job.id;
    s.lease_owner = "w";
    s.step.enrollment_id = job.enrollment_id;
    s.step.execution_index = job.execution_index;
    s.step.action_id = job.action_id;
    s.step.action_type_id = "0-11";
    s.step.started_at_ms = now;
    s.step.finished_at_ms = now;
    s.step.outcome = "SUCCEEDED";
    s.step.detail_json = R"({"property":"hubspot_owner_id"})";
    s.end_status = std::string(kEnrollmentCompleted);
    s.end_reason = "COMPLETED";
    s.now_ms = now;
    return s;
  }

  RotationEffect Rotation(int64_t account, int64_t contact) {
    RotationEffect r;
    r.account_id = account;
    r.flow_id = kFlow;
    r.action_id = "1";
    r.values = {"11", "12", "13"};
    r.object_type_id = "0-1";
    r.object_id = contact;
    r.property = "hubspot_owner_id";
    return r;
  }

  std::vector<CommitResult> Commit(std::vector<StepCommit>& steps) {
    auto r = engine().CommitSteps(steps);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<CommitResult>{};
  }

  int64_t Contact(int64_t account) {
    auto r = store_->objects().CreateObjects(account, "0-1", {{}}, {}, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? (*r)[0].id : 0;
  }

  std::string Owner(int64_t account, int64_t id) {
    auto r = store_->objects().GetObjects(account, "0-1", {id}, false);
    if (!r.ok() || r->empty()) return "<missing>";
    auto it = (*r)[0].properties.find("hubspot_owner_id");
    return it == (*r)[0].properties.end() ? "" : it->second;
  }

  boost::json::object Detail(int64_t account, int64_t enrollment_id) {
    auto steps = engine().ListSteps(account, enrollment_id);
    EXPECT_TRUE(steps.ok() && steps->size() == 1u);
    if (!steps.ok() || steps->empty()) return {};
    return boost::json::parse(steps->back().detail_json).as_object();
  }
};

TEST_P(EngineFlowEffectsTest, RotationTakesTheNextSlotOncePerCommittedStep) {
  std::vector<int64_t> contacts;
  std::vector<EnrollmentRecord> enrollments;
  for (int i = 0; i < 5; ++i) {
    contacts.push_back(Contact(a_.id));
    enrollments.push_back(MustEnroll(New(a_.id, kFlow, contacts.back())));
  }
  std::vector<JobRecord> jobs = Claim(kFlow, kT0);
  ASSERT_EQ(jobs.size(), 5u);
  // Steps 0-2 in one batch; step 3's lease is lost (another worker): it takes no slot.
  std::vector<StepCommit> batch;
  for (int i = 0; i < 4; ++i) {
    StepCommit s = Step(jobs[i], kT0 + 1);
    s.rotations.push_back(Rotation(a_.id, contacts[static_cast<size_t>(i)]));
    if (i == 3) s.lease_owner = "other";
    batch.push_back(std::move(s));
  }
  std::vector<CommitResult> r = Commit(batch);
  ASSERT_EQ(r.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r[i].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(r[3].outcome, CommitOutcome::kLeaseLost);
  // A step whose rotation names a record that is gone is refused: no slot either.
  StepCommit gone = Step(jobs[4], kT0 + 2);
  gone.rotations.push_back(Rotation(a_.id, contacts[4] + 999'999));
  std::vector<StepCommit> one{gone};
  r = Commit(one);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kFailed);
  // The lost one commits later under its owner, and the refused one with its own record.
  StepCommit late = Step(jobs[3], kT0 + 3);
  late.rotations.push_back(Rotation(a_.id, contacts[3]));
  StepCommit fixed = Step(jobs[4], kT0 + 3);
  fixed.rotations.push_back(Rotation(a_.id, contacts[4]));
  std::vector<StepCommit> two{late, fixed};
  r = Commit(two);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(r[1].outcome, CommitOutcome::kCommitted);

  const std::vector<std::string> want = {"11", "12", "13", "11", "12"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(Owner(a_.id, contacts[i]), want[i]) << i;
    boost::json::object d = Detail(a_.id, enrollments[i].id);
    EXPECT_EQ(d["slot"].to_number<int64_t>(), static_cast<int64_t>(i));
    EXPECT_EQ(d["value"].as_string(), want[i]);
    EXPECT_EQ(d["property"].as_string(), "hubspot_owner_id") << "the step's own detail is kept";
  }

  // Another action, flow or account has a rotation of its own.
  const int64_t other = Contact(b_.id);
  MustEnroll(New(b_.id, kFlow, other));
  std::vector<JobRecord> b_jobs = Claim(kFlow, kT0 + 4);
  ASSERT_EQ(b_jobs.size(), 1u);
  StepCommit b_step = Step(b_jobs[0], kT0 + 5);
  b_step.rotations.push_back(Rotation(b_.id, other));
  std::vector<StepCommit> b_batch{b_step};
  ASSERT_EQ(Commit(b_batch).at(0).outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(Owner(b_.id, other), "11");
}

TEST_P(EngineFlowEffectsTest, EnrollmentsFollowTheTargetsRules) {
  const int64_t c1 = Contact(a_.id);
  const int64_t c2 = Contact(a_.id);
  const int64_t c3 = Contact(a_.id);
  const EnrollmentRecord s1 = MustEnroll(New(a_.id, kFlow, c1));
  const EnrollmentRecord s2 = MustEnroll(New(a_.id, kFlow, c2));
  const EnrollmentRecord s3 = MustEnroll(New(a_.id, kFlow, c3));
  // c2 is ACTIVE in the target already; c3 was in it once (and it does not re-enroll).
  MustEnroll(New(a_.id, kTarget, c2));
  const EnrollmentRecord old = MustEnroll(New(a_.id, kTarget, c3));
  ASSERT_OK(engine()
                .EndEnrollments(a_.id, {old.id}, std::string(kEnrollmentCompleted), "x", kT0)
                .status());
  std::vector<JobRecord> jobs = Claim(kFlow, kT0);
  ASSERT_EQ(jobs.size(), 3u);
  std::vector<StepCommit> batch;
  for (size_t i = 0; i < 3; ++i) {
    StepCommit s = Step(jobs[i], kT0 + 1);
    s.step.action_type_id = "0-15";
    s.step.detail_json = R"({"flowId":"8"})";
    s.end_status.reset();
    s.next = StepCommit::Next{"2", 1, 0, kT0 + 1};
    s.enrollments.push_back(New(a_.id, kTarget, std::vector<int64_t>{c1, c2, c3}[i], true));
    batch.push_back(std::move(s));
  }
  std::vector<CommitResult> r = Commit(batch);
  ASSERT_EQ(r.size(), 3u);
  const std::vector<EnrollOutcome> want = {EnrollOutcome::kEnrolled, EnrollOutcome::kAlreadyActive,
                                           EnrollOutcome::kAlreadyEnrolled};
  const std::vector<std::string> names = {"ENROLLED", "ALREADY_ACTIVE", "ALREADY_ENROLLED"};
  const std::vector<std::string> outcomes = {"SUCCEEDED", "SKIPPED", "SKIPPED"};
  const EnrollmentRecord* sources[] = {&s1, &s2, &s3};
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(r[i].outcome, CommitOutcome::kCommitted) << i;
    ASSERT_EQ(r[i].enrolled.size(), 1u);
    EXPECT_EQ(r[i].enrolled[0].outcome, want[i]) << i;
    ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, sources[i]->id));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].outcome, outcomes[i]) << i;
    boost::json::object d = boost::json::parse(steps[0].detail_json).as_object();
    EXPECT_EQ(d["flowId"].as_string(), "8");
    const auto& e = d["enrollments"].as_array().at(0).as_object();
    EXPECT_EQ(e.at("outcome").as_string(), names[i]);
    EXPECT_EQ(e.at("enrollmentId").as_string(), std::to_string(r[i].enrolled[0].enrollment.id));
  }
  // The new enrollment is there with its first job, due and claimable.
  const EnrollmentRecord& made = r[0].enrolled[0].enrollment;
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, made.id));
  EXPECT_EQ(got.flow_id, kTarget);
  EXPECT_EQ(got.object_id, c1);
  EXPECT_EQ(got.status, kEnrollmentActive);
  bool claimed = false;
  for (const JobRecord& j : Claim(kTarget, kT0 + 2))
    claimed = claimed || j.enrollment_id == made.id;
  EXPECT_TRUE(claimed);
}

TEST_P(EngineFlowEffectsTest, ARefusedStepEnrollsNothing) {
  const int64_t c = Contact(a_.id);
  const EnrollmentRecord s = MustEnroll(New(a_.id, kFlow, c));
  std::vector<JobRecord> jobs = Claim(kFlow, kT0);
  ASSERT_EQ(jobs.size(), 1u);
  StepCommit step = Step(jobs[0], kT0 + 1);
  step.enrollments.push_back(New(a_.id, kTarget, c));
  step.updates.push_back({a_.id, "0-1", {{c + 999'999, {{"city", "Rome"}}}}, {}});
  std::vector<StepCommit> batch{step};
  std::vector<CommitResult> r = Commit(batch);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kFailed);
  EXPECT_TRUE(r[0].enrolled.empty());
  ASSERT_OK_AND_ASSIGN(auto theirs, engine().EnrollmentsOfObject(a_.id, "0-1", c));
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].id, s.id);
  // An enrollment in another account's flow is refused.
  StepCommit foreign = Step(jobs[0], kT0 + 2);
  foreign.enrollments.push_back(New(b_.id, kTarget, c));
  std::vector<StepCommit> f{foreign};
  r = Commit(f);
  EXPECT_EQ(r.at(0).outcome, CommitOutcome::kFailed);
}

FLOWD_INSTANTIATE_CONFORMANCE(EngineFlowEffectsTest);

}  // namespace
}  // namespace flowd::store
