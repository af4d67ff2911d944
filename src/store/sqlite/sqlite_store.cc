#include "store/sqlite/sqlite_store.h"

#include <string>

#include "store/sqlite/database.h"
#include "store/sqlite/list_store.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

namespace {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)),
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
  SqliteAccountStore accounts_;
  SqliteTokenStore tokens_;
  SqliteFlowStore flows_;
  SqliteObjectStore objects_;
  SqlitePropertyStore properties_;
  SqliteAssociationStore associations_;
  SqliteOwnerStore owners_;
  SqliteFormStore forms_;
  SqliteMarketingEmailStore marketing_emails_;
  SqliteListStore lists_;
  SqliteSecretStore secrets_;
  SqliteAppStore apps_;
  SqliteEngineStore engine_;
};

Result<int> ReadSchemaVersion(Connection& conn) {
  FLOWD_ASSIGN_OR_RETURN(Stmt exists, conn.Prepare("SELECT 1 FROM sqlite_master WHERE type = "
                                                   "'table' AND name = 'schema_migrations'"));
  FLOWD_ASSIGN_OR_RETURN(bool has_table, exists.Step());
  if (!has_table) return 0;
  FLOWD_ASSIGN_OR_RETURN(Stmt max,
                         conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  FLOWD_ASSIGN_OR_RETURN(bool row, max.Step());
  return row ? static_cast<int>(max.Int(0)) : 0;
}

Result<bool> IsApplied(Connection& conn, int version) {
  FLOWD_ASSIGN_OR_RETURN(Stmt applied,
                         conn.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?1"));
  applied.Bind(1, int64_t{version});
  return applied.Step();
}

Status SqliteStore::Migrate() {
  return db_->WithWriter([](Connection& conn) -> Status {
    FLOWD_TRY(
        conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                  "version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)"));
    for (const Migration& m : Migrations()) {
      // Each migration with its bookkeeping row in one transaction; whether it is applied is
      // read inside it, so two processes migrating at once apply each migration exactly once.
      // A version is looked up, not compared with the highest applied one: a lower version
      // merged after a higher one shipped (numbers reserved across branches) is still applied.
      FLOWD_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(conn, /*immediate=*/true));
      FLOWD_ASSIGN_OR_RETURN(bool applied_before, IsApplied(conn, m.version));
      if (applied_before) continue;  // rolls back the empty transaction
      Status applied = conn.Exec(m.sql);
      if (!applied.ok()) {
        Error err = std::move(applied).error();
        err.message = "migration " + std::to_string(m.version) + " failed: " + err.message;
        return err;
      }
      FLOWD_ASSIGN_OR_RETURN(
          Stmt record,
          conn.Prepare("INSERT INTO schema_migrations (version, applied_at_ms) VALUES "
                       "(?1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))"));
      FLOWD_TRY(record.Bind(1, int64_t{m.version}).Run());
      FLOWD_TRY(txn.Commit());
    }
    return Status::Ok();
  });
}

Result<int> SqliteStore::SchemaVersion() {
  return db_->WithWriter([](Connection& conn) { return ReadSchemaVersion(conn); });
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  return std::unique_ptr<Store>(new SqliteStore(std::move(db)));
}

}  // namespace flowd::store::sqlite
