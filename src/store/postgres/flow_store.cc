#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/postgres/stores.h"

namespace flowd::store::postgres {

namespace {

constexpr int64_t kMinId = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();
// Page sizes are capped so that `limit + 1` cannot overflow and a page cannot exhaust memory; the
// API layer applies its own, much smaller, caps.
constexpr size_t kMaxPage = 1'000'000;
// workflow_id = id - kWorkflowIdOffset, a generated column (see migrations.cc).
constexpr int64_t kWorkflowIdOffset = 490'000'000;

// Columns 0..11 of every flow read, in FlowRecord order.
#define FLOW_COLUMNS                                                              \
  "account_id, id, workflow_id, revision_id, uuid, name, is_enabled, flow_type, " \
  "object_type_id, created_at_ms, updated_at_ms, content_json"

FlowRecord ReadFlow(const Rows& rows, int i) {
  FlowRecord f;
  f.account_id = rows.Int(i, 0);
  f.id = rows.Int(i, 1);
  f.workflow_id = rows.Int(i, 2);
  f.revision_id = rows.Int(i, 3);
  f.uuid = rows.OptText(i, 4);
  f.name = rows.Text(i, 5);
  f.is_enabled = rows.Bool(i, 6);
  f.flow_type = rows.Text(i, 7);
  f.object_type_id = rows.Text(i, 8);
  f.created_at_ms = rows.Int(i, 9);
  f.updated_at_ms = rows.Int(i, 10);
  f.content_json = rows.Text(i, 11);
  return f;
}

std::string FlowNotFound(int64_t flow_id) {
  return "Flow " + std::to_string(flow_id) + " not found";
}

Error UuidTaken(const std::string& uuid) {
  return Error::Conflict("A flow with uuid " + uuid + " already exists");
}

// A bigint[] literal, for `= ANY($n::bigint[])`: one prepared statement for any number of ids,
// and still a bound parameter.
std::string IntArray(const std::vector<int64_t>& ids) {
  std::string array = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) array += ',';
    array += std::to_string(ids[i]);
  }
  array += '}';
  return array;
}

int64_t SaturatingAdd(int64_t v, int64_t d) {
  if (d > 0 && v > kMaxId - d) return kMaxId;
  if (d < 0 && v < kMinId - d) return kMinId;
  return v + d;
}

// The email content ids in first-seen order, without duplicates or empty ones.
std::vector<std::string> UniqueContentIds(const std::vector<std::string>& ids) {
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    if (!id.empty() && seen.insert(id).second) unique.push_back(id);
  }
  return unique;
}

// The friendly check; the partial unique index flows_uuid is what makes it hold under
// concurrency (its violation is mapped to the same error).
Status CheckUuidFree(Connection& conn, int64_t account_id, const std::optional<std::string>& uuid,
                     int64_t self_id) {
  if (!uuid) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT id FROM flows WHERE account_id = $1 AND uuid = $2",
                                    Params().Add(account_id).Add(*uuid)));
  if (!rows.empty() && rows.Int(0, 0) != self_id) return UuidTaken(*uuid);
  return Status::Ok();
}

Status InsertRevision(Connection& conn, const FlowRecord& f) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("INSERT INTO flow_revisions (flow_id, revision_id, account_id, created_at_ms, "
                 "uuid, name, is_enabled, flow_type, object_type_id, flow_created_at_ms, "
                 "content_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 Params()
                     .Add(f.id)
                     .Add(f.revision_id)
                     .Add(f.account_id)
                     .Add(f.updated_at_ms)
                     .AddOpt(f.uuid)
                     .Add(f.name)
                     .Add(f.is_enabled)
                     .Add(f.flow_type)
                     .Add(f.object_type_id)
                     .Add(f.created_at_ms)
                     .Add(f.content_json)));
  return Status::Ok();
}

