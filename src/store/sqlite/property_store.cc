#include <string>

#include "store/common/property_codec.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared helpers

namespace {

// Columns 0..6 of every property read.
#define PROPERTY_COLUMNS                                                             \
  "object_type_id, name, group_name, created_at_ms, updated_at_ms, archived_at_ms, " \
  "definition_json"

Result<PropertyRecord> ReadProperty(const Stmt& row) {
  PropertyRecord p;
  p.object_type_id = row.Text(0);
  p.name = row.Text(1);
  p.group_name = row.Text(2);
  p.created_at_ms = row.Int(3);
  p.updated_at_ms = row.Int(4);
  p.archived_at_ms = row.OptInt(5);
  FLOWD_TRY(DecodePropertyDefinition(row.Text(6), p));
  return p;
}

Result<std::vector<PropertyRecord>> ReadProperties(Stmt& select) {
  std::vector<PropertyRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    FLOWD_ASSIGN_OR_RETURN(PropertyRecord p, ReadProperty(select));
    out.push_back(std::move(p));
  }
  return out;
}

#define GROUP_COLUMNS \
  "object_type_id, name, label, display_order, hubspot_defined, created_at_ms, updated_at_ms"

PropertyGroupRecord ReadGroup(const Stmt& row) {
  PropertyGroupRecord g;
  g.object_type_id = row.Text(0);
  g.name = row.Text(1);
  g.label = row.Text(2);
  g.display_order = row.Int(3);
  g.hubspot_defined = row.Int(4) != 0;
  g.created_at_ms = row.Int(5);
  g.updated_at_ms = row.Int(6);
  return g;
}

#define SCHEMA_COLUMNS "id, name, created_at_ms, updated_at_ms, archived_at_ms, definition_json"

Result<ObjectSchemaRecord> ReadSchema(const Stmt& row) {
  ObjectSchemaRecord s;
  s.id = row.Int(0);
  s.name = row.Text(1);
  s.created_at_ms = row.Int(2);
  s.updated_at_ms = row.Int(3);
  s.archived_at_ms = row.OptInt(4);
  FLOWD_TRY(DecodeSchemaDefinition(row.Text(5), s));
  return s;
}

#define ASSOCIATION_COLUMNS "id, inverse_id, from_type, to_type, name, created_at_ms, updated_at_ms"

SchemaAssociationRecord ReadAssociation(const Stmt& row) {
  return SchemaAssociationRecord{row.Int(0),  row.Int(1), row.Text(2), row.Text(3),
                                 row.Text(4), row.Int(5), row.Int(6)};
}

// Fills the association views of `schemas` (all of one account).
Status LoadAssociations(Connection& conn, int64_t account_id,
                        std::vector<ObjectSchemaRecord>& schemas) {
  if (schemas.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(Stmt select,
                         conn.Prepare("SELECT " ASSOCIATION_COLUMNS
                                      " FROM crm_schema_associations WHERE account_id = ?1 "
                                      "ORDER BY id"));
  select.Bind(1, account_id);
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    SchemaAssociationRecord a = ReadAssociation(select);
    for (auto& s : schemas) AddAssociationView(s, a);
  }
  return Status::Ok();
}

Status InsertProperty(Connection& conn, int64_t account_id, const PropertyRecord& p,
                      int64_t now_ms) {
  {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT archived_at_ms FROM crm_properties WHERE "
                                        "account_id = ?1 AND object_type_id = ?2 AND name = ?3"));
    select.Bind(1, account_id).Bind(2, p.object_type_id).Bind(3, p.name);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return PropertyTaken(p.object_type_id, p.name, !select.IsNull(0));
  }
  FLOWD_ASSIGN_OR_RETURN(Stmt insert,
                         conn.Prepare("INSERT INTO crm_properties (account_id, " PROPERTY_COLUMNS
                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)"));
  return insert.Bind(1, account_id)
      .Bind(2, p.object_type_id)
      .Bind(3, p.name)
      .Bind(4, p.group_name)
      .Bind(5, now_ms)
      .Bind(6, now_ms)
      .Bind(7, EncodePropertyDefinition(p))
      .Run();
}

