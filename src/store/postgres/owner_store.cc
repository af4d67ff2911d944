#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define OWNER_COLUMNS                                                                        \
  "account_id, id, user_id, email, first_name, last_name, type, teams_json, created_at_ms, " \
  "updated_at_ms, archived_at_ms"

OwnerRecord ReadOwner(const Rows& rows, int i) {
  OwnerRecord o;
  o.account_id = rows.Int(i, 0);
  o.id = rows.Int(i, 1);
  o.user_id = rows.Int(i, 2);
  o.email = rows.Text(i, 3);
  o.first_name = rows.Text(i, 4);
  o.last_name = rows.Text(i, 5);
  o.type = rows.Text(i, 6);
  o.teams = TeamsFromJson(rows.Text(i, 7));
  o.created_at_ms = rows.Int(i, 8);
  o.updated_at_ms = rows.Int(i, 9);
  o.archived_at_ms = rows.OptInt(i, 10);
  return o;
}

}  // namespace

Result<OwnerRecord> PgOwnerStore::CreateOwner(int64_t account_id, const OwnerWrite& owner,
                                              int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<OwnerRecord> {
    FLOWD_TRY(RequireAccount(conn, account_id));
    auto inserted = conn.Query(
        "INSERT INTO owners (account_id, email, first_name, last_name, type, teams_json, "
        "created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        Params()
            .Add(account_id)
            .Add(owner.email)
            .Add(owner.first_name)
            .Add(owner.last_name)
            .Add(owner.type)
            .Add(TeamsToJson(owner.teams))
            .Add(now_ms));
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kConflict) return OwnerEmailTaken(owner.email);
      return std::move(inserted).error();
    }
    OwnerRecord o;
    o.account_id = account_id;
    o.id = inserted->Int(0, 0);
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

Result<OwnerRecord> PgOwnerStore::GetOwner(int64_t account_id, int64_t owner_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<OwnerRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " OWNER_COLUMNS
                                                 " FROM owners WHERE id = $1 AND account_id = $2",
                                                 Params().Add(owner_id).Add(account_id)));
    if (rows.empty()) return OwnerNotFound(owner_id);
    return ReadOwner(rows, 0);
  });
}

Result<OwnerRecord> PgOwnerStore::GetOwnerByUserId(int64_t account_id, int64_t user_id) {
  std::optional<int64_t> id = OwnerIdForUserId(user_id);
  if (!id) return OwnerNotFoundByUserId(user_id);
  auto owner = GetOwner(account_id, *id);
  if (!owner.ok() && owner.error().code == ErrorCode::kNotFound) {
    return OwnerNotFoundByUserId(user_id);
  }
  return owner;
}

Result<OwnerPage> PgOwnerStore::ListOwners(int64_t account_id,
                                           const std::optional<std::string>& email,
                                           std::optional<int64_t> after_id, size_t limit,
                                           bool archived) {
  if (limit == 0) return OwnerPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<OwnerPage> {
    // $4 NULL matches every email.
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " OWNER_COLUMNS " FROM owners WHERE account_id = $1 AND id > $2 "
                   "AND (archived_at_ms IS NOT NULL) = $3 AND ($4::text IS NULL OR email = $4) "
                   "ORDER BY id LIMIT $5",
                   Params()
                       .Add(account_id)
                       .Add(after_id.value_or(kMinId))
                       .Add(archived)
                       .AddOpt(email)
                       .Add(static_cast<int64_t>(limit) + 1)));
    OwnerPage page;
    for (int i = 0; i < rows.size(); ++i) {
      if (page.owners.size() == limit) {
        page.next_after = page.owners.back().id;
        break;
      }
      page.owners.push_back(ReadOwner(rows, i));
    }
    return page;
  });
}

Status PgOwnerStore::ArchiveOwner(int64_t account_id, int64_t owner_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE owners SET archived_at_ms = $1, updated_at_ms = $1 "
                              "WHERE id = $2 AND account_id = $3 AND archived_at_ms IS NULL",
                              Params().Add(now_ms).Add(owner_id).Add(account_id)));
    if (rows.affected() == 0) return OwnerNotFound(owner_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