// The campaign id of (account, content id), assigned on first sight. Concurrent first sights
// meet at the unique key: one inserts, the others insert nothing and read the winner's row
// (READ COMMITTED gives each statement a fresh snapshot).
Result<int64_t> CampaignIdFor(Connection& conn, int64_t account_id, const std::string& content_id) {
  const std::string select =
      "SELECT id FROM email_campaigns WHERE account_id = $1 AND content_id = $2";
  FLOWD_ASSIGN_OR_RETURN(Rows found, conn.Query(select, Params().Add(account_id).Add(content_id)));
  if (!found.empty()) return found.Int(0, 0);
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO email_campaigns (account_id, content_id) VALUES ($1, $2) "
                 "ON CONFLICT (account_id, content_id) DO NOTHING RETURNING id",
                 Params().Add(account_id).Add(content_id)));
  if (!inserted.empty()) return inserted.Int(0, 0);
  FLOWD_ASSIGN_OR_RETURN(Rows again, conn.Query(select, Params().Add(account_id).Add(content_id)));
  if (again.empty()) return Error::Internal("email campaign id vanished while being assigned");
  return again.Int(0, 0);
}

// Makes the flow's email references equal to `content_ids`. References that stay keep their row
// (and so their cursor); new ones are appended in the given order.
Status SyncEmailRefs(Connection& conn, int64_t account_id, int64_t flow_id,
                     const std::vector<std::string>& content_ids, bool new_flow) {
  std::vector<std::string> wanted = UniqueContentIds(content_ids);
  std::unordered_set<std::string> existing;
  if (!new_flow) {
    std::unordered_set<std::string> wanted_set(wanted.begin(), wanted.end());
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT id, email_content_id FROM flow_emails WHERE flow_id = $1",
                              Params().Add(flow_id)));
    std::vector<int64_t> stale;
    for (int i = 0; i < rows.size(); ++i) {
      std::string content_id = rows.Text(i, 1);
      if (wanted_set.count(content_id) == 0) {
        stale.push_back(rows.Int(i, 0));
      } else {
        existing.insert(std::move(content_id));
      }
    }
    if (!stale.empty()) {
      FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                             conn.Query("DELETE FROM flow_emails WHERE id = ANY($1::bigint[])",
                                        Params().Add(IntArray(stale))));
    }
  }
  for (const std::string& content_id : wanted) {
    if (existing.count(content_id) != 0) continue;
    FLOWD_ASSIGN_OR_RETURN(int64_t campaign_id, CampaignIdFor(conn, account_id, content_id));
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO flow_emails (account_id, flow_id, email_content_id, "
                   "email_campaign_id) VALUES ($1, $2, $3, $4)",
                   Params().Add(account_id).Add(flow_id).Add(content_id).Add(campaign_id)));
  }
  return Status::Ok();
}

// The caller-supplied part of a flow row, as written by create and update.
void ApplyWrite(FlowRecord& f, const FlowWrite& flow, int64_t now_ms) {
  f.uuid = flow.uuid;
  f.name = flow.name;
  f.is_enabled = flow.is_enabled;
  f.flow_type = flow.flow_type;
  f.object_type_id = flow.object_type_id;
  f.updated_at_ms = now_ms;
  f.content_json = flow.content_json;
}

}  // namespace

Result<FlowRecord> PgFlowStore::CreateFlow(int64_t account_id, const FlowWrite& flow,
                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, /*self_id=*/0));
    FlowRecord f;
    f.account_id = account_id;
    f.revision_id = 1;
    f.created_at_ms = now_ms;
    ApplyWrite(f, flow, now_ms);
    auto inserted = conn.Query(
        "INSERT INTO flows (account_id, revision_id, uuid, name, is_enabled, flow_type, "
        "object_type_id, created_at_ms, updated_at_ms, content_json) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, workflow_id",
        Params()
            .Add(f.account_id)
            .Add(f.revision_id)
            .AddOpt(f.uuid)
            .Add(f.name)
            .Add(f.is_enabled)
            .Add(f.flow_type)
            .Add(f.object_type_id)
            .Add(f.created_at_ms)
            .Add(f.updated_at_ms)
            .Add(f.content_json));
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kConflict && f.uuid) return UuidTaken(*f.uuid);
      return std::move(inserted).error();
    }
    f.id = inserted->Int(0, 0);
    f.workflow_id = inserted->Int(0, 1);
    FLOWD_TRY(InsertRevision(conn, f));
    FLOWD_TRY(SyncEmailRefs(conn, account_id, f.id, flow.email_content_ids, /*new_flow=*/true));
    return f;
  });
}

