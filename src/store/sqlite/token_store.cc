#include <string>

#include "store/common/record_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

constexpr const char* kTokenColumns =
    "id, account_id, name, token_hash, scopes, rate_limit_ten_secondly, rate_limit_daily, "
    "created_at_ms, revoked_at_ms";

TokenRecord ReadToken(const Stmt& row) {
  TokenRecord t;
  t.id = row.Int(0);
  t.account_id = row.Int(1);
  t.name = row.Text(2);
  t.token_hash = row.Text(3);
  t.scopes = SplitScopes(row.Text(4));
  t.rate_limit_ten_secondly = row.Int(5);
  t.rate_limit_daily = row.Int(6);
  t.created_at_ms = row.Int(7);
  t.revoked_at_ms = row.OptInt(8);
  return t;
}

const std::string kFindByHash =
    std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE token_hash = ?1";
const std::string kListAll = std::string("SELECT ") + kTokenColumns + " FROM tokens ORDER BY id";
const std::string kListAccount =
    std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE account_id = ?1 ORDER BY id";

}  // namespace

Result<TokenRecord> SqliteTokenStore::CreateToken(const TokenRecord& token) {
  return db_.Write([&](Connection& conn) -> Result<TokenRecord> {
    FLOWD_TRY(RequireAccount(conn, token.account_id));

    FLOWD_ASSIGN_OR_RETURN(Stmt insert,
                           conn.Prepare("INSERT INTO tokens (account_id, name, token_hash, scopes, "
                                        "rate_limit_ten_secondly, rate_limit_daily, "
                                        "created_at_ms, revoked_at_ms) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    insert.Bind(1, token.account_id)
        .Bind(2, token.name)
        .Bind(3, token.token_hash)
        .Bind(4, JoinScopes(token.scopes))
        .Bind(5, token.rate_limit_ten_secondly)
        .Bind(6, token.rate_limit_daily)
        .Bind(7, token.created_at_ms);
    if (token.revoked_at_ms) {
      insert.Bind(8, *token.revoked_at_ms);
    } else {
      insert.BindNull(8);
    }
    Status st = insert.Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kConflict) {
        return TokenHashTaken();
      }
      return std::move(st).error();
    }
    return CreatedToken(token, conn.LastInsertRowid());
  });
}

Result<TokenRecord> SqliteTokenStore::FindTokenByHash(std::string_view token_hash) {
  return db_.Read(false, [&](Connection& conn) -> Result<TokenRecord> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select, conn.Prepare(kFindByHash.c_str()));
    select.Bind(1, token_hash);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return TokenNotFound();
    return ReadToken(select);
  });
}

Result<std::vector<TokenRecord>> SqliteTokenStore::ListTokens(std::optional<int64_t> account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<TokenRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare(account_id ? kListAccount.c_str() : kListAll.c_str()));
    if (account_id) select.Bind(1, *account_id);
    std::vector<TokenRecord> tokens;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      tokens.push_back(ReadToken(select));
    }
    return tokens;
  });
}

Status SqliteTokenStore::RevokeToken(int64_t token_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    // COALESCE keeps the first revocation time.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update,
        conn.Prepare(
            "UPDATE tokens SET revoked_at_ms = COALESCE(revoked_at_ms, ?1) WHERE id = ?2"));
    FLOWD_TRY(update.Bind(1, now_ms).Bind(2, token_id).Run());
    if (conn.Changes() == 0) {
      return TokenNotFound(token_id);
    }
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
