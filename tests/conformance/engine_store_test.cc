// The engine part of the Store contract (src/store/engine_store.h).
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

constexpr int64_t kLease = 30'000;
constexpr int64_t kFlow = 7;

class EngineStoreTest : public StoreConformanceTest {
 protected:
  EngineStore& engine() { return store_->engine(); }

  static NewEnrollment New(int64_t account, int64_t flow, int64_t object, int64_t run_at = kT0,
                           std::string first_action = "1", bool once = false) {
    NewEnrollment n;
    n.enrollment.account_id = account;
    n.enrollment.flow_id = flow;
    n.enrollment.revision_id = 3;
    n.enrollment.object_type_id = "0-1";
    n.enrollment.object_id = object;
    n.enrollment.source = "API";
    n.first_action_id = std::move(first_action);
    n.first_run_at_ms = run_at;
    n.once = once;
    return n;
  }

  // Enrolls one record and returns the new enrollment (the test fails otherwise).
  EnrollmentRecord MustEnroll(const NewEnrollment& n) {
    auto r = engine().Enroll({n}, std::nullopt, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok() || r->size() != 1) return {};
    EXPECT_EQ((*r)[0].outcome, EnrollOutcome::kEnrolled);
    return (*r)[0].enrollment;
  }

  std::vector<JobRecord> Claim(const std::string& owner, int64_t now, size_t limit = 100) {
    auto r = engine().ClaimJobs(owner, now, kLease, limit);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<JobRecord>{};
  }

  // A commit of `job` by `owner` that moves on to action "2".
  static StepCommit Step(const JobRecord& job, const std::string& owner, int64_t now = kT0 + 1) {
    StepCommit s;
    s.job_id = job.id;
    s.lease_owner = owner;
    s.step.enrollment_id = job.enrollment_id;
    s.step.execution_index = job.execution_index;
    s.step.attempt = job.attempt;
    s.step.action_id = job.action_id;
    s.step.action_type_id = "0-5";
    s.step.started_at_ms = now - 1;
    s.step.finished_at_ms = now;
    s.step.outcome = "SUCCEEDED";
    s.step.detail_json = "{}";
    s.next = StepCommit::Next{"2", job.execution_index + 1, 0, now};
    s.now_ms = now;
    return s;
  }

  std::vector<CommitResult> Commit(std::vector<StepCommit> steps) {
    auto r = engine().CommitSteps(steps);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<CommitResult>{};
  }

  int64_t Contact(int64_t account, const std::string& email) {
    ObjectWriteOptions o;
    o.unique_properties = {"email"};
    auto r = store_->objects().CreateObjects(account, "0-1", {{{"email", email}}}, o, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? (*r)[0].id : 0;
  }

  int64_t List(int64_t account, const std::string& name, const std::string& type) {
    ListRecord l;
    l.name = name;
    l.object_type_id = "0-1";
    l.processing_type = type;
    l.processing_status = "COMPLETE";
    if (type != "MANUAL") l.filter_json = R"({"filterBranchType":"OR","filterBranches":[]})";
    auto r = store_->lists().CreateList(account, l, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : 0;
  }

  std::string Property(int64_t account, int64_t id, const std::string& name) {
    auto r = store_->objects().GetObjects(account, "0-1", {id}, false);
    if (!r.ok() || r->empty()) return "<missing>";
    auto it = (*r)[0].properties.find(name);
    return it == (*r)[0].properties.end() ? "" : it->second;
  }
};

// ---------------------------------------------------------------- enrollment

TEST_P(EngineStoreTest, EnrollOutcomes) {
  std::vector<NewEnrollment> batch = {New(a_.id, kFlow, 100), New(a_.id, kFlow, 100),
                                      New(a_.id, kFlow, 101, kT0, "")};
  ASSERT_OK_AND_ASSIGN(std::vector<EnrollResult> r, engine().Enroll(batch, std::nullopt, kT0));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kEnrolled);
  EXPECT_GT(r[0].enrollment.id, 0);
  EXPECT_EQ(r[0].enrollment.status, kEnrollmentActive);
  EXPECT_EQ(r[0].enrollment.enrolled_at_ms, kT0);
  EXPECT_EQ(r[1].outcome, EnrollOutcome::kAlreadyActive) << "same batch, same record";
  EXPECT_EQ(r[1].enrollment.id, r[0].enrollment.id);
  // Nothing to run: completed at once, no job.
  EXPECT_EQ(r[2].outcome, EnrollOutcome::kEnrolled);
  EXPECT_EQ(r[2].enrollment.status, kEnrollmentCompleted);
  EXPECT_EQ(r[2].enrollment.ended_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(auto none, engine().JobOfEnrollment(a_.id, r[2].enrollment.id));
  EXPECT_FALSE(none);

  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, r[0].enrollment.id));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->action_id, "1");
  EXPECT_EQ(job->execution_index, 0);
  EXPECT_EQ(job->attempt, 0);
  EXPECT_EQ(job->run_at_ms, kT0);
  EXPECT_EQ(job->flow_id, kFlow);

  ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, r[0].enrollment.id));
  EXPECT_EQ(got.object_id, 100);
  EXPECT_EQ(got.revision_id, 3);
  EXPECT_EQ(got.data_json, "{}");
  EXPECT_EQ(got.executions, 0);

  // The executor's batch read: any account, id order, unknown ids left out.
  ASSERT_OK_AND_ASSIGN(
      std::vector<EnrollmentRecord> by_id,
      engine().EnrollmentsById({r[2].enrollment.id, 999'999'999, r[0].enrollment.id}));
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id[0].id, std::min(r[0].enrollment.id, r[2].enrollment.id));
  EXPECT_EQ(by_id[1].id, std::max(r[0].enrollment.id, r[2].enrollment.id));
  for (const auto& e : by_id) EXPECT_EQ(e.account_id, a_.id);
  ASSERT_OK_AND_ASSIGN(by_id, engine().EnrollmentsById({}));
  EXPECT_TRUE(by_id.empty());

  // Once ended: re-enrollment allowed, unless `once`.
  ASSERT_OK(engine().EndEnrollments(a_.id, {got.id}, std::string(kEnrollmentUnenrolled), "test",
                                    kT0 + 5));
  ASSERT_OK_AND_ASSIGN(
      r, engine().Enroll({New(a_.id, kFlow, 100, kT0, "1", /*once=*/true)}, std::nullopt, kT0 + 6));
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kAlreadyEnrolled);
  EXPECT_EQ(r[0].enrollment.id, got.id);
  ASSERT_OK_AND_ASSIGN(r, engine().Enroll({New(a_.id, kFlow, 100)}, std::nullopt, kT0 + 6));
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kEnrolled);
  EXPECT_NE(r[0].enrollment.id, got.id);
  // Another flow is another question.
  ASSERT_OK_AND_ASSIGN(
      r, engine().Enroll({New(a_.id, kFlow + 1, 100, kT0, "1", true)}, std::nullopt, kT0 + 6));
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kEnrolled);

  ASSERT_OK_AND_ASSIGN(auto of_object, engine().EnrollmentsOfObject(a_.id, "0-1", 100));
  ASSERT_EQ(of_object.size(), 3u);
  EXPECT_GT(of_object[0].id, of_object[1].id) << "newest first";
  ASSERT_OK_AND_ASSIGN(auto active, engine().ActiveEnrollments(a_.id, kFlow, {100, 101, 555}));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].object_id, 100);
}

