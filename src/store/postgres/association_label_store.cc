// The label half of the PostgreSQL AssociationStore (contract: store/association_store.h). Every
// write first locks the account's row in crm_association_type_seq, so label writes of one account
// run one after another and each sees the others' committed rows (READ COMMITTED).
#include <string>

#include "store/common/association_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define LABEL_COLUMNS "type_id, from_type, to_type, inverse_type_id, name, label, created_at_ms"

AssociationLabel ReadLabel(const Rows& rows, int i) {
  return AssociationLabel{rows.Int(i, 0),  rows.Text(i, 1), rows.Text(i, 2), rows.Int(i, 3),
                          rows.Text(i, 4), rows.Text(i, 5), rows.Int(i, 6)};
}

// Takes the account's allocation lock (creating its sequence row on first use).
Status LockTypeIds(Connection& conn, int64_t account_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("INSERT INTO crm_association_type_seq (account_id, last_type_id) "
                 "VALUES ($1, $2) ON CONFLICT (account_id) DO UPDATE SET last_type_id = "
                 "crm_association_type_seq.last_type_id",
                 Params().Add(account_id).Add(kFirstUserTypeId - 1)));
  return Status::Ok();
}

// Allocates `count` consecutive type ids of the account (lock held); returns the first.
Result<int64_t> AllocateTypeIds(Connection& conn, int64_t account_id, int64_t count) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("UPDATE crm_association_type_seq SET last_type_id = last_type_id + $2 "
                            "WHERE account_id = $1 RETURNING last_type_id",
                            Params().Add(account_id).Add(count)));
  if (rows.empty()) return Error::Internal("association type id allocation returned no row");
  const int64_t last = rows.Int(0, 0);
  if (last > kLastUserTypeId) return TypeIdsExhausted();
  return last - count + 1;
}

Status InsertLabel(Connection& conn, int64_t account_id, const AssociationLabel& l) {
  FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                         conn.Query("INSERT INTO crm_association_labels (account_id, " LABEL_COLUMNS
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                                    Params()
                                        .Add(account_id)
                                        .Add(l.type_id)
                                        .Add(l.from_type)
                                        .Add(l.to_type)
                                        .Add(l.inverse_type_id)
                                        .Add(l.name)
                                        .Add(l.label)
                                        .Add(l.created_at_ms)));
  return Status::Ok();
}

Result<AssociationLabel> FindLabel(Connection& conn, int64_t account_id,
                                   const std::string& from_type, const std::string& to_type,
                                   int64_t type_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT " LABEL_COLUMNS " FROM crm_association_labels WHERE account_id = $1 "
                 "AND type_id = $2 AND from_type = $3 AND to_type = $4",
                 Params().Add(account_id).Add(type_id).Add(from_type).Add(to_type)));
  if (rows.empty()) return LabelNotFound(type_id, from_type, to_type);
  return ReadLabel(rows, 0);
}

Status SetLabel(Connection& conn, int64_t account_id, int64_t type_id, const std::string& label) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("UPDATE crm_association_labels SET label = $3 WHERE account_id = $1 AND "
                 "type_id = $2",
                 Params().Add(account_id).Add(type_id).Add(label)));
  return Status::Ok();
}

}  // namespace

Result<std::vector<AssociationLabel>> PgAssociationStore::ListLabels(int64_t account_id,
                                                                     const std::string& from_type,
                                                                     const std::string& to_type) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AssociationLabel>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " LABEL_COLUMNS " FROM crm_association_labels WHERE account_id = $1 "
                   "AND from_type = $2 AND to_type = $3 ORDER BY type_id",
                   Params().Add(account_id).Add(from_type).Add(to_type)));
    std::vector<AssociationLabel> labels;
    for (int i = 0; i < rows.size(); ++i) labels.push_back(ReadLabel(rows, i));
    return labels;
  });
}

Result<std::optional<AssociationLabel>> PgAssociationStore::GetLabel(int64_t account_id,
                                                                     int64_t type_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<AssociationLabel>> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows,
                           conn.Query("SELECT " LABEL_COLUMNS " FROM crm_association_labels "
                                      "WHERE account_id = $1 AND type_id = $2",
                                      Params().Add(account_id).Add(type_id)));
    if (rows.empty()) return std::optional<AssociationLabel>();
    return std::optional<AssociationLabel>(ReadLabel(rows, 0));
  });
}

