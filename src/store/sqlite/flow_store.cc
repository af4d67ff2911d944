#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

namespace {

constexpr int64_t kMinId = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();
// Page sizes are capped so that `limit + 1` cannot overflow and a page cannot exhaust memory; the
// API layer applies its own, much smaller, caps.
constexpr size_t kMaxPage = 1'000'000;
// workflow_id = id - kWorkflowIdOffset, a generated column (see migrations.cc).
constexpr int64_t kWorkflowIdOffset = 490'000'000;
constexpr int64_t kMaxFlowId = kWorkflowIdOffset + std::numeric_limits<int32_t>::max();

// Columns 0..11 of every flow read, in FlowRecord order.
#define FLOW_COLUMNS                                                              \
  "account_id, id, workflow_id, revision_id, uuid, name, is_enabled, flow_type, " \
  "object_type_id, created_at_ms, updated_at_ms, content_json"

FlowRecord ReadFlow(const Stmt& row) {
  FlowRecord f;
  f.account_id = row.Int(0);
  f.id = row.Int(1);
  f.workflow_id = row.Int(2);
  f.revision_id = row.Int(3);
  f.uuid = row.OptText(4);
  f.name = row.Text(5);
  f.is_enabled = row.Int(6) != 0;
  f.flow_type = row.Text(7);
  f.object_type_id = row.Text(8);
  f.created_at_ms = row.Int(9);
  f.updated_at_ms = row.Int(10);
  f.content_json = row.Text(11);
  return f;
}

std::string FlowNotFound(int64_t flow_id) {
  return "Flow " + std::to_string(flow_id) + " not found";
}

// A JSON array of integers, for `IN (SELECT value FROM json_each(?))`: one cached statement for
// any number of ids, and still a bound parameter.
std::string JsonIntArray(const std::vector<int64_t>& ids) {
  std::string json = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) json += ',';
    json += std::to_string(ids[i]);
  }
  json += ']';
  return json;
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

Status CheckUuidFree(Connection& conn, int64_t account_id, const std::optional<std::string>& uuid,
                     int64_t self_id) {
  if (!uuid) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(Stmt select,
                         conn.Prepare("SELECT id FROM flows WHERE account_id = ?1 AND uuid = ?2"));
  select.Bind(1, account_id).Bind(2, *uuid);
  FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
  if (found && select.Int(0) != self_id) {
    return Error::Conflict("A flow with uuid " + *uuid + " already exists");
  }
  return Status::Ok();
}

Status InsertRevision(Connection& conn, const FlowRecord& f) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt insert,
      conn.Prepare("INSERT INTO flow_revisions (flow_id, revision_id, account_id, created_at_ms, "
                   "uuid, name, is_enabled, flow_type, object_type_id, "
                   "flow_created_at_ms, content_json) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  return insert.Bind(1, f.id)
      .Bind(2, f.revision_id)
      .Bind(3, f.account_id)
      .Bind(4, f.updated_at_ms)
      .BindOpt(5, f.uuid)
      .Bind(6, f.name)
      .Bind(7, int64_t{f.is_enabled ? 1 : 0})
      .Bind(8, f.flow_type)
      .Bind(9, f.object_type_id)
      .Bind(10, f.created_at_ms)
      .Bind(11, f.content_json)
      .Run();
}

// The campaign id of (account, content id), assigned on first sight. Runs inside the writer's
// transaction, so select-then-insert cannot race.
Result<int64_t> CampaignIdFor(Connection& conn, int64_t account_id, const std::string& content_id) {
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT id FROM email_campaigns WHERE account_id = ?1 AND content_id = ?2"));
    select.Bind(1, account_id).Bind(2, content_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return select.Int(0);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Stmt insert,
      conn.Prepare("INSERT INTO email_campaigns (account_id, content_id) VALUES (?1, ?2)"));
  FLOWD_TRY(insert.Bind(1, account_id).Bind(2, content_id).Run());
  return conn.LastInsertRowid();
}

