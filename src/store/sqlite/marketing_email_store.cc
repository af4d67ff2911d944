#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define EMAIL_COLUMNS \
  "account_id, id, name, content_json, created_at_ms, updated_at_ms, archived_at_ms"

MarketingEmailRecord ReadEmail(const Stmt& row) {
  MarketingEmailRecord e;
  e.account_id = row.Int(0);
  e.id = row.Int(1);
  e.name = row.Text(2);
  e.content_json = row.Text(3);
  e.created_at_ms = row.Int(4);
  e.updated_at_ms = row.Int(5);
  e.archived_at_ms = row.OptInt(6);
  return e;
}

Result<MarketingEmailRecord> SelectEmail(Connection& conn, int64_t account_id, int64_t email_id) {
  FLOWD_ASSIGN_OR_RETURN(Stmt select,
                         conn.Prepare("SELECT " EMAIL_COLUMNS
                                      " FROM marketing_emails WHERE id = ?1 AND account_id = ?2"));
  select.Bind(1, email_id).Bind(2, account_id);
  FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return MarketingEmailNotFound(email_id);
  return ReadEmail(select);
}

}  // namespace

Result<MarketingEmailRecord> SqliteMarketingEmailStore::CreateEmail(
    int64_t account_id, const MarketingEmailWrite& email, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<MarketingEmailRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert, conn.Prepare("INSERT INTO marketing_emails (account_id, name, content_json, "
                                  "created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?4)"));
    FLOWD_TRY(insert.Bind(1, account_id)
                  .Bind(2, email.name)
                  .Bind(3, email.content_json)
                  .Bind(4, now_ms)
                  .Run());
    MarketingEmailRecord e;
    e.account_id = account_id;
    e.id = conn.LastInsertRowid();
    e.name = email.name;
    e.content_json = email.content_json;
    e.created_at_ms = e.updated_at_ms = now_ms;
    return e;
  });
}

Result<MarketingEmailRecord> SqliteMarketingEmailStore::GetEmail(int64_t account_id,
                                                                 int64_t email_id) {
  return db_.Read(false, [&](Connection& conn) { return SelectEmail(conn, account_id, email_id); });
}

Result<MarketingEmailPage> SqliteMarketingEmailStore::ListEmails(int64_t account_id,
                                                                 std::optional<int64_t> after_id,
                                                                 size_t limit, bool archived) {
  limit = std::min(limit, kMaxPage);
  // One snapshot: the total and the page agree.
  return db_.Read(true, [&](Connection& conn) -> Result<MarketingEmailPage> {
    MarketingEmailPage page;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt count, conn.Prepare("SELECT COUNT(*) FROM marketing_emails WHERE account_id = ?1 "
                                   "AND (archived_at_ms IS NOT NULL) = ?2"));
      count.Bind(1, account_id).Bind(2, int64_t{archived ? 1 : 0});
      FLOWD_ASSIGN_OR_RETURN(bool row, count.Step());
      page.total = row ? count.Int(0) : 0;
    }
    if (limit == 0) return page;
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select, conn.Prepare("SELECT " EMAIL_COLUMNS
                                  " FROM marketing_emails WHERE account_id = ?1 AND id > ?2 "
                                  "AND (archived_at_ms IS NOT NULL) = ?3 ORDER BY id LIMIT ?4"));
    select.Bind(1, account_id)
        .Bind(2, after_id.value_or(kMinId))
        .Bind(3, int64_t{archived ? 1 : 0})
        .Bind(4, static_cast<int64_t>(limit) + 1);
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (page.emails.size() == limit) {
        page.next_after = page.emails.back().id;
        break;
      }
      page.emails.push_back(ReadEmail(select));
    }
    return page;
  });
}

Result<MarketingEmailRecord> SqliteMarketingEmailStore::UpdateEmail(
    int64_t account_id, int64_t email_id, const MarketingEmailWrite& email, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<MarketingEmailRecord> {
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update, conn.Prepare("UPDATE marketing_emails SET name = ?1, content_json = ?2, "
                                    "updated_at_ms = ?3 WHERE id = ?4 AND account_id = ?5 "
                                    "AND archived_at_ms IS NULL"));
      update.Bind(1, email.name)
          .Bind(2, email.content_json)
          .Bind(3, now_ms)
          .Bind(4, email_id)
          .Bind(5, account_id);
      FLOWD_TRY(update.Run());
      if (conn.Changes() == 0) return MarketingEmailNotFound(email_id);
    }
    return SelectEmail(conn, account_id, email_id);
  });
}

Status SqliteMarketingEmailStore::ArchiveEmail(int64_t account_id, int64_t email_id,
                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update,
        conn.Prepare("UPDATE marketing_emails SET archived_at_ms = ?1, updated_at_ms = ?1 "
                     "WHERE id = ?2 AND account_id = ?3 AND archived_at_ms IS NULL"));
    FLOWD_TRY(update.Bind(1, now_ms).Bind(2, email_id).Bind(3, account_id).Run());
    if (conn.Changes() == 0) return MarketingEmailNotFound(email_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
