#include <string>

#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

Status RequireAccount(Connection& conn, int64_t account_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows account, conn.Query("SELECT 1 FROM accounts WHERE id = $1", Params().Add(account_id)));
  if (account.empty()) return internal::AccountNotFound(account_id);
  return Status::Ok();
}

Result<Account> PgAccountStore::CreateAccount(std::string_view name, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<Account> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("INSERT INTO accounts (name, created_at_ms) VALUES ($1, $2) RETURNING id",
                   Params().Add(name).Add(now_ms)));
    return Account{rows.Int(0, 0), std::string(name), now_ms, "UTC"};
  });
}

Result<Account> PgAccountStore::GetAccount(int64_t id) {
  return db_.Read(false, [&](Connection& conn) -> Result<Account> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT name, created_at_ms, time_zone FROM accounts WHERE id = $1",
                              Params().Add(id)));
    if (rows.empty()) return internal::AccountNotFound(id);
    return Account{id, rows.Text(0, 0), rows.Int(0, 1), rows.Text(0, 2)};
  });
}

Result<std::vector<Account>> PgAccountStore::ListAccounts() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<Account>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT id, name, created_at_ms, time_zone FROM accounts ORDER BY id"));
    std::vector<Account> accounts;
    accounts.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      accounts.push_back(Account{rows.Int(i, 0), rows.Text(i, 1), rows.Int(i, 2), rows.Text(i, 3)});
    }
    return accounts;
  });
}

Status PgAccountStore::SetTimeZone(int64_t id, std::string_view time_zone, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows current,
        conn.Query("SELECT time_zone FROM accounts WHERE id = $1 FOR UPDATE", Params().Add(id)));
    if (current.empty()) return internal::AccountNotFound(id);
    if (current.Text(0, 0) == time_zone) return Status::Ok();
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn.Query("UPDATE accounts SET time_zone = $2 WHERE id = $1",
                                      Params().Add(id).Add(time_zone)));
    return InsertBackfill(conn, internal::PassOf(id, 0, kBackfillZone), now_ms).status();
  });
}

}  // namespace flowd::store::postgres
