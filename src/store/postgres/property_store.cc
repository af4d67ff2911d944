#include <string>

#include "store/common/property_codec.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared helpers

namespace {

// Columns 0..6 of every property read.
#define PROPERTY_COLUMNS                                                             \
  "object_type_id, name, group_name, created_at_ms, updated_at_ms, archived_at_ms, " \
  "definition_json"

Result<PropertyRecord> ReadProperty(const Rows& rows, int i) {
  PropertyRecord p;
  p.object_type_id = rows.Text(i, 0);
  p.name = rows.Text(i, 1);
  p.group_name = rows.Text(i, 2);
  p.created_at_ms = rows.Int(i, 3);
  p.updated_at_ms = rows.Int(i, 4);
  p.archived_at_ms = rows.OptInt(i, 5);
  FLOWD_TRY(DecodePropertyDefinition(rows.Text(i, 6), p));
  return p;
}

Result<std::vector<PropertyRecord>> ReadProperties(const Rows& rows) {
  std::vector<PropertyRecord> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    FLOWD_ASSIGN_OR_RETURN(PropertyRecord p, ReadProperty(rows, i));
    out.push_back(std::move(p));
  }
  return out;
}

#define GROUP_COLUMNS \
  "object_type_id, name, label, display_order, hubspot_defined, created_at_ms, updated_at_ms"

PropertyGroupRecord ReadGroup(const Rows& rows, int i) {
  PropertyGroupRecord g;
  g.object_type_id = rows.Text(i, 0);
  g.name = rows.Text(i, 1);
  g.label = rows.Text(i, 2);
  g.display_order = rows.Int(i, 3);
  g.hubspot_defined = rows.Bool(i, 4);
  g.created_at_ms = rows.Int(i, 5);
  g.updated_at_ms = rows.Int(i, 6);
  return g;
}

#define SCHEMA_COLUMNS "id, name, created_at_ms, updated_at_ms, archived_at_ms, definition_json"

Result<ObjectSchemaRecord> ReadSchema(const Rows& rows, int i) {
  ObjectSchemaRecord s;
  s.id = rows.Int(i, 0);
  s.name = rows.Text(i, 1);
  s.created_at_ms = rows.Int(i, 2);
  s.updated_at_ms = rows.Int(i, 3);
  s.archived_at_ms = rows.OptInt(i, 4);
  FLOWD_TRY(DecodeSchemaDefinition(rows.Text(i, 5), s));
  return s;
}

#define ASSOCIATION_COLUMNS "id, inverse_id, from_type, to_type, name, created_at_ms, updated_at_ms"

SchemaAssociationRecord ReadAssociation(const Rows& rows, int i) {
  return SchemaAssociationRecord{rows.Int(i, 0),  rows.Int(i, 1), rows.Text(i, 2), rows.Text(i, 3),
                                 rows.Text(i, 4), rows.Int(i, 5), rows.Int(i, 6)};
}

Status LoadAssociations(Connection& conn, int64_t account_id,
                        std::vector<ObjectSchemaRecord>& schemas) {
  if (schemas.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT " ASSOCIATION_COLUMNS " FROM crm_schema_associations WHERE "
                            "account_id = $1 ORDER BY id",
                            Params().Add(account_id)));
  for (int i = 0; i < rows.size(); ++i) {
    SchemaAssociationRecord a = ReadAssociation(rows, i);
    for (auto& s : schemas) AddAssociationView(s, a);
  }
  return Status::Ok();
}

