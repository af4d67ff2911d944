#include <string>

#include "store/common/app_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

constexpr const char* kDefinitionColumns =
    "id, account_id, app_id, revision_id, requires_object, archived_at_ms, created_at_ms, "
    "updated_at_ms, body_json";

ActionDefinitionRecord DefinitionFrom(const Rows& rows, int i) {
  ActionDefinitionRecord d;
  d.id = rows.Int(i, 0);
  d.account_id = rows.Int(i, 1);
  d.app_id = rows.Int(i, 2);
  d.revision_id = rows.Int(i, 3);
  d.requires_object = rows.Bool(i, 4);
  d.archived_at_ms = rows.OptInt(i, 5);
  d.created_at_ms = rows.Int(i, 6);
  d.updated_at_ms = rows.Int(i, 7);
  d.body_json = rows.Text(i, 8);
  return d;
}

Status RequireApp(Connection& conn, int64_t account_id, int64_t app_id) {
  FLOWD_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT 1 FROM apps WHERE account_id = $1 AND app_id = $2",
                                    Params().Add(account_id).Add(app_id)));
  if (rows.empty()) return AppNotFound(app_id);
  return Status::Ok();
}

Result<ActionDefinitionRecord> ReadDefinition(Connection& conn, int64_t account_id,
                                              std::optional<int64_t> app_id, int64_t definition_id,
                                              bool for_update = false) {
  std::string sql = std::string("SELECT ") + kDefinitionColumns +
                    " FROM app_action_definitions WHERE account_id = $1 AND id = $2 AND "
                    "($3::bigint IS NULL OR app_id = $3::bigint)";
  if (for_update) sql += " FOR UPDATE";
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(sql, Params().Add(account_id).Add(definition_id).AddOpt(app_id)));
  if (rows.empty()) return DefinitionNotFound(definition_id);
  return DefinitionFrom(rows, 0);
}

Status InsertRevision(Connection& conn, int64_t definition_id, int64_t revision_id,
                      std::string_view body_json, int64_t now_ms) {
  return conn
      .Query(
          "INSERT INTO app_action_revisions (definition_id, revision_id, created_at_ms, "
          "body_json) VALUES ($1, $2, $3, $4)",
          Params().Add(definition_id).Add(revision_id).Add(now_ms).Add(body_json))
      .status();
}

}  // namespace

Result<AppRecord> PgAppStore::CreateApp(int64_t account_id, std::string_view name,
                                        std::string_view client_secret, int64_t now_ms) {
  FLOWD_TRY(ValidateAppName(name));
  FLOWD_TRY(ValidateAppSecret(client_secret));
  return db_.Write([&](Connection& conn) -> Result<AppRecord> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    // Serialises the count check against concurrent creates in the account.
    FLOWD_TRY(conn.Query("SELECT pg_advisory_xact_lock(hashtext('flowd.apps'), $1::int)",
                         Params().Add(account_id % 2147483647))
                  .status());
    FLOWD_ASSIGN_OR_RETURN(Rows count, conn.Query("SELECT COUNT(*) FROM apps WHERE account_id = $1",
                                                  Params().Add(account_id)));
    if (count.Int(0, 0) >= static_cast<int64_t>(kMaxAppsPerAccount)) return TooManyApps();
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("INSERT INTO apps (account_id, name, client_secret, created_at_ms) "
                              "VALUES ($1, $2, $3, $4) RETURNING app_id",
                              Params().Add(account_id).Add(name).Add(client_secret).Add(now_ms)));
    if (rows.empty()) return Error::Internal("creating an app returned no row");
    return AppRecord{rows.Int(0, 0), account_id, std::string(name), now_ms};
  });
}

Result<std::vector<AppRecord>> PgAppStore::ListApps(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AppRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT app_id, name, created_at_ms FROM apps WHERE "
                                      "account_id = $1 ORDER BY app_id",
                                      Params().Add(account_id)));
    std::vector<AppRecord> out;
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back({rows.Int(i, 0), account_id, rows.Text(i, 1), rows.Int(i, 2)});
    }
    return out;
  });
}

