// The PostgreSQL AssociationStore (contract: store/association_store.h). Writes run at READ
// COMMITTED; the records (and USER_DEFINED types) an association refers to are read FOR SHARE,
// so an archive or label deletion committing meanwhile either waits for the association (and
// then removes it) or is seen by it (and the association is refused).
#include <string>

#include "store/common/association_util.h"
#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

Result<bool> IsLiveRecord(Connection& conn, int64_t account_id, const std::string& type, int64_t id,
                          bool lock) {
  const char* sql = lock ? "SELECT 1 FROM crm_objects WHERE id = $1 AND account_id = $2 AND "
                           "object_type_id = $3 AND archived_at_ms IS NULL FOR SHARE"
                         : "SELECT 1 FROM crm_objects WHERE id = $1 AND account_id = $2 AND "
                           "object_type_id = $3 AND archived_at_ms IS NULL";
  FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, Params().Add(id).Add(account_id).Add(type)));
  return !rows.empty();
}

// Whether `type_id` is a USER_DEFINED type from→to whose inverse is `inverse_type_id`: a label,
// or an association definition of a custom object schema (stored from either end).
Result<bool> IsUserType(Connection& conn, int64_t account_id, const std::string& from_type,
                        const std::string& to_type, int64_t type_id, int64_t inverse_type_id) {
  const Params params =
      Params().Add(account_id).Add(type_id).Add(from_type).Add(to_type).Add(inverse_type_id);
  FLOWD_ASSIGN_OR_RETURN(
      Rows label,
      conn.Query("SELECT 1 FROM crm_association_labels WHERE account_id = $1 AND type_id = $2 "
                 "AND from_type = $3 AND to_type = $4 AND inverse_type_id = $5 FOR SHARE",
                 params));
  if (!label.empty()) return true;
  FLOWD_ASSIGN_OR_RETURN(
      Rows schema,
      conn.Query("SELECT 1 FROM crm_schema_associations WHERE account_id = $1 AND "
                 "((id = $2 AND inverse_id = $5 AND from_type = $3 AND to_type = $4) OR "
                 "(id = $5 AND inverse_id = $2 AND from_type = $4 AND to_type = $3)) FOR SHARE",
                 params));
  return !schema.empty();
}

// Association rows are written through these, so that each row that changes is logged
// (kEventAssociationChanged) in the same transaction. The event log's lock is taken at the first
// event, after the rows: the order archiving (rows, then the log) takes them in too.
class RowWriter {
 public:
  RowWriter(Connection& conn, int64_t account_id, int64_t now_ms)
      : conn_(conn), log_(NewObjectTxn(conn), account_id, now_ms) {}

  Status Insert(const AssociationRowKey& r) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows inserted,
        conn_.Query("INSERT INTO crm_associations (account_id, from_type, from_id, to_type, "
                    "to_id, category, type_id, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, "
                    "$7, $8) ON CONFLICT DO NOTHING RETURNING 1",
                    KeyParams(r).Add(log_.now_ms())));
    return inserted.empty() ? Status::Ok() : log_.Log(r, true);
  }

  Status Delete(const AssociationRowKey& r) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows deleted,
        conn_.Query("DELETE FROM crm_associations WHERE account_id = $1 AND from_type = $2 AND "
                    "from_id = $3 AND to_type = $4 AND to_id = $5 AND category = $6 AND "
                    "type_id = $7 RETURNING 1",
                    KeyParams(r)));
    return deleted.empty() ? Status::Ok() : log_.Log(r, false);
  }

  // Every association row between two records in one direction.
  Status DeleteAllFrom(const std::string& from_type, int64_t from_id, const std::string& to_type,
                       int64_t to_id) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows deleted,
        conn_.Query(
            "DELETE FROM crm_associations WHERE account_id = $1 AND from_type = $2 AND "
            "from_id = $3 AND to_type = $4 AND to_id = $5 RETURNING category, type_id",
            Params().Add(log_.account_id()).Add(from_type).Add(from_id).Add(to_type).Add(to_id)));
    for (int i = 0; i < deleted.size(); ++i) {
      FLOWD_TRY(log_.Log(
          {from_type, from_id, to_type, to_id, deleted.Text(i, 0), deleted.Int(i, 1)}, false));
    }
    return Status::Ok();
  }

 private:
  // The row's key columns, $1 … $7.
  Params KeyParams(const AssociationRowKey& r) const {
    Params p;
    p.Add(log_.account_id()).Add(r.from_type).Add(r.from_id).Add(r.to_type).Add(r.to_id);
    p.Add(r.category).Add(r.type_id);
    return p;
  }

  Connection& conn_;
  AssociationEventLog log_;
};