// The unique key decides under concurrency: a clash inserts nothing (without aborting the
// transaction) and is reported with the state of the row that holds the name.
Status InsertProperty(Connection& conn, int64_t account_id, const PropertyRecord& p,
                      int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO crm_properties (account_id, " PROPERTY_COLUMNS
                 ") VALUES ($1, $2, $3, $4, $5, $5, NULL, $6) ON CONFLICT DO NOTHING RETURNING 1",
                 Params()
                     .Add(account_id)
                     .Add(p.object_type_id)
                     .Add(p.name)
                     .Add(p.group_name)
                     .Add(now_ms)
                     .Add(EncodePropertyDefinition(p))));
  if (!inserted.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      Rows held, conn.Query("SELECT archived_at_ms FROM crm_properties WHERE account_id = $1 AND "
                            "object_type_id = $2 AND name = $3",
                            Params().Add(account_id).Add(p.object_type_id).Add(p.name)));
  return PropertyTaken(p.object_type_id, p.name, !held.empty() && !held.IsNull(0, 0));
}

Status InsertGroup(Connection& conn, int64_t account_id, const PropertyGroupRecord& g,
                   int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO crm_property_groups (account_id, " GROUP_COLUMNS
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING RETURNING 1",
                 Params()
                     .Add(account_id)
                     .Add(g.object_type_id)
                     .Add(g.name)
                     .Add(g.label)
                     .Add(g.display_order)
                     .Add(g.hubspot_defined)
                     .Add(now_ms)));
  if (inserted.empty()) return GroupTaken(g.object_type_id, g.name);
  return Status::Ok();
}

// Assigns id (odd, from the identity that steps by two) and inverse_id = id + 1.
Result<SchemaAssociationRecord> InsertAssociation(Connection& conn, int64_t account_id,
                                                  SchemaAssociationRecord a, int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows inserted,
      conn.Query("INSERT INTO crm_schema_associations (inverse_id, account_id, from_type, "
                 "to_type, name, created_at_ms, updated_at_ms) "
                 "VALUES (0, $1, $2, $3, $4, $5, $5) RETURNING id",
                 Params()
                     .Add(account_id)
                     .Add(a.from_object_type_id)
                     .Add(a.to_object_type_id)
                     .Add(a.name)
                     .Add(now_ms)));
  a.id = inserted.Int(0, 0);
  a.inverse_id = a.id + 1;
  a.created_at_ms = a.updated_at_ms = now_ms;
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored, conn.Query("UPDATE crm_schema_associations SET inverse_id = $1 WHERE id = $2",
                               Params().Add(a.inverse_id).Add(a.id)));
  return a;
}

// nullopt when the account has no such schema, else whether it is archived. FOR UPDATE: the
// callers change the schema or its dependents depending on that state.
Result<std::optional<bool>> SchemaState(Connection& conn, int64_t account_id, int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT archived_at_ms FROM crm_schemas WHERE "
                                               "id = $1 AND account_id = $2 FOR UPDATE",
                                               Params().Add(id).Add(account_id)));
  if (rows.empty()) return std::optional<bool>();
  return std::optional<bool>(!rows.IsNull(0, 0));
}

Status RequireLiveSchema(Connection& conn, int64_t account_id, int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(std::optional<bool> archived, SchemaState(conn, account_id, id));
  if (!archived || *archived) return SchemaNotFound(id);
  return Status::Ok();
}

Result<ObjectSchemaRecord> LoadSchema(Connection& conn, int64_t account_id, int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT " SCHEMA_COLUMNS " FROM crm_schemas WHERE id = $1 AND account_id = $2",
                 Params().Add(id).Add(account_id)));
  if (rows.empty()) return SchemaNotFound(id);
  std::vector<ObjectSchemaRecord> one;
  FLOWD_ASSIGN_OR_RETURN(ObjectSchemaRecord s, ReadSchema(rows, 0));
  one.push_back(std::move(s));
  FLOWD_TRY(LoadAssociations(conn, account_id, one));
  return std::move(one.front());
}

std::string TypeId(int64_t schema_id) { return "2-" + std::to_string(schema_id); }

}  // namespace

// ---------------------------------------------------------------- properties