Result<AppRecord> PgAppStore::GetApp(int64_t account_id, int64_t app_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<AppRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT name, created_at_ms FROM apps WHERE account_id = "
                                      "$1 AND app_id = $2",
                                      Params().Add(account_id).Add(app_id)));
    if (rows.empty()) return AppNotFound(app_id);
    return AppRecord{app_id, account_id, rows.Text(0, 0), rows.Int(0, 1)};
  });
}

Result<std::optional<std::string>> PgAppStore::GetAppSecret(int64_t account_id, int64_t app_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<std::string>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT client_secret FROM apps WHERE account_id = $1 AND "
                                      "app_id = $2",
                                      Params().Add(account_id).Add(app_id)));
    if (rows.empty()) return std::optional<std::string>();
    return std::optional<std::string>(rows.Text(0, 0));
  });
}

Status PgAppStore::DeleteApp(int64_t account_id, int64_t app_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(conn.Query("DELETE FROM app_action_revisions WHERE definition_id IN (SELECT id "
                         "FROM app_action_definitions WHERE account_id = $1 AND app_id = $2)",
                         Params().Add(account_id).Add(app_id))
                  .status());
    FLOWD_TRY(conn.Query("DELETE FROM app_action_definitions WHERE account_id = $1 AND app_id = $2",
                         Params().Add(account_id).Add(app_id))
                  .status());
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("DELETE FROM apps WHERE account_id = $1 AND app_id = $2",
                                      Params().Add(account_id).Add(app_id)));
    if (rows.affected() == 0) return AppNotFound(app_id);
    return Status::Ok();
  });
}

Result<ActionDefinitionRecord> PgAppStore::CreateDefinition(int64_t account_id, int64_t app_id,
                                                            std::string_view body_json,
                                                            int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ActionDefinitionRecord> {
    // Locks the app row: concurrent creates in one app count one after the other.
    FLOWD_ASSIGN_OR_RETURN(Rows app,
                           conn.Query("SELECT 1 FROM apps WHERE account_id = $1 AND app_id = $2 "
                                      "FOR UPDATE",
                                      Params().Add(account_id).Add(app_id)));
    if (app.empty()) return AppNotFound(app_id);
    FLOWD_ASSIGN_OR_RETURN(Rows count,
                           conn.Query("SELECT COUNT(*) FROM app_action_definitions WHERE "
                                      "account_id = $1 AND app_id = $2",
                                      Params().Add(account_id).Add(app_id)));
    if (count.Int(0, 0) >= static_cast<int64_t>(kMaxDefinitionsPerApp)) {
      return TooManyDefinitions();
    }
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("INSERT INTO app_action_definitions (account_id, app_id, revision_id, "
                   "created_at_ms, updated_at_ms, body_json) VALUES ($1, $2, 1, $3, $3, $4) "
                   "RETURNING id",
                   Params().Add(account_id).Add(app_id).Add(now_ms).Add(body_json)));
    if (rows.empty()) return Error::Internal("creating an action definition returned no row");
    const int64_t id = rows.Int(0, 0);
    FLOWD_TRY(InsertRevision(conn, id, 1, body_json, now_ms));
    return ReadDefinition(conn, account_id, app_id, id);
  });
}

Result<ActionDefinitionRecord> PgAppStore::GetDefinition(int64_t account_id, int64_t app_id,
                                                         int64_t definition_id) {
  return db_.Read(false, [&](Connection& conn) {
    return ReadDefinition(conn, account_id, app_id, definition_id);
  });
}

Result<ActionDefinitionRecord> PgAppStore::FindDefinition(int64_t account_id,
                                                          int64_t definition_id) {
  return db_.Read(false, [&](Connection& conn) {
    return ReadDefinition(conn, account_id, std::nullopt, definition_id);
  });
}

