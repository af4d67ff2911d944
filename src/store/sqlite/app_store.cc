#include <string>

#include "store/common/app_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

// Statements are cached by the address of their text (Connection::Prepare): every SQL text here
// is a literal.
#define FLOWD_DEFINITION_COLUMNS                                                          \
  "id, account_id, app_id, revision_id, requires_object, archived_at_ms, created_at_ms, " \
  "updated_at_ms, body_json"

ActionDefinitionRecord DefinitionFrom(const Stmt& s) {
  ActionDefinitionRecord d;
  d.id = s.Int(0);
  d.account_id = s.Int(1);
  d.app_id = s.Int(2);
  d.revision_id = s.Int(3);
  d.requires_object = s.Int(4) != 0;
  d.archived_at_ms = s.OptInt(5);
  d.created_at_ms = s.Int(6);
  d.updated_at_ms = s.Int(7);
  d.body_json = s.Text(8);
  return d;
}

Status RequireApp(Connection& conn, int64_t account_id, int64_t app_id) {
  FLOWD_ASSIGN_OR_RETURN(Stmt s,
                         conn.Prepare("SELECT 1 FROM apps WHERE account_id = ?1 AND app_id = ?2"));
  s.Bind(1, account_id).Bind(2, app_id);
  FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return AppNotFound(app_id);
  return Status::Ok();
}

Result<ActionDefinitionRecord> ReadDefinition(Connection& conn, int64_t account_id,
                                              std::optional<int64_t> app_id,
                                              int64_t definition_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt s, conn.Prepare("SELECT " FLOWD_DEFINITION_COLUMNS
                           " FROM app_action_definitions WHERE account_id = ?1 AND id = ?2 AND "
                           "(?3 IS NULL OR app_id = ?3)"));
  s.Bind(1, account_id).Bind(2, definition_id);
  if (app_id) {
    s.Bind(3, *app_id);
  } else {
    s.BindNull(3);
  }
  FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return DefinitionNotFound(definition_id);
  return DefinitionFrom(s);
}

Status InsertRevision(Connection& conn, int64_t definition_id, int64_t revision_id,
                      std::string_view body_json, int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt s, conn.Prepare("INSERT INTO app_action_revisions (definition_id, revision_id, "
                           "created_at_ms, body_json) VALUES (?1, ?2, ?3, ?4)"));
  return s.Bind(1, definition_id).Bind(2, revision_id).Bind(3, now_ms).Bind(4, body_json).Run();
}

}  // namespace

Result<AppRecord> SqliteAppStore::CreateApp(int64_t account_id, std::string_view name,
                                            std::string_view client_secret, int64_t now_ms) {
  FLOWD_TRY(ValidateAppName(name));
  FLOWD_TRY(ValidateAppSecret(client_secret));
  return db_.Write([&](Connection& conn) -> Result<AppRecord> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(Stmt count,
                           conn.Prepare("SELECT COUNT(*) FROM apps WHERE account_id = ?1"));
    count.Bind(1, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.Int(0) >= static_cast<int64_t>(kMaxAppsPerAccount)) return TooManyApps();
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn.Prepare("INSERT INTO apps (account_id, name, client_secret, created_at_ms) "
                     "VALUES (?1, ?2, ?3, ?4) RETURNING app_id"));
    insert.Bind(1, account_id).Bind(2, name).Bind(3, client_secret).Bind(4, now_ms);
    FLOWD_ASSIGN_OR_RETURN(bool inserted, insert.Step());
    if (!inserted) return Error::Internal("creating an app returned no row");
    return AppRecord{insert.Int(0), account_id, std::string(name), now_ms};
  });
}

Result<std::vector<AppRecord>> SqliteAppStore::ListApps(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AppRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT app_id, name, created_at_ms FROM apps "
                                                "WHERE account_id = ?1 ORDER BY app_id"));
    s.Bind(1, account_id);
    std::vector<AppRecord> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back({s.Int(0), account_id, s.Text(1), s.Int(2)});
    }
    return out;
  });
}

Result<AppRecord> SqliteAppStore::GetApp(int64_t account_id, int64_t app_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<AppRecord> {
    FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT name, created_at_ms FROM apps "
                                                "WHERE account_id = ?1 AND app_id = ?2"));
    s.Bind(1, account_id).Bind(2, app_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return AppNotFound(app_id);
    return AppRecord{app_id, account_id, s.Text(0), s.Int(1)};
  });
}