Result<std::vector<PropertyRecord>> PgPropertyStore::CreateProperties(
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

Result<std::vector<PropertyRecord>> PgPropertyStore::ListProperties(
    int64_t account_id, const std::string& object_type_id, bool archived) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<PropertyRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " PROPERTY_COLUMNS " FROM crm_properties WHERE account_id = $1 AND "
                   "object_type_id = $2 AND (archived_at_ms IS NOT NULL) = $3 "
                   "ORDER BY name",
                   Params().Add(account_id).Add(object_type_id).Add(archived)));
    return ReadProperties(rows);
  });
}

Result<PropertyRecord> PgPropertyStore::GetProperty(int64_t account_id,
                                                    const std::string& object_type_id,
                                                    const std::string& name, bool archived) {
  return db_.Read(false, [&](Connection& conn) -> Result<PropertyRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " PROPERTY_COLUMNS
                   " FROM crm_properties WHERE account_id = $1 AND object_type_id = $2 AND "
                   "name = $3 AND (archived_at_ms IS NOT NULL) = $4",
                   Params().Add(account_id).Add(object_type_id).Add(name).Add(archived)));
    if (rows.empty()) return PropertyNotFound(object_type_id, name);
    return ReadProperty(rows, 0);
  });
}

Result<PropertyRecord> PgPropertyStore::UpdateProperty(int64_t account_id,
                                                       const PropertyRecord& property,
                                                       int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyRecord> {
    PropertyRecord out = property;
    out.updated_at_ms = now_ms;
    out.archived_at_ms.reset();
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("UPDATE crm_properties SET group_name = $1, updated_at_ms = $2, "
                   "definition_json = $3 WHERE account_id = $4 AND object_type_id = $5 AND "
                   "name = $6 AND archived_at_ms IS NULL RETURNING created_at_ms",
                   Params()
                       .Add(out.group_name)
                       .Add(now_ms)
                       .Add(EncodePropertyDefinition(out))
                       .Add(account_id)
                       .Add(out.object_type_id)
                       .Add(out.name)));
    if (rows.empty()) return PropertyNotFound(property.object_type_id, property.name);
    out.created_at_ms = rows.Int(0, 0);
    return out;
  });
}

Result<std::vector<std::string>> PgPropertyStore::ArchiveProperties(
    int64_t account_id, const std::string& object_type_id, const std::vector<std::string>& names,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<std::string>> {
    std::vector<std::string> archived;
    for (const std::string& name : names) {
      FLOWD_ASSIGN_OR_RETURN(
          Rows rows,
          conn.Query("UPDATE crm_properties SET archived_at_ms = $1, updated_at_ms = $1 "
                     "WHERE account_id = $2 AND object_type_id = $3 AND name = $4 AND "
                     "archived_at_ms IS NULL RETURNING 1",
                     Params().Add(now_ms).Add(account_id).Add(object_type_id).Add(name)));
      if (!rows.empty()) archived.push_back(name);
    }
    return archived;
  });
}

// ---------------------------------------------------------------- groups

Result<PropertyGroupRecord> PgPropertyStore::CreateGroup(int64_t account_id,
                                                         const PropertyGroupRecord& group,
                                                         int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyGroupRecord> {
    FLOWD_TRY(InsertGroup(conn, account_id, group, now_ms));
    PropertyGroupRecord out = group;
    out.created_at_ms = out.updated_at_ms = now_ms;
    return out;
  });
}

Result<std::vector<PropertyGroupRecord>> PgPropertyStore::ListGroups(
    int64_t account_id, const std::string& object_type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<PropertyGroupRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " GROUP_COLUMNS " FROM crm_property_groups WHERE account_id = $1 AND "
                   "object_type_id = $2 ORDER BY name",
                   Params().Add(account_id).Add(object_type_id)));
    std::vector<PropertyGroupRecord> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(ReadGroup(rows, i));
    return out;
  });
}