Status InsertGroup(Connection& conn, int64_t account_id, const PropertyGroupRecord& g,
                   int64_t now_ms) {
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select, conn.Prepare("SELECT 1 FROM crm_property_groups WHERE account_id = ?1 AND "
                                  "object_type_id = ?2 AND name = ?3"));
    select.Bind(1, account_id).Bind(2, g.object_type_id).Bind(3, g.name);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return GroupTaken(g.object_type_id, g.name);
  }
  FLOWD_ASSIGN_OR_RETURN(
      Stmt insert, conn.Prepare("INSERT INTO crm_property_groups (account_id, "
                                "" GROUP_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  return insert.Bind(1, account_id)
      .Bind(2, g.object_type_id)
      .Bind(3, g.name)
      .Bind(4, g.label)
      .Bind(5, g.display_order)
      .Bind(6, int64_t{g.hubspot_defined ? 1 : 0})
      .Bind(7, now_ms)
      .Bind(8, now_ms)
      .Run();
}

// Inserts one definition; assigns id (odd) and inverse_id (id + 1) and moves the sequence past
// both.
Result<SchemaAssociationRecord> InsertAssociation(Connection& conn, int64_t account_id,
                                                  SchemaAssociationRecord a, int64_t now_ms) {
  {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn.Prepare("INSERT INTO crm_schema_associations (inverse_id, account_id, from_type, "
                     "to_type, name, created_at_ms, updated_at_ms) "
                     "VALUES (0, ?1, ?2, ?3, ?4, ?5, ?5)"));
    FLOWD_TRY(insert.Bind(1, account_id)
                  .Bind(2, a.from_object_type_id)
                  .Bind(3, a.to_object_type_id)
                  .Bind(4, a.name)
                  .Bind(5, now_ms)
                  .Run());
  }
  a.id = conn.LastInsertRowid();
  a.inverse_id = a.id + 1;
  a.created_at_ms = a.updated_at_ms = now_ms;
  {
    FLOWD_ASSIGN_OR_RETURN(Stmt update,
                           conn.Prepare("UPDATE crm_schema_associations SET inverse_id = ?1 "
                                        "WHERE id = ?2"));
    FLOWD_TRY(update.Bind(1, a.inverse_id).Bind(2, a.id).Run());
  }
  FLOWD_ASSIGN_OR_RETURN(Stmt bump,
                         conn.Prepare("UPDATE sqlite_sequence SET seq = ?1 "
                                      "WHERE name = 'crm_schema_associations' AND seq < ?1"));
  FLOWD_TRY(bump.Bind(1, a.inverse_id).Run());
  return a;
}

// The schema's row state: nullopt when the account has no such schema, else whether archived.
Result<std::optional<bool>> SchemaState(Connection& conn, int64_t account_id, int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select,
      conn.Prepare("SELECT archived_at_ms FROM crm_schemas WHERE id = ?1 AND account_id = ?2"));
  select.Bind(1, id).Bind(2, account_id);
  FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<bool>();
  return std::optional<bool>(!select.IsNull(0));
}

Status RequireLiveSchema(Connection& conn, int64_t account_id, int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(std::optional<bool> archived, SchemaState(conn, account_id, id));
  if (!archived || *archived) return SchemaNotFound(id);
  return Status::Ok();
}

Result<ObjectSchemaRecord> LoadSchema(Connection& conn, int64_t account_id, int64_t id) {
  std::vector<ObjectSchemaRecord> one;
  {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT " SCHEMA_COLUMNS
                                        " FROM crm_schemas WHERE id = ?1 AND account_id = ?2"));
    select.Bind(1, id).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return SchemaNotFound(id);
    FLOWD_ASSIGN_OR_RETURN(ObjectSchemaRecord s, ReadSchema(select));
    one.push_back(std::move(s));
  }
  FLOWD_TRY(LoadAssociations(conn, account_id, one));
  return std::move(one.front());
}

Status RunDelete(Connection& conn, const char* sql, int64_t account_id, const std::string& type) {
  FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare(sql));
  return del.Bind(1, account_id).Bind(2, type).Run();
}

}  // namespace

// ---------------------------------------------------------------- properties

Result<std::vector<PropertyRecord>> SqlitePropertyStore::CreateProperties(
    int64_t account_id, const std::vector<PropertyRecord>& properties, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<PropertyRecord>> {
    std::vector<PropertyRecord> out;
    for (const PropertyRecord& p : properties) {
      FLOWD_TRY(InsertProperty(conn, account_id, p, now_ms));
      PropertyRecord created = p;
      created.created_at_ms = created.updated_at_ms = now_ms;
      created.archived_at_ms.reset();
      out.push_back(std::move(created));
    }
    return out;
  });
}

Result<std::vector<PropertyRecord>> SqlitePropertyStore::ListProperties(
    int64_t account_id, const std::string& object_type_id, bool archived) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<PropertyRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " PROPERTY_COLUMNS " FROM crm_properties WHERE account_id = ?1 AND "
                     "object_type_id = ?2 AND (archived_at_ms IS NOT NULL) = ?3 "
                     "ORDER BY name"));
    select.Bind(1, account_id).Bind(2, object_type_id).Bind(3, int64_t{archived ? 1 : 0});
    return ReadProperties(select);
  });
}

