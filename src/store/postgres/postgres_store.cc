#include "store/postgres/postgres_store.h"

#include <string>

#include "store/postgres/database.h"
#include "store/postgres/list_store.h"
#include "store/postgres/migrations.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

namespace {

// Connections per process. Requests rarely hold one for more than a few milliseconds.
constexpr size_t kMaxConnections = 8;
// The advisory lock class id for migrations ("flwd"); the object id is a hash of the schema, so
// stores in different schemas of one database migrate independently.
constexpr int kMigrationLockClass = 0x666c7764;

class PostgresStore final : public Store {
 public:
  PostgresStore(std::unique_ptr<Database> db, std::string schema)
      : db_(std::move(db)),
        schema_(std::move(schema)),
        accounts_(*db_),
        tokens_(*db_),
        flows_(*db_),
        objects_(*db_),
        properties_(*db_),
        associations_(*db_),
        owners_(*db_),
        forms_(*db_),
        marketing_emails_(*db_),
        lists_(*db_),
        secrets_(*db_),
        apps_(*db_),
        engine_(*db_) {}

  Status Migrate() override;
  Result<int> SchemaVersion() override;

  AccountStore& accounts() override { return accounts_; }
  TokenStore& tokens() override { return tokens_; }
  FlowStore& flows() override { return flows_; }
  ObjectStore& objects() override { return objects_; }
  PropertyStore& properties() override { return properties_; }
  AssociationStore& associations() override { return associations_; }
  OwnerStore& owners() override { return owners_; }
  FormStore& forms() override { return forms_; }
  MarketingEmailStore& marketing_emails() override { return marketing_emails_; }
  ListStore& lists() override { return lists_; }
  SecretStore& secrets() override { return secrets_; }
  AppStore& apps() override { return apps_; }
  EngineStore& engine() override { return engine_; }
  void SetChangeListener(ChangeListener* listener) override { db_->SetChangeListener(listener); }

 private:
  std::unique_ptr<Database> db_;
  const std::string schema_;
  PgAccountStore accounts_;
  PgTokenStore tokens_;
  PgFlowStore flows_;
  PgObjectStore objects_;
  PgPropertyStore properties_;
  PgAssociationStore associations_;
  PgOwnerStore owners_;
  PgFormStore forms_;
  PgMarketingEmailStore marketing_emails_;
  PgListStore lists_;
  PgSecretStore secrets_;
  PgAppStore apps_;
  PgEngineStore engine_;
};

Result<int> ReadSchemaVersion(Connection& conn) {
  // to_regclass is NULL when the table (or the schema in the search_path) does not exist yet.
  FLOWD_ASSIGN_OR_RETURN(Rows exists,
                         conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (exists.empty() || !exists.Bool(0, 0)) return 0;
  FLOWD_ASSIGN_OR_RETURN(Rows max,
                         conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return max.empty() ? 0 : static_cast<int>(max.Int(0, 0));
}

Result<bool> IsApplied(Connection& conn, int version) {
  FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT 1 FROM schema_migrations WHERE version = $1",
                                               Params().Add(int64_t{version})));
  return !rows.empty();
}

Status PostgresStore::Migrate() {
  return db_->WithConnection([&](Connection& conn) -> Status {
    for (const Migration& m : Migrations()) {
      // Each migration with its bookkeeping row in one transaction, after taking the migration
      // lock: a second process waits here, then re-reads the version and skips what is done.
      FLOWD_TRY(conn.Exec("BEGIN"));
      FLOWD_TRY(conn.Query("SELECT pg_advisory_xact_lock($1, hashtext($2))",
                           Params().Add(int64_t{kMigrationLockClass}).Add(schema_)));
      if (!schema_.empty()) {
        // Validated to be a plain identifier by OpenPostgresStore.
        FLOWD_TRY(conn.Exec("CREATE SCHEMA IF NOT EXISTS \"" + schema_ + "\""));
      }
      FLOWD_TRY(
          conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)"));
      // Looked up, not compared with the highest version: see the SQLite backend.
      FLOWD_ASSIGN_OR_RETURN(bool applied_before, IsApplied(conn, m.version));
      if (applied_before) {
        FLOWD_TRY(conn.Exec("ROLLBACK"));
        continue;
      }
      Status applied = conn.Exec(m.sql);
      if (!applied.ok()) {
        Error err = std::move(applied).error();
        err.message = "migration " + std::to_string(m.version) + " failed: " + err.message;
        return err;  // the connection's lease rolls back
      }
      FLOWD_TRY(
          conn.Query("INSERT INTO schema_migrations (version, applied_at_ms) "
                     "VALUES ($1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)",
                     Params().Add(int64_t{m.version})));
      FLOWD_TRY(conn.Exec("COMMIT"));
    }
    return Status::Ok();
  });
}

Result<int> PostgresStore::SchemaVersion() {
  return db_->Read(false, [](Connection& conn) { return ReadSchemaVersion(conn); });
}

bool IsPlainIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view url) {
  // Take flowd's own `schema` parameter out of the query string; libpq rejects unknown ones.
  std::string conninfo(url);
  std::string schema;
  if (size_t q = conninfo.find('?'); q != std::string::npos) {
    std::string kept;
    std::string_view query = std::string_view(conninfo).substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view param = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (param.starts_with("schema=")) {
        schema = std::string(param.substr(7));
      } else if (!param.empty()) {
        kept += kept.empty() ? "" : "&";
        kept += param;
      }
    }
    conninfo.resize(q);
    if (!kept.empty()) conninfo += "?" + kept;
    if (!schema.empty() && !IsPlainIdentifier(schema)) {
      return Error::Invalid("schema '" + schema +
                            "' in the store URL must be lower-case letters, digits and _");
    }
  }
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                         Database::Open(conninfo, schema, kMaxConnections));
  return std::unique_ptr<Store>(new PostgresStore(std::move(db), std::move(schema)));
}

}  // namespace flowd::store::postgres
