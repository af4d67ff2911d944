// The date-based enrollment entries of the Store contract (src/store/engine_store.h:
// WriteDateDues, DueDates, FlowDateDues, EnrollDateDues, DropDateDues, DropObjectDateDues, and
// BackfillAdvance::date_dues).
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

constexpr int64_t kFlow = 9;

class DateDueStoreTest : public StoreConformanceTest {
 protected:
  EngineStore& engine() { return store_->engine(); }

  static DateDueWrite Put(int64_t account, int64_t flow, int64_t object, std::optional<int64_t> due,
                          std::optional<int64_t> expected = std::nullopt) {
    DateDueWrite w;
    w.account_id = account;
    w.flow_id = flow;
    w.object_type_id = "0-1";
    w.object_id = object;
    w.due_at_ms = due;
    w.expected_due_ms = expected;
    return w;
  }

  static NewEnrollment New(int64_t account, int64_t object) {
    NewEnrollment n;
    n.enrollment.account_id = account;
    n.enrollment.flow_id = kFlow;
    n.enrollment.revision_id = 1;
    n.enrollment.object_type_id = "0-1";
    n.enrollment.object_id = object;
    n.enrollment.source = "SCHEDULE";
    n.first_action_id = "1";
    n.first_run_at_ms = kT0;
    return n;
  }

  std::vector<std::pair<int64_t, int64_t>> Entries(int64_t account, int64_t flow) {
    auto r = engine().FlowDateDues(account, flow, 0, 1000);
    EXPECT_TRUE(r.ok());
    std::vector<std::pair<int64_t, int64_t>> out;
    if (r.ok()) {
      for (const auto& d : *r) out.push_back({d.object_id, d.due_at_ms});
    }
    return out;
  }
};

using DueList = std::vector<std::pair<int64_t, int64_t>>;

TEST_P(DateDueStoreTest, EntriesAreSetMovedRemovedAndListedWhenDue) {
  ASSERT_OK(
      engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0 + 300), Put(a_.id, kFlow, 2, kT0 + 100),
                              Put(b_.id, kFlow, 1, kT0 + 200)}));
  // A second write of the same record replaces its due time; nullopt removes it.
  ASSERT_OK(engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0 + 150), Put(a_.id, kFlow, 3, kT0 + 50),
                                    Put(a_.id, kFlow, 3, std::nullopt)}));
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0 + 150}, {2, kT0 + 100}}));
  EXPECT_EQ(Entries(b_.id, kFlow), (DueList{{1, kT0 + 200}}));  // accounts are walls
  ASSERT_OK_AND_ASSIGN(auto page, engine().FlowDateDues(a_.id, kFlow, 1, 10));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].object_id, 2);
  // Due: every account's, earliest first, up to `limit`.
  ASSERT_OK_AND_ASSIGN(auto due, engine().DueDates(kT0 + 99, 10));
  EXPECT_TRUE(due.empty());
  ASSERT_OK_AND_ASSIGN(due, engine().DueDates(kT0 + 200, 10));
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].object_id, 2);
  EXPECT_EQ(due[0].due_at_ms, kT0 + 100);
  EXPECT_EQ(due[1].due_at_ms, kT0 + 150);
  EXPECT_EQ(due[2].account_id, b_.id);
  EXPECT_EQ(due[2].object_type_id, "0-1");
  EXPECT_EQ(due[2].flow_id, kFlow);
  ASSERT_OK_AND_ASSIGN(due, engine().DueDates(kT0 + 200, 1));
  EXPECT_EQ(due.size(), 1u);
}

TEST_P(DateDueStoreTest, CompareAndSetWritesFailWholeWhenAnEntryMoved) {
  ASSERT_OK(
      engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0 + 100), Put(a_.id, kFlow, 2, kT0 + 100)}));
  // The second write expects a due time the entry does not have: nothing is written.
  EXPECT_ERROR_CODE(engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0 + 500, kT0 + 100),
                                            Put(a_.id, kFlow, 2, std::nullopt, kT0 + 101)}),
                    ErrorCode::kConflict);
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0 + 100}, {2, kT0 + 100}}));
  // A missing entry does not match either.
  EXPECT_ERROR_CODE(engine().WriteDateDues({Put(a_.id, kFlow, 5, kT0 + 500, kT0 + 100)}),
                    ErrorCode::kConflict);
  ASSERT_OK(engine().WriteDateDues(
      {Put(a_.id, kFlow, 1, kT0 + 500, kT0 + 100), Put(a_.id, kFlow, 2, std::nullopt, kT0 + 100)}));
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0 + 500}}));
}