TEST_P(EngineStoreTest, EventSeqMovesWithTheEnrollments) {
  ASSERT_OK_AND_ASSIGN(int64_t seq, engine().EventSeq());
  EXPECT_EQ(seq, 0);
  ASSERT_OK(engine().Enroll({New(a_.id, kFlow, 100)}, EventAdvance{0, 42}, kT0));
  ASSERT_OK_AND_ASSIGN(seq, engine().EventSeq());
  EXPECT_EQ(seq, 42);
  // A failing batch (an unknown account) moves nothing, and enrolls nothing.
  EXPECT_FALSE(
      engine()
          .Enroll({New(a_.id, kFlow, 200), New(999'999, kFlow, 201)}, EventAdvance{42, 50}, kT0)
          .ok());
  ASSERT_OK_AND_ASSIGN(seq, engine().EventSeq());
  EXPECT_EQ(seq, 42);
  ASSERT_OK_AND_ASSIGN(auto none, engine().EnrollmentsOfObject(a_.id, "0-1", 200));
  EXPECT_TRUE(none.empty());
  // An empty batch still records the position.
  ASSERT_OK(engine().Enroll({}, EventAdvance{42, 60}, kT0));
  ASSERT_OK_AND_ASSIGN(seq, engine().EventSeq());
  EXPECT_EQ(seq, 60);
  ASSERT_OK(engine().SetEventSeq({60, 70}));
  ASSERT_OK_AND_ASSIGN(seq, engine().EventSeq());
  EXPECT_EQ(seq, 70);
}

// Two consumers read the events after the same position (two processes on PostgreSQL): the first
// commit takes the range; the second writes nothing, and the position never moves backwards.
TEST_P(EngineStoreTest, AnEventRangeIsConsumedOnce) {
  ASSERT_OK(engine().Enroll({New(a_.id, kFlow, 300)}, EventAdvance{0, 10}, kT0));
  auto again = engine().Enroll({New(a_.id, kFlow, 301)}, EventAdvance{0, 10}, kT0);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(auto none, engine().EnrollmentsOfObject(a_.id, "0-1", 301));
  EXPECT_TRUE(none.empty()) << "the losing consumer enrolls nothing";
  // A shorter range read from the old position cannot move it back either.
  auto back = engine().Enroll({}, EventAdvance{0, 5}, kT0);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::kConflict);
  Status set_back = engine().SetEventSeq({0, 5});
  ASSERT_FALSE(set_back.ok());
  EXPECT_EQ(set_back.error().code, ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(int64_t seq, engine().EventSeq());
  EXPECT_EQ(seq, 10);

  // Concurrent consumers of one range (on PostgreSQL each on its own connection): one enrolls.
  ASSERT_OK_AND_ASSIGN(seq, engine().EventSeq());
  std::atomic<int> won{0};
  std::vector<std::thread> consumers;
  for (int i = 0; i < 4; ++i) {
    consumers.emplace_back([&, i] {
      auto r = engine().Enroll({New(a_.id, kFlow, 400 + i)}, EventAdvance{seq, seq + 20}, kT0);
      if (r.ok()) won++;
    });
  }
  for (auto& t : consumers) t.join();
  EXPECT_EQ(won.load(), 1);
  int enrolled = 0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK_AND_ASSIGN(auto got, engine().EnrollmentsOfObject(a_.id, "0-1", 400 + i));
    enrolled += static_cast<int>(got.size());
  }
  EXPECT_EQ(enrolled, 1);
}

TEST_P(EngineStoreTest, ListEnrollmentsPagesAndFilters) {
  std::vector<int64_t> ids;
  for (int64_t object = 1; object <= 5; ++object) {
    ids.push_back(MustEnroll(New(a_.id, kFlow, object)).id);
  }
  MustEnroll(New(a_.id, kFlow + 1, 1));
  ASSERT_OK(engine().EndEnrollments(a_.id, {ids[1], ids[3]}, std::string(kEnrollmentFailed), "boom",
                                    kT0 + 1));
  EnrollmentFilter f;
  f.limit = 2;
  ASSERT_OK_AND_ASSIGN(EnrollmentPage page, engine().ListEnrollments(a_.id, kFlow, f));
  ASSERT_EQ(page.enrollments.size(), 2u);
  EXPECT_EQ(page.enrollments[0].id, ids[0]);
  ASSERT_TRUE(page.next_after);
  f.after_id = page.next_after;
  f.limit = 10;
  ASSERT_OK_AND_ASSIGN(page, engine().ListEnrollments(a_.id, kFlow, f));
  ASSERT_EQ(page.enrollments.size(), 3u);
  EXPECT_EQ(page.enrollments[0].id, ids[2]);
  EXPECT_FALSE(page.next_after);

  EnrollmentFilter failed;
  failed.status = std::string(kEnrollmentFailed);
  ASSERT_OK_AND_ASSIGN(page, engine().ListEnrollments(a_.id, kFlow, failed));
  ASSERT_EQ(page.enrollments.size(), 2u);
  EXPECT_EQ(page.enrollments[0].id, ids[1]);
  EXPECT_EQ(page.enrollments[1].id, ids[3]);
  EXPECT_EQ(page.enrollments[1].reason, "boom");
  EXPECT_EQ(page.enrollments[1].ended_at_ms, kT0 + 1);
  EXPECT_FALSE(page.next_after);
}

// ---------------------------------------------------------------- the queue

TEST_P(EngineStoreTest, CountActiveCountsTheFlowsActiveEnrollments) {
  MustEnroll(New(a_.id, kFlow, 1, kT0));
  const int64_t two = MustEnroll(New(a_.id, kFlow, 2, kT0)).id;
  MustEnroll(New(a_.id, kFlow + 1, 3, kT0));
  MustEnroll(New(b_.id, kFlow, 4, kT0));
  ASSERT_OK(engine().EndEnrollments(a_.id, {two}, "UNENROLLED", "MANUAL", kT0 + 1).status());
  ASSERT_OK_AND_ASSIGN(int64_t n, engine().CountActive(a_.id, kFlow));
  EXPECT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(n, engine().CountActive(b_.id, kFlow));
  EXPECT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(n, engine().CountActive(a_.id, 999));
  EXPECT_EQ(n, 0);
}

TEST_P(EngineStoreTest, ClaimsLeaseDueJobsInRunAtOrder) {
  const int64_t late = MustEnroll(New(a_.id, kFlow, 1, kT0 + 20)).id;
  const int64_t first = MustEnroll(New(a_.id, kFlow, 2, kT0)).id;
  const int64_t second = MustEnroll(New(b_.id, kFlow + 1, 3, kT0 + 10)).id;
  const int64_t future = MustEnroll(New(a_.id, kFlow, 4, kT0 + 1'000'000)).id;
  ASSERT_OK_AND_ASSIGN(std::optional<int64_t> next, engine().NextDueAt());
  EXPECT_EQ(next, kT0);
  ASSERT_OK_AND_ASSIGN(EngineStore::QueueDepth depth, engine().Depth(kT0 + 20));
  EXPECT_EQ(depth.pending, 4);
  EXPECT_EQ(depth.due, 3);

  std::vector<JobRecord> jobs = Claim("w1", kT0 + 20, 2);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].enrollment_id, first);
  EXPECT_EQ(jobs[1].enrollment_id, second);
  EXPECT_EQ(jobs[0].lease_owner, "w1");
  EXPECT_EQ(jobs[0].lease_until_ms, kT0 + 20 + kLease);
  jobs = Claim("w2", kT0 + 20);
  ASSERT_EQ(jobs.size(), 1u) << "leased jobs are not claimed again";
  EXPECT_EQ(jobs[0].enrollment_id, late);
  EXPECT_TRUE(Claim("w2", kT0 + 20 + kLease - 1).empty());
  ASSERT_OK_AND_ASSIGN(next, engine().NextDueAt());
  EXPECT_EQ(next, kT0 + 20 + kLease) << "leased jobs count with lease_until";

  // w1 renews one of its two; w2 cannot renew w1's.
  ASSERT_OK_AND_ASSIGN(auto all, engine().ClaimJobs("w3", kT0, kLease, 10));
  EXPECT_TRUE(all.empty());
  ASSERT_OK_AND_ASSIGN(auto first_job, engine().JobOfEnrollment(a_.id, first));
  ASSERT_OK_AND_ASSIGN(auto second_job, engine().JobOfEnrollment(b_.id, second));
  ASSERT_TRUE(first_job && second_job);
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> held,
                       engine().RenewLeases("w1", {first_job->id}, kT0 + 10 * kLease));
  EXPECT_EQ(held, std::vector<int64_t>{first_job->id});
  ASSERT_OK_AND_ASSIGN(held, engine().RenewLeases("w2", {second_job->id}, kT0 + 10 * kLease));
  EXPECT_TRUE(held.empty());

  // Expired leases are taken over; the renewed one is not.
  jobs = Claim("w2", kT0 + 20 + kLease);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].enrollment_id, second);
  EXPECT_EQ(jobs[0].lease_owner, "w2");
  EXPECT_EQ(jobs[1].enrollment_id, late);
  (void)future;
}

