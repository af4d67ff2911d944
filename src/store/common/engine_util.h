// What the two engine-store backends share: input checks and error texts. Internal to store/.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/common/object_writes.h"
#include "store/engine_store.h"

namespace flowd::store::internal {

Error EnrollmentNotFound(int64_t enrollment_id);

// A pass of `kind` (engine_store.h) due at once, not started: ENABLE, DATES for a flow; ZONE for
// an account (flow 0).
BackfillRecord PassOf(int64_t account_id, int64_t flow_id, std::string_view kind);
// kConflict: the pass was dropped or its cursor moved since the page was read.
Error BackfillMoved(int64_t backfill_id);
// kConflict: the event-log position moved away from `from` (another consumer took the range).
Error EventRangeTaken(int64_t from);

// Whether `step` may commit on a job found leased to `lease_owner` at `execution_index` and
// `attempt`: leased to the step's worker and still at the step's execution and attempt (a job may
// keep its id when it moves on, and its next step may be leased to the same worker).
bool HoldsJob(const StepCommit& step, const std::string& lease_owner, int64_t execution_index,
              int64_t attempt);

// kInvalidArgument unless the commit names exactly one of next / end_status / retry_at_ms, and
// every effect belongs to `account_id` (the job's account: a step writes its own account only).
Status ValidateStepCommit(const StepCommit& step, int64_t account_id);

// Merges the ids of the records `step` created (`created`, in the order of step.creates) into
// step.data_json for the creates that name an output_action_id (ObjectCreateEffect). Idempotent.
Status MergeCreatedIds(StepCommit& step, const std::vector<int64_t>& created);

// The record write of `rotation` once it took `slot`: values[slot % values.size()].
ObjectUpdate RotationUpdate(const RotationEffect& rotation, int64_t slot);

// The step's rotations, in order: each takes its slot (`take_slot(rotation)`, the backend's
// counter statement in the step's transaction) and writes its owner through `txn`. The slots.
template <typename TakeSlot>
Result<std::vector<int64_t>> ApplyRotations(ObjectTxn& txn, const StepCommit& s,
                                            TakeSlot&& take_slot) {
  std::vector<int64_t> slots;
  for (const RotationEffect& r : s.rotations) {
    FLOWD_ASSIGN_OR_RETURN(int64_t slot, take_slot(r));
    FLOWD_TRY(WriteObjectUpdatesIn(txn, r.account_id, r.object_type_id, {RotationUpdate(r, slot)},
                                   r.options, s.now_ms));
    slots.push_back(slot);
  }
  return slots;
}

// Merges what the step's rotations (the slot each took, in order of step.rotations) and
// enrollments (their outcomes, in order of step.enrollments) did into step.step.detail_json
// (RotationEffect, StepCommit::enrollments); a step whose enrollments all were refused is
// recorded SKIPPED. Idempotent: a re-run overwrites the same keys.
Status MergeFlowOutcomes(StepCommit& step, const std::vector<int64_t>& slots,
                         const std::vector<EnrollResult>& enrolled);

// An effect error that is the storage's fault (kInternal, kUnavailable): the batch fails and is
// retried, rather than the step being recorded as failed.
bool IsStorageError(const Error& error);

// The error for an association of a created record that could not be written.
Error AssociationRefused(AssociateOutcome outcome, const AssociationWrite& write);

// kInvalidArgument unless `edges` has at least two values, strictly ascending.
Status ValidateEdges(const std::vector<int64_t>& edges);

// Enroll's loop, the same on every backend: each account checked once per batch
// (`require_account(account_id)` → Status), then `enroll_one(item)` → Result<EnrollResult>.
// Results in input order. An item either writes everything (enrollment and job) or nothing but
// an error, which fails the whole batch: so items need no savepoint of their own.
template <typename RequireAccount, typename EnrollOne>
Result<std::vector<EnrollResult>> EnrollEach(const std::vector<NewEnrollment>& items,
                                             RequireAccount require_account, EnrollOne enroll_one) {
  std::vector<EnrollResult> out;
  out.reserve(items.size());
  std::set<int64_t> accounts;
  for (const NewEnrollment& item : items) {
    if (accounts.insert(item.enrollment.account_id).second) {
      FLOWD_TRY(require_account(item.enrollment.account_id));
    }
    FLOWD_ASSIGN_OR_RETURN(EnrollResult r, enroll_one(item));
    out.push_back(std::move(r));
  }
  return out;
}

// Claimed jobs in run_at order (ties by id): RETURNING gives no order.
void SortClaimed(std::vector<JobRecord>& jobs);

}  // namespace flowd::store::internal
