#include "store/common/record_util.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace flowd::store::internal {

int64_t SaturatingAdd(int64_t v, int64_t d) {
  if (d > 0 && v > kMaxId - d) return kMaxId;
  if (d < 0 && v < kMinId - d) return kMinId;
  return v + d;
}

std::string IdList(const std::vector<int64_t>& ids, char open, char close) {
  std::string list(1, open);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) list += ',';
    list += std::to_string(ids[i]);
  }
  list += close;
  return list;
}

// ---------------------------------------------------------------- error texts

Error AccountNotFound(int64_t account_id) {
  return Error::NotFound("Account " + std::to_string(account_id) + " not found");
}

Error TokenNotFound() { return Error::NotFound("Token not found"); }

Error TokenNotFound(int64_t token_id) {
  return Error::NotFound("Token " + std::to_string(token_id) + " not found");
}

Error TokenHashTaken() { return Error::Conflict("A token with this hash already exists"); }

Error FlowNotFound(int64_t flow_id) {
  return Error::NotFound("Flow " + std::to_string(flow_id) + " not found");
}

Error UuidTaken(const std::string& uuid) {
  return Error::Conflict("A flow with uuid " + uuid + " already exists");
}

Error RevisionConflict(int64_t flow_id, int64_t current_revision, int64_t expected_revision) {
  return Error::Conflict("Flow " + std::to_string(flow_id) + " is at revision " +
                         std::to_string(current_revision) + "; the update was based on revision " +
                         std::to_string(expected_revision) +
                         ". GET the flow and apply your change to the current revision.");
}

Error RevisionNotFound(int64_t flow_id, int64_t revision_id) {
  return Error::NotFound("Revision " + std::to_string(revision_id) + " of flow " +
                         std::to_string(flow_id) + " not found");
}

Error WorkflowNotFound(int64_t workflow_id) {
  return Error::NotFound("Workflow " + std::to_string(workflow_id) + " not found");
}

// ---------------------------------------------------------------- tokens

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string joined;
  for (const std::string& scope : scopes) {
    if (scope.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += scope;
  }
  return joined;
}

std::vector<std::string> SplitScopes(std::string_view joined) {
  std::vector<std::string> scopes;
  size_t pos = 0;
  while (pos < joined.size()) {
    size_t end = joined.find(' ', pos);
    if (end == std::string_view::npos) end = joined.size();
    if (end > pos) scopes.emplace_back(joined.substr(pos, end - pos));
    pos = end + 1;
  }
  return scopes;
}

TokenRecord CreatedToken(const TokenRecord& token, int64_t id) {
  TokenRecord created = token;
  created.id = id;
  created.scopes = SplitScopes(JoinScopes(token.scopes));
  return created;
}

// ---------------------------------------------------------------- flows

void ApplyWrite(FlowRecord& f, const FlowWrite& flow, int64_t now_ms) {
  f.uuid = flow.uuid;
  f.name = flow.name;
  f.is_enabled = flow.is_enabled;
  f.flow_type = flow.flow_type;
  f.object_type_id = flow.object_type_id;
  f.updated_at_ms = now_ms;
  f.content_json = flow.content_json;
}

FlowRecord NewFlowRecord(int64_t account_id, const FlowWrite& flow, int64_t now_ms) {
  FlowRecord f;
  f.account_id = account_id;
  f.revision_id = 1;
  f.created_at_ms = now_ms;
  ApplyWrite(f, flow, now_ms);
  return f;
}

Status CheckWorkflowId(int64_t workflow_id) {
  if (workflow_id <= 0 || workflow_id > std::numeric_limits<int32_t>::max()) {
    return WorkflowNotFound(workflow_id);
  }
  return Status::Ok();
}

FlowRevision RevisionFromRow(FlowRecord flow) {
  FlowRevision rev;
  rev.flow = std::move(flow);
  rev.flow_id = rev.flow.id;
  rev.revision_id = rev.flow.revision_id;
  rev.created_at_ms = rev.flow.updated_at_ms;
  return rev;
}

std::vector<FlowRecord> InRequestedOrder(std::vector<FlowRecord> found,
                                         const std::vector<int64_t>& flow_ids) {
  std::unordered_map<int64_t, FlowRecord*> by_id;
  for (FlowRecord& f : found) by_id.emplace(f.id, &f);
  std::vector<FlowRecord> ordered;
  ordered.reserve(found.size());
  for (int64_t id : flow_ids) {
    auto it = by_id.find(id);
    if (it == by_id.end() || it->second == nullptr) continue;
    ordered.push_back(std::move(*it->second));
    it->second = nullptr;
  }
  return ordered;
}

std::vector<std::string> UniqueContentIds(const std::vector<std::string>& ids) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    if (!id.empty() && seen.insert(id).second) unique.push_back(id);
  }
  return unique;
}

EmailRefChanges DiffEmailRefs(const std::vector<StoredEmailRef>& stored,
                              const std::vector<std::string>& content_ids) {
  std::vector<std::string> wanted = UniqueContentIds(content_ids);
  std::unordered_set<std::string> wanted_set(wanted.begin(), wanted.end());
  std::unordered_set<std::string> kept;
  EmailRefChanges changes;
  for (const StoredEmailRef& ref : stored) {
    if (wanted_set.count(ref.content_id) == 0) {
      changes.stale_row_ids.push_back(ref.row_id);
    } else {
      kept.insert(ref.content_id);
    }
  }
  for (std::string& content_id : wanted) {
    if (kept.count(content_id) == 0) changes.added_content_ids.push_back(std::move(content_id));
  }
  return changes;
}

Result<EmailCampaignPage> FinishEmailPage(std::vector<EmailCampaignRef> items, bool more,
                                          std::optional<int64_t> after,
                                          std::optional<int64_t> before,
                                          const EmailRefProbe& any_below,
                                          const EmailRefProbe& any_above) {
  const bool backwards = before.has_value();
  if (backwards) std::reverse(items.begin(), items.end());

  EmailCampaignPage page;
  // Rows before the page. Reading backwards, the extra row answers it unless `after` also
  // bounded the read; reading forwards, only an `after` can have skipped rows.
  bool rows_before = backwards && more;
  if (!rows_before && after.has_value()) {
    int64_t bound = items.empty() ? SaturatingAdd(*after, 1) : items.front().cursor;
    FLOWD_ASSIGN_OR_RETURN(rows_before, any_below(bound));
  }
  if (rows_before) {
    page.prev_before = items.empty() ? SaturatingAdd(*after, 1) : items.front().cursor;
  }
  // Rows after the page: symmetric.
  bool rows_after = !backwards && more;
  if (!rows_after && backwards) {
    int64_t bound = items.empty() ? SaturatingAdd(*before, -1) : items.back().cursor;
    FLOWD_ASSIGN_OR_RETURN(rows_after, any_above(bound));
  }
  if (rows_after) {
    page.next_after = items.empty() ? SaturatingAdd(*before, -1) : items.back().cursor;
  }
  page.items = std::move(items);
  return page;
}

}  // namespace flowd::store::internal