TEST_P(EngineStoreTest, RecoverLeasesReleasesAllOrNothing) {
  const int64_t id = MustEnroll(New(a_.id, kFlow, 1, kT0)).id;
  ASSERT_EQ(Claim("dead", kT0).size(), 1u);
  ASSERT_OK_AND_ASSIGN(int64_t released, engine().RecoverLeases(kT0 + 1));
  // SQLite (one process owns the queue) gives the lease up; PostgreSQL leaves it to expire.
  ASSERT_TRUE(released == 0 || released == 1) << released;
  std::vector<JobRecord> jobs = Claim("alive", kT0 + 1);
  EXPECT_EQ(jobs.size(), static_cast<size_t>(released));
  if (!jobs.empty()) {
    EXPECT_EQ(jobs[0].enrollment_id, id);
    EXPECT_EQ(jobs[0].lease_owner, "alive");
  }
  ASSERT_OK_AND_ASSIGN(released, engine().RecoverLeases(kT0 + 1 + kLease));
  EXPECT_EQ(released, 0) << "an expired lease is not live";
}

TEST_P(EngineStoreTest, PausedJobsAreNotClaimed) {
  const int64_t paused = MustEnroll(New(a_.id, kFlow, 1, kT0)).id;
  const int64_t other = MustEnroll(New(a_.id, kFlow + 1, 2, kT0 + 5)).id;
  ASSERT_OK_AND_ASSIGN(int64_t changed, engine().SetFlowPaused(a_.id, kFlow, true));
  EXPECT_EQ(changed, 1);
  ASSERT_OK_AND_ASSIGN(changed, engine().SetFlowPaused(a_.id, kFlow, true));
  EXPECT_EQ(changed, 0);
  ASSERT_OK_AND_ASSIGN(changed, engine().SetFlowPaused(b_.id, kFlow + 1, true));
  EXPECT_EQ(changed, 0) << "another account's flow";
  ASSERT_OK_AND_ASSIGN(std::optional<int64_t> next, engine().NextDueAt());
  EXPECT_EQ(next, kT0 + 5);
  ASSERT_OK_AND_ASSIGN(EngineStore::QueueDepth depth, engine().Depth(kT0 + 100));
  EXPECT_EQ(depth.pending, 1);
  std::vector<JobRecord> jobs = Claim("w", kT0 + 100);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].enrollment_id, other);
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, paused));
  ASSERT_TRUE(job);
  EXPECT_TRUE(job->paused);

  ASSERT_OK_AND_ASSIGN(changed, engine().SetFlowPaused(a_.id, kFlow, false));
  EXPECT_EQ(changed, 1);
  jobs = Claim("w", kT0 + 100);
  ASSERT_EQ(jobs.size(), 1u) << "a resumed job whose run_at passed runs at once";
  EXPECT_EQ(jobs[0].enrollment_id, paused);
  EXPECT_FALSE(jobs[0].paused);
  ASSERT_OK_AND_ASSIGN(next, engine().NextDueAt());
  EXPECT_EQ(next, kT0 + 100 + kLease);
}

TEST_P(EngineStoreTest, WakeJobBringsAWaitingJobForward) {
  const int64_t e = MustEnroll(New(a_.id, kFlow, 1, kT0 + 10'000)).id;
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, e));
  ASSERT_TRUE(job);
  // Only the account's job, at its execution index, and only forward.
  ASSERT_OK_AND_ASSIGN(bool moved, engine().WakeJob(b_.id, job->id, 0, kT0));
  EXPECT_FALSE(moved);
  ASSERT_OK_AND_ASSIGN(moved, engine().WakeJob(a_.id, job->id, 1, kT0));
  EXPECT_FALSE(moved);
  ASSERT_OK_AND_ASSIGN(moved, engine().WakeJob(a_.id, job->id, 0, kT0 + 20'000));
  EXPECT_FALSE(moved);
  EXPECT_TRUE(Claim("w", kT0).empty());
  ASSERT_OK_AND_ASSIGN(moved, engine().WakeJob(a_.id, job->id, 0, kT0));
  EXPECT_TRUE(moved);
  ASSERT_OK_AND_ASSIGN(std::optional<int64_t> next, engine().NextDueAt());
  EXPECT_EQ(next, kT0);
  std::vector<JobRecord> jobs = Claim("w", kT0);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].run_at_ms, kT0);
  // A leased job is not moved.
  ASSERT_OK_AND_ASSIGN(moved, engine().WakeJob(a_.id, job->id, 0, kT0 - 1));
  EXPECT_FALSE(moved);
}