// Makes the flow's email references equal to `content_ids`. References that stay keep their row
// (and so their cursor); new ones are appended in the given order.
Status SyncEmailRefs(Connection& conn, int64_t account_id, int64_t flow_id,
                     const std::vector<std::string>& content_ids, bool new_flow) {
  std::vector<std::string> wanted = UniqueContentIds(content_ids);
  std::unordered_set<std::string> existing;
  if (!new_flow) {
    std::unordered_set<std::string> wanted_set(wanted.begin(), wanted.end());
    std::vector<int64_t> stale;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select,
          conn.Prepare("SELECT id, email_content_id FROM flow_emails WHERE flow_id = ?1"));
      select.Bind(1, flow_id);
      while (true) {
        FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) break;
        std::string content_id = select.Text(1);
        if (wanted_set.count(content_id) == 0) {
          stale.push_back(select.Int(0));
        } else {
          existing.insert(std::move(content_id));
        }
      }
    }
    for (int64_t id : stale) {
      FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM flow_emails WHERE id = ?1"));
      FLOWD_TRY(del.Bind(1, id).Run());
    }
  }
  for (const std::string& content_id : wanted) {
    if (existing.count(content_id) != 0) continue;
    FLOWD_ASSIGN_OR_RETURN(int64_t campaign_id, CampaignIdFor(conn, account_id, content_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert, conn.Prepare("INSERT INTO flow_emails (account_id, flow_id, email_content_id, "
                                  "email_campaign_id) VALUES (?1, ?2, ?3, ?4)"));
    FLOWD_TRY(
        insert.Bind(1, account_id).Bind(2, flow_id).Bind(3, content_id).Bind(4, campaign_id).Run());
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

Result<FlowRecord> SqliteFlowStore::CreateFlow(int64_t account_id, const FlowWrite& flow,
                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, /*self_id=*/0));
    FlowRecord f;
    f.account_id = account_id;
    f.revision_id = 1;
    f.created_at_ms = now_ms;
    ApplyWrite(f, flow, now_ms);
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt insert,
          conn.Prepare("INSERT INTO flows (account_id, revision_id, uuid, name, is_enabled, "
                       "flow_type, object_type_id, created_at_ms, updated_at_ms, content_json) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
      FLOWD_TRY(insert.Bind(1, f.account_id)
                    .Bind(2, f.revision_id)
                    .BindOpt(3, f.uuid)
                    .Bind(4, f.name)
                    .Bind(5, int64_t{f.is_enabled ? 1 : 0})
                    .Bind(6, f.flow_type)
                    .Bind(7, f.object_type_id)
                    .Bind(8, f.created_at_ms)
                    .Bind(9, f.updated_at_ms)
                    .Bind(10, f.content_json)
                    .Run());
    }
    f.id = conn.LastInsertRowid();
    if (f.id > kMaxFlowId) {
      return Error::Internal("flow id space exhausted (workflow ids must stay within int32)");
    }
    f.workflow_id = f.id - kWorkflowIdOffset;
    FLOWD_TRY(InsertRevision(conn, f));
    FLOWD_TRY(SyncEmailRefs(conn, account_id, f.id, flow.email_content_ids, /*new_flow=*/true));
    return f;
  });
}

Result<FlowRecord> SqliteFlowStore::GetFlow(int64_t account_id, int64_t flow_id) {
  // One SELECT on the primary key (the rowid), with the account as a filter.
  return db_.Read(false, [&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " FLOW_COLUMNS " FROM flows WHERE id = ?1 AND account_id = ?2"));
    select.Bind(1, flow_id).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return Error::NotFound(FlowNotFound(flow_id));
    return ReadFlow(select);
  });
}

Result<FlowPage> SqliteFlowStore::ListFlows(int64_t account_id, std::optional<int64_t> after_id,
                                            size_t limit) {
  if (limit == 0) return FlowPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<FlowPage> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select, conn.Prepare("SELECT " FLOW_COLUMNS
                                                     " FROM flows WHERE account_id = ?1 AND id > "
                                                     "?2 ORDER BY id LIMIT ?3"));
    // One row more than asked tells whether another page follows.
    select.Bind(1, account_id)
        .Bind(2, after_id.value_or(kMinId))
        .Bind(3, static_cast<int64_t>(limit) + 1);
    FlowPage page;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (page.flows.size() == limit) {
        page.next_after = page.flows.back().id;
        break;
      }
      page.flows.push_back(ReadFlow(select));
    }
    return page;
  });
}