Result<PropertyGroupRecord> PgPropertyStore::GetGroup(int64_t account_id,
                                                      const std::string& object_type_id,
                                                      const std::string& name) {
  return db_.Read(false, [&](Connection& conn) -> Result<PropertyGroupRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " GROUP_COLUMNS " FROM crm_property_groups WHERE account_id = $1 AND "
                   "object_type_id = $2 AND name = $3",
                   Params().Add(account_id).Add(object_type_id).Add(name)));
    if (rows.empty()) return GroupNotFound(object_type_id, name);
    return ReadGroup(rows, 0);
  });
}

Result<PropertyGroupRecord> PgPropertyStore::UpdateGroup(int64_t account_id,
                                                         const PropertyGroupRecord& group,
                                                         int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<PropertyGroupRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE crm_property_groups SET label = $1, display_order = $2, "
                              "updated_at_ms = $3 WHERE account_id = $4 AND object_type_id = $5 "
                              "AND name = $6 RETURNING " GROUP_COLUMNS,
                              Params()
                                  .Add(group.label)
                                  .Add(group.display_order)
                                  .Add(now_ms)
                                  .Add(account_id)
                                  .Add(group.object_type_id)
                                  .Add(group.name)));
    if (rows.empty()) return GroupNotFound(group.object_type_id, group.name);
    return ReadGroup(rows, 0);
  });
}

Status PgPropertyStore::DeleteGroup(int64_t account_id, const std::string& object_type_id,
                                    const std::string& name) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(Rows used,
                           conn.Query("SELECT 1 FROM crm_properties WHERE account_id = $1 AND "
                                      "object_type_id = $2 AND group_name = $3 AND "
                                      "archived_at_ms IS NULL LIMIT 1",
                                      Params().Add(account_id).Add(object_type_id).Add(name)));
    if (!used.empty()) return GroupNotEmpty(object_type_id, name);
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("DELETE FROM crm_property_groups WHERE account_id = $1 AND "
                                      "object_type_id = $2 AND name = $3 RETURNING 1",
                                      Params().Add(account_id).Add(object_type_id).Add(name)));
    if (rows.empty()) return GroupNotFound(object_type_id, name);
    return Status::Ok();
  });
}

// ---------------------------------------------------------------- schemas

Result<ObjectSchemaRecord> PgPropertyStore::CreateSchema(
    int64_t account_id, const ObjectSchemaRecord& schema,
    const std::vector<PropertyGroupRecord>& groups, const std::vector<PropertyRecord>& properties,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ObjectSchemaRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows inserted,
        conn.Query("INSERT INTO crm_schemas (account_id, name, name_key, created_at_ms, "
                   "updated_at_ms, archived_at_ms, definition_json) "
                   "VALUES ($1, $2, $3, $4, $4, NULL, $5) ON CONFLICT DO NOTHING RETURNING id",
                   Params()
                       .Add(account_id)
                       .Add(schema.name)
                       .Add(SchemaNameKey(schema.name))
                       .Add(now_ms)
                       .Add(EncodeSchemaDefinition(schema))));
    if (inserted.empty()) return SchemaNameTaken(schema.name);
    ObjectSchemaRecord out = schema;
    out.associations.clear();
    out.id = inserted.Int(0, 0);
    out.created_at_ms = out.updated_at_ms = now_ms;
    out.archived_at_ms.reset();
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

Result<ObjectSchemaRecord> PgPropertyStore::GetSchema(int64_t account_id, int64_t schema_id) {
  return db_.Read(true, [&](Connection& conn) { return LoadSchema(conn, account_id, schema_id); });
}

Result<std::vector<ObjectSchemaRecord>> PgPropertyStore::ListSchemas(int64_t account_id,
                                                                     bool archived) {
  return db_.Read(true, [&](Connection& conn) -> Result<std::vector<ObjectSchemaRecord>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " SCHEMA_COLUMNS
                                                 " FROM crm_schemas WHERE account_id = $1 AND "
                                                 "(archived_at_ms IS NOT NULL) = $2 ORDER BY id",
                                                 Params().Add(account_id).Add(archived)));
    std::vector<ObjectSchemaRecord> out;
    for (int i = 0; i < rows.size(); ++i) {
      FLOWD_ASSIGN_OR_RETURN(ObjectSchemaRecord s, ReadSchema(rows, i));
      out.push_back(std::move(s));
    }
    FLOWD_TRY(LoadAssociations(conn, account_id, out));
    return out;
  });
}