// Workers claiming at once (several processes on PostgreSQL) never get the same job.
TEST_P(EngineStoreTest, ConcurrentClaimsNeverShareAJob) {
  constexpr int kJobs = 60;
  constexpr int kWorkers = 4;
  std::vector<NewEnrollment> batch;
  for (int i = 0; i < kJobs; ++i) batch.push_back(New(a_.id, kFlow, 1000 + i, kT0 + i));
  ASSERT_OK(engine().Enroll(batch, std::nullopt, kT0));
  std::vector<std::vector<JobRecord>> claimed(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      while (true) {
        auto r = engine().ClaimJobs("w" + std::to_string(w), kT0 + kJobs, kLease, 7);
        if (!r.ok() || r->empty()) return;
        claimed[w].insert(claimed[w].end(), r->begin(), r->end());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> ids;
  size_t total = 0;
  for (int w = 0; w < kWorkers; ++w) {
    for (const JobRecord& j : claimed[w]) {
      EXPECT_EQ(j.lease_owner, "w" + std::to_string(w));
      ids.insert(j.id);
    }
    total += claimed[w].size();
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(ids.size(), static_cast<size_t>(kJobs));
}

// Enrolling one record from several threads at once enrolls it once.
TEST_P(EngineStoreTest, ConcurrentEnrollmentsOfOneRecordEnrollOnce) {
  constexpr int kThreads = 4;
  std::atomic<int> enrolled{0};
  std::atomic<int> blocked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto r = engine().Enroll({New(a_.id, kFlow, 77, kT0, "1", /*once=*/true)}, std::nullopt, kT0);
      if (!r.ok()) return;
      ((*r)[0].outcome == EnrollOutcome::kEnrolled ? enrolled : blocked)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(enrolled.load(), 1);
  EXPECT_EQ(blocked.load(), kThreads - 1);
}

// ---------------------------------------------------------------- commits

TEST_P(EngineStoreTest, CommitWithLostLeaseWritesNothing) {
  const int64_t c = Contact(a_.id, "a@x.com");
  const EnrollmentRecord e = MustEnroll(New(a_.id, kFlow, c));
  std::vector<JobRecord> jobs = Claim("w1", kT0);
  ASSERT_EQ(jobs.size(), 1u);
  StepCommit s = Step(jobs[0], "w2");
  s.updates.push_back({a_.id, "0-1", {{c, {{"city", "Rome"}}}}, {}});
  s.messages.push_back(
      {0, a_.id, e.id, "k1", "EMAIL", "a@x.com", "f@x.com", "Hi", "<p>", "LOCAL", 0});
  std::vector<CommitResult> r = Commit({s});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kLeaseLost);
  EXPECT_EQ(Property(a_.id, c, "city"), "");
  ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e.id));
  EXPECT_TRUE(steps.empty());
  ASSERT_OK_AND_ASSIGN(auto messages, engine().ListMessages(a_.id, "EMAIL", std::nullopt, 10));
  EXPECT_TRUE(messages.empty());
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, e.id));
  EXPECT_EQ(got.executions, 0);
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, e.id));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, jobs[0].id);
  EXPECT_EQ(job->lease_owner, "w1");

  // A job that is gone (the enrollment ended meanwhile) is a lost lease too.
  ASSERT_OK(engine().EndEnrollments(a_.id, {e.id}, std::string(kEnrollmentUnenrolled), "x", kT0));
  r = Commit({Step(jobs[0], "w1")});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kLeaseLost);
  // And a replaced job (a new id) cannot be committed under the old one.
  const EnrollmentRecord e2 = MustEnroll(New(a_.id, kFlow, c + 1000));
  jobs = Claim("w1", kT0 + 1);
  ASSERT_EQ(jobs.size(), 1u);
  r = Commit({Step(jobs[0], "w1")});
  ASSERT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  r = Commit({Step(jobs[0], "w1")});
  EXPECT_EQ(r[0].outcome, CommitOutcome::kLeaseLost);
  ASSERT_OK_AND_ASSIGN(steps, engine().ListSteps(a_.id, e2.id));
  EXPECT_EQ(steps.size(), 1u);
}

// A job may keep its id when it moves on: a late commit of the step before is refused even when
// the next step is leased to the same worker (its execution and attempt differ), and so is one of
// an attempt that has been retried.
TEST_P(EngineStoreTest, CommitOfAStepThatMovedOnIsRefused) {
  const int64_t c = Contact(a_.id, "late@x.com");
  const EnrollmentRecord e = MustEnroll(New(a_.id, kFlow, c));
  std::vector<JobRecord> first = Claim("w", kT0);
  ASSERT_EQ(first.size(), 1u);
  std::vector<CommitResult> r = Commit({Step(first[0], "w")});
  ASSERT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  std::vector<JobRecord> second = Claim("w", kT0 + 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].execution_index, first[0].execution_index + 1);
  StepCommit late = Step(first[0], "w");
  late.updates.push_back({a_.id, "0-1", {{c, {{"city", "Late"}}}}, {}});
  r = Commit({late});
  EXPECT_EQ(r[0].outcome, CommitOutcome::kLeaseLost);
  EXPECT_EQ(Property(a_.id, c, "city"), "");

  // The second step is retried (attempt 1) and claimed again by the same worker: the commit of
  // attempt 0 is refused, that of attempt 1 is taken.
  StepCommit retry = Step(second[0], "w");
  retry.next.reset();
  retry.step.outcome = "RETRYING";
  retry.retry_at_ms = kT0 + 2;
  r = Commit({retry});
  ASSERT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  std::vector<JobRecord> third = Claim("w", kT0 + 2);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].attempt, 1);
  r = Commit({Step(second[0], "w")});
  EXPECT_EQ(r[0].outcome, CommitOutcome::kLeaseLost);
  r = Commit({Step(third[0], "w")});
  EXPECT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e.id));
  EXPECT_EQ(steps.size(), 3u);
}

TEST_P(EngineStoreTest, FailingEffectRollsBackItsStepOnly) {
  const int64_t c1 = Contact(a_.id, "one@x.com");
  const int64_t c2 = Contact(a_.id, "two@x.com");
  const int64_t c3 = Contact(a_.id, "three@x.com");
  const EnrollmentRecord e1 = MustEnroll(New(a_.id, kFlow, c1));
  const EnrollmentRecord e2 = MustEnroll(New(a_.id, kFlow, c2));
  const EnrollmentRecord e3 = MustEnroll(New(a_.id, kFlow, c3));
  std::vector<JobRecord> jobs = Claim("w", kT0);
  ASSERT_EQ(jobs.size(), 3u);
  ObjectWriteOptions workflow;
  workflow.unique_properties = {"email"};
  workflow.source = {"WORKFLOW", std::to_string(kFlow)};

  // 1: a valid update, then one of a record that does not exist.
  StepCommit s1 = Step(jobs[0], "w");
  s1.updates.push_back({a_.id, "0-1", {{c1, {{"city", "Rome"}}}}, workflow});
  s1.updates.push_back({a_.id, "0-1", {{c1 + 999'999, {{"city", "Oslo"}}}}, workflow});
  s1.messages.push_back({0, a_.id, e1.id, "k1", "EMAIL", "a", "b", "s", "b", "LOCAL", 0});
  s1.data_json = R"({"1":{"x":1}})";
  // 2: a create whose email another contact holds.
  StepCommit s2 = Step(jobs[1], "w");
  s2.creates.push_back({a_.id, "0-1", {{"email", "three@x.com"}}, workflow, {}, ""});
  // 3: fine.
  StepCommit s3 = Step(jobs[2], "w");
  s3.updates.push_back({a_.id, "0-1", {{c3, {{"city", "Paris"}}}}, workflow});

  std::vector<CommitResult> r = Commit({s1, s2, s3});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kFailed);
  ASSERT_TRUE(r[0].error);
  EXPECT_EQ(r[0].error->code, ErrorCode::kNotFound);
  EXPECT_EQ(r[1].outcome, CommitOutcome::kFailed);
  ASSERT_TRUE(r[1].error);
  EXPECT_EQ(r[1].error->code, ErrorCode::kConflict);
  EXPECT_EQ(r[2].outcome, CommitOutcome::kCommitted);

  EXPECT_EQ(Property(a_.id, c1, "city"), "") << "the failed step's first update is undone";
  EXPECT_EQ(Property(a_.id, c3, "city"), "Paris");
  ASSERT_OK_AND_ASSIGN(auto found,
                       store_->objects().FindByValues(a_.id, "0-1", "email", {"three@x.com"}, 10));
  EXPECT_EQ(found, std::vector<int64_t>{c3});
  for (const EnrollmentRecord* e : {&e1, &e2}) {
    ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e->id));
    EXPECT_TRUE(steps.empty());
    ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, e->id));
    EXPECT_EQ(got.executions, 0);
    EXPECT_EQ(got.data_json, "{}");
    ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, e->id));
    ASSERT_TRUE(job);
    EXPECT_EQ(job->action_id, "1") << "the job is as it was (still leased)";
    EXPECT_EQ(job->lease_owner, "w");
  }
  ASSERT_OK_AND_ASSIGN(auto messages, engine().ListMessages(a_.id, "EMAIL", std::nullopt, 10));
  EXPECT_TRUE(messages.empty());
  ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e3.id));
  EXPECT_EQ(steps.size(), 1u);
}