Result<std::vector<FlowRecord>> SqliteFlowStore::GetFlows(int64_t account_id,
                                                          const std::vector<int64_t>& flow_ids) {
  if (flow_ids.empty()) return std::vector<FlowRecord>{};
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<FlowRecord> found,
      db_.Read(false, [&](Connection& conn) -> Result<std::vector<FlowRecord>> {
        FLOWD_ASSIGN_OR_RETURN(
            Stmt select,
            conn.Prepare("SELECT " FLOW_COLUMNS " FROM flows WHERE account_id = ?1 AND id IN "
                         "(SELECT value FROM json_each(?2))"));
        select.Bind(1, account_id).Bind(2, JsonIntArray(flow_ids));
        std::vector<FlowRecord> rows;
        while (true) {
          FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
          if (!row) break;
          rows.push_back(ReadFlow(select));
        }
        return rows;
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

Result<FlowRecord> SqliteFlowStore::UpdateFlow(int64_t account_id, int64_t flow_id,
                                               int64_t expected_revision, const FlowWrite& flow,
                                               int64_t now_ms) {
  // BEGIN IMMEDIATE holds the write lock from the read of the current revision to the commit, so
  // the compare and the swap are one step: of concurrent updates based on the same revision,
  // the first to get the lock wins and the others see the new revision and fail.
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FlowRecord f;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select, conn.Prepare("SELECT revision_id, workflow_id, created_at_ms FROM flows "
                                    "WHERE id = ?1 AND account_id = ?2"));
      select.Bind(1, flow_id).Bind(2, account_id);
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) return Error::NotFound(FlowNotFound(flow_id));
      int64_t current = select.Int(0);
      if (current != expected_revision) {
        return Error::Conflict("Flow " + std::to_string(flow_id) + " is at revision " +
                               std::to_string(current) + "; the update was based on revision " +
                               std::to_string(expected_revision) +
                               ". GET the flow and apply your change to the current revision.");
      }
      f.revision_id = current + 1;
      f.workflow_id = select.Int(1);
      f.created_at_ms = select.Int(2);
    }
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, flow_id));
    f.account_id = account_id;
    f.id = flow_id;
    ApplyWrite(f, flow, now_ms);
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update,
          conn.Prepare("UPDATE flows SET revision_id = ?1, uuid = ?2, name = ?3, is_enabled = ?4, "
                       "flow_type = ?5, object_type_id = ?6, updated_at_ms = ?7, "
                       "content_json = ?8 WHERE id = ?9 AND account_id = ?10"));
      FLOWD_TRY(update.Bind(1, f.revision_id)
                    .BindOpt(2, f.uuid)
                    .Bind(3, f.name)
                    .Bind(4, int64_t{f.is_enabled ? 1 : 0})
                    .Bind(5, f.flow_type)
                    .Bind(6, f.object_type_id)
                    .Bind(7, f.updated_at_ms)
                    .Bind(8, f.content_json)
                    .Bind(9, f.id)
                    .Bind(10, f.account_id)
                    .Run());
    }
    FLOWD_TRY(InsertRevision(conn, f));
    FLOWD_TRY(SyncEmailRefs(conn, account_id, flow_id, flow.email_content_ids, /*new_flow=*/false));
    return f;
  });
}

Status SqliteFlowStore::DeleteFlow(int64_t account_id, int64_t flow_id) {
  return db_.Write([&](Connection& conn) -> Status {
    // The flow row first, filtered by account: if it is not this account's, nothing is touched.
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt del,
                             conn.Prepare("DELETE FROM flows WHERE id = ?1 AND account_id = ?2"));
      FLOWD_TRY(del.Bind(1, flow_id).Bind(2, account_id).Run());
      if (conn.Changes() == 0) return Error::NotFound(FlowNotFound(flow_id));
    }
    // Then its children, by flow id (their indexes lead with it). ON DELETE CASCADE has
    // normally removed them already; deleting explicitly keeps the outcome independent of the
    // foreign_keys pragma.
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM flow_emails WHERE flow_id = ?1"));
      FLOWD_TRY(del.Bind(1, flow_id).Run());
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM flow_revisions WHERE flow_id = ?1"));
    FLOWD_TRY(del.Bind(1, flow_id).Run());
    return Status::Ok();
  });
}

Result<FlowRevision> SqliteFlowStore::GetRevision(int64_t account_id, int64_t flow_id,
                                                  int64_t revision_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<FlowRevision> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT account_id, flow_id, workflow_id, revision_id, uuid, name, "
                     "is_enabled, flow_type, object_type_id, flow_created_at_ms, created_at_ms, "
                     "content_json FROM flow_revisions "
                     "WHERE flow_id = ?1 AND revision_id = ?2 AND account_id = ?3"));
    select.Bind(1, flow_id).Bind(2, revision_id).Bind(3, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) {
      return Error::NotFound("Revision " + std::to_string(revision_id) + " of flow " +
                             std::to_string(flow_id) + " not found");
    }
    FlowRevision rev;
    rev.flow = ReadFlow(select);  // same column order; updated_at = when the revision was written
    rev.flow_id = rev.flow.id;
    rev.revision_id = rev.flow.revision_id;
    rev.created_at_ms = rev.flow.updated_at_ms;
    return rev;
  });
}