Result<PropertyRecord> SqlitePropertyStore::GetProperty(int64_t account_id,
                                                        const std::string& object_type_id,
                                                        const std::string& name, bool archived) {
  return db_.Read(false, [&](Connection& conn) -> Result<PropertyRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " PROPERTY_COLUMNS " FROM crm_properties WHERE account_id = ?1 AND "
                     "object_type_id = ?2 AND name = ?3 AND "
                     "(archived_at_ms IS NOT NULL) = ?4"));
    select.Bind(1, account_id).Bind(2, object_type_id).Bind(3, name).Bind(4, int64_t{archived});
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return PropertyNotFound(object_type_id, name);
    return ReadProperty(select);
  });
}

Result<PropertyRecord> SqlitePropertyStore::UpdateProperty(int64_t account_id,
                                                           const PropertyRecord& property,
                                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyRecord> {
    PropertyRecord out = property;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select, conn.Prepare("SELECT created_at_ms FROM crm_properties WHERE "
                                    "account_id = ?1 AND object_type_id = ?2 AND name = ?3 AND "
                                    "archived_at_ms IS NULL"));
      select.Bind(1, account_id).Bind(2, property.object_type_id).Bind(3, property.name);
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) return PropertyNotFound(property.object_type_id, property.name);
      out.created_at_ms = select.Int(0);
    }
    out.updated_at_ms = now_ms;
    out.archived_at_ms.reset();
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update,
        conn.Prepare("UPDATE crm_properties SET group_name = ?1, updated_at_ms = ?2, "
                     "definition_json = ?3 WHERE account_id = ?4 AND object_type_id = ?5 AND "
                     "name = ?6"));
    FLOWD_TRY(update.Bind(1, out.group_name)
                  .Bind(2, now_ms)
                  .Bind(3, EncodePropertyDefinition(out))
                  .Bind(4, account_id)
                  .Bind(5, out.object_type_id)
                  .Bind(6, out.name)
                  .Run());
    return out;
  });
}

Result<std::vector<std::string>> SqlitePropertyStore::ArchiveProperties(
    int64_t account_id, const std::string& object_type_id, const std::vector<std::string>& names,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<std::string>> {
    std::vector<std::string> archived;
    for (const std::string& name : names) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update,
          conn.Prepare("UPDATE crm_properties SET archived_at_ms = ?1, updated_at_ms = ?1 "
                       "WHERE account_id = ?2 AND object_type_id = ?3 AND name = ?4 AND "
                       "archived_at_ms IS NULL"));
      FLOWD_TRY(
          update.Bind(1, now_ms).Bind(2, account_id).Bind(3, object_type_id).Bind(4, name).Run());
      if (conn.Changes() > 0) archived.push_back(name);
    }
    return archived;
  });
}

// ---------------------------------------------------------------- groups

Result<PropertyGroupRecord> SqlitePropertyStore::CreateGroup(int64_t account_id,
                                                             const PropertyGroupRecord& group,
                                                             int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyGroupRecord> {
    FLOWD_TRY(InsertGroup(conn, account_id, group, now_ms));
    PropertyGroupRecord out = group;
    out.created_at_ms = out.updated_at_ms = now_ms;
    return out;
  });
}

Result<std::vector<PropertyGroupRecord>> SqlitePropertyStore::ListGroups(
    int64_t account_id, const std::string& object_type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<PropertyGroupRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT " GROUP_COLUMNS " FROM crm_property_groups WHERE "
                                        "account_id = ?1 AND object_type_id = ?2 "
                                        "ORDER BY name"));
    select.Bind(1, account_id).Bind(2, object_type_id);
    std::vector<PropertyGroupRecord> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      out.push_back(ReadGroup(select));
    }
    return out;
  });
}

Result<PropertyGroupRecord> SqlitePropertyStore::GetGroup(int64_t account_id,
                                                          const std::string& object_type_id,
                                                          const std::string& name) {
  return db_.Read(false, [&](Connection& conn) -> Result<PropertyGroupRecord> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT " GROUP_COLUMNS " FROM crm_property_groups WHERE "
                                        "account_id = ?1 AND object_type_id = ?2 "
                                        "AND name = ?3"));
    select.Bind(1, account_id).Bind(2, object_type_id).Bind(3, name);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return GroupNotFound(object_type_id, name);
    return ReadGroup(select);
  });
}

