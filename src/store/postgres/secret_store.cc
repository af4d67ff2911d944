#include <string>

#include "store/common/record_util.h"
#include "store/common/secret_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

// A text[] literal of names that passed ValidSecretNames (letters, digits, '_'), so no element
// needs escaping; each is quoted anyway. Sent as a parameter, never spliced into SQL.
std::string TextArrayLiteral(const std::vector<std::string>& names) {
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + names[i] + '"';
  }
  return out + "}";
}

}  // namespace

Result<SecretInfo> PgSecretStore::SetSecret(int64_t account_id, std::string_view name,
                                            std::string_view value, int64_t now_ms) {
  FLOWD_TRY(ValidateSecretName(name));
  FLOWD_TRY(ValidateSecretValue(value));
  return db_.Write([&](Connection& conn) -> Result<SecretInfo> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("INSERT INTO secrets (account_id, name, value, created_at_ms, updated_at_ms) "
                   "VALUES ($1, $2, $3, $4, $4) ON CONFLICT (account_id, name) DO UPDATE SET "
                   "value = EXCLUDED.value, updated_at_ms = EXCLUDED.updated_at_ms "
                   "RETURNING created_at_ms, updated_at_ms",
                   Params().Add(account_id).Add(name).Add(value).Add(now_ms)));
    if (rows.empty())
      return Error::Internal("storing secret " + std::string(name) + " returned no row");
    SecretInfo info{std::string(name), rows.Int(0, 0), rows.Int(0, 1)};
    return info;
  });
}

Result<std::map<std::string, std::string>> PgSecretStore::GetSecrets(
    int64_t account_id, const std::vector<std::string>& names) {
  std::vector<std::string> valid = ValidSecretNames(names);
  std::map<std::string, std::string> out;
  if (valid.empty()) return out;
  return db_.Read(false, [&](Connection& conn) -> Result<std::map<std::string, std::string>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT name, value FROM secrets WHERE account_id = $1 "
                                      "AND name = ANY($2::text[])",
                                      Params().Add(account_id).Add(TextArrayLiteral(valid))));
    for (int i = 0; i < rows.size(); ++i) out[rows.Text(i, 0)] = rows.Text(i, 1);
    return out;
  });
}

Result<std::vector<SecretInfo>> PgSecretStore::ListSecrets(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<SecretInfo>> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT name, created_at_ms, updated_at_ms FROM secrets "
                                      "WHERE account_id = $1 ORDER BY name COLLATE \"C\"",
                                      Params().Add(account_id)));
    std::vector<SecretInfo> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back({rows.Text(i, 0), rows.Int(i, 1), rows.Int(i, 2)});
    }
    return out;
  });
}

Status PgSecretStore::DeleteSecret(int64_t account_id, std::string_view name) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("DELETE FROM secrets WHERE account_id = $1 AND name = $2",
                                      Params().Add(account_id).Add(name)));
    if (rows.affected() == 0) return SecretNotFound(name);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
