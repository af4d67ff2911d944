#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define EMAIL_COLUMNS \
  "account_id, id, name, content_json, created_at_ms, updated_at_ms, archived_at_ms"

MarketingEmailRecord ReadEmail(const Rows& rows, int i) {
  MarketingEmailRecord e;
  e.account_id = rows.Int(i, 0);
  e.id = rows.Int(i, 1);
  e.name = rows.Text(i, 2);
  e.content_json = rows.Text(i, 3);
  e.created_at_ms = rows.Int(i, 4);
  e.updated_at_ms = rows.Int(i, 5);
  e.archived_at_ms = rows.OptInt(i, 6);
  return e;
}

}  // namespace

Result<MarketingEmailRecord> PgMarketingEmailStore::CreateEmail(int64_t account_id,
                                                                const MarketingEmailWrite& email,
                                                                int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<MarketingEmailRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("INSERT INTO marketing_emails (account_id, name, content_json, created_at_ms, "
                   "updated_at_ms) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                   Params().Add(account_id).Add(email.name).Add(email.content_json).Add(now_ms)));
    MarketingEmailRecord e;
    e.account_id = account_id;
    e.id = rows.Int(0, 0);
    e.name = email.name;
    e.content_json = email.content_json;
    e.created_at_ms = e.updated_at_ms = now_ms;
    return e;
  });
}

Result<MarketingEmailRecord> PgMarketingEmailStore::GetEmail(int64_t account_id, int64_t email_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<MarketingEmailRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " EMAIL_COLUMNS
                                      " FROM marketing_emails WHERE id = $1 AND account_id = $2",
                                      Params().Add(email_id).Add(account_id)));
    if (rows.empty()) return MarketingEmailNotFound(email_id);
    return ReadEmail(rows, 0);
  });
}

Result<MarketingEmailPage> PgMarketingEmailStore::ListEmails(int64_t account_id,
                                                             std::optional<int64_t> after_id,
                                                             size_t limit, bool archived) {
  limit = std::min(limit, kMaxPage);
  // One snapshot: the total and the page agree.
  return db_.Read(true, [&](Connection& conn) -> Result<MarketingEmailPage> {
    MarketingEmailPage page;
    FLOWD_ASSIGN_OR_RETURN(Rows count,
                           conn.Query("SELECT COUNT(*) FROM marketing_emails WHERE account_id = $1 "
                                      "AND (archived_at_ms IS NOT NULL) = $2",
                                      Params().Add(account_id).Add(archived)));
    page.total = count.empty() ? 0 : count.Int(0, 0);
    if (limit == 0) return page;
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " EMAIL_COLUMNS
                                      " FROM marketing_emails WHERE account_id = $1 AND id > $2 "
                                      "AND (archived_at_ms IS NOT NULL) = $3 ORDER BY id LIMIT $4",
                                      Params()
                                          .Add(account_id)
                                          .Add(after_id.value_or(kMinId))
                                          .Add(archived)
                                          .Add(static_cast<int64_t>(limit) + 1)));
    for (int i = 0; i < rows.size(); ++i) {
      if (page.emails.size() == limit) {
        page.next_after = page.emails.back().id;
        break;
      }
      page.emails.push_back(ReadEmail(rows, i));
    }
    return page;
  });
}

Result<MarketingEmailRecord> PgMarketingEmailStore::UpdateEmail(int64_t account_id,
                                                                int64_t email_id,
                                                                const MarketingEmailWrite& email,
                                                                int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<MarketingEmailRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("UPDATE marketing_emails SET name = $1, content_json = $2, updated_at_ms = $3 "
                   "WHERE id = $4 AND account_id = $5 AND archived_at_ms IS NULL "
                   "RETURNING " EMAIL_COLUMNS,
                   Params()
                       .Add(email.name)
                       .Add(email.content_json)
                       .Add(now_ms)
                       .Add(email_id)
                       .Add(account_id)));
    if (rows.empty()) return MarketingEmailNotFound(email_id);
    return ReadEmail(rows, 0);
  });
}

Status PgMarketingEmailStore::ArchiveEmail(int64_t account_id, int64_t email_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE marketing_emails SET archived_at_ms = $1, updated_at_ms = $1 "
                              "WHERE id = $2 AND account_id = $3 AND archived_at_ms IS NULL",
                              Params().Add(now_ms).Add(email_id).Add(account_id)));
    if (rows.affected() == 0) return MarketingEmailNotFound(email_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