Result<PropertyGroupRecord> SqlitePropertyStore::UpdateGroup(int64_t account_id,
                                                             const PropertyGroupRecord& group,
                                                             int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyGroupRecord> {
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update,
          conn.Prepare("UPDATE crm_property_groups SET label = ?1, display_order = ?2, "
                       "updated_at_ms = ?3 WHERE account_id = ?4 AND object_type_id = ?5 AND "
                       "name = ?6"));
      FLOWD_TRY(update.Bind(1, group.label)
                    .Bind(2, group.display_order)
                    .Bind(3, now_ms)
                    .Bind(4, account_id)
                    .Bind(5, group.object_type_id)
                    .Bind(6, group.name)
                    .Run());
      if (conn.Changes() == 0) return GroupNotFound(group.object_type_id, group.name);
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT " GROUP_COLUMNS " FROM crm_property_groups WHERE "
                                        "account_id = ?1 AND object_type_id = ?2 "
                                        "AND name = ?3"));
    select.Bind(1, account_id).Bind(2, group.object_type_id).Bind(3, group.name);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return GroupNotFound(group.object_type_id, group.name);
    return ReadGroup(select);
  });
}

Status SqlitePropertyStore::DeleteGroup(int64_t account_id, const std::string& object_type_id,
                                        const std::string& name) {
  return db_.Write([&](Connection& conn) -> Status {
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt select,
                             conn.Prepare("SELECT 1 FROM crm_properties WHERE account_id = ?1 AND "
                                          "object_type_id = ?2 AND group_name = ?3 AND "
                                          "archived_at_ms IS NULL LIMIT 1"));
      select.Bind(1, account_id).Bind(2, object_type_id).Bind(3, name);
      FLOWD_ASSIGN_OR_RETURN(bool used, select.Step());
      if (used) return GroupNotEmpty(object_type_id, name);
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM crm_property_groups WHERE "
                                                  "account_id = ?1 AND object_type_id = ?2 AND "
                                                  "name = ?3"));
    FLOWD_TRY(del.Bind(1, account_id).Bind(2, object_type_id).Bind(3, name).Run());
    if (conn.Changes() == 0) return GroupNotFound(object_type_id, name);
    return Status::Ok();
  });
}

// ---------------------------------------------------------------- schemas

Result<ObjectSchemaRecord> SqlitePropertyStore::CreateSchema(
    int64_t account_id, const ObjectSchemaRecord& schema,
    const std::vector<PropertyGroupRecord>& groups, const std::vector<PropertyRecord>& properties,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ObjectSchemaRecord> {
    const std::string key = SchemaNameKey(schema.name);
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select,
          conn.Prepare("SELECT 1 FROM crm_schemas WHERE account_id = ?1 AND name_key = ?2"));
      select.Bind(1, account_id).Bind(2, key);
      FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
      if (found) return SchemaNameTaken(schema.name);
    }
    ObjectSchemaRecord out = schema;
    out.associations.clear();
    out.created_at_ms = out.updated_at_ms = now_ms;
    out.archived_at_ms.reset();
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt insert,
          conn.Prepare("INSERT INTO crm_schemas (account_id, name, name_key, created_at_ms, "
                       "updated_at_ms, archived_at_ms, definition_json) "
                       "VALUES (?1, ?2, ?3, ?4, ?4, NULL, ?5)"));
      FLOWD_TRY(insert.Bind(1, account_id)
                    .Bind(2, schema.name)
                    .Bind(3, key)
                    .Bind(4, now_ms)
                    .Bind(5, EncodeSchemaDefinition(schema))
                    .Run());
    }
    out.id = conn.LastInsertRowid();
    const std::string type = out.object_type_id();
    for (PropertyGroupRecord g : groups) {
      g.object_type_id = type;
      FLOWD_TRY(InsertGroup(conn, account_id, g, now_ms));
    }
    for (PropertyRecord p : properties) {
      p.object_type_id = type;
      FLOWD_TRY(InsertProperty(conn, account_id, p, now_ms));
    }
    for (SchemaAssociationRecord a : schema.associations) {
      if (a.from_object_type_id.empty()) a.from_object_type_id = type;
      if (a.to_object_type_id.empty()) a.to_object_type_id = type;
      FLOWD_ASSIGN_OR_RETURN(SchemaAssociationRecord stored,
                             InsertAssociation(conn, account_id, std::move(a), now_ms));
      AddAssociationView(out, stored);
    }
    return out;
  });
}

Result<ObjectSchemaRecord> SqlitePropertyStore::GetSchema(int64_t account_id, int64_t schema_id) {
  return db_.Read(true, [&](Connection& conn) { return LoadSchema(conn, account_id, schema_id); });
}

