#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define OWNER_COLUMNS                                                                        \
  "account_id, id, user_id, email, first_name, last_name, type, teams_json, created_at_ms, " \
  "updated_at_ms, archived_at_ms"

OwnerRecord ReadOwner(const Stmt& row) {
  OwnerRecord o;
  o.account_id = row.Int(0);
  o.id = row.Int(1);
  o.user_id = row.Int(2);
  o.email = row.Text(3);
  o.first_name = row.Text(4);
  o.last_name = row.Text(5);
  o.type = row.Text(6);
  o.teams = TeamsFromJson(row.Text(7));
  o.created_at_ms = row.Int(8);
  o.updated_at_ms = row.Int(9);
  o.archived_at_ms = row.OptInt(10);
  return o;
}

}  // namespace

Result<OwnerRecord> SqliteOwnerStore::CreateOwner(int64_t account_id, const OwnerWrite& owner,
                                                  int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<OwnerRecord> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn.Prepare("INSERT INTO owners (account_id, email, first_name, last_name, type, "
                     "teams_json, created_at_ms, updated_at_ms) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"));
    insert.Bind(1, account_id)
        .Bind(2, owner.email)
        .Bind(3, owner.first_name)
        .Bind(4, owner.last_name)
        .Bind(5, owner.type)
        .Bind(6, TeamsToJson(owner.teams))
        .Bind(7, now_ms);
    Status st = insert.Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kConflict) return OwnerEmailTaken(owner.email);
      return std::move(st).error();
    }
    OwnerRecord o;
    o.account_id = account_id;
    o.id = conn.LastInsertRowid();
    o.user_id = o.id - kOwnerUserIdOffset;
    o.email = owner.email;
    o.first_name = owner.first_name;
    o.last_name = owner.last_name;
    o.type = owner.type;
    o.teams = owner.teams;
    o.created_at_ms = o.updated_at_ms = now_ms;
    return o;
  });
}

Result<OwnerRecord> SqliteOwnerStore::GetOwner(int64_t account_id, int64_t owner_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<OwnerRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " OWNER_COLUMNS " FROM owners WHERE id = ?1 AND account_id = ?2"));
    select.Bind(1, owner_id).Bind(2, account_id);
    FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) return OwnerNotFound(owner_id);
    return ReadOwner(select);
  });
}

Result<OwnerRecord> SqliteOwnerStore::GetOwnerByUserId(int64_t account_id, int64_t user_id) {
  std::optional<int64_t> id = OwnerIdForUserId(user_id);
  if (!id) return OwnerNotFoundByUserId(user_id);
  auto owner = GetOwner(account_id, *id);
  if (!owner.ok() && owner.error().code == ErrorCode::kNotFound) {
    return OwnerNotFoundByUserId(user_id);
  }
  return owner;
}

Result<OwnerPage> SqliteOwnerStore::ListOwners(int64_t account_id,
                                               const std::optional<std::string>& email,
                                               std::optional<int64_t> after_id, size_t limit,
                                               bool archived) {
  if (limit == 0) return OwnerPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<OwnerPage> {
    // ?4 = -1 matches every email; the archived test is on the column's nullness.
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " OWNER_COLUMNS " FROM owners WHERE account_id = ?1 AND id > ?2 "
                     "AND (archived_at_ms IS NOT NULL) = ?3 AND (?4 = -1 OR email = ?5) "
                     "ORDER BY id LIMIT ?6"));
    select.Bind(1, account_id)
        .Bind(2, after_id.value_or(kMinId))
        .Bind(3, int64_t{archived ? 1 : 0})
        .Bind(4, int64_t{email ? 0 : -1})
        .Bind(5, email.value_or(""))
        .Bind(6, static_cast<int64_t>(limit) + 1);
    OwnerPage page;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (page.owners.size() == limit) {
        page.next_after = page.owners.back().id;
        break;
      }
      page.owners.push_back(ReadOwner(select));
    }
    return page;
  });
}

Status SqliteOwnerStore::ArchiveOwner(int64_t account_id, int64_t owner_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update, conn.Prepare("UPDATE owners SET archived_at_ms = ?1, updated_at_ms = ?1 "
                                  "WHERE id = ?2 AND account_id = ?3 AND archived_at_ms IS NULL"));
    FLOWD_TRY(update.Bind(1, now_ms).Bind(2, owner_id).Bind(3, account_id).Run());
    if (conn.Changes() == 0) return OwnerNotFound(owner_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