Result<ActionDefinitionPage> PgAppStore::ListDefinitions(int64_t account_id, int64_t app_id,
                                                         bool archived,
                                                         std::optional<int64_t> after,
                                                         size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionDefinitionPage> {
    FLOWD_TRY(RequireApp(conn, account_id, app_id));
    std::string sql = std::string("SELECT ") + kDefinitionColumns +
                      " FROM app_action_definitions WHERE account_id = $1 AND app_id = $2 AND id "
                      "> $3 AND (archived_at_ms IS NOT NULL) = $4 ORDER BY id LIMIT $5";
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, Params()
                                                          .Add(account_id)
                                                          .Add(app_id)
                                                          .Add(after.value_or(0))
                                                          .Add(archived)
                                                          .Add(static_cast<int64_t>(limit + 1))));
    ActionDefinitionPage page;
    for (int i = 0; i < rows.size(); ++i) page.definitions.push_back(DefinitionFrom(rows, i));
    if (page.definitions.size() > limit) {
      page.definitions.resize(limit);
      page.next_after = page.definitions.back().id;
    }
    return page;
  });
}

Result<ActionDefinitionRecord> PgAppStore::UpdateDefinition(int64_t account_id, int64_t app_id,
                                                            int64_t definition_id,
                                                            std::string_view body_json,
                                                            int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ActionDefinitionRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "UPDATE app_action_definitions SET revision_id = revision_id + 1, "
            "updated_at_ms = $4, body_json = $5 WHERE account_id = $1 AND app_id = $2 AND "
            "id = $3 AND archived_at_ms IS NULL RETURNING revision_id",
            Params().Add(account_id).Add(app_id).Add(definition_id).Add(now_ms).Add(body_json)));
    if (rows.empty()) return DefinitionNotFound(definition_id);
    FLOWD_TRY(InsertRevision(conn, definition_id, rows.Int(0, 0), body_json, now_ms));
    return ReadDefinition(conn, account_id, app_id, definition_id);
  });
}

Status PgAppStore::SetRequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id,
                                     bool requires_object) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("UPDATE app_action_definitions SET requires_object = $4 WHERE account_id = $1 "
                   "AND app_id = $2 AND id = $3 AND archived_at_ms IS NULL",
                   Params().Add(account_id).Add(app_id).Add(definition_id).Add(requires_object)));
    if (rows.affected() == 0) return DefinitionNotFound(definition_id);
    return Status::Ok();
  });
}

Status PgAppStore::ArchiveDefinition(int64_t account_id, int64_t app_id, int64_t definition_id,
                                     int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("UPDATE app_action_definitions SET archived_at_ms = $4, updated_at_ms = $4 "
                   "WHERE account_id = $1 AND app_id = $2 AND id = $3 AND archived_at_ms IS NULL",
                   Params().Add(account_id).Add(app_id).Add(definition_id).Add(now_ms)));
    if (rows.affected() == 0) return DefinitionNotFound(definition_id);
    return Status::Ok();
  });
}

Result<ActionRevisionPage> PgAppStore::ListRevisions(int64_t account_id, int64_t app_id,
                                                     int64_t definition_id,
                                                     std::optional<int64_t> after, size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionRevisionPage> {
    FLOWD_TRY(ReadDefinition(conn, account_id, app_id, definition_id).status());
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT revision_id, created_at_ms, body_json FROM app_action_revisions WHERE "
                   "definition_id = $1 AND revision_id > $2 ORDER BY revision_id LIMIT $3",
                   Params()
                       .Add(definition_id)
                       .Add(after.value_or(0))
                       .Add(static_cast<int64_t>(limit + 1))));
    ActionRevisionPage page;
    for (int i = 0; i < rows.size(); ++i) {
      page.revisions.push_back({definition_id, rows.Int(i, 0), rows.Int(i, 1), rows.Text(i, 2)});
    }
    if (page.revisions.size() > limit) {
      page.revisions.resize(limit);
      page.next_after = page.revisions.back().revision_id;
    }
    return page;
  });
}

Result<ActionRevisionRecord> PgAppStore::GetRevision(int64_t account_id, int64_t app_id,
                                                     int64_t definition_id, int64_t revision_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionRevisionRecord> {
    FLOWD_TRY(ReadDefinition(conn, account_id, app_id, definition_id).status());
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT created_at_ms, body_json FROM app_action_revisions "
                                      "WHERE definition_id = $1 AND revision_id = $2",
                                      Params().Add(definition_id).Add(revision_id)));
    if (rows.empty()) return ActionRevisionNotFound(definition_id, revision_id);
    return ActionRevisionRecord{definition_id, revision_id, rows.Int(0, 0), rows.Text(0, 1)};
  });
}

}  // namespace flowd::store::postgres