Result<std::vector<int64_t>> SingleHolders(Connection& conn, int64_t account_id,
                                           const SingleOwner& owner) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query("SELECT to_id FROM crm_associations WHERE account_id = $1 AND from_type = $2 "
                 "AND from_id = $3 AND to_type = $4 AND category = $5 AND type_id = $6 AND "
                 "to_id <> $7",
                 Params()
                     .Add(account_id)
                     .Add(owner.from_type)
                     .Add(owner.from_id)
                     .Add(owner.to_type)
                     .Add(owner.category)
                     .Add(owner.type_id)
                     .Add(owner.keep_to_id)));
  std::vector<int64_t> ids;
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.Int(i, 0));
  return ids;
}

Result<AssociateOutcome> WriteOne(Connection& conn, int64_t account_id, const AssociationWrite& w,
                                  int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(bool from_live,
                         IsLiveRecord(conn, account_id, w.from_type, w.from_id, /*lock=*/true));
  if (!from_live) return AssociateOutcome::kFromMissing;
  FLOWD_ASSIGN_OR_RETURN(bool to_live,
                         IsLiveRecord(conn, account_id, w.to_type, w.to_id, /*lock=*/true));
  if (!to_live) return AssociateOutcome::kToMissing;
  for (const AssociationTypeWrite& t : w.types) {
    if (t.category != kUserDefinedCategory) continue;
    FLOWD_ASSIGN_OR_RETURN(bool defined, IsUserType(conn, account_id, w.from_type, w.to_type,
                                                    t.type_id, t.inverse_type_id));
    if (!defined) return AssociateOutcome::kTypeMissing;
  }
  RowWriter rows(conn, account_id, now_ms);
  for (const AssociationTypeWrite& t : w.types) {
    if (std::optional<SingleOwner> owner = SingleOwnerOf(w, t)) {
      FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> others, SingleHolders(conn, account_id, *owner));
      for (int64_t other : others) {
        for (const AssociationRowKey& r : RowsOfSingle(*owner, other)) FLOWD_TRY(rows.Delete(r));
      }
    }
    for (const AssociationRowKey& r : RowsOf(w.from_type, w.from_id, w.to_type, w.to_id, t)) {
      FLOWD_TRY(rows.Insert(r));
    }
  }
  return AssociateOutcome::kDone;
}

}  // namespace

Result<AssociateOutcome> WriteAssociation(Connection& conn, int64_t account_id,
                                          const AssociationWrite& write, int64_t now_ms) {
  return WriteOne(conn, account_id, write, now_ms);
}

Result<std::vector<AssociateOutcome>> PgAssociationStore::Associate(
    int64_t account_id, const std::vector<AssociationWrite>& writes, int64_t now_ms) {
  if (writes.empty()) return std::vector<AssociateOutcome>{};
  return db_.Write([&](Connection& conn) -> Result<std::vector<AssociateOutcome>> {
    std::vector<AssociateOutcome> outcomes;
    outcomes.reserve(writes.size());
    for (const AssociationWrite& w : writes) {
      FLOWD_ASSIGN_OR_RETURN(AssociateOutcome o, WriteOne(conn, account_id, w, now_ms));
      outcomes.push_back(o);
    }
    return outcomes;
  });
}