// A batch of property updates only (the executor's usual batch; PostgreSQL commits it in a few
// statements): every outcome side by side, and the rows written as the per-step path writes them.
// A batch mixing steps that only set properties with one that also creates a record: the event
// log keeps the steps' order (SQLite defers the property changes of a batch into one insert).
TEST_P(EngineStoreTest, BatchEventsKeepTheStepsOrder) {
  ObjectWriteOptions workflow;
  workflow.source = {"WORKFLOW", std::to_string(kFlow)};
  ASSERT_OK_AND_ASSIGN(
      auto made,
      store_->objects().CreateObjects(
          a_.id, "0-1", {{{"city", "A"}}, {{"city", "B"}}, {{"city", "C"}}}, workflow, kT0));
  std::vector<EnrollmentRecord> e;
  for (const auto& m : made) e.push_back(MustEnroll(New(a_.id, kFlow, m.id)));
  ASSERT_OK_AND_ASSIGN(auto before, store_->objects().ReadEvents(0, 1000));
  const int64_t seq0 = before.empty() ? 0 : before.back().seq;
  std::map<int64_t, JobRecord> job;
  for (const JobRecord& j : Claim("w", kT0)) job[j.enrollment_id] = j;
  ASSERT_EQ(job.size(), 3u);
  const int64_t now = kT0 + 70;
  std::vector<StepCommit> steps;
  for (size_t i = 0; i < 3; ++i) {
    StepCommit s = Step(job[e[i].id], "w", now);
    s.updates.push_back(
        {a_.id, "0-1", {{made[i].id, {{"city", "X" + std::to_string(i)}}}}, workflow});
    if (i == 1)
      s.creates.push_back({a_.id, "0-5", {{"subject", "made by step 1"}}, workflow, {}, ""});
    steps.push_back(std::move(s));
  }
  std::vector<CommitResult> r = Commit(steps);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& one : r) EXPECT_EQ(one.outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(auto events, store_->objects().ReadEvents(seq0, 1000));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].object_id, made[0].id);
  EXPECT_EQ(events[0].properties.at("hs_value"), "X0");
  EXPECT_EQ(events[1].object_id, made[1].id);
  EXPECT_EQ(events[1].properties.at("hs_value"), "X1");
  EXPECT_EQ(events[2].event_type_id, kEventObjectCreated);
  EXPECT_EQ(events[2].object_type_id, "0-5");
  EXPECT_EQ(events[3].object_id, made[2].id);
  EXPECT_EQ(events[3].properties.at("hs_value"), "X2");
  for (size_t i = 1; i < events.size(); ++i) EXPECT_GT(events[i].seq, events[i - 1].seq);
}

TEST_P(EngineStoreTest, UpdateOnlyBatchKeepsEachStepsOutcome) {
  ObjectWriteOptions workflow;
  workflow.unique_properties = {"email"};
  workflow.source = {"WORKFLOW", std::to_string(kFlow)};
  ASSERT_OK_AND_ASSIGN(
      auto made, store_->objects().CreateObjects(a_.id, "0-1",
                                                 {{{"email", "a@x.com"}, {"firstname", "Ann"}},
                                                  {{"email", "b@x.com"}, {"firstname", "Cy"}},
                                                  {{"email", "c@x.com"}},
                                                  {{"email", "d@x.com"}, {"city", "Oslo"}}},
                                                 workflow, kT0));
  const int64_t c1 = made[0].id, c2 = made[1].id, c3 = made[2].id, c4 = made[3].id;
  std::vector<EnrollmentRecord> e;
  for (int64_t object : {c1, c2, c3, c4, c1 + 100'000, c1 + 200'000}) {
    e.push_back(MustEnroll(New(a_.id, kFlow, object)));
  }
  ASSERT_OK_AND_ASSIGN(auto before, store_->objects().ReadEvents(0, 1000));
  const int64_t seq0 = before.empty() ? 0 : before.back().seq;
  std::vector<JobRecord> claimed = Claim("w", kT0);
  ASSERT_EQ(claimed.size(), 6u);
  std::map<int64_t, JobRecord> job;  // enrollment id → job
  for (const JobRecord& j : claimed) job[j.enrollment_id] = j;

  const int64_t now = kT0 + 70;
  // 0: a superseded created value (history of version 1 kept) and a new one; moves on.
  StepCommit s0 = Step(job[e[0].id], "w", now);
  s0.updates.push_back({a_.id, "0-1", {{c1, {{"firstname", "Bea"}, {"city", "Rome"}}}}, workflow});
  // 1: clears a value, and ends the enrollment with new data.
  StepCommit s1 = Step(job[e[1].id], "w", now);
  s1.updates.push_back({a_.id, "0-1", {{c2, {{"firstname", ""}}}}, workflow});
  s1.next.reset();
  s1.end_status = std::string(kEnrollmentCompleted);
  s1.end_reason = "COMPLETED";
  s1.data_json = R"({"1":{"x":"y"}})";
  // 2: an update, then one of a record that does not exist: fails, writes nothing.
  StepCommit s2 = Step(job[e[2].id], "w", now);
  s2.updates.push_back({a_.id, "0-1", {{c3, {{"city", "Lima"}}}}, workflow});
  s2.updates.push_back({a_.id, "0-1", {{c3 + 999'999, {{"city", "Oslo"}}}}, workflow});
  // 3: the value it writes is the record's already (no change, no event); retries.
  StepCommit s3 = Step(job[e[3].id], "w", now);
  s3.updates.push_back({a_.id, "0-1", {{c4, {{"city", "Oslo"}}}}, workflow});
  s3.next.reset();
  s3.step.outcome = "RETRYING";
  s3.retry_at_ms = now + 1000;
  // 4: leased to another worker.
  StepCommit s4 = Step(job[e[4].id], "other", now);
  // 5: names no transition.
  StepCommit s5 = Step(job[e[5].id], "w", now);
  s5.next.reset();

  std::vector<CommitResult> r = Commit({s0, s1, s2, s3, s4, s5});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(r[1].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(r[2].outcome, CommitOutcome::kFailed);
  ASSERT_TRUE(r[2].error);
  EXPECT_EQ(r[2].error->code, ErrorCode::kNotFound);
  EXPECT_EQ(r[3].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(r[4].outcome, CommitOutcome::kLeaseLost);
  EXPECT_EQ(r[5].outcome, CommitOutcome::kFailed);

  EXPECT_EQ(Property(a_.id, c1, "firstname"), "Bea");
  EXPECT_EQ(Property(a_.id, c1, "city"), "Rome");
  EXPECT_EQ(Property(a_.id, c2, "firstname"), "");
  EXPECT_EQ(Property(a_.id, c3, "city"), "") << "the failed step's first update is undone";
  EXPECT_EQ(Property(a_.id, c4, "city"), "Oslo");
  ASSERT_OK_AND_ASSIGN(auto hist,
                       store_->objects().GetHistory(a_.id, "0-1", {c1, c2}, {"firstname"}));
  ASSERT_EQ(hist[c1]["firstname"].size(), 2u);
  EXPECT_EQ(hist[c1]["firstname"][0].value, "Bea");
  EXPECT_EQ(hist[c1]["firstname"][0].source_type, "WORKFLOW");
  EXPECT_EQ(hist[c1]["firstname"][0].timestamp_ms, now);
  EXPECT_EQ(hist[c1]["firstname"][1].value, "Ann");
  EXPECT_EQ(hist[c1]["firstname"][1].timestamp_ms, kT0);
  ASSERT_EQ(hist[c2]["firstname"].size(), 2u);
  EXPECT_EQ(hist[c2]["firstname"][0].value, "");
  EXPECT_EQ(hist[c2]["firstname"][1].value, "Cy");
  ASSERT_OK_AND_ASSIGN(auto got1, store_->objects().GetObjects(a_.id, "0-1", {c1, c4}, false));
  ASSERT_EQ(got1.size(), 2u);
  EXPECT_EQ(got1[0].updated_at_ms, now);
  EXPECT_EQ(got1[1].updated_at_ms, kT0) << "an unchanged record is not touched";

  // The property-change events, in step order and each step's write order.
  ASSERT_OK_AND_ASSIGN(auto events, store_->objects().ReadEvents(seq0, 1000));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].object_id, c1);
  EXPECT_EQ(events[0].properties.at("hs_name"), "firstname");
  EXPECT_EQ(events[0].properties.at("hs_value"), "Bea");
  EXPECT_EQ(events[0].properties.at("hs_previous_value"), "Ann");
  EXPECT_EQ(events[1].object_id, c1);
  EXPECT_EQ(events[1].properties.at("hs_name"), "city");
  EXPECT_EQ(events[2].object_id, c2);
  EXPECT_EQ(events[2].event_type_id, kEventPropertyChanged);
  EXPECT_EQ(events[2].occurred_at_ms, now);

  ASSERT_OK_AND_ASSIGN(auto next, engine().JobOfEnrollment(a_.id, e[0].id));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->action_id, "2");
  EXPECT_EQ(next->execution_index, job[e[0].id].execution_index + 1);
  EXPECT_EQ(next->attempt, 0);
  EXPECT_EQ(next->lease_owner, "");
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord ended, engine().GetEnrollment(a_.id, e[1].id));
  EXPECT_EQ(ended.status, kEnrollmentCompleted);
  EXPECT_EQ(ended.reason, "COMPLETED");
  EXPECT_EQ(ended.ended_at_ms, now);
  EXPECT_EQ(ended.data_json, R"({"1":{"x":"y"}})");
  EXPECT_EQ(ended.executions, 1);
  ASSERT_OK_AND_ASSIGN(auto none, engine().JobOfEnrollment(a_.id, e[1].id));
  EXPECT_FALSE(none);
  ASSERT_OK_AND_ASSIGN(auto retried, engine().JobOfEnrollment(a_.id, e[3].id));
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->attempt, 1);
  EXPECT_EQ(retried->run_at_ms, now + 1000);
  EXPECT_EQ(retried->lease_owner, "");
  for (size_t i : {2u, 4u, 5u}) {
    ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, e[i].id));
    EXPECT_EQ(got.executions, 0) << i;
    EXPECT_EQ(got.status, kEnrollmentActive) << i;
    ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e[i].id));
    EXPECT_TRUE(steps.empty()) << i;
    ASSERT_OK_AND_ASSIGN(auto held, engine().JobOfEnrollment(a_.id, e[i].id));
    ASSERT_TRUE(held);
    EXPECT_EQ(held->lease_owner, "w") << i;
  }
  ASSERT_OK_AND_ASSIGN(auto steps0, engine().ListSteps(a_.id, e[0].id));
  ASSERT_EQ(steps0.size(), 1u);
  EXPECT_EQ(steps0[0].finished_at_ms, now);
  EXPECT_EQ(steps0[0].outcome, "SUCCEEDED");
}