Result<std::optional<std::string>> SqliteAppStore::GetAppSecret(int64_t account_id,
                                                                int64_t app_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<std::string>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT client_secret FROM apps "
                                                "WHERE account_id = ?1 AND app_id = ?2"));
    s.Bind(1, account_id).Bind(2, app_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(s.Text(0));
  });
}

Status SqliteAppStore::DeleteApp(int64_t account_id, int64_t app_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt revisions,
        conn.Prepare("DELETE FROM app_action_revisions WHERE definition_id IN (SELECT id FROM "
                     "app_action_definitions WHERE account_id = ?1 AND app_id = ?2)"));
    FLOWD_TRY(revisions.Bind(1, account_id).Bind(2, app_id).Run());
    FLOWD_ASSIGN_OR_RETURN(
        Stmt definitions,
        conn.Prepare("DELETE FROM app_action_definitions WHERE account_id = ?1 AND app_id = ?2"));
    FLOWD_TRY(definitions.Bind(1, account_id).Bind(2, app_id).Run());
    FLOWD_ASSIGN_OR_RETURN(Stmt app,
                           conn.Prepare("DELETE FROM apps WHERE account_id = ?1 AND app_id = ?2"));
    FLOWD_TRY(app.Bind(1, account_id).Bind(2, app_id).Run());
    if (conn.Changes() == 0) return AppNotFound(app_id);
    return Status::Ok();
  });
}

Result<ActionDefinitionRecord> SqliteAppStore::CreateDefinition(int64_t account_id, int64_t app_id,
                                                                std::string_view body_json,
                                                                int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ActionDefinitionRecord> {
    FLOWD_TRY(RequireApp(conn, account_id, app_id));
    FLOWD_ASSIGN_OR_RETURN(Stmt count, conn.Prepare("SELECT COUNT(*) FROM app_action_definitions "
                                                    "WHERE account_id = ?1 AND app_id = ?2"));
    count.Bind(1, account_id).Bind(2, app_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && count.Int(0) >= static_cast<int64_t>(kMaxDefinitionsPerApp)) {
      return TooManyDefinitions();
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn.Prepare("INSERT INTO app_action_definitions (account_id, app_id, revision_id, "
                     "created_at_ms, updated_at_ms, body_json) VALUES (?1, ?2, 1, ?3, ?3, ?4) "
                     "RETURNING id"));
    insert.Bind(1, account_id).Bind(2, app_id).Bind(3, now_ms).Bind(4, body_json);
    FLOWD_ASSIGN_OR_RETURN(bool inserted, insert.Step());
    if (!inserted) return Error::Internal("creating an action definition returned no row");
    const int64_t id = insert.Int(0);
    FLOWD_TRY(insert.Run());  // finish the statement before the next one
    FLOWD_TRY(InsertRevision(conn, id, 1, body_json, now_ms));
    return ReadDefinition(conn, account_id, app_id, id);
  });
}

Result<ActionDefinitionRecord> SqliteAppStore::GetDefinition(int64_t account_id, int64_t app_id,
                                                             int64_t definition_id) {
  return db_.Read(false, [&](Connection& conn) {
    return ReadDefinition(conn, account_id, app_id, definition_id);
  });
}

Result<ActionDefinitionRecord> SqliteAppStore::FindDefinition(int64_t account_id,
                                                              int64_t definition_id) {
  return db_.Read(false, [&](Connection& conn) {
    return ReadDefinition(conn, account_id, std::nullopt, definition_id);
  });
}

Result<ActionDefinitionPage> SqliteAppStore::ListDefinitions(int64_t account_id, int64_t app_id,
                                                             bool archived,
                                                             std::optional<int64_t> after,
                                                             size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionDefinitionPage> {
    FLOWD_TRY(RequireApp(conn, account_id, app_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("SELECT " FLOWD_DEFINITION_COLUMNS
                             " FROM app_action_definitions WHERE account_id = ?1 AND app_id = ?2 "
                             "AND id > ?3 AND (archived_at_ms IS NOT NULL) = ?4 ORDER BY id "
                             "LIMIT ?5"));
    s.Bind(1, account_id)
        .Bind(2, app_id)
        .Bind(3, after.value_or(0))
        .Bind(4, int64_t{archived ? 1 : 0})
        .Bind(5, static_cast<int64_t>(limit + 1));
    ActionDefinitionPage page;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      page.definitions.push_back(DefinitionFrom(s));
    }
    if (page.definitions.size() > limit) {
      page.definitions.resize(limit);
      page.next_after = page.definitions.back().id;
    }
    return page;
  });
}

