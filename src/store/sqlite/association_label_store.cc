// The label half of the SQLite AssociationStore (contract: store/association_store.h): the
// account's USER_DEFINED association types.
#include <string>
#include <vector>

#include "store/common/association_util.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define LABEL_COLUMNS "type_id, from_type, to_type, inverse_type_id, name, label, created_at_ms"

AssociationLabel ReadLabel(const Stmt& row) {
  return AssociationLabel{row.Int(0),  row.Text(1), row.Text(2), row.Int(3),
                          row.Text(4), row.Text(5), row.Int(6)};
}

// Allocates `count` consecutive type ids of the account; returns the first.
Result<int64_t> AllocateTypeIds(Connection& conn, int64_t account_id, int64_t count) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt upsert,
      conn.Prepare("INSERT INTO crm_association_type_seq (account_id, last_type_id) "
                   "VALUES (?1, ?2) ON CONFLICT (account_id) DO UPDATE SET last_type_id = "
                   "crm_association_type_seq.last_type_id + ?3 RETURNING last_type_id"));
  upsert.Bind(1, account_id).Bind(2, kFirstUserTypeId + count - 1).Bind(3, count);
  FLOWD_ASSIGN_OR_RETURN(bool row, upsert.Step());
  if (!row) return Error::Internal("association type id allocation returned no row");
  const int64_t last = upsert.Int(0);
  if (last > kLastUserTypeId) return TypeIdsExhausted();
  return last - count + 1;
}

Status InsertLabel(Connection& conn, int64_t account_id, const AssociationLabel& l) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt insert, conn.Prepare("INSERT INTO crm_association_labels (account_id, " LABEL_COLUMNS
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  insert.Bind(1, account_id).Bind(2, l.type_id).Bind(3, l.from_type).Bind(4, l.to_type);
  insert.Bind(5, l.inverse_type_id).Bind(6, l.name).Bind(7, l.label).Bind(8, l.created_at_ms);
  return insert.Run();
}

// The label row `type_id` of the pair (a default type is not a label).
Result<AssociationLabel> FindLabel(Connection& conn, int64_t account_id,
                                   const std::string& from_type, const std::string& to_type,
                                   int64_t type_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select,
      conn.Prepare("SELECT " LABEL_COLUMNS " FROM crm_association_labels WHERE account_id = ?1 "
                   "AND type_id = ?2 AND from_type = ?3 AND to_type = ?4"));
  select.Bind(1, account_id).Bind(2, type_id).Bind(3, from_type).Bind(4, to_type);
  FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return LabelNotFound(type_id, from_type, to_type);
  return ReadLabel(select);
}

Result<std::optional<std::string>> LabelOf(Connection& conn, int64_t account_id, int64_t type_id) {
  FLOWD_ASSIGN_OR_RETURN(Stmt select, conn.Prepare("SELECT label FROM crm_association_labels WHERE "
                                                   "account_id = ?1 AND type_id = ?2"));
  select.Bind(1, account_id).Bind(2, type_id);
  FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<std::string>();
  return select.OptText(0);
}

Status SetLabel(Connection& conn, int64_t account_id, int64_t type_id, const std::string& label) {
  FLOWD_ASSIGN_OR_RETURN(Stmt update,
                         conn.Prepare("UPDATE crm_association_labels SET label = ?3 WHERE "
                                      "account_id = ?1 AND type_id = ?2"));
  return update.Bind(1, account_id).Bind(2, type_id).Bind(3, label).Run();
}

}  // namespace

Result<std::vector<AssociationLabel>> SqliteAssociationStore::ListLabels(
    int64_t account_id, const std::string& from_type, const std::string& to_type) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AssociationLabel>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " LABEL_COLUMNS " FROM crm_association_labels WHERE account_id = ?1 "
                     "AND from_type = ?2 AND to_type = ?3 ORDER BY type_id"));
    select.Bind(1, account_id).Bind(2, from_type).Bind(3, to_type);
    std::vector<AssociationLabel> labels;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      labels.push_back(ReadLabel(select));
    }
    return labels;
  });
}