TEST_P(EngineStoreTest, EffectsAreApplied) {
  const int64_t c = Contact(a_.id, "c@x.com");
  ASSERT_OK_AND_ASSIGN(
      auto companies, store_->objects().CreateObjects(a_.id, "0-2", {{{"name", "Acme"}}}, {}, kT0));
  const int64_t company = companies[0].id;
  const int64_t manual = List(a_.id, "Manual", "MANUAL");
  const int64_t dynamic = List(a_.id, "Dynamic", "DYNAMIC");
  const EnrollmentRecord e = MustEnroll(New(a_.id, kFlow, c));
  std::vector<JobRecord> jobs = Claim("w", kT0);
  ASSERT_EQ(jobs.size(), 1u);

  ObjectWriteOptions workflow;
  workflow.unique_properties = {"email"};
  workflow.source = {"WORKFLOW", std::to_string(kFlow)};
  StepCommit s = Step(jobs[0], "w", kT0 + 50);
  s.updates.push_back({a_.id, "0-1", {{c, {{"city", "Rome"}}}}, workflow});
  ObjectCreateEffect create{a_.id, "0-1", {{"email", "new@x.com"}}, workflow, {}, ""};
  AssociationWrite assoc;
  assoc.to_type = "0-2";
  assoc.to_id = company;
  assoc.types = {{"HUBSPOT_DEFINED", 279, 280, AssociationTypeWrite::Single::kNone}};
  create.associations.push_back(assoc);
  create.output_action_id = "2";  // the new id becomes action 2's output
  s.creates.push_back(create);
  s.memberships.push_back({a_.id, manual, {c}, {}});
  s.deliveries.push_back({a_.id, e.id, "key-1", "WEBHOOK", 0, kT0 + 40, "DELIVERED", "200"});
  s.messages.push_back(
      {0, a_.id, e.id, "msg-1", "EMAIL", "c@x.com", "me@x.com", "Hello", "<p>Hi</p>", "LOCAL", 0});
  s.messages.push_back(
      {0, a_.id, e.id, "msg-1", "EMAIL", "c@x.com", "me@x.com", "Again", "", "LOCAL", 0});
  s.data_json = R"({"1":{"hs_execution_state":"SUCCESS"}})";
  std::vector<CommitResult> r = Commit({s});
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].outcome, CommitOutcome::kCommitted) << (r[0].error ? r[0].error->message : "");
  ASSERT_EQ(r[0].created_ids.size(), 1u);
  const int64_t created = r[0].created_ids[0];

  EXPECT_EQ(Property(a_.id, c, "city"), "Rome");
  ASSERT_OK_AND_ASSIGN(auto hist, store_->objects().GetHistory(a_.id, "0-1", {c}, {"city"}));
  ASSERT_EQ(hist[c]["city"].size(), 1u);
  EXPECT_EQ(hist[c]["city"][0].source_type, "WORKFLOW");
  EXPECT_EQ(hist[c]["city"][0].source_id, std::to_string(kFlow));
  EXPECT_EQ(hist[c]["city"][0].timestamp_ms, kT0 + 50);
  EXPECT_EQ(Property(a_.id, created, "email"), "new@x.com");
  ASSERT_OK_AND_ASSIGN(auto types,
                       store_->associations().TypesBetween(a_.id, "0-1", created, "0-2", company));
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].type_id, 279);
  ASSERT_OK_AND_ASSIGN(auto members, store_->lists().FilterMembers(a_.id, manual, {c}));
  EXPECT_EQ(members, std::vector<int64_t>{c});

  ASSERT_OK_AND_ASSIGN(auto deliveries, engine().ListDeliveries(a_.id, e.id));
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].idempotency_key, "key-1");
  EXPECT_EQ(deliveries[0].outcome, "DELIVERED");
  EXPECT_EQ(deliveries[0].detail, "200");
  ASSERT_OK_AND_ASSIGN(auto messages, engine().ListMessages(a_.id, "EMAIL", std::nullopt, 10));
  ASSERT_EQ(messages.size(), 1u) << "one message per key";
  EXPECT_EQ(messages[0].subject, "Hello");
  EXPECT_EQ(messages[0].to, "c@x.com");
  EXPECT_EQ(messages[0].created_at_ms, kT0 + 50);
  EXPECT_EQ(messages[0].enrollment_id, e.id);
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, e.id));
  EXPECT_EQ(got.data_json, R"({"1":{"hs_execution_state":"SUCCESS"},"2":{"hs_object_id":")" +
                               std::to_string(created) + R"(","objectTypeId":"0-1"}})");
  EXPECT_EQ(got.executions, 1);
  // The created record's association is in the event log, on both ends.
  ASSERT_OK_AND_ASSIGN(
      auto created_events,
      store_->objects().ObjectEvents(a_.id, "0-1", created, std::string(kEventAssociationChanged)));
  ASSERT_EQ(created_events.size(), 1u);
  EXPECT_EQ(created_events[0].properties.at(std::string(kToObjectIdProperty)),
            std::to_string(company));
  ASSERT_OK_AND_ASSIGN(
      auto company_events,
      store_->objects().ObjectEvents(a_.id, "0-2", company, std::string(kEventAssociationChanged)));
  EXPECT_EQ(company_events.size(), 1u);
  EXPECT_EQ(got.updated_at_ms, kT0 + 50);

  // The next step: a DYNAMIC list takes no explicit members; the same message key is skipped.
  jobs = Claim("w", kT0 + 50);
  ASSERT_EQ(jobs.size(), 1u);
  StepCommit bad = Step(jobs[0], "w", kT0 + 60);
  bad.memberships.push_back({a_.id, dynamic, {c}, {}});
  r = Commit({bad});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kFailed);
  // A create whose id is an output needs the data to merge it into.
  StepCommit no_data = Step(jobs[0], "w", kT0 + 60);
  no_data.creates.push_back({a_.id, "0-1", {}, workflow, {}, "3"});
  r = Commit({no_data});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, CommitOutcome::kFailed);
  StepCommit again = Step(jobs[0], "w", kT0 + 60);
  again.messages.push_back(
      {0, a_.id, e.id, "msg-1", "EMAIL", "c@x.com", "me@x.com", "Dup", "", "LOCAL", 0});
  again.messages.push_back(
      {0, a_.id, e.id, "msg-2", "EMAIL", "c@x.com", "me@x.com", "Second", "", "LOCAL", 0});
  r = Commit({again});
  ASSERT_EQ(r[0].outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(messages, engine().ListMessages(a_.id, "EMAIL", std::nullopt, 10));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].subject, "Second") << "newest first";
  ASSERT_OK_AND_ASSIGN(auto older, engine().ListMessages(a_.id, "EMAIL", messages[0].id, 10));
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].subject, "Hello");
  ASSERT_OK_AND_ASSIGN(auto notes, engine().ListMessages(a_.id, "NOTIFICATION", std::nullopt, 10));
  EXPECT_TRUE(notes.empty());
}