TEST_P(DateDueStoreTest, EnrollmentsAndMovesCommitTogether) {
  ASSERT_OK(engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0), Put(a_.id, kFlow, 2, kT0)}));
  // A stale read (entry 2 moved meanwhile) writes neither the enrollments nor the moves.
  ASSERT_OK(engine().WriteDateDues({Put(a_.id, kFlow, 2, kT0 + 10)}));
  EXPECT_ERROR_CODE(
      engine().EnrollDateDues(
          {New(a_.id, 1), New(a_.id, 2)},
          {Put(a_.id, kFlow, 1, kT0 + 1000, kT0), Put(a_.id, kFlow, 2, std::nullopt, kT0)}, kT0),
      ErrorCode::kConflict);
  EnrollmentFilter f;
  ASSERT_OK_AND_ASSIGN(auto page, engine().ListEnrollments(a_.id, kFlow, f));
  EXPECT_TRUE(page.enrollments.empty());
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0}, {2, kT0 + 10}}));
  ASSERT_OK_AND_ASSIGN(auto results,
                       engine().EnrollDateDues({New(a_.id, 1)},
                                               {Put(a_.id, kFlow, 1, kT0 + 1000, kT0),
                                                Put(a_.id, kFlow, 2, std::nullopt, kT0 + 10)},
                                               kT0));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, EnrollOutcome::kEnrolled);
  EXPECT_EQ(results[0].enrollment.source, "SCHEDULE");
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0 + 1000}}));
}

TEST_P(DateDueStoreTest, DroppedByFlowAndByRecord) {
  ASSERT_OK(engine().WriteDateDues({Put(a_.id, kFlow, 1, kT0), Put(a_.id, kFlow, 2, kT0),
                                    Put(a_.id, kFlow + 1, 1, kT0), Put(b_.id, kFlow, 1, kT0)}));
  ASSERT_OK_AND_ASSIGN(int64_t n, engine().DropObjectDateDues(a_.id, "0-1", 1));
  EXPECT_EQ(n, 2);
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{2, kT0}}));
  EXPECT_TRUE(Entries(a_.id, kFlow + 1).empty());
  EXPECT_EQ(Entries(b_.id, kFlow), (DueList{{1, kT0}}));  // another account's record 1
  ASSERT_OK_AND_ASSIGN(n, engine().DropDateDues(a_.id, kFlow));
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(Entries(a_.id, kFlow).empty());
  EXPECT_EQ(Entries(b_.id, kFlow), (DueList{{1, kT0}}));
}

TEST_P(DateDueStoreTest, ABackfillPageWritesItsEntriesWithTheCursor) {
  BackfillRecord pass;
  pass.account_id = a_.id;
  pass.flow_id = kFlow;
  pass.kind = std::string(kBackfillEnable);
  ASSERT_OK_AND_ASSIGN(BackfillRecord added, engine().AddBackfill(pass, kT0));
  BackfillAdvance advance;
  advance.backfill_id = added.id;
  advance.next_after = 2;
  advance.date_dues = {Put(a_.id, kFlow, 1, kT0 + 5), Put(a_.id, kFlow, 2, kT0 + 6)};
  ASSERT_OK(engine().EnrollBackfillPage({}, advance, kT0).status());
  EXPECT_EQ(Entries(a_.id, kFlow), (DueList{{1, kT0 + 5}, {2, kT0 + 6}}));
  // A page read from a stale cursor writes nothing.
  advance.date_dues = {Put(a_.id, kFlow, 3, kT0 + 7)};
  EXPECT_ERROR_CODE(engine().EnrollBackfillPage({}, advance, kT0).status(), ErrorCode::kConflict);
  EXPECT_EQ(Entries(a_.id, kFlow).size(), 2u);
}

FLOWD_INSTANTIATE_CONFORMANCE(DateDueStoreTest);

}  // namespace
}  // namespace flowd::store