Status PgAssociationStore::Dissociate(int64_t account_id,
                                      const std::vector<AssociationRemoval>& removals,
                                      int64_t now_ms) {
  if (removals.empty()) return Status::Ok();
  return db_.Write([&](Connection& conn) -> Status {
    RowWriter rows(conn, account_id, now_ms);
    for (const AssociationRemoval& r : removals) {
      if (r.types.empty()) {
        FLOWD_TRY(rows.DeleteAllFrom(r.from_type, r.from_id, r.to_type, r.to_id));
        FLOWD_TRY(rows.DeleteAllFrom(r.to_type, r.to_id, r.from_type, r.from_id));
        continue;
      }
      for (const AssociationTypeWrite& t : r.types) {
        for (const AssociationRowKey& row : RowsOf(r.from_type, r.from_id, r.to_type, r.to_id, t)) {
          FLOWD_TRY(rows.Delete(row));
        }
      }
    }
    return Status::Ok();
  });
}

Result<std::vector<AssociationPage>> PgAssociationStore::ListAssociations(
    int64_t account_id, const std::string& from_type,
    const std::vector<AssociationPageRequest>& requests, const std::string& to_type, size_t limit) {
  limit = std::min(limit, kMaxPage);
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) -> Result<std::vector<AssociationPage>> {
    std::vector<AssociationPage> pages;
    pages.reserve(requests.size());
    for (const AssociationPageRequest& req : requests) {
      AssociationPage page;
      FLOWD_ASSIGN_OR_RETURN(
          page.from_exists, IsLiveRecord(conn, account_id, from_type, req.from_id, /*lock=*/false));
      if (page.from_exists && limit > 0) {
        // The rows of the first limit + 1 associated records: the extra one tells whether
        // another page follows.
        FLOWD_ASSIGN_OR_RETURN(
            Rows rows,
            conn.Query(
                "SELECT to_id, category, type_id FROM crm_associations WHERE account_id = $1 AND "
                "from_type = $2 AND from_id = $3 AND to_type = $4 AND to_id IN (SELECT DISTINCT "
                "to_id FROM crm_associations WHERE account_id = $1 AND from_type = $2 AND "
                "from_id = $3 AND to_type = $4 AND to_id > $5 ORDER BY to_id LIMIT $6) "
                "ORDER BY to_id, category, type_id",
                Params()
                    .Add(account_id)
                    .Add(from_type)
                    .Add(req.from_id)
                    .Add(to_type)
                    .Add(req.after.value_or(kMinId))
                    .Add(static_cast<int64_t>(limit) + 1)));
        AssociationPageBuilder builder(limit);
        for (int i = 0; i < rows.size(); ++i) {
          builder.Add(rows.Int(i, 0), AssociationTypeKey{rows.Text(i, 1), rows.Int(i, 2)});
        }
        builder.Finish(page);
      }
      pages.push_back(std::move(page));
    }
    return pages;
  });
}

Result<std::vector<AssociationTypeKey>> PgAssociationStore::TypesBetween(
    int64_t account_id, const std::string& from_type, int64_t from_id, const std::string& to_type,
    int64_t to_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AssociationTypeKey>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT category, type_id FROM crm_associations WHERE account_id = $1 AND "
                   "from_type = $2 AND from_id = $3 AND to_type = $4 AND to_id = $5 "
                   "ORDER BY category, type_id",
                   Params().Add(account_id).Add(from_type).Add(from_id).Add(to_type).Add(to_id)));
    std::vector<AssociationTypeKey> types;
    for (int i = 0; i < rows.size(); ++i) {
      types.push_back(AssociationTypeKey{rows.Text(i, 0), rows.Int(i, 1)});
    }
    return types;
  });
}

}  // namespace flowd::store::postgres