TEST_P(EngineStoreTest, NextEndAndRetryTransitions) {
  const EnrollmentRecord e = MustEnroll(New(a_.id, kFlow, 1));
  std::vector<JobRecord> jobs = Claim("w", kT0);
  ASSERT_EQ(jobs.size(), 1u);

  // Retry: the same job, attempt + 1, at retry_at, lease released.
  StepCommit retry = Step(jobs[0], "w", kT0 + 10);
  retry.next.reset();
  retry.step.outcome = "RETRYING";
  retry.retry_at_ms = kT0 + 5000;
  ASSERT_EQ(Commit({retry})[0].outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, e.id));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, jobs[0].id);
  EXPECT_EQ(job->attempt, 1);
  EXPECT_EQ(job->run_at_ms, kT0 + 5000);
  EXPECT_EQ(job->lease_owner, "");
  EXPECT_TRUE(Claim("w", kT0 + 4999).empty());
  jobs = Claim("w", kT0 + 5000);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].attempt, 1);

  // Next: a delay of an hour to action "2".
  StepCommit next = Step(jobs[0], "w", kT0 + 5001);
  next.next = StepCommit::Next{"2", 1, 0, kT0 + 3'600'000};
  ASSERT_EQ(Commit({next})[0].outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, e.id));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->action_id, "2");
  EXPECT_EQ(job->execution_index, 1);
  EXPECT_EQ(job->attempt, 0);
  EXPECT_EQ(job->run_at_ms, kT0 + 3'600'000);
  EXPECT_EQ(job->lease_owner, "");
  ASSERT_OK_AND_ASSIGN(std::optional<int64_t> due, engine().NextDueAt());
  EXPECT_EQ(due, kT0 + 3'600'000);

  // End.
  jobs = Claim("w", kT0 + 3'600'000);
  ASSERT_EQ(jobs.size(), 1u);
  StepCommit end = Step(jobs[0], "w", kT0 + 3'600'001);
  end.next.reset();
  end.end_status = std::string(kEnrollmentCompleted);
  end.end_reason = "";
  ASSERT_EQ(Commit({end})[0].outcome, CommitOutcome::kCommitted);
  ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, e.id));
  EXPECT_FALSE(job);
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, e.id));
  EXPECT_EQ(got.status, kEnrollmentCompleted);
  EXPECT_EQ(got.ended_at_ms, kT0 + 3'600'001);
  EXPECT_EQ(got.executions, 3);
  ASSERT_OK_AND_ASSIGN(due, engine().NextDueAt());
  EXPECT_FALSE(due);

  ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(a_.id, e.id));
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].execution_index, 0);
  EXPECT_EQ(steps[0].attempt, 0);
  EXPECT_EQ(steps[0].outcome, "RETRYING");
  EXPECT_EQ(steps[1].execution_index, 0);
  EXPECT_EQ(steps[1].attempt, 1);
  EXPECT_EQ(steps[2].execution_index, 1);
  EXPECT_EQ(steps[2].action_id, "2");
  EXPECT_EQ(steps[2].enrollment_id, e.id);

  // A commit naming no transition (or two) is refused without writing.
  const EnrollmentRecord e2 = MustEnroll(New(a_.id, kFlow, 2, kT0 + 3'600'001));
  jobs = Claim("w", kT0 + 3'600'001);
  ASSERT_EQ(jobs.size(), 1u);
  StepCommit neither = Step(jobs[0], "w");
  neither.next.reset();
  EXPECT_EQ(Commit({neither})[0].outcome, CommitOutcome::kFailed);
  ASSERT_OK_AND_ASSIGN(steps, engine().ListSteps(a_.id, e2.id));
  EXPECT_TRUE(steps.empty());
}