Result<FlowRecord> PgFlowStore::GetFlow(int64_t account_id, int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " FLOW_COLUMNS
                                                 " FROM flows WHERE id = $1 AND account_id = $2",
                                                 Params().Add(flow_id).Add(account_id)));
    if (rows.empty()) return Error::NotFound(FlowNotFound(flow_id));
    return ReadFlow(rows, 0);
  });
}

Result<FlowPage> PgFlowStore::ListFlows(int64_t account_id, std::optional<int64_t> after_id,
                                        size_t limit) {
  if (limit == 0) return FlowPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<FlowPage> {
    // One row more than asked tells whether another page follows.
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT " FLOW_COLUMNS
                              " FROM flows WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                              Params()
                                  .Add(account_id)
                                  .Add(after_id.value_or(kMinId))
                                  .Add(static_cast<int64_t>(limit) + 1)));
    FlowPage page;
    for (int i = 0; i < rows.size(); ++i) {
      if (page.flows.size() == limit) {
        page.next_after = page.flows.back().id;
        break;
      }
      page.flows.push_back(ReadFlow(rows, i));
    }
    return page;
  });
}

Result<std::vector<FlowRecord>> PgFlowStore::GetFlows(int64_t account_id,
                                                      const std::vector<int64_t>& flow_ids) {
  if (flow_ids.empty()) return std::vector<FlowRecord>{};
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<FlowRecord> found,
      db_.Read(false, [&](Connection& conn) -> Result<std::vector<FlowRecord>> {
        FLOWD_ASSIGN_OR_RETURN(
            Rows rows, conn.Query("SELECT " FLOW_COLUMNS " FROM flows WHERE account_id = $1 AND "
                                  "id = ANY($2::bigint[])",
                                  Params().Add(account_id).Add(IntArray(flow_ids))));
        std::vector<FlowRecord> out;
        out.reserve(static_cast<size_t>(rows.size()));
        for (int i = 0; i < rows.size(); ++i) out.push_back(ReadFlow(rows, i));
        return out;
      }));
  // Back into the caller's order; an id asked for twice is returned once, at its first position.
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

Result<FlowRecord> PgFlowStore::UpdateFlow(int64_t account_id, int64_t flow_id,
                                           int64_t expected_revision, const FlowWrite& flow,
                                           int64_t now_ms) {
  // SELECT … FOR UPDATE locks the row from the read of the current revision to the commit, so the
  // compare and the swap are one step, across processes too: of concurrent updates based on the
  // same revision, the first to lock wins; the others wait, then read the new revision and fail.
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FlowRecord f;
    {
      FLOWD_ASSIGN_OR_RETURN(Rows rows,
                             conn.Query("SELECT revision_id, workflow_id, created_at_ms FROM flows "
                                        "WHERE id = $1 AND account_id = $2 FOR UPDATE",
                                        Params().Add(flow_id).Add(account_id)));
      if (rows.empty()) return Error::NotFound(FlowNotFound(flow_id));
      int64_t current = rows.Int(0, 0);
      if (current != expected_revision) {
        return Error::Conflict("Flow " + std::to_string(flow_id) + " is at revision " +
                               std::to_string(current) + "; the update was based on revision " +
                               std::to_string(expected_revision) +
                               ". GET the flow and apply your change to the current revision.");
      }
      f.revision_id = current + 1;
      f.workflow_id = rows.Int(0, 1);
      f.created_at_ms = rows.Int(0, 2);
    }
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, flow_id));
    f.account_id = account_id;
    f.id = flow_id;
    ApplyWrite(f, flow, now_ms);
    auto updated = conn.Query(
        "UPDATE flows SET revision_id = $1, uuid = $2, name = $3, is_enabled = $4, "
        "flow_type = $5, object_type_id = $6, updated_at_ms = $7, content_json = $8 "
        "WHERE id = $9 AND account_id = $10",
        Params()
            .Add(f.revision_id)
            .AddOpt(f.uuid)
            .Add(f.name)
            .Add(f.is_enabled)
            .Add(f.flow_type)
            .Add(f.object_type_id)
            .Add(f.updated_at_ms)
            .Add(f.content_json)
            .Add(f.id)
            .Add(f.account_id));
    if (!updated.ok()) {
      if (updated.error().code == ErrorCode::kConflict && f.uuid) return UuidTaken(*f.uuid);
      return std::move(updated).error();
    }
    FLOWD_TRY(InsertRevision(conn, f));
    FLOWD_TRY(SyncEmailRefs(conn, account_id, flow_id, flow.email_content_ids, /*new_flow=*/false));
    return f;
  });
}