Result<std::vector<ObjectSchemaRecord>> SqlitePropertyStore::ListSchemas(int64_t account_id,
                                                                         bool archived) {
  return db_.Read(true, [&](Connection& conn) -> Result<std::vector<ObjectSchemaRecord>> {
    std::vector<ObjectSchemaRecord> out;
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select,
          conn.Prepare("SELECT " SCHEMA_COLUMNS " FROM crm_schemas WHERE account_id = ?1 AND "
                       "(archived_at_ms IS NOT NULL) = ?2 ORDER BY id"));
      select.Bind(1, account_id).Bind(2, int64_t{archived ? 1 : 0});
      while (true) {
        FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) break;
        FLOWD_ASSIGN_OR_RETURN(ObjectSchemaRecord s, ReadSchema(select));
        out.push_back(std::move(s));
      }
    }
    FLOWD_TRY(LoadAssociations(conn, account_id, out));
    return out;
  });
}

Result<ObjectSchemaRecord> SqlitePropertyStore::UpdateSchema(int64_t account_id,
                                                             const ObjectSchemaRecord& schema,
                                                             int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ObjectSchemaRecord> {
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update,
          conn.Prepare("UPDATE crm_schemas SET definition_json = ?1, updated_at_ms = ?2 "
                       "WHERE id = ?3 AND account_id = ?4 AND archived_at_ms IS NULL"));
      FLOWD_TRY(update.Bind(1, EncodeSchemaDefinition(schema))
                    .Bind(2, now_ms)
                    .Bind(3, schema.id)
                    .Bind(4, account_id)
                    .Run());
      if (conn.Changes() == 0) return SchemaNotFound(schema.id);
    }
    return LoadSchema(conn, account_id, schema.id);
  });
}

Status SqlitePropertyStore::ArchiveSchema(int64_t account_id, int64_t schema_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select, conn.Prepare("SELECT 1 FROM crm_objects WHERE account_id = ?1 AND "
                                    "object_type_id = ?2 AND archived_at_ms IS NULL LIMIT 1"));
      select.Bind(1, account_id).Bind(2, "2-" + std::to_string(schema_id));
      FLOWD_ASSIGN_OR_RETURN(bool has_records, select.Step());
      if (has_records) return SchemaHasRecords(schema_id);
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update, conn.Prepare("UPDATE crm_schemas SET archived_at_ms = ?1, updated_at_ms = ?1 "
                                  "WHERE id = ?2 AND account_id = ?3"));
    return update.Bind(1, now_ms).Bind(2, schema_id).Bind(3, account_id).Run();
  });
}

Status SqlitePropertyStore::PurgeSchema(int64_t account_id, int64_t schema_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(std::optional<bool> archived, SchemaState(conn, account_id, schema_id));
    if (!archived || !*archived) return SchemaNotFound(schema_id);
    const std::string type = "2-" + std::to_string(schema_id);
    FLOWD_TRY(RunDelete(conn,
                        "DELETE FROM crm_properties WHERE account_id = ?1 AND object_type_id = ?2",
                        account_id, type));
    FLOWD_TRY(RunDelete(
        conn, "DELETE FROM crm_property_groups WHERE account_id = ?1 AND object_type_id = ?2",
        account_id, type));
    FLOWD_TRY(RunDelete(conn,
                        "DELETE FROM crm_schema_associations WHERE account_id = ?1 AND "
                        "(from_type = ?2 OR to_type = ?2)",
                        account_id, type));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn.Prepare("DELETE FROM crm_schemas WHERE id = ?1 AND account_id = ?2"));
    return del.Bind(1, schema_id).Bind(2, account_id).Run();
  });
}

Result<SchemaAssociationRecord> SqlitePropertyStore::AddSchemaAssociation(
    int64_t account_id, int64_t schema_id, const SchemaAssociationRecord& association,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<SchemaAssociationRecord> {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    SchemaAssociationRecord a = association;
    a.from_object_type_id = "2-" + std::to_string(schema_id);
    return InsertAssociation(conn, account_id, std::move(a), now_ms);
  });
}

Status SqlitePropertyStore::RemoveSchemaAssociation(int64_t account_id, int64_t schema_id,
                                                    int64_t association_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del,
        conn.Prepare("DELETE FROM crm_schema_associations WHERE account_id = ?1 AND "
                     "(id = ?2 OR inverse_id = ?2) AND (from_type = ?3 OR to_type = ?3)"));
    FLOWD_TRY(del.Bind(1, account_id)
                  .Bind(2, association_id)
                  .Bind(3, "2-" + std::to_string(schema_id))
                  .Run());
    if (conn.Changes() == 0) return SchemaAssociationNotFound(schema_id, association_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
