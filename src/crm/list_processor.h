// The membership of DYNAMIC lists (and the one-time evaluation of SNAPSHOT lists), kept by
// evaluating list filters with the shared filter evaluator.
//
// Sources of work, all restart-safe:
//   * The CRM event log (ObjectStore::ReadEvents), consumed in seq order from the position kept
//     in the store (crm_list_cursor). A record that was created, had a property a list reads
//     changed, or got an event of a type a list reads is evaluated against the account's
//     DYNAMIC lists; a property change of an associated record is followed to the records
//     associated with it, and a change of a record's associations (kEventAssociationChanged)
//     re-evaluates the lists that read associations to the other record's type. An archived record
//     leaves every list. The position advances only after the resulting membership changes are
//     committed, so a crash repeats work (evaluations are idempotent) and never skips it.
//   * Full evaluations ("backfills"): every live record of the list's type, in id order, in
//     batches whose progress is stored with the list. Started when a SNAPSHOT or DYNAMIC list is
//     created, a DYNAMIC list's filter changes or it is restored, and periodically for DYNAMIC
//     lists whose result can change without an event (time-relative filters) or through data
//     without events (associations, other lists' memberships).
//   * Membership changes made through the API (MembersChanged): lists that filter on the changed
//     list are evaluated for the changed records at once; after a crash, the periodic refresh
//     catches up.
// Results are written with the list's version: an evaluation computed before a filter change is
// dropped by the store.
//
// Latency: a change is reflected after the worker's next pass — at most its poll interval
// (default 1 s) plus the time to evaluate the events before it; a backfill proceeds at
// `backfill_batch` records per list per pass.
//
// RunOnce must be called from one thread at a time (the worker's); the ListChangeSink methods
// may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/filter/filter_eval.h"
#include "crm/list_service.h"
#include "crm/property_value.h"
#include "store/association_store.h"
#include "store/list_store.h"
#include "store/object_store.h"

namespace flowd::crm {

struct ListProcessorOptions {
  size_t event_batch = 500;     // events read per pass
  size_t backfill_batch = 500;  // records per backfilling list per pass
  int64_t refresh_interval_ms = int64_t{60} * 60 * 1000;
  int64_t compile_ttl_ms =
      int64_t{60} * 1000;        // compiled filters are rebuilt after (property changes)
  size_t max_cascade_depth = 8;  // lists filtering on lists filtering on lists …
  // The account's IANA time zone for relative date filters ("today", "last 7 days" …); UTC
  // when unset.
  std::function<std::string(int64_t account_id)> time_zone_of;
};

class ListProcessor final : public ListChangeSink {
 public:
  ListProcessor(store::ListStore& lists, store::ObjectStore& objects,
                store::AssociationStore* associations, PropertyCatalog& properties,
                const Clock& clock, ListProcessorOptions options = {});

  // One pass: pending API membership changes, one batch of events, one batch of every running
  // backfill, and the refreshes that are due. Returns whether more work is waiting.
  Result<bool> RunOnce();
  // Passes until nothing is left (at most `max_passes`).
  Status RunUntilIdle(size_t max_passes = 100000);

  // ListChangeSink
  void ListsChanged(int64_t account_id) override;
  void MembersChanged(int64_t account_id, int64_t list_id,
                      const std::vector<int64_t>& object_ids) override;

  // Called whenever work arrives (the worker's wake-up).
  void SetWakeUp(std::function<void()> wake) { wake_ = std::move(wake); }

 private:
  struct Compiled {
    int64_t compiled_at_ms = 0;
    store::ListRecord list;
    std::shared_ptr<const filter::CompiledFilter> filter;
    filter::FilterDependencies deps;
  };
  // (list id → record ids) to evaluate, per account.
  using Work = std::map<int64_t, std::set<int64_t>>;

  Result<std::shared_ptr<const Compiled>> Compile(const store::ListRecord& list);
  Result<std::vector<std::shared_ptr<const Compiled>>> DynamicOf(int64_t account_id);
  Status ProcessEvents(bool* more);
  Status ProcessBackfills(bool* more);
  Status StartRefreshes(bool* more);
  // Evaluates `work`, applies the changes, then follows them to lists that read the changed
  // lists (up to max_cascade_depth rounds).
  Status Evaluate(int64_t account_id, Work work);
  // Adds to `next` the records whose evaluation a membership change of `list_id` can alter.
  Status Dependents(int64_t account_id, int64_t list_id, const std::string& list_type,
                    const std::vector<int64_t>& changed, Work& next);

  store::ListStore& lists_;
  store::ObjectStore& objects_;
  store::AssociationStore* associations_;
  PropertyCatalog& properties_;
  const Clock& clock_;
  std::string ZoneOf(int64_t account_id) const {
    return options_.time_zone_of ? options_.time_zone_of(account_id) : "UTC";
  }

  const ListProcessorOptions options_;
  std::function<void()> wake_;

  // Compiled filters by list id, valid for one list version and compile_ttl_ms.
  std::map<int64_t, std::shared_ptr<const Compiled>> compiled_;
  // DYNAMIC lists by account, reloaded at each pass.
  std::map<int64_t, std::vector<std::shared_ptr<const Compiled>>> dynamic_;

  std::mutex mu_;  // guards pending_
  std::vector<std::tuple<int64_t, int64_t, std::vector<int64_t>>> pending_;
};

// Runs a ListProcessor on its own thread: a pass whenever work arrives, and at least every
// `poll_interval_ms` (events written by other processes, refreshes). Errors are logged and the
// pass retried after the interval.
class ListWorker {
 public:
  ListWorker(ListProcessor& processor, int64_t poll_interval_ms = 1000);
  ~ListWorker();
  void Start();
  void Stop();
  void Wake();

 private:
  void Loop();
  ListProcessor& processor_;
  const int64_t poll_interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flowd::crm