Status PgFlowStore::DeleteFlow(int64_t account_id, int64_t flow_id) {
  return db_.Write([&](Connection& conn) -> Status {
    // Filtered by account: if it is not this account's, nothing is touched. Revisions and email
    // references go with it (ON DELETE CASCADE); campaign ids stay.
    FLOWD_ASSIGN_OR_RETURN(Rows deleted,
                           conn.Query("DELETE FROM flows WHERE id = $1 AND account_id = $2",
                                      Params().Add(flow_id).Add(account_id)));
    if (deleted.affected() == 0) return Error::NotFound(FlowNotFound(flow_id));
    return Status::Ok();
  });
}

Result<FlowRevision> PgFlowStore::GetRevision(int64_t account_id, int64_t flow_id,
                                              int64_t revision_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<FlowRevision> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT account_id, flow_id, workflow_id, revision_id, uuid, name, "
                   "is_enabled, flow_type, object_type_id, flow_created_at_ms, created_at_ms, "
                   "content_json FROM flow_revisions "
                   "WHERE flow_id = $1 AND revision_id = $2 AND account_id = $3",
                   Params().Add(flow_id).Add(revision_id).Add(account_id)));
    if (rows.empty()) {
      return Error::NotFound("Revision " + std::to_string(revision_id) + " of flow " +
                             std::to_string(flow_id) + " not found");
    }
    FlowRevision rev;
    rev.flow = ReadFlow(rows, 0);  // same column order; updated_at = when the revision was written
    rev.flow_id = rev.flow.id;
    rev.revision_id = rev.flow.revision_id;
    rev.created_at_ms = rev.flow.updated_at_ms;
    return rev;
  });
}

Result<int64_t> PgFlowStore::FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) {
  // The workflow id is a function of the flow id, so this is a primary-key lookup; the explicit
  // range check keeps the addition from overflowing on absurd input.
  if (workflow_id <= 0 || workflow_id > std::numeric_limits<int32_t>::max()) {
    return Error::NotFound("Workflow " + std::to_string(workflow_id) + " not found");
  }
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT id FROM flows WHERE id = $1 AND account_id = $2",
                              Params().Add(workflow_id + kWorkflowIdOffset).Add(account_id)));
    if (rows.empty()) {
      return Error::NotFound("Workflow " + std::to_string(workflow_id) + " not found");
    }
    return rows.Int(0, 0);
  });
}