Result<ActionDefinitionRecord> SqliteAppStore::UpdateDefinition(int64_t account_id, int64_t app_id,
                                                                int64_t definition_id,
                                                                std::string_view body_json,
                                                                int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ActionDefinitionRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update,
        conn.Prepare("UPDATE app_action_definitions SET revision_id = revision_id + 1, "
                     "updated_at_ms = ?4, body_json = ?5 WHERE account_id = ?1 AND app_id = ?2 "
                     "AND id = ?3 AND archived_at_ms IS NULL RETURNING revision_id"));
    update.Bind(1, account_id)
        .Bind(2, app_id)
        .Bind(3, definition_id)
        .Bind(4, now_ms)
        .Bind(5, body_json);
    FLOWD_ASSIGN_OR_RETURN(bool row, update.Step());
    if (!row) return DefinitionNotFound(definition_id);
    const int64_t revision = update.Int(0);
    FLOWD_TRY(update.Run());
    FLOWD_TRY(InsertRevision(conn, definition_id, revision, body_json, now_ms));
    return ReadDefinition(conn, account_id, app_id, definition_id);
  });
}

Status SqliteAppStore::SetRequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id,
                                         bool requires_object) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("UPDATE app_action_definitions SET requires_object = ?4 WHERE "
                             "account_id = ?1 AND app_id = ?2 AND id = ?3 AND archived_at_ms IS "
                             "NULL"));
    FLOWD_TRY(s.Bind(1, account_id)
                  .Bind(2, app_id)
                  .Bind(3, definition_id)
                  .Bind(4, int64_t{requires_object ? 1 : 0})
                  .Run());
    if (conn.Changes() == 0) return DefinitionNotFound(definition_id);
    return Status::Ok();
  });
}

Status SqliteAppStore::ArchiveDefinition(int64_t account_id, int64_t app_id, int64_t definition_id,
                                         int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("UPDATE app_action_definitions SET archived_at_ms = ?4, "
                             "updated_at_ms = ?4 WHERE account_id = ?1 AND app_id = ?2 AND id = "
                             "?3 AND archived_at_ms IS NULL"));
    FLOWD_TRY(s.Bind(1, account_id).Bind(2, app_id).Bind(3, definition_id).Bind(4, now_ms).Run());
    if (conn.Changes() == 0) return DefinitionNotFound(definition_id);
    return Status::Ok();
  });
}

Result<ActionRevisionPage> SqliteAppStore::ListRevisions(int64_t account_id, int64_t app_id,
                                                         int64_t definition_id,
                                                         std::optional<int64_t> after,
                                                         size_t limit) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionRevisionPage> {
    FLOWD_TRY(ReadDefinition(conn, account_id, app_id, definition_id).status());
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("SELECT revision_id, created_at_ms, body_json FROM "
                             "app_action_revisions WHERE definition_id = ?1 AND revision_id > ?2 "
                             "ORDER BY revision_id LIMIT ?3"));
    s.Bind(1, definition_id).Bind(2, after.value_or(0)).Bind(3, static_cast<int64_t>(limit + 1));
    ActionRevisionPage page;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      page.revisions.push_back({definition_id, s.Int(0), s.Int(1), s.Text(2)});
    }
    if (page.revisions.size() > limit) {
      page.revisions.resize(limit);
      page.next_after = page.revisions.back().revision_id;
    }
    return page;
  });
}

Result<ActionRevisionRecord> SqliteAppStore::GetRevision(int64_t account_id, int64_t app_id,
                                                         int64_t definition_id,
                                                         int64_t revision_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<ActionRevisionRecord> {
    FLOWD_TRY(ReadDefinition(conn, account_id, app_id, definition_id).status());
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("SELECT created_at_ms, body_json FROM app_action_revisions WHERE "
                             "definition_id = ?1 AND revision_id = ?2"));
    s.Bind(1, definition_id).Bind(2, revision_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return ActionRevisionNotFound(definition_id, revision_id);
    return ActionRevisionRecord{definition_id, revision_id, s.Int(0), s.Text(1)};
  });
}

#undef FLOWD_DEFINITION_COLUMNS

}  // namespace flowd::store::sqlite
