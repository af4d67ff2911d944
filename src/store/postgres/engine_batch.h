// The executor's common commit batch (steps whose only internal effects are property updates;
// engine_batch.cc) and enrollment batches (engine_enroll.cc) in a fixed number of statements
// whatever their size: one step or one enrollment at a time costs a dozen, or four, network round
// trips each. Internal to the PostgreSQL backend.
#pragma once

#include <optional>
#include <vector>

#include "common/status.h"
#include "store/engine_store.h"
#include "store/postgres/connection.h"

namespace flowd::store::postgres {

// CommitSteps's work for `steps` on `conn`, inside the caller's transaction, with the same
// outcomes as the per-step path: a step whose job is gone or leased to another worker is
// kLeaseLost, a step that names no transition (or two) or another account's records, or updates
// a record that is gone, is kFailed with nothing of it written; the others are committed with
// their effects, in input order (events, step rows and new jobs take their ids in that order).
//
// nullopt, with nothing written (the jobs may be locked), when the batch holds what only the
// per-step path does: record creations, list memberships, rotations (rotate to owner),
// enrollments in other flows, writes of unique properties, one record
// updated by two steps (or twice by one) or one enrollment's job twice.
// A step's delivery attempts and local messages (engine_store.cc), shared by both commit paths.
Status InsertOutbox(Connection& conn, int64_t account_id, int64_t enrollment_id,
                    const StepCommit& s);

Result<std::optional<std::vector<CommitResult>>> CommitStepsBatched(Connection& conn,
                                                                    std::vector<StepCommit>& steps);

// Enroll's work for `items` (accounts already checked) on `conn`, inside the caller's transaction,
// with the per-item outcomes of one enrollment at a time in input order (a later item sees what
// an earlier one enrolled): the (account, flow, object) advisory locks in one statement (sorted,
// so that concurrent batches cannot deadlock), one probe per item in one statement, then the
// enrollments and their first jobs in one multi-row insert each.
Result<std::vector<EnrollResult>> EnrollBatched(Connection& conn,
                                                const std::vector<NewEnrollment>& items,
                                                int64_t now_ms);

}  // namespace flowd::store::postgres
