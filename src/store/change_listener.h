// Wake-ups for the engine: the store tells a listener, after the commit, that a write appended
// CRM events or queued jobs, so that the engine's workers need not poll for them. The store knows
// nothing of the engine; the composition root (src/cli) connects the two.
//
// Where several processes share one database (PostgreSQL), the store also forwards the other
// processes' commits (LISTEN/NOTIFY). Notices are hints: one may be spurious, and one for several
// commits may arrive once; a listener re-reads the store to learn what changed.
#pragma once

#include <atomic>
#include <cstdint>

namespace flowd::store {

// Kinds of change, a bit set.
inline constexpr uint32_t kEventsAppended = 1;  // rows were added to the CRM event log
inline constexpr uint32_t kJobsQueued = 2;      // jobs were enqueued (enrollments) or resumed
// Flows were created, updated or deleted by another process (never reported for this process's
// own writes: flows::FlowChangeSink tells the engine of those).
inline constexpr uint32_t kFlowsChanged = 4;

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Called after a commit, on the committing thread (or the store's listening thread): must
  // return quickly and must not call into the store.
  virtual void Changed(uint32_t kinds) = 0;
};

// Holds the listener a backend's writers report to (set once the engine exists).
class ChangeSignal {
 public:
  void Set(ChangeListener* listener) { listener_.store(listener, std::memory_order_release); }
  void Notify(uint32_t kinds) const {
    if (kinds == 0) return;
    if (ChangeListener* l = listener_.load(std::memory_order_acquire)) l->Changed(kinds);
  }
  bool active() const { return listener_.load(std::memory_order_acquire) != nullptr; }

 private:
  std::atomic<ChangeListener*> listener_{nullptr};
};

}  // namespace flowd::store
