// The pending passes of the Store contract (src/store/engine_store.h: AddBackfill, DueBackfills,
// FlowBackfills, DropBackfills, EnrollBackfillPage).
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

constexpr int64_t kFlow = 7;

class BackfillStoreTest : public StoreConformanceTest {
 protected:
  EngineStore& engine() { return store_->engine(); }

  static NewEnrollment New(int64_t account, int64_t object, bool once) {
    NewEnrollment n;
    n.enrollment.account_id = account;
    n.enrollment.flow_id = kFlow;
    n.enrollment.revision_id = 3;
    n.enrollment.object_type_id = "0-1";
    n.enrollment.object_id = object;
    n.enrollment.source = "LIST";
    n.first_action_id = "1";
    n.first_run_at_ms = kT0;
    n.once = once;
    return n;
  }

  static BackfillRecord Pass(int64_t account, int64_t flow, std::string_view kind,
                             int64_t occurrence = 0) {
    BackfillRecord b;
    b.account_id = account;
    b.flow_id = flow;
    b.kind = std::string(kind);
    b.occurrence_ms = occurrence;
    return b;
  }

  std::vector<int64_t> Enrolled(int64_t account) {
    EnrollmentFilter f;
    f.limit = 1000;
    auto page = engine().ListEnrollments(account, kFlow, f);
    EXPECT_TRUE(page.ok());
    std::vector<int64_t> objects;
    if (page.ok()) {
      for (const auto& e : page->enrollments) objects.push_back(e.object_id);
    }
    return objects;
  }
};

TEST_P(BackfillStoreTest, PassesAreStoredListedWhenDueAndDropped) {
  ASSERT_OK_AND_ASSIGN(BackfillRecord enable,
                       engine().AddBackfill(Pass(a_.id, kFlow, kBackfillEnable), kT0));
  EXPECT_GT(enable.id, 0);
  EXPECT_EQ(enable.created_at_ms, kT0);
  EXPECT_FALSE(enable.after_id);
  ASSERT_OK_AND_ASSIGN(
      BackfillRecord later,
      engine().AddBackfill(Pass(b_.id, kFlow + 1, kBackfillSchedule, kT0 + 1000), kT0 + 1));
  // Due: ENABLE at once, SCHEDULE from its occurrence on, the least recently advanced first.
  ASSERT_OK_AND_ASSIGN(auto due, engine().DueBackfills(kT0 + 999, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, enable.id);
  EXPECT_EQ(due[0].kind, kBackfillEnable);
  ASSERT_OK_AND_ASSIGN(due, engine().DueBackfills(kT0 + 1000, 10));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].id, later.id);
  EXPECT_EQ(due[1].occurrence_ms, kT0 + 1000);
  EXPECT_EQ(due[1].account_id, b_.id);
  ASSERT_OK_AND_ASSIGN(due, engine().DueBackfills(kT0 + 1000, 1));
  EXPECT_EQ(due.size(), 1u);

  ASSERT_OK_AND_ASSIGN(auto mine, engine().FlowBackfills(a_.id, kFlow));
  ASSERT_EQ(mine.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto none, engine().FlowBackfills(b_.id, kFlow));  // accounts are walls
  EXPECT_TRUE(none.empty());

  ASSERT_OK(engine().AddBackfill(Pass(a_.id, kFlow, kBackfillSchedule, kT0 + 5), kT0));
  ASSERT_OK_AND_ASSIGN(int64_t dropped,
                       engine().DropBackfills(a_.id, kFlow, std::string(kBackfillSchedule)));
  EXPECT_EQ(dropped, 1);
  ASSERT_OK_AND_ASSIGN(dropped, engine().DropBackfills(b_.id, kFlow, std::nullopt));
  EXPECT_EQ(dropped, 0);
  ASSERT_OK_AND_ASSIGN(dropped, engine().DropBackfills(a_.id, kFlow, std::nullopt));
  EXPECT_EQ(dropped, 1);
  ASSERT_OK_AND_ASSIGN(due, engine().DueBackfills(kT0 + 1000, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, later.id);
}