TEST_P(EngineStoreTest, EndingEnrollmentsDeletesTheirJobs) {
  const int64_t e1 = MustEnroll(New(a_.id, kFlow, 1)).id;
  const int64_t e2 = MustEnroll(New(a_.id, kFlow, 2)).id;
  const int64_t e3 = MustEnroll(New(a_.id, kFlow + 1, 1)).id;
  const int64_t e4 = MustEnroll(New(a_.id, kFlow + 1, 3)).id;
  const int64_t done = MustEnroll(New(a_.id, kFlow, 4, kT0, "")).id;

  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ended,
                       engine().EndEnrollments(a_.id, {e2, done, 999'999},
                                               std::string(kEnrollmentGoalMet), "GOAL_MET", kT0));
  EXPECT_EQ(ended, std::vector<int64_t>{e2}) << "only ACTIVE ones";
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, e2));
  EXPECT_FALSE(job);
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord completed, engine().GetEnrollment(a_.id, done));
  EXPECT_EQ(completed.status, kEnrollmentCompleted);

  ASSERT_OK_AND_ASSIGN(
      int64_t n, engine().EndObjectEnrollments(a_.id, "0-1", 1, std::string(kEnrollmentUnenrolled),
                                               "OBJECT_ARCHIVED", kT0 + 1));
  EXPECT_EQ(n, 2);
  for (int64_t id : {e1, e3}) {
    ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, id));
    EXPECT_FALSE(job);
    ASSERT_OK_AND_ASSIGN(EnrollmentRecord got, engine().GetEnrollment(a_.id, id));
    EXPECT_EQ(got.status, kEnrollmentUnenrolled);
    EXPECT_EQ(got.reason, "OBJECT_ARCHIVED");
  }
  ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, e4));
  EXPECT_TRUE(job);

  ASSERT_OK_AND_ASSIGN(
      n, engine().EndFlowEnrollments(a_.id, kFlow + 1, std::string(kEnrollmentUnenrolled),
                                     "FLOW_DELETED", kT0 + 2));
  EXPECT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, e4));
  EXPECT_FALSE(job);
  ASSERT_OK_AND_ASSIGN(EngineStore::QueueDepth depth, engine().Depth(kT0 + 100));
  EXPECT_EQ(depth.pending, 0);
  EXPECT_TRUE(Claim("w", kT0 + 100).empty());
}

// ---------------------------------------------------------------- accounts are walls

TEST_P(EngineStoreTest, AccountsAreWalls) {
  const int64_t c = Contact(a_.id, "a@x.com");
  const EnrollmentRecord e = MustEnroll(New(a_.id, kFlow, c));
  EXPECT_ERROR_CODE(engine().GetEnrollment(b_.id, e.id), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto page, engine().ListEnrollments(b_.id, kFlow, {}));
  EXPECT_TRUE(page.enrollments.empty());
  ASSERT_OK_AND_ASSIGN(auto of_object, engine().EnrollmentsOfObject(b_.id, "0-1", c));
  EXPECT_TRUE(of_object.empty());
  ASSERT_OK_AND_ASSIGN(auto active, engine().ActiveEnrollments(b_.id, kFlow, {c}));
  EXPECT_TRUE(active.empty());
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(b_.id, e.id));
  EXPECT_FALSE(job);
  ASSERT_OK_AND_ASSIGN(auto ended, engine().EndEnrollments(b_.id, {e.id}, "UNENROLLED", "", kT0));
  EXPECT_TRUE(ended.empty());
  ASSERT_OK_AND_ASSIGN(int64_t n, engine().EndFlowEnrollments(b_.id, kFlow, "UNENROLLED", "", kT0));
  EXPECT_EQ(n, 0);
  ASSERT_OK_AND_ASSIGN(n, engine().EndObjectEnrollments(b_.id, "0-1", c, "UNENROLLED", "", kT0));
  EXPECT_EQ(n, 0);
  ASSERT_OK_AND_ASSIGN(EnrollmentRecord still, engine().GetEnrollment(a_.id, e.id));
  EXPECT_EQ(still.status, kEnrollmentActive);
  // The same record id in another account's flow is another enrollment.
  ASSERT_OK_AND_ASSIGN(auto r, engine().Enroll({New(b_.id, kFlow, c)}, std::nullopt, kT0));
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kEnrolled);

  // A step writes its own account only.
  std::vector<JobRecord> jobs = Claim("w", kT0);
  ASSERT_EQ(jobs.size(), 2u);
  const JobRecord& a_job = jobs[0].account_id == a_.id ? jobs[0] : jobs[1];
  const JobRecord& b_job = jobs[0].account_id == a_.id ? jobs[1] : jobs[0];
  StepCommit foreign = Step(b_job, "w");
  foreign.updates.push_back({a_.id, "0-1", {{c, {{"city", "Rome"}}}}, {}});
  StepCommit own = Step(a_job, "w");
  own.messages.push_back({0, a_.id, e.id, "k", "EMAIL", "t", "f", "s", "b", "LOCAL", 0});
  std::vector<CommitResult> results = Commit({foreign, own});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].outcome, CommitOutcome::kFailed);
  EXPECT_EQ(results[1].outcome, CommitOutcome::kCommitted);
  EXPECT_EQ(Property(a_.id, c, "city"), "");
  ASSERT_OK_AND_ASSIGN(auto steps, engine().ListSteps(b_.id, e.id));
  EXPECT_TRUE(steps.empty());
  ASSERT_OK_AND_ASSIGN(auto messages, engine().ListMessages(b_.id, "EMAIL", std::nullopt, 10));
  EXPECT_TRUE(messages.empty());
  ASSERT_OK_AND_ASSIGN(auto deliveries, engine().ListDeliveries(b_.id, e.id));
  EXPECT_TRUE(deliveries.empty());
  ASSERT_OK_AND_ASSIGN(auto perf, engine().Performance(b_.id, kFlow, {kT0 - 10, kT0 + 10}));
  EXPECT_EQ(perf.enrolled, std::vector<int64_t>{1}) << "b's own enrollment only";
  EXPECT_EQ(perf.actions, std::vector<int64_t>{0});
}

// ---------------------------------------------------------------- performance

TEST_P(EngineStoreTest, PerformanceCountsPerBucket) {
  // Enrolled at T0, T0+100, T0+250; one completes at T0+150, one fails at T0+260.
  auto enroll_at = [&](int64_t object, int64_t at) {
    NewEnrollment n = New(a_.id, kFlow, object, at);
    n.enrollment.enrolled_at_ms = at;
    return MustEnroll(n);
  };
  const EnrollmentRecord e1 = enroll_at(1, kT0);
  const EnrollmentRecord e2 = enroll_at(2, kT0 + 100);
  enroll_at(3, kT0 + 250);
  MustEnroll(New(a_.id, kFlow + 1, 1, kT0 + 1'000'000));  // another flow
  std::vector<JobRecord> jobs = Claim("w", kT0 + 100, 2);
  ASSERT_EQ(jobs.size(), 2u);
  StepCommit done = Step(jobs[0], "w", kT0 + 150);
  done.next.reset();
  done.end_status = std::string(kEnrollmentCompleted);
  StepCommit retry = Step(jobs[1], "w", kT0 + 160);
  retry.next.reset();
  retry.retry_at_ms = kT0 + 200;
  ASSERT_EQ(Commit({done, retry})[1].outcome, CommitOutcome::kCommitted);
  ASSERT_OK(
      engine().EndEnrollments(a_.id, {e2.id}, std::string(kEnrollmentFailed), "x", kT0 + 260));
  (void)e1;

  ASSERT_OK_AND_ASSIGN(PerformanceCounts p,
                       engine().Performance(a_.id, kFlow, {kT0, kT0 + 100, kT0 + 200, kT0 + 300}));
  EXPECT_EQ(p.enrolled, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_EQ(p.completed, (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(p.failed, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(p.unenrolled, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(p.goal_met, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(p.actions, (std::vector<int64_t>{0, 2, 0}));
  // Bucket edges are half-open: [T0+100, T0+101) holds the enrollment at T0+100 only.
  ASSERT_OK_AND_ASSIGN(p, engine().Performance(a_.id, kFlow, {kT0 + 100, kT0 + 101}));
  EXPECT_EQ(p.enrolled, std::vector<int64_t>{1});
  EXPECT_ERROR_CODE(engine().Performance(a_.id, kFlow, {kT0}), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(engine().Performance(a_.id, kFlow, {kT0, kT0}), ErrorCode::kInvalidArgument);
}

FLOWD_INSTANTIATE_CONFORMANCE(EngineStoreTest);

}  // namespace
}  // namespace flowd::store