Result<std::vector<AssociationLabel>> PgAssociationStore::CreateLabel(
    int64_t account_id, const AssociationLabelDefinition& def, size_t max_labels, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<AssociationLabel>> {
    FLOWD_TRY(LockTypeIds(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(
        Rows counts,
        conn.Query("SELECT COUNT(DISTINCT name), COUNT(*) FILTER (WHERE name = $4) FROM "
                   "crm_association_labels WHERE account_id = $1 AND "
                   "((from_type = $2 AND to_type = $3) OR (from_type = $3 AND to_type = $2))",
                   Params().Add(account_id).Add(def.from_type).Add(def.to_type).Add(def.name)));
    if (!counts.empty() && counts.Int(0, 1) > 0) return LabelNameTaken(def.name);
    if (!counts.empty() && static_cast<size_t>(counts.Int(0, 0)) >= max_labels) {
      return TooManyLabels(max_labels);
    }
    const int64_t count = IdsNeededFor(def);
    FLOWD_ASSIGN_OR_RETURN(int64_t first, AllocateTypeIds(conn, account_id, count));
    std::vector<AssociationLabel> rows = LabelRowsFor(def, first, first + 1, now_ms);
    for (const AssociationLabel& l : rows) FLOWD_TRY(InsertLabel(conn, account_id, l));
    return rows;
  });
}

Status PgAssociationStore::UpdateLabel(int64_t account_id, const std::string& from_type,
                                       const std::string& to_type, int64_t type_id,
                                       const std::string& label,
                                       const std::optional<std::string>& inverse_label) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_TRY(LockTypeIds(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(AssociationLabel row,
                           FindLabel(conn, account_id, from_type, to_type, type_id));
    if (row.inverse_type_id != row.type_id) {
      // An unpaired label (same text both ways) stays unpaired unless an inverse label is given.
      FLOWD_ASSIGN_OR_RETURN(
          Rows inverse,
          conn.Query("SELECT label FROM crm_association_labels WHERE account_id = $1 AND "
                     "type_id = $2",
                     Params().Add(account_id).Add(row.inverse_type_id)));
      std::optional<std::string> inverse_text;
      if (!inverse.empty()) inverse_text = inverse.OptText(0, 0);
      if (inverse_label) {
        FLOWD_TRY(SetLabel(conn, account_id, row.inverse_type_id, *inverse_label));
      } else if (inverse_text == row.label) {
        FLOWD_TRY(SetLabel(conn, account_id, row.inverse_type_id, label));
      }
    }
    return SetLabel(conn, account_id, type_id, label);
  });
}

Status PgAssociationStore::DeleteLabel(int64_t account_id, const std::string& from_type,
                                       const std::string& to_type, int64_t type_id,
                                       int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    // The events below take the event log's lock: taken first, as every writer that also locks
    // label or association rows does, so that no two of them wait on each other.
    FLOWD_TRY(LockEventLog(conn));
    FLOWD_TRY(LockTypeIds(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(AssociationLabel row,
                           FindLabel(conn, account_id, from_type, to_type, type_id));
    const Params ids = Params().Add(account_id).Add(row.type_id).Add(row.inverse_type_id);
    // Deleting the label rows first makes concurrent association writes that read them
    // FOR SHARE wait, then see them gone (or be seen by the DELETE below).
    FLOWD_ASSIGN_OR_RETURN(Rows ignored,
                           conn.Query("DELETE FROM crm_association_labels WHERE account_id = $1 "
                                      "AND type_id IN ($2, $3)",
                                      ids));
    // Scans the account's associations: label deletion is rare, and an index on the type would
    // cost every association write.
    FLOWD_ASSIGN_OR_RETURN(Rows removed,
                           conn.Query("DELETE FROM crm_associations WHERE account_id = $1 AND "
                                      "category = 'USER_DEFINED' AND type_id IN ($2, $3) "
                                      "RETURNING from_type, from_id, to_type, to_id, category, "
                                      "type_id",
                                      ids));
    // Each removed row is an association change of its record, as when the pair loses the type
    // through the associations API: lists and flows reading it re-evaluate.
    AssociationEventLog log(NewObjectTxn(conn), account_id, now_ms);
    for (int i = 0; i < removed.size(); ++i) {
      FLOWD_TRY(log.Log({removed.Text(i, 0), removed.Int(i, 1), removed.Text(i, 2),
                         removed.Int(i, 3), removed.Text(i, 4), removed.Int(i, 5)},
                        false));
    }
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