TEST_P(BackfillStoreTest, PageEnrollmentsAndCursorCommitTogether) {
  ASSERT_OK_AND_ASSIGN(BackfillRecord pass,
                       engine().AddBackfill(Pass(a_.id, kFlow, kBackfillEnable), kT0));
  BackfillAdvance first{pass.id, std::nullopt, 20, std::nullopt, {}};
  ASSERT_OK_AND_ASSIGN(auto r, engine().EnrollBackfillPage(
                                   {New(a_.id, 10, true), New(a_.id, 20, true)}, first, kT0 + 1));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, EnrollOutcome::kEnrolled);
  ASSERT_OK_AND_ASSIGN(auto passes, engine().FlowBackfills(a_.id, kFlow));
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].after_id, 20);
  EXPECT_EQ(passes[0].updated_at_ms, kT0 + 1);

  // The same page again (a second worker, or a retry after the commit): nothing is written.
  EXPECT_ERROR_CODE(engine().EnrollBackfillPage({New(a_.id, 30, true)}, first, kT0 + 2),
                    ErrorCode::kConflict);
  EXPECT_EQ(Enrolled(a_.id), (std::vector<int64_t>{10, 20}));

  // A page whose enrollments fail (an unknown account) moves no cursor.
  BackfillAdvance second{pass.id, 20, 40, std::nullopt, {}};
  EXPECT_FALSE(
      engine()
          .EnrollBackfillPage({New(a_.id, 30, true), New(999'999, 40, true)}, second, kT0 + 3)
          .ok());
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, kFlow));
  EXPECT_EQ(passes[0].after_id, 20);
  EXPECT_EQ(Enrolled(a_.id), (std::vector<int64_t>{10, 20}));

  // The last page ends the pass and adds the one that follows, in the same transaction.
  BackfillAdvance last{
      pass.id, 20, std::nullopt, Pass(a_.id, kFlow, kBackfillSchedule, kT0 + 9), {}};
  ASSERT_OK(engine().EnrollBackfillPage({New(a_.id, 30, true)}, last, kT0 + 4));
  EXPECT_EQ(Enrolled(a_.id), (std::vector<int64_t>{10, 20, 30}));
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, kFlow));
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].kind, kBackfillSchedule);
  EXPECT_EQ(passes[0].occurrence_ms, kT0 + 9);
  EXPECT_FALSE(passes[0].after_id);
  EXPECT_NE(passes[0].id, pass.id);
}

TEST_P(BackfillStoreTest, ADroppedPassEnrollsNothing) {
  ASSERT_OK_AND_ASSIGN(BackfillRecord pass,
                       engine().AddBackfill(Pass(a_.id, kFlow, kBackfillEnable), kT0));
  ASSERT_OK(engine().DropBackfills(a_.id, kFlow, std::nullopt));
  EXPECT_ERROR_CODE(engine().EnrollBackfillPage({New(a_.id, 10, true)},
                                                {pass.id, std::nullopt, 10, std::nullopt, {}}, kT0),
                    ErrorCode::kConflict);
  EXPECT_ERROR_CODE(
      engine().EnrollBackfillPage(
          {New(a_.id, 10, true)},
          {pass.id, std::nullopt, std::nullopt, Pass(a_.id, kFlow, kBackfillSchedule, kT0 + 9), {}},
          kT0),
      ErrorCode::kConflict);
  EXPECT_TRUE(Enrolled(a_.id).empty());
  ASSERT_OK_AND_ASSIGN(auto passes, engine().FlowBackfills(a_.id, kFlow));
  EXPECT_TRUE(passes.empty());
}

