#include <string>

#include "store/common/object_util.h"
#include "store/common/record_util.h"
#include "store/common/secret_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

Result<SecretInfo> SqliteSecretStore::SetSecret(int64_t account_id, std::string_view name,
                                                std::string_view value, int64_t now_ms) {
  FLOWD_TRY(ValidateSecretName(name));
  FLOWD_TRY(ValidateSecretValue(value));
  return db_.Write([&](Connection& conn) -> Result<SecretInfo> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt upsert,
        conn.Prepare("INSERT INTO secrets (account_id, name, value, created_at_ms, updated_at_ms) "
                     "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (account_id, name) DO UPDATE SET "
                     "value = excluded.value, updated_at_ms = excluded.updated_at_ms "
                     "RETURNING created_at_ms, updated_at_ms"));
    upsert.Bind(1, account_id).Bind(2, name).Bind(3, value).Bind(4, now_ms);
    FLOWD_ASSIGN_OR_RETURN(bool row, upsert.Step());
    if (!row) return Error::Internal("storing secret " + std::string(name) + " returned no row");
    SecretInfo info{std::string(name), upsert.Int(0), upsert.Int(1)};
    return info;
  });
}

Result<std::map<std::string, std::string>> SqliteSecretStore::GetSecrets(
    int64_t account_id, const std::vector<std::string>& names) {
  std::vector<std::string> valid = ValidSecretNames(names);
  std::map<std::string, std::string> out;
  if (valid.empty()) return out;
  const std::string json = JsonStringArray(valid);
  return db_.Read(false, [&](Connection& conn) -> Result<std::map<std::string, std::string>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT name, value FROM secrets WHERE account_id = ?1 "
                                        "AND name IN (SELECT value FROM json_each(?2))"));
    select.Bind(1, account_id).Bind(2, json);
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out[select.Text(0)] = select.Text(1);
    }
    return out;
  });
}

Result<std::vector<SecretInfo>> SqliteSecretStore::ListSecrets(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<SecretInfo>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT name, created_at_ms, updated_at_ms FROM secrets "
                                        "WHERE account_id = ?1 ORDER BY name"));
    select.Bind(1, account_id);
    std::vector<SecretInfo> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out.push_back({select.Text(0), select.Int(1), select.Int(2)});
    }
    return out;
  });
}

Status SqliteSecretStore::DeleteSecret(int64_t account_id, std::string_view name) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(Stmt del,
                           conn.Prepare("DELETE FROM secrets WHERE account_id = ?1 AND name = ?2"));
    FLOWD_TRY(del.Bind(1, account_id).Bind(2, name).Run());
    if (conn.Changes() == 0) return SecretNotFound(name);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