namespace {

// ListEmailCampaigns statements, with and without the flow filter. Parameters: $1 account,
// $2/$3 exclusive lower/upper cursor bounds, $4 limit, and in the filtered variant $5 the flow
// ids; the existence probes take $1 account, $2 cursor and $3 the flow ids.
struct EmailQueries {
  std::string asc, desc, any_below, any_above;
  explicit EmailQueries(bool filtered) {
    const std::string from = " FROM flow_emails WHERE account_id = $1";
    const std::string cols = "SELECT id, flow_id, email_campaign_id, email_content_id";
    const std::string page_filter = filtered ? " AND flow_id = ANY($5::bigint[])" : "";
    const std::string probe_filter = filtered ? " AND flow_id = ANY($3::bigint[])" : "";
    asc = cols + from + page_filter + " AND id > $2 AND id < $3 ORDER BY id ASC LIMIT $4";
    desc = cols + from + page_filter + " AND id > $2 AND id < $3 ORDER BY id DESC LIMIT $4";
    any_below = "SELECT 1" + from + probe_filter + " AND id < $2 LIMIT 1";
    any_above = "SELECT 1" + from + probe_filter + " AND id > $2 LIMIT 1";
  }
};

const EmailQueries& EmailQueriesFor(bool filtered) {
  static const EmailQueries kAll(false);
  static const EmailQueries kFiltered(true);
  return filtered ? kFiltered : kAll;
}

}  // namespace

Result<EmailCampaignPage> PgFlowStore::ListEmailCampaigns(int64_t account_id,
                                                          const std::vector<int64_t>& flow_ids,
                                                          std::optional<int64_t> after,
                                                          std::optional<int64_t> before,
                                                          size_t limit) {
  if (limit == 0) return EmailCampaignPage{};
  limit = std::min(limit, kMaxPage);
  const bool filtered = !flow_ids.empty();
  const EmailQueries& q = EmailQueriesFor(filtered);
  const std::string flow_array = filtered ? IntArray(flow_ids) : std::string();

  // Several statements: one snapshot, so the page and its cursors agree.
  return db_.Read(true, [&](Connection& conn) -> Result<EmailCampaignPage> {
    auto any = [&](const std::string& sql, int64_t cursor) -> Result<bool> {
      Params p;
      p.Add(account_id).Add(cursor);
      if (filtered) p.Add(flow_array);
      FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, p));
      return !rows.empty();
    };

    // With `before`: the rows just below it, read downwards and then reversed. Otherwise the
    // rows above `after` (or from the start), read upwards. One extra row tells whether the
    // page is cut short in the reading direction.
    const bool backwards = before.has_value();
    std::vector<EmailCampaignRef> items;
    bool more_in_direction = false;
    {
      Params p;
      p.Add(account_id)
          .Add(after.value_or(kMinId))
          .Add(before.value_or(kMaxId))
          .Add(static_cast<int64_t>(limit) + 1);
      if (filtered) p.Add(flow_array);
      FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query(backwards ? q.desc : q.asc, p));
      for (int i = 0; i < rows.size(); ++i) {
        if (items.size() == limit) {
          more_in_direction = true;
          break;
        }
        EmailCampaignRef ref;
        ref.cursor = rows.Int(i, 0);
        ref.flow_id = rows.Int(i, 1);
        ref.email_campaign_id = rows.Int(i, 2);
        ref.email_content_id = rows.Text(i, 3);
        items.push_back(std::move(ref));
      }
    }
    if (backwards) std::reverse(items.begin(), items.end());

    EmailCampaignPage page;
    // Rows before the page. Reading backwards, the extra row answers it unless `after` also
    // bounded the read; reading forwards, only an `after` can have skipped rows.
    bool rows_before = backwards && more_in_direction;
    if (!rows_before && after.has_value()) {
      int64_t bound = items.empty() ? SaturatingAdd(*after, 1) : items.front().cursor;
      FLOWD_ASSIGN_OR_RETURN(rows_before, any(q.any_below, bound));
    }
    if (rows_before) {
      page.prev_before = items.empty() ? SaturatingAdd(*after, 1) : items.front().cursor;
    }
    // Rows after the page: symmetric.
    bool rows_after = !backwards && more_in_direction;
    if (!rows_after && backwards) {
      int64_t bound = items.empty() ? SaturatingAdd(*before, -1) : items.back().cursor;
      FLOWD_ASSIGN_OR_RETURN(rows_after, any(q.any_above, bound));
    }
    if (rows_after) {
      page.next_after = items.empty() ? SaturatingAdd(*before, -1) : items.back().cursor;
    }
    page.items = std::move(items);
    return page;
  });
}

}  // namespace flowd::store::postgres
