// The SQLite AssociationStore (contract: store/association_store.h). Writes run on the single
// writer connection (group commit), so the read-then-write sequences below cannot race.
#include <string>

#include "store/common/association_util.h"
#include "store/common/record_util.h"
#include "store/sqlite/shared_writes.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

using Single = AssociationTypeWrite::Single;

Result<bool> IsLiveRecord(Connection& conn, int64_t account_id, const std::string& type,
                          int64_t id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select, conn.Prepare("SELECT 1 FROM crm_objects WHERE id = ?1 AND account_id = ?2 AND "
                                "object_type_id = ?3 AND archived_at_ms IS NULL"));
  select.Bind(1, id).Bind(2, account_id).Bind(3, type);
  return select.Step();
}

// Whether `type_id` is a USER_DEFINED type from→to whose inverse is `inverse_type_id`: a label,
// or an association definition of a custom object schema (stored from either end).
Result<bool> IsUserType(Connection& conn, int64_t account_id, const std::string& from_type,
                        const std::string& to_type, int64_t type_id, int64_t inverse_type_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select,
      conn.Prepare("SELECT 1 FROM crm_association_labels WHERE account_id = ?1 AND type_id = ?2 "
                   "AND from_type = ?3 AND to_type = ?4 AND inverse_type_id = ?5 "
                   "UNION ALL SELECT 1 FROM crm_schema_associations WHERE account_id = ?1 AND "
                   "((id = ?2 AND inverse_id = ?5 AND from_type = ?3 AND to_type = ?4) OR "
                   "(id = ?5 AND inverse_id = ?2 AND from_type = ?4 AND to_type = ?3)) LIMIT 1"));
  select.Bind(1, account_id).Bind(2, type_id).Bind(3, from_type).Bind(4, to_type);
  select.Bind(5, inverse_type_id);
  return select.Step();
}

// Association rows are written through these, so that each row that changes is logged
// (kEventAssociationChanged) in the same transaction.
class RowWriter {
 public:
  RowWriter(Connection& conn, int64_t account_id, int64_t now_ms)
      : conn_(conn), log_(NewObjectTxn(conn), account_id, now_ms) {}

  Status Insert(const AssociationRowKey& r) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn_.Prepare("INSERT INTO crm_associations (account_id, from_type, from_id, to_type, "
                      "to_id, category, type_id, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                      "?7, ?8) ON CONFLICT DO NOTHING"));
    insert.Bind(1, log_.account_id()).Bind(2, r.from_type).Bind(3, r.from_id).Bind(4, r.to_type);
    insert.Bind(5, r.to_id).Bind(6, r.category).Bind(7, r.type_id).Bind(8, log_.now_ms());
    FLOWD_TRY(insert.Run());
    return conn_.Changes() > 0 ? log_.Log(r, true) : Status::Ok();
  }

  Status Delete(const AssociationRowKey& r) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn_.Prepare("DELETE FROM crm_associations WHERE account_id = ?1 AND "
                                "from_type = ?2 AND from_id = ?3 AND to_type = ?4 AND to_id = ?5 "
                                "AND category = ?6 AND type_id = ?7"));
    del.Bind(1, log_.account_id()).Bind(2, r.from_type).Bind(3, r.from_id).Bind(4, r.to_type);
    FLOWD_TRY(del.Bind(5, r.to_id).Bind(6, r.category).Bind(7, r.type_id).Run());
    return conn_.Changes() > 0 ? log_.Log(r, false) : Status::Ok();
  }

  // Every association row between two records in one direction.
  Status DeleteAllFrom(const std::string& from_type, int64_t from_id, const std::string& to_type,
                       int64_t to_id) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn_.Prepare("DELETE FROM crm_associations WHERE account_id = ?1 AND "
                                "from_type = ?2 AND from_id = ?3 AND to_type = ?4 AND to_id = ?5 "
                                "RETURNING category, type_id"));
    del.Bind(1, log_.account_id())
        .Bind(2, from_type)
        .Bind(3, from_id)
        .Bind(4, to_type)
        .Bind(5, to_id);
    std::vector<AssociationRowKey> gone;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, del.Step());
      if (!row) break;
      gone.push_back({from_type, from_id, to_type, to_id, del.Text(0), del.Int(1)});
    }
    for (const AssociationRowKey& r : gone) FLOWD_TRY(log_.Log(r, false));
    return Status::Ok();
  }

 private:
  Connection& conn_;
  AssociationEventLog log_;
};