Result<std::optional<AssociationLabel>> SqliteAssociationStore::GetLabel(int64_t account_id,
                                                                         int64_t type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<AssociationLabel>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt select,
                           conn.Prepare("SELECT " LABEL_COLUMNS " FROM crm_association_labels "
                                        "WHERE account_id = ?1 AND type_id = ?2"));
    select.Bind(1, account_id).Bind(2, type_id);
    FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return std::optional<AssociationLabel>();
    return std::optional<AssociationLabel>(ReadLabel(select));
  });
}

Result<std::vector<AssociationLabel>> SqliteAssociationStore::CreateLabel(
    int64_t account_id, const AssociationLabelDefinition& def, size_t max_labels, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<AssociationLabel>> {
    {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt select,
          conn.Prepare("SELECT COUNT(DISTINCT name), COALESCE(SUM(name = ?4), 0) FROM "
                       "crm_association_labels WHERE account_id = ?1 AND "
                       "((from_type = ?2 AND to_type = ?3) OR (from_type = ?3 AND to_type = ?2))"));
      select.Bind(1, account_id).Bind(2, def.from_type).Bind(3, def.to_type).Bind(4, def.name);
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (row && select.Int(1) > 0) return LabelNameTaken(def.name);
      if (row && static_cast<size_t>(select.Int(0)) >= max_labels) return TooManyLabels(max_labels);
    }
    const int64_t count = IdsNeededFor(def);
    FLOWD_ASSIGN_OR_RETURN(int64_t first, AllocateTypeIds(conn, account_id, count));
    std::vector<AssociationLabel> rows = LabelRowsFor(def, first, first + 1, now_ms);
    for (const AssociationLabel& l : rows) FLOWD_TRY(InsertLabel(conn, account_id, l));
    return rows;
  });
}

Status SqliteAssociationStore::UpdateLabel(int64_t account_id, const std::string& from_type,
                                           const std::string& to_type, int64_t type_id,
                                           const std::string& label,
                                           const std::optional<std::string>& inverse_label) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(AssociationLabel row,
                           FindLabel(conn, account_id, from_type, to_type, type_id));
    if (row.inverse_type_id != row.type_id) {
      // An unpaired label (same text both ways) stays unpaired unless an inverse label is given.
      FLOWD_ASSIGN_OR_RETURN(std::optional<std::string> inverse,
                             LabelOf(conn, account_id, row.inverse_type_id));
      if (inverse_label) {
        FLOWD_TRY(SetLabel(conn, account_id, row.inverse_type_id, *inverse_label));
      } else if (inverse == row.label) {
        FLOWD_TRY(SetLabel(conn, account_id, row.inverse_type_id, label));
      }
    }
    return SetLabel(conn, account_id, type_id, label);
  });
}

Status SqliteAssociationStore::DeleteLabel(int64_t account_id, const std::string& from_type,
                                           const std::string& to_type, int64_t type_id,
                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(AssociationLabel row,
                           FindLabel(conn, account_id, from_type, to_type, type_id));
    {
      FLOWD_ASSIGN_OR_RETURN(Stmt del, conn.Prepare("DELETE FROM crm_association_labels WHERE "
                                                    "account_id = ?1 AND type_id IN (?2, ?3)"));
      FLOWD_TRY(del.Bind(1, account_id).Bind(2, row.type_id).Bind(3, row.inverse_type_id).Run());
    }
    // Scans the account's associations: label deletion is rare, and an index on the type would
    // cost every association write.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn.Prepare("DELETE FROM crm_associations WHERE account_id = ?1 AND "
                               "category = 'USER_DEFINED' AND type_id IN (?2, ?3) RETURNING "
                               "from_type, from_id, to_type, to_id, category, type_id"));
    del.Bind(1, account_id).Bind(2, row.type_id).Bind(3, row.inverse_type_id);
    std::vector<AssociationRowKey> gone;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool removed, del.Step());
      if (!removed) break;
      gone.push_back({del.Text(0), del.Int(1), del.Text(2), del.Int(3), del.Text(4), del.Int(5)});
    }
    // Each removed row is an association change of its record, as when the pair loses the type
    // through the associations API: lists and flows reading it re-evaluate.
    AssociationEventLog log(NewObjectTxn(conn), account_id, now_ms);
    for (const AssociationRowKey& r : gone) FLOWD_TRY(log.Log(r, false));
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
