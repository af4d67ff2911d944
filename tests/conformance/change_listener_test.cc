// Store::SetChangeListener (src/store/change_listener.h): the engine's wake-ups.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "conformance.h"

namespace flowd::store {
namespace {

// Collects the kinds reported; waits with a deadline for the other processes' notices.
class Recorder final : public ChangeListener {
 public:
  void Changed(uint32_t kinds) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      kinds_ |= kinds;
    }
    cv_.notify_all();
  }
  uint32_t Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(kinds_, 0);
  }
  bool WaitFor(uint32_t kinds, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return (kinds_ & kinds) == kinds; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t kinds_ = 0;
};

class ChangeListenerTest : public StoreConformanceTest {
 protected:
  void TearDown() override {
    if (store_) store_->SetChangeListener(nullptr);
    StoreConformanceTest::TearDown();
  }

  CrmEvent Event() const {
    CrmEvent e;
    e.account_id = a_.id;
    e.event_type_id = "4-1639801";
    e.object_type_id = "0-1";
    e.object_id = 1;
    e.occurred_at_ms = kT0;
    return e;
  }

  NewEnrollment Enrollment(int64_t object) const {
    NewEnrollment n;
    n.enrollment.account_id = a_.id;
    n.enrollment.flow_id = 7;
    n.enrollment.revision_id = 1;
    n.enrollment.object_type_id = "0-1";
    n.enrollment.object_id = object;
    n.enrollment.source = "API";
    n.first_action_id = "1";
    n.first_run_at_ms = kT0;
    return n;
  }
};

TEST_P(ChangeListenerTest, CommittedEventsAndJobsAreReportedAtCommit) {
  Recorder rec;
  store_->SetChangeListener(&rec);
  ASSERT_OK(store_->objects().AppendEvents({Event()}));
  EXPECT_EQ(rec.Take() & kEventsAppended, kEventsAppended);

  ASSERT_OK_AND_ASSIGN(auto enrolled, store_->engine().Enroll({Enrollment(1)}, std::nullopt, kT0));
  ASSERT_EQ(enrolled[0].outcome, EnrollOutcome::kEnrolled);
  EXPECT_EQ(rec.Take(), kJobsQueued);

  // Nothing enrolled (the record is already active), nothing written: no notice of jobs.
  ASSERT_OK_AND_ASSIGN(enrolled, store_->engine().Enroll({Enrollment(1)}, std::nullopt, kT0));
  ASSERT_EQ(enrolled[0].outcome, EnrollOutcome::kAlreadyActive);
  ASSERT_OK(store_->engine().ClaimJobs("w", kT0, 1000, 10));
  ASSERT_OK(store_->objects().ReadEvents(0, 10));
  EXPECT_EQ(rec.Take(), 0u);

  // Resuming a flow's jobs makes them claimable again.
  ASSERT_OK(store_->engine().SetFlowPaused(a_.id, 7, true));
  ASSERT_OK(store_->engine().SetFlowPaused(a_.id, 7, false));
  EXPECT_EQ(rec.Take(), kJobsQueued);

  store_->SetChangeListener(nullptr);
  ASSERT_OK(store_->objects().AppendEvents({Event()}));
  EXPECT_EQ(rec.Take(), 0u);
}

TEST_P(ChangeListenerTest, AnotherProcessesChangesAreReportedWhereTheStoreIsShared) {
  if (!GetParam().shared) GTEST_SKIP() << "one process owns this backend";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> other, GetParam().open(dir_));
  Recorder rec;
  other->SetChangeListener(&rec);
  // The listener connects in the background: retry until a notice arrives.
  bool events = false;
  for (int i = 0; i < 20 && !events; ++i) {
    ASSERT_OK(store_->objects().AppendEvents({Event()}));
    events = rec.WaitFor(kEventsAppended, std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(events) << "an event appended through another store was never reported";
  rec.Take();
  ASSERT_OK(store_->engine().Enroll({Enrollment(2)}, std::nullopt, kT0));
  EXPECT_TRUE(rec.WaitFor(kJobsQueued));
  other->SetChangeListener(nullptr);
}

FLOWD_INSTANTIATE_CONFORMANCE(ChangeListenerTest);

}  // namespace
}  // namespace flowd::store
