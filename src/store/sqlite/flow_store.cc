#include <algorithm>
#include <string>

#include "store/common/record_util.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

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

// A JSON array of integers, for `IN (SELECT value FROM json_each(?))`: one cached statement for
// any number of ids, and still a bound parameter.
std::string JsonIntArray(const std::vector<int64_t>& ids) { return IdList(ids, '[', ']'); }

// Binds the flow's uuid, name, is_enabled, flow_type and object_type_id to `first`..`first + 4`,
// the order in which every flow write lists them.
Stmt& BindFlowFields(Stmt& stmt, int first, const FlowRecord& f) {
  return stmt.BindOpt(first, f.uuid)
      .Bind(first + 1, f.name)
      .Bind(first + 2, int64_t{f.is_enabled ? 1 : 0})
      .Bind(first + 3, f.flow_type)
      .Bind(first + 4, f.object_type_id);
}

Status CheckUuidFree(Connection& conn, int64_t account_id, const std::optional<std::string>& uuid,
                     int64_t self_id) {
  if (!uuid) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(Stmt select,
                         conn.Prepare("SELECT id FROM flows WHERE account_id = ?1 AND uuid = ?2"));
  select.Bind(1, account_id).Bind(2, *uuid);
  FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
  if (found && select.Int(0) != self_id) {
    return UuidTaken(*uuid);
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
  insert.Bind(1, f.id).Bind(2, f.revision_id).Bind(3, f.account_id).Bind(4, f.updated_at_ms);
  return BindFlowFields(insert, 5, f).Bind(10, f.created_at_ms).Bind(11, f.content_json).Run();
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
  std::vector<StoredEmailRef> stored;
  if (!new_flow) {
    // The statement goes back to the cache before the writes below borrow others.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT id, email_content_id FROM flow_emails WHERE flow_id = ?1"));
    select.Bind(1, flow_id);
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      stored.push_back(StoredEmailRef{select.Int(0), select.Text(1)});
    }
  }
  const EmailRefChanges changes = DiffEmailRefs(stored, content_ids);
  for (int64_t id : changes.stale_row_ids) {
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM flow_emails WHERE id = ?1"));
    FLOWD_TRY(del.Bind(1, id).Run());
  }
  for (const std::string& content_id : changes.added_content_ids) {
    FLOWD_ASSIGN_OR_RETURN(int64_t campaign_id, CampaignIdFor(conn, account_id, content_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert, conn.Prepare("INSERT INTO flow_emails (account_id, flow_id, email_content_id, "
                                  "email_campaign_id) VALUES (?1, ?2, ?3, ?4)"));
    FLOWD_TRY(
        insert.Bind(1, account_id).Bind(2, flow_id).Bind(3, content_id).Bind(4, campaign_id).Run());
  }
  return Status::Ok();
}

}  // namespace

Result<FlowRecord> SqliteFlowStore::CreateFlow(int64_t account_id, const FlowWrite& flow,
                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, /*self_id=*/0));
    FlowRecord f = NewFlowRecord(account_id, flow, now_ms);
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt insert,
          conn.Prepare("INSERT INTO flows (account_id, revision_id, uuid, name, is_enabled, "
                       "flow_type, object_type_id, created_at_ms, updated_at_ms, content_json) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
      insert.Bind(1, f.account_id).Bind(2, f.revision_id);
      FLOWD_TRY(BindFlowFields(insert, 3, f)
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
    FLOWD_TRY(ApplyFlowEnabled(conn, f, /*was_enabled=*/false, flow.enroll_existing, now_ms));
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
    if (!found) return FlowNotFound(flow_id);
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

Result<std::vector<FlowRecord>> SqliteFlowStore::EnabledFlows() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<FlowRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select, conn.Prepare("SELECT " FLOW_COLUMNS
                                  " FROM flows WHERE is_enabled = 1 ORDER BY account_id, id"));
    std::vector<FlowRecord> rows;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) break;
      rows.push_back(ReadFlow(select));
    }
    return rows;
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
  return InRequestedOrder(std::move(found), flow_ids);
}

Result<FlowRecord> SqliteFlowStore::UpdateFlow(int64_t account_id, int64_t flow_id,
                                               int64_t expected_revision, const FlowWrite& flow,
                                               int64_t now_ms) {
  // BEGIN IMMEDIATE holds the write lock from the read of the current revision to the commit, so
  // the compare and the swap are one step: of concurrent updates based on the same revision,
  // the first to get the lock wins and the others see the new revision and fail.
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    FlowRecord f;
    bool was_enabled = false;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select,
          conn.Prepare("SELECT revision_id, workflow_id, created_at_ms, is_enabled FROM flows "
                       "WHERE id = ?1 AND account_id = ?2"));
      select.Bind(1, flow_id).Bind(2, account_id);
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) return FlowNotFound(flow_id);
      int64_t current = select.Int(0);
      if (current != expected_revision) {
        return RevisionConflict(flow_id, current, expected_revision);
      }
      f.revision_id = current + 1;
      f.workflow_id = select.Int(1);
      f.created_at_ms = select.Int(2);
      was_enabled = select.Int(3) != 0;
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
      update.Bind(1, f.revision_id);
      FLOWD_TRY(BindFlowFields(update, 2, f)
                    .Bind(7, f.updated_at_ms)
                    .Bind(8, f.content_json)
                    .Bind(9, f.id)
                    .Bind(10, f.account_id)
                    .Run());
    }
    FLOWD_TRY(InsertRevision(conn, f));
    FLOWD_TRY(SyncEmailRefs(conn, account_id, flow_id, flow.email_content_ids, /*new_flow=*/false));
    FLOWD_TRY(ApplyFlowEnabled(conn, f, was_enabled, flow.enroll_existing, now_ms));
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
      if (conn.Changes() == 0) return FlowNotFound(flow_id);
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
    if (!found) return RevisionNotFound(flow_id, revision_id);
    return RevisionFromRow(ReadFlow(select));  // same column order
  });
}

Result<int64_t> SqliteFlowStore::FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) {
  // The workflow id is a function of the flow id, so this is a primary-key lookup; the explicit
  // range check keeps the subtraction from overflowing on absurd input.
  FLOWD_TRY(CheckWorkflowId(workflow_id));
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT id FROM flows WHERE id = ?1 AND account_id = ?2"));
    select.Bind(1, workflow_id + kWorkflowIdOffset).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return WorkflowNotFound(workflow_id);
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
    return FinishEmailPage(
        std::move(items), more_in_direction, after, before,
        [&](int64_t cursor) { return any(q.any_below, cursor); },
        [&](int64_t cursor) { return any(q.any_above, cursor); });
  });
}

}  // namespace flowd::store::sqlite