// The other records that hold a "single" type from `owner` (see AssociationTypeWrite::Single).
Result<std::vector<int64_t>> SingleHolders(Connection& conn, int64_t account_id,
                                           const SingleOwner& owner) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select,
      conn.Prepare("SELECT to_id FROM crm_associations WHERE account_id = ?1 AND from_type = ?2 "
                   "AND from_id = ?3 AND to_type = ?4 AND category = ?5 AND type_id = ?6 AND "
                   "to_id <> ?7"));
  select.Bind(1, account_id).Bind(2, owner.from_type).Bind(3, owner.from_id);
  select.Bind(4, owner.to_type).Bind(5, owner.category).Bind(6, owner.type_id);
  select.Bind(7, owner.keep_to_id);
  return select.Ids();
}

Result<AssociateOutcome> WriteOne(Connection& conn, int64_t account_id, const AssociationWrite& w,
                                  int64_t now_ms) {
  FLOWD_ASSIGN_OR_RETURN(bool from_live, IsLiveRecord(conn, account_id, w.from_type, w.from_id));
  if (!from_live) return AssociateOutcome::kFromMissing;
  FLOWD_ASSIGN_OR_RETURN(bool to_live, IsLiveRecord(conn, account_id, w.to_type, w.to_id));
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

Result<std::vector<AssociateOutcome>> SqliteAssociationStore::Associate(
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

Status SqliteAssociationStore::Dissociate(int64_t account_id,
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

Result<std::vector<AssociationPage>> SqliteAssociationStore::ListAssociations(
    int64_t account_id, const std::string& from_type,
    const std::vector<AssociationPageRequest>& requests, const std::string& to_type, size_t limit) {
  limit = std::min(limit, kMaxPage);
  return db_.Read(/*snapshot=*/true, [&](Connection& conn) -> Result<std::vector<AssociationPage>> {
    std::vector<AssociationPage> pages;
    pages.reserve(requests.size());
    for (const AssociationPageRequest& req : requests) {
      AssociationPage page;
      FLOWD_ASSIGN_OR_RETURN(page.from_exists,
                             IsLiveRecord(conn, account_id, from_type, req.from_id));
      if (page.from_exists && limit > 0) {
        // The rows of the first limit + 1 associated records: the extra one tells whether
        // another page follows.
        FLOWD_ASSIGN_OR_RETURN(
            Stmt select,
            conn.Prepare(
                "SELECT to_id, category, type_id FROM crm_associations WHERE account_id = ?1 AND "
                "from_type = ?2 AND from_id = ?3 AND to_type = ?4 AND to_id IN (SELECT DISTINCT "
                "to_id FROM crm_associations WHERE account_id = ?1 AND from_type = ?2 AND "
                "from_id = ?3 AND to_type = ?4 AND to_id > ?5 ORDER BY to_id LIMIT ?6) "
                "ORDER BY to_id, category, type_id"));
        select.Bind(1, account_id).Bind(2, from_type).Bind(3, req.from_id).Bind(4, to_type);
        select.Bind(5, req.after.value_or(kMinId)).Bind(6, static_cast<int64_t>(limit) + 1);
        AssociationPageBuilder builder(limit);
        while (true) {
          FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
          if (!row) break;
          builder.Add(select.Int(0), AssociationTypeKey{select.Text(1), select.Int(2)});
        }
        builder.Finish(page);
      }
      pages.push_back(std::move(page));
    }
    return pages;
  });
}

Result<std::vector<AssociationTypeKey>> SqliteAssociationStore::TypesBetween(
    int64_t account_id, const std::string& from_type, int64_t from_id, const std::string& to_type,
    int64_t to_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<AssociationTypeKey>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT category, type_id FROM crm_associations WHERE account_id = ?1 AND "
                     "from_type = ?2 AND from_id = ?3 AND to_type = ?4 AND to_id = ?5 "
                     "ORDER BY category, type_id"));
    select.Bind(1, account_id).Bind(2, from_type).Bind(3, from_id).Bind(4, to_type);
    select.Bind(5, to_id);
    std::vector<AssociationTypeKey> types;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      types.push_back(AssociationTypeKey{select.Text(0), select.Int(1)});
    }
    return types;
  });
}

}  // namespace flowd::store::sqlite