Result<ObjectSchemaRecord> PgPropertyStore::UpdateSchema(int64_t account_id,
                                                         const ObjectSchemaRecord& schema,
                                                         int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ObjectSchemaRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE crm_schemas SET definition_json = $1, updated_at_ms = $2 "
                              "WHERE id = $3 AND account_id = $4 AND archived_at_ms IS NULL "
                              "RETURNING 1",
                              Params()
                                  .Add(EncodeSchemaDefinition(schema))
                                  .Add(now_ms)
                                  .Add(schema.id)
                                  .Add(account_id)));
    if (rows.empty()) return SchemaNotFound(schema.id);
    return LoadSchema(conn, account_id, schema.id);
  });
}

Status PgPropertyStore::ArchiveSchema(int64_t account_id, int64_t schema_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    FLOWD_ASSIGN_OR_RETURN(Rows records,
                           conn.Query("SELECT 1 FROM crm_objects WHERE account_id = $1 AND "
                                      "object_type_id = $2 AND archived_at_ms IS NULL LIMIT 1",
                                      Params().Add(account_id).Add(TypeId(schema_id))));
    if (!records.empty()) return SchemaHasRecords(schema_id);
    FLOWD_ASSIGN_OR_RETURN(
        Rows ignored, conn.Query("UPDATE crm_schemas SET archived_at_ms = $1, updated_at_ms = $1 "
                                 "WHERE id = $2 AND account_id = $3",
                                 Params().Add(now_ms).Add(schema_id).Add(account_id)));
    return Status::Ok();
  });
}

Status PgPropertyStore::PurgeSchema(int64_t account_id, int64_t schema_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(std::optional<bool> archived, SchemaState(conn, account_id, schema_id));
    if (!archived || !*archived) return SchemaNotFound(schema_id);
    const std::string type = TypeId(schema_id);
    for (const char* sql :
         {"DELETE FROM crm_properties WHERE account_id = $1 AND object_type_id = $2",
          "DELETE FROM crm_property_groups WHERE account_id = $1 AND object_type_id = $2",
          "DELETE FROM crm_schema_associations WHERE account_id = $1 AND "
          "(from_type = $2 OR to_type = $2)"}) {
      FLOWD_ASSIGN_OR_RETURN(Rows ignored, conn.Query(sql, Params().Add(account_id).Add(type)));
    }
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn.Query("DELETE FROM crm_schemas WHERE id = $1 AND account_id = $2",
                                      Params().Add(schema_id).Add(account_id)));
    return Status::Ok();
  });
}

Result<SchemaAssociationRecord> PgPropertyStore::AddSchemaAssociation(
    int64_t account_id, int64_t schema_id, const SchemaAssociationRecord& association,
    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<SchemaAssociationRecord> {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    SchemaAssociationRecord a = association;
    a.from_object_type_id = TypeId(schema_id);
    return InsertAssociation(conn, account_id, std::move(a), now_ms);
  });
}

Status PgPropertyStore::RemoveSchemaAssociation(int64_t account_id, int64_t schema_id,
                                                int64_t association_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(RequireLiveSchema(conn, account_id, schema_id));
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("DELETE FROM crm_schema_associations WHERE account_id = $1 AND "
                   "(id = $2 OR inverse_id = $2) AND (from_type = $3 OR to_type = $3) RETURNING 1",
                   Params().Add(account_id).Add(association_id).Add(TypeId(schema_id))));
    if (rows.empty()) return SchemaAssociationNotFound(schema_id, association_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