Result<int64_t> SqliteFlowStore::FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) {
  // The workflow id is a function of the flow id, so this is a primary-key lookup; the explicit
  // range check keeps the subtraction from overflowing on absurd input.
  if (workflow_id <= 0 || workflow_id > std::numeric_limits<int32_t>::max()) {
    return Error::NotFound("Workflow " + std::to_string(workflow_id) + " not found");
  }
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT id FROM flows WHERE id = ?1 AND account_id = ?2"));
    select.Bind(1, workflow_id + kWorkflowIdOffset).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return Error::NotFound("Workflow " + std::to_string(workflow_id) + " not found");
    return select.Int(0);
  });
}

namespace {

// ListEmailCampaigns statements, with and without the flow filter. Parameters: ?1 account,
// ?2 flow ids as a JSON array (filtered variant only), ?3/?4 exclusive lower/upper cursor bounds,
// ?5 limit. Built once; the statement cache is keyed by these strings' (stable) addresses.
struct EmailQueries {
  std::string asc, desc, any_below, any_above;
  explicit EmailQueries(bool filtered) {
    // Filtered: `+account_id` keeps the planner off the account index (a scan of the whole
    // account's range) and on the (flow_id, …) index, which reads only the named flows' rows.
    std::string from = filtered ? " FROM flow_emails WHERE +account_id = ?1 AND flow_id IN "
                                  "(SELECT value FROM json_each(?2))"
                                : " FROM flow_emails WHERE account_id = ?1";
    std::string cols = "SELECT id, flow_id, email_campaign_id, email_content_id";
    asc = cols + from + " AND id > ?3 AND id < ?4 ORDER BY id ASC LIMIT ?5";
    desc = cols + from + " AND id > ?3 AND id < ?4 ORDER BY id DESC LIMIT ?5";
    any_below = "SELECT 1" + from + " AND id < ?3 LIMIT 1";
    any_above = "SELECT 1" + from + " AND id > ?3 LIMIT 1";
  }
};

const EmailQueries& EmailQueriesFor(bool filtered) {
  static const EmailQueries kAll(false);
  static const EmailQueries kFiltered(true);
  return filtered ? kFiltered : kAll;
}

}  // namespace

Result<EmailCampaignPage> SqliteFlowStore::ListEmailCampaigns(int64_t account_id,
                                                              const std::vector<int64_t>& flow_ids,
                                                              std::optional<int64_t> after,
                                                              std::optional<int64_t> before,
                                                              size_t limit) {
  if (limit == 0) return EmailCampaignPage{};
  limit = std::min(limit, kMaxPage);
  const bool filtered = !flow_ids.empty();
  const EmailQueries& q = EmailQueriesFor(filtered);
  const std::string flow_json = filtered ? JsonIntArray(flow_ids) : std::string();

  // Several statements: one snapshot, so the page and its cursors agree.
  return db_.Read(true, [&](Connection& conn) -> Result<EmailCampaignPage> {
    auto any = [&](const std::string& sql, int64_t cursor) -> Result<bool> {
      FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql.c_str()));
      s.Bind(1, account_id).Bind(3, cursor);
      if (filtered) s.Bind(2, flow_json);
      return s.Step();
    };

    // With `before`: the rows just below it, read downwards and then reversed. Otherwise the
    // rows above `after` (or from the start), read upwards. One extra row tells whether the
    // page is cut short in the reading direction.
    const bool backwards = before.has_value();
    std::vector<EmailCampaignRef> items;
    bool more_in_direction = false;
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(backwards ? q.desc.c_str() : q.asc.c_str()));
      s.Bind(1, account_id)
          .Bind(3, after.value_or(kMinId))
          .Bind(4, before.value_or(kMaxId))
          .Bind(5, static_cast<int64_t>(limit) + 1);
      if (filtered) s.Bind(2, flow_json);
      while (true) {
        FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        if (items.size() == limit) {
          more_in_direction = true;
          break;
        }
        EmailCampaignRef ref;
        ref.cursor = s.Int(0);
        ref.flow_id = s.Int(1);
        ref.email_campaign_id = s.Int(2);
        ref.email_content_id = s.Text(3);
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

}  // namespace flowd::store::sqlite
