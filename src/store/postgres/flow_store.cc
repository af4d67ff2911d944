#include <algorithm>
#include <string>

#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

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

// A bigint[] literal, for `= ANY($n::bigint[])`: one prepared statement for any number of ids,
// and still a bound parameter.
std::string IntArray(const std::vector<int64_t>& ids) { return IdList(ids, '{', '}'); }

// Adds the flow's uuid, name, is_enabled, flow_type and object_type_id, the order in which every
// flow write lists them.
Params& AddFlowFields(Params& params, const FlowRecord& f) {
  return params.AddOpt(f.uuid).Add(f.name).Add(f.is_enabled).Add(f.flow_type).Add(f.object_type_id);
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
      conn.Query(
          "INSERT INTO flow_revisions (flow_id, revision_id, account_id, created_at_ms, "
          "uuid, name, is_enabled, flow_type, object_type_id, flow_created_at_ms, "
          "content_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          AddFlowFields(
              Params().Add(f.id).Add(f.revision_id).Add(f.account_id).Add(f.updated_at_ms), f)
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
  std::vector<StoredEmailRef> stored;
  if (!new_flow) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT id, email_content_id FROM flow_emails WHERE flow_id = $1",
                              Params().Add(flow_id)));
    stored.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      stored.push_back(StoredEmailRef{rows.Int(i, 0), rows.Text(i, 1)});
    }
  }
  const EmailRefChanges changes = DiffEmailRefs(stored, content_ids);
  if (!changes.stale_row_ids.empty()) {
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn.Query("DELETE FROM flow_emails WHERE id = ANY($1::bigint[])",
                                      Params().Add(IntArray(changes.stale_row_ids))));
  }
  for (const std::string& content_id : changes.added_content_ids) {
    FLOWD_ASSIGN_OR_RETURN(int64_t campaign_id, CampaignIdFor(conn, account_id, content_id));
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored,
        conn.Query("INSERT INTO flow_emails (account_id, flow_id, email_content_id, "
                   "email_campaign_id) VALUES ($1, $2, $3, $4)",
                   Params().Add(account_id).Add(flow_id).Add(content_id).Add(campaign_id)));
  }
  return Status::Ok();
}

}  // namespace

Result<FlowRecord> PgFlowStore::CreateFlow(int64_t account_id, const FlowWrite& flow,
                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    conn.MarkChanged(kFlowsChanged);  // other processes reload their trigger index
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, /*self_id=*/0));
    FlowRecord f = NewFlowRecord(account_id, flow, now_ms);
    auto inserted = conn.Query(
        "INSERT INTO flows (account_id, revision_id, uuid, name, is_enabled, flow_type, "
        "object_type_id, created_at_ms, updated_at_ms, content_json) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, workflow_id",
        AddFlowFields(Params().Add(f.account_id).Add(f.revision_id), f)
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
    FLOWD_TRY(ApplyFlowEnabled(conn, f, /*was_enabled=*/false, flow.enroll_existing, now_ms));
    return f;
  });
}

Result<FlowRecord> PgFlowStore::GetFlow(int64_t account_id, int64_t flow_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<FlowRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " FLOW_COLUMNS
                                                 " FROM flows WHERE id = $1 AND account_id = $2",
                                                 Params().Add(flow_id).Add(account_id)));
    if (rows.empty()) return FlowNotFound(flow_id);
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

Result<std::vector<FlowRecord>> PgFlowStore::EnabledFlows() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<FlowRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " FLOW_COLUMNS " FROM flows WHERE is_enabled ORDER BY account_id, id",
                   Params()));
    std::vector<FlowRecord> flows;
    for (int i = 0; i < rows.size(); ++i) flows.push_back(ReadFlow(rows, i));
    return flows;
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
  return InRequestedOrder(std::move(found), flow_ids);
}

Result<FlowRecord> PgFlowStore::UpdateFlow(int64_t account_id, int64_t flow_id,
                                           int64_t expected_revision, const FlowWrite& flow,
                                           int64_t now_ms) {
  // SELECT … FOR UPDATE locks the row from the read of the current revision to the commit, so the
  // compare and the swap are one step, across processes too: of concurrent updates based on the
  // same revision, the first to lock wins; the others wait, then read the new revision and fail.
  return db_.Write([&](Connection& conn) -> Result<FlowRecord> {
    conn.MarkChanged(kFlowsChanged);  // other processes reload their trigger index
    FlowRecord f;
    bool was_enabled = false;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Rows rows,
          conn.Query("SELECT revision_id, workflow_id, created_at_ms, is_enabled FROM flows "
                     "WHERE id = $1 AND account_id = $2 FOR UPDATE",
                     Params().Add(flow_id).Add(account_id)));
      if (rows.empty()) return FlowNotFound(flow_id);
      int64_t current = rows.Int(0, 0);
      if (current != expected_revision) {
        return RevisionConflict(flow_id, current, expected_revision);
      }
      f.revision_id = current + 1;
      f.workflow_id = rows.Int(0, 1);
      f.created_at_ms = rows.Int(0, 2);
      was_enabled = rows.Bool(0, 3);
    }
    FLOWD_TRY(CheckUuidFree(conn, account_id, flow.uuid, flow_id));
    f.account_id = account_id;
    f.id = flow_id;
    ApplyWrite(f, flow, now_ms);
    auto updated = conn.Query(
        "UPDATE flows SET revision_id = $1, uuid = $2, name = $3, is_enabled = $4, "
        "flow_type = $5, object_type_id = $6, updated_at_ms = $7, content_json = $8 "
        "WHERE id = $9 AND account_id = $10",
        AddFlowFields(Params().Add(f.revision_id), f)
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
    FLOWD_TRY(ApplyFlowEnabled(conn, f, was_enabled, flow.enroll_existing, now_ms));
    return f;
  });
}

Status PgFlowStore::DeleteFlow(int64_t account_id, int64_t flow_id) {
  return db_.Write([&](Connection& conn) -> Status {
    conn.MarkChanged(kFlowsChanged);  // other processes reload their trigger index
    // Filtered by account: if it is not this account's, nothing is touched. Revisions and email
    // references go with it (ON DELETE CASCADE); campaign ids stay.
    FLOWD_ASSIGN_OR_RETURN(Rows deleted,
                           conn.Query("DELETE FROM flows WHERE id = $1 AND account_id = $2",
                                      Params().Add(flow_id).Add(account_id)));
    if (deleted.affected() == 0) return FlowNotFound(flow_id);
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
    if (rows.empty()) return RevisionNotFound(flow_id, revision_id);
    return RevisionFromRow(ReadFlow(rows, 0));  // same column order
  });
}

Result<int64_t> PgFlowStore::FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) {
  // The workflow id is a function of the flow id, so this is a primary-key lookup; the explicit
  // range check keeps the addition from overflowing on absurd input.
  FLOWD_TRY(CheckWorkflowId(workflow_id));
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT id FROM flows WHERE id = $1 AND account_id = $2",
                              Params().Add(workflow_id + kWorkflowIdOffset).Add(account_id)));
    if (rows.empty()) return WorkflowNotFound(workflow_id);
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
    return FinishEmailPage(
        std::move(items), more_in_direction, after, before,
        [&](int64_t cursor) { return any(q.any_below, cursor); },
        [&](int64_t cursor) { return any(q.any_above, cursor); });
  });
}

}  // namespace flowd::store::postgres