// A flow's write that enables or disables it carries the engine's bookkeeping in the same
// transaction (FlowWrite::enroll_existing): no crash can leave a LIST_BASED flow enabled without
// its "enroll existing records" pass, nor a disabled flow with running jobs or passes.
TEST_P(BackfillStoreTest, EnablingAFlowRecordsItsPassInTheFlowsWrite) {
  FlowWrite w;
  w.name = "list";
  w.flow_type = "WORKFLOW";
  w.object_type_id = "0-1";
  w.content_json = "{}";
  w.is_enabled = true;
  w.enroll_existing = true;
  ASSERT_OK_AND_ASSIGN(FlowRecord created, store_->flows().CreateFlow(a_.id, w, kT0));
  ASSERT_OK_AND_ASSIGN(auto passes, engine().FlowBackfills(a_.id, created.id));
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].kind, kBackfillEnable);
  EXPECT_FALSE(passes[0].after_id);
  EXPECT_EQ(passes[0].created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(auto due, engine().DueBackfills(kT0, 10));
  ASSERT_EQ(due.size(), 1u);

  // Not LIST_BASED, or created disabled: no pass.
  w.enroll_existing = false;
  ASSERT_OK_AND_ASSIGN(FlowRecord other, store_->flows().CreateFlow(a_.id, w, kT0));
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, other.id));
  EXPECT_TRUE(passes.empty());
  w.enroll_existing = true;
  w.is_enabled = false;
  ASSERT_OK_AND_ASSIGN(FlowRecord draft, store_->flows().CreateFlow(a_.id, w, kT0));
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, draft.id));
  EXPECT_TRUE(passes.empty());

  // A stale revision writes neither the flow nor the pass.
  w.is_enabled = true;
  EXPECT_ERROR_CODE(store_->flows().UpdateFlow(a_.id, draft.id, 7, w, kT0 + 1),
                    ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, draft.id));
  EXPECT_TRUE(passes.empty());
  // Enabling the draft adds it; a PUT that keeps it enabled adds none.
  ASSERT_OK(store_->flows().UpdateFlow(a_.id, draft.id, 1, w, kT0 + 2));
  ASSERT_OK(store_->flows().UpdateFlow(a_.id, draft.id, 2, w, kT0 + 3));
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, draft.id));
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].created_at_ms, kT0 + 2);

  // Disabling pauses the flow's jobs and drops its passes and dates; enabling resumes the jobs.
  NewEnrollment n = New(a_.id, 5, false);
  n.enrollment.flow_id = draft.id;
  ASSERT_OK_AND_ASSIGN(auto enrolled, engine().Enroll({n}, std::nullopt, kT0));
  ASSERT_EQ(enrolled.size(), 1u);
  DateDueWrite date;
  date.account_id = a_.id;
  date.flow_id = draft.id;
  date.object_type_id = "0-1";
  date.object_id = 5;
  date.due_at_ms = kT0 + 100'000;
  ASSERT_OK(engine().WriteDateDues({date}));
  w.is_enabled = false;
  ASSERT_OK(store_->flows().UpdateFlow(a_.id, draft.id, 3, w, kT0 + 4));
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, draft.id));
  EXPECT_TRUE(passes.empty());
  ASSERT_OK_AND_ASSIGN(auto dates, engine().FlowDateDues(a_.id, draft.id, 0, 10));
  EXPECT_TRUE(dates.empty());
  ASSERT_OK_AND_ASSIGN(auto job, engine().JobOfEnrollment(a_.id, enrolled[0].enrollment.id));
  ASSERT_TRUE(job);
  EXPECT_TRUE(job->paused);
  w.is_enabled = true;
  ASSERT_OK(store_->flows().UpdateFlow(a_.id, draft.id, 4, w, kT0 + 5));
  ASSERT_OK_AND_ASSIGN(job, engine().JobOfEnrollment(a_.id, enrolled[0].enrollment.id));
  ASSERT_TRUE(job);
  EXPECT_FALSE(job->paused);
  ASSERT_OK_AND_ASSIGN(passes, engine().FlowBackfills(a_.id, draft.id));
  EXPECT_EQ(passes.size(), 1u);
}

FLOWD_INSTANTIATE_CONFORMANCE(BackfillStoreTest);

}  // namespace
}  // namespace flowd::store
