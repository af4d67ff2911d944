// Backend-independent pieces of the store implementations: value conversions, the error texts
// both backends return, input checks and the in-memory halves of flow writes, flow reads and
// email-reference paging. Internal to the store module; SQL and driver code stay in each backend.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace flowd::store::internal {

inline constexpr int64_t kMinId = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();
// Page sizes are capped so that `limit + 1` cannot overflow and a page cannot exhaust memory; the
// API layer applies its own, much smaller, caps.
inline constexpr size_t kMaxPage = 1'000'000;
// workflow_id = id - kWorkflowIdOffset, a generated column (see each backend's migrations.cc).
inline constexpr int64_t kWorkflowIdOffset = 490'000'000;
inline constexpr int64_t kMaxFlowId = kWorkflowIdOffset + std::numeric_limits<int32_t>::max();

// v + d, clamped to [kMinId, kMaxId].
int64_t SaturatingAdd(int64_t v, int64_t d);

// `ids` comma-separated between `open` and `close`: "[1,2]" for SQLite's json_each, "{1,2}" for a
// PostgreSQL bigint[] literal.
std::string IdList(const std::vector<int64_t>& ids, char open, char close);

// ---------------------------------------------------------------- error texts

Error AccountNotFound(int64_t account_id);
Error TokenNotFound();  // by hash
Error TokenNotFound(int64_t token_id);
Error TokenHashTaken();
Error FlowNotFound(int64_t flow_id);
Error UuidTaken(const std::string& uuid);
// The failed compare-and-swap of UpdateFlow; names the current revision.
Error RevisionConflict(int64_t flow_id, int64_t current_revision, int64_t expected_revision);
Error RevisionNotFound(int64_t flow_id, int64_t revision_id);
Error WorkflowNotFound(int64_t workflow_id);

// ---------------------------------------------------------------- tokens

// Scopes are stored space-joined (HubSpot scope names contain no spaces); empty ones are dropped.
std::string JoinScopes(const std::vector<std::string>& scopes);
std::vector<std::string> SplitScopes(std::string_view joined);

// What CreateToken returns: `token` with its new id and its scopes as they read back.
TokenRecord CreatedToken(const TokenRecord& token, int64_t id);

// ---------------------------------------------------------------- flows

// The caller-supplied part of a flow row, as written by create and update.
void ApplyWrite(FlowRecord& f, const FlowWrite& flow, int64_t now_ms);
// A new flow before the database assigns id and workflow_id: revision 1, created = updated = now.
FlowRecord NewFlowRecord(int64_t account_id, const FlowWrite& flow, int64_t now_ms);

// kNotFound unless `workflow_id` is in (0, int32 max], so that adding kWorkflowIdOffset to it
// cannot overflow.
Status CheckWorkflowId(int64_t workflow_id);

// A flow_revisions row read as a flow (same column order; updated_at = when it was written).
FlowRevision RevisionFromRow(FlowRecord flow);

// The found flows back into the order of `flow_ids`; an id asked for twice is returned once, at
// its first position.
std::vector<FlowRecord> InRequestedOrder(std::vector<FlowRecord> found,
                                         const std::vector<int64_t>& flow_ids);

// The email content ids in first-seen order, without duplicates or empty ones.
std::vector<std::string> UniqueContentIds(const std::vector<std::string>& ids);

struct StoredEmailRef {
  int64_t row_id = 0;
  std::string content_id;
};

// How to make a flow's email references equal to `content_ids`: the rows to delete, and the
// content ids to insert, in order. References that stay keep their row (and so their cursor).
struct EmailRefChanges {
  std::vector<int64_t> stale_row_ids;
  std::vector<std::string> added_content_ids;
};
EmailRefChanges DiffEmailRefs(const std::vector<StoredEmailRef>& stored,
                              const std::vector<std::string>& content_ids);

// Whether any reference lies beyond `cursor` (below it, or above it) in the listing's filter.
using EmailRefProbe = std::function<Result<bool>(int64_t cursor)>;

// Completes a ListEmailCampaigns page from `items`, read with one row more than the limit (`more`:
// that row was there). `before` set: the items were read downwards from it and are reversed here;
// otherwise upwards from `after`. Probes the other direction where the read cannot tell.
Result<EmailCampaignPage> FinishEmailPage(std::vector<EmailCampaignRef> items, bool more,
                                          std::optional<int64_t> after,
                                          std::optional<int64_t> before,
                                          const EmailRefProbe& any_below,
                                          const EmailRefProbe& any_above);

}  // namespace flowd::store::internal
