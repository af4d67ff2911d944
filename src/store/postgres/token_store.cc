#include <string>

#include "store/common/record_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define TOKEN_COLUMNS                                                                     \
  "id, account_id, name, token_hash, scopes, rate_limit_ten_secondly, rate_limit_daily, " \
  "created_at_ms, revoked_at_ms"

TokenRecord ReadToken(const Rows& rows, int i) {
  TokenRecord t;
  t.id = rows.Int(i, 0);
  t.account_id = rows.Int(i, 1);
  t.name = rows.Text(i, 2);
  t.token_hash = rows.Text(i, 3);
  t.scopes = SplitScopes(rows.Text(i, 4));
  t.rate_limit_ten_secondly = rows.Int(i, 5);
  t.rate_limit_daily = rows.Int(i, 6);
  t.created_at_ms = rows.Int(i, 7);
  t.revoked_at_ms = rows.OptInt(i, 8);
  return t;
}

}  // namespace

Result<TokenRecord> PgTokenStore::CreateToken(const TokenRecord& token) {
  return db_.Write([&](Connection& conn) -> Result<TokenRecord> {
    FLOWD_TRY(RequireAccount(conn, token.account_id));
    auto inserted = conn.Query(
        "INSERT INTO tokens (account_id, name, token_hash, scopes, rate_limit_ten_secondly, "
        "rate_limit_daily, created_at_ms, revoked_at_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        Params()
            .Add(token.account_id)
            .Add(token.name)
            .Add(token.token_hash)
            .Add(JoinScopes(token.scopes))
            .Add(token.rate_limit_ten_secondly)
            .Add(token.rate_limit_daily)
            .Add(token.created_at_ms)
            .AddOpt(token.revoked_at_ms));
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kConflict) {
        return TokenHashTaken();
      }
      return std::move(inserted).error();
    }
    return CreatedToken(token, inserted->Int(0, 0));
  });
}

Result<TokenRecord> PgTokenStore::FindTokenByHash(std::string_view token_hash) {
  return db_.Read(false, [&](Connection& conn) -> Result<TokenRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " TOKEN_COLUMNS " FROM tokens WHERE token_hash = $1",
                                      Params().Add(token_hash)));
    if (rows.empty()) return TokenNotFound();
    return ReadToken(rows, 0);
  });
}

Result<std::vector<TokenRecord>> PgTokenStore::ListTokens(std::optional<int64_t> account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<TokenRecord>> {
    auto rows = account_id ? conn.Query("SELECT " TOKEN_COLUMNS
                                        " FROM tokens WHERE account_id = $1 ORDER BY id",
                                        Params().Add(*account_id))
                           : conn.Query("SELECT " TOKEN_COLUMNS " FROM tokens ORDER BY id");
    if (!rows.ok()) return std::move(rows).error();
    std::vector<TokenRecord> tokens;
    for (int i = 0; i < rows->size(); ++i) tokens.push_back(ReadToken(*rows, i));
    return tokens;
  });
}

Status PgTokenStore::RevokeToken(int64_t token_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    // COALESCE keeps the first revocation time.
    FLOWD_ASSIGN_OR_RETURN(
        Rows updated,
        conn.Query("UPDATE tokens SET revoked_at_ms = COALESCE(revoked_at_ms, $1) WHERE id = $2",
                   Params().Add(now_ms).Add(token_id)));
    if (updated.affected() == 0) {
      return TokenNotFound(token_id);
    }
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
