#include <string>

#include "store/common/engine_util.h"
#include "store/common/record_util.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

Status RequireAccount(Connection& conn, int64_t account_id) {
  FLOWD_ASSIGN_OR_RETURN(Stmt account, conn.Prepare("SELECT 1 FROM accounts WHERE id = ?1"));
  account.Bind(1, account_id);
  FLOWD_ASSIGN_OR_RETURN(bool exists, account.Step());
  if (!exists) return internal::AccountNotFound(account_id);
  return Status::Ok();
}

Result<Account> SqliteAccountStore::CreateAccount(std::string_view name, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<Account> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert, conn.Prepare("INSERT INTO accounts (name, created_at_ms) VALUES (?1, ?2)"));
    FLOWD_TRY(insert.Bind(1, name).Bind(2, now_ms).Run());
    return Account{conn.LastInsertRowid(), std::string(name), now_ms, "UTC"};
  });
}

Result<Account> SqliteAccountStore::GetAccount(int64_t id) {
  return db_.Read(false, [&](Connection& conn) -> Result<Account> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT name, created_at_ms, time_zone FROM accounts WHERE id = ?1"));
    select.Bind(1, id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return internal::AccountNotFound(id);
    return Account{id, select.Text(0), select.Int(1), select.Text(2)};
  });
}

Result<std::vector<Account>> SqliteAccountStore::ListAccounts() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<Account>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT id, name, created_at_ms, time_zone FROM accounts ORDER BY id"));
    std::vector<Account> accounts;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      accounts.push_back(Account{select.Int(0), select.Text(1), select.Int(2), select.Text(3)});
    }
    return accounts;
  });
}

Status SqliteAccountStore::SetTimeZone(int64_t id, std::string_view time_zone, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt select,
                             conn.Prepare("SELECT time_zone FROM accounts WHERE id = ?1"));
      select.Bind(1, id);
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) return internal::AccountNotFound(id);
      if (select.Text(0) == time_zone) return Status::Ok();
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt up,
                           conn.Prepare("UPDATE accounts SET time_zone = ?2 WHERE id = ?1"));
    FLOWD_TRY(up.Bind(1, id).Bind(2, time_zone).Run());
    return InsertBackfill(conn, internal::PassOf(id, 0, kBackfillZone), now_ms).status();
  });
}

}  // namespace flowd::store::sqlite
