// Write steps one store performs inside another store's transaction (the engine store applies a
// step's CRM effects with the object, association and list stores' own code). Internal to the
// backend; each function runs on the writer connection inside the caller's transaction.
#pragma once

#include <memory>

#include "store/association_store.h"
#include "store/common/object_writes.h"
#include "store/engine_store.h"
#include "store/list_store.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace flowd::store::sqlite {

// The object store's statements for store/common/object_writes.h on `conn` (object_store.cc).
std::unique_ptr<internal::ObjectTxn> NewObjectTxn(Connection& conn);
// The same, but the single events it is asked to insert (property changes, InsertEvent) are
// appended to `deferred` instead, for the caller to insert later in the same transaction, all
// in a few statements (InsertDeferredEvents).
std::unique_ptr<internal::ObjectTxn> NewObjectTxn(Connection& conn,
                                                  std::vector<CrmEvent>* deferred);
// Inserts the deferred events, in order, and empties the list.
Status InsertDeferredEvents(Connection& conn, std::vector<CrmEvent>& deferred);

// One association write as AssociationStore::Associate does it (association_store.cc).
Result<AssociateOutcome> WriteAssociation(Connection& conn, int64_t account_id,
                                          const AssociationWrite& write, int64_t now_ms);

// ListStore::ChangeMembers on `conn` (list_store.cc). With `static_only`, a DYNAMIC list is
// kInvalidArgument (only MANUAL and SNAPSHOT lists take explicit members).
Result<MembershipResult> ChangeListMembers(Connection& conn, int64_t account_id,
                                           const MembershipDelta& delta, int64_t now_ms,
                                           bool static_only);

// Moves a pass's cursor, or deletes the pass and adds `then` when it is done (backfill_store.cc);
// kConflict when the pass is gone or its cursor is not `expected_after`.
Status AdvanceBackfill(Connection& conn, const BackfillAdvance& advance, int64_t now_ms);

// The engine's side of a flow write that changes is_enabled (FlowWrite::enroll_existing):
// resumes or pauses the flow's jobs, adds the ENABLE pass or drops its passes and date dues
// (backfill_store.cc). Nothing when `was_enabled` equals `flow.is_enabled`.
Status ApplyFlowEnabled(Connection& conn, const FlowRecord& flow, bool was_enabled,
                        bool enroll_existing, int64_t now_ms);

// EngineStore::AddBackfill on `conn` (backfill_store.cc).
Result<BackfillRecord> InsertBackfill(Connection& conn, const BackfillRecord& pass, int64_t now_ms);

// EngineStore::WriteDateDues on `conn` (date_due_store.cc).
Status ApplyDateDues(Connection& conn, const std::vector<DateDueWrite>& writes);

}  // namespace flowd::store::sqlite
