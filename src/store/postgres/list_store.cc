// PostgreSQL ListStore: the same rules as the SQLite one (src/store/sqlite/list_store.cc).
// Concurrent writers: list rows are locked (FOR UPDATE) before they are read for a change, member
// inserts and deletes report exactly the rows they changed (ON CONFLICT DO NOTHING / RETURNING),
// sizes move by those counts, and live names are guarded by a partial unique index.
#include "store/postgres/list_store.h"

#include <algorithm>
#include <string>

#include "store/common/list_util.h"
#include "store/common/record_util.h"
#include "store/postgres/shared_writes.h"

namespace flowd::store::postgres {

using internal::kListColumns;
using internal::ListNameKey;
using internal::ListNameTaken;
using internal::ListNotFound;

namespace {

std::string IntArray(const std::vector<int64_t>& ids) { return internal::IdList(ids, '{', '}'); }

std::string Select(const char* tail) {
  return std::string("SELECT ") + kListColumns + " FROM crm_lists " + tail;
}

ListRecord ReadList(const Rows& r, int i) {
  ListRecord l;
  l.id = r.Int(i, 0);
  l.account_id = r.Int(i, 1);
  l.name = r.Text(i, 2);
  l.object_type_id = r.Text(i, 3);
  l.processing_type = r.Text(i, 4);
  l.processing_status = r.Text(i, 5);
  l.list_version = r.Int(i, 6);
  l.filter_json = r.OptText(i, 7);
  l.custom_properties_json = r.Text(i, 8);
  l.folder_id = r.Int(i, 9);
  l.size = r.Int(i, 10);
  l.created_at_ms = r.Int(i, 11);
  l.updated_at_ms = r.Int(i, 12);
  l.filters_updated_at_ms = r.OptInt(i, 13);
  l.deleted_at_ms = r.OptInt(i, 14);
  l.last_added_at_ms = r.OptInt(i, 15);
  l.last_removed_at_ms = r.OptInt(i, 16);
  l.created_by_id = r.Text(i, 17);
  l.updated_by_id = r.Text(i, 18);
  l.backfill_after = r.OptInt(i, 19);
  l.last_full_evaluation_ms = r.Int(i, 20);
  return l;
}

std::vector<ListRecord> ReadLists(const Rows& r) {
  std::vector<ListRecord> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadList(r, i));
  return out;
}

std::vector<int64_t> Ids(const Rows& r) {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Int(i, 0));
  return out;
}

// The list row, locked for the rest of the transaction when `lock`.
Result<std::optional<ListRecord>> LoadList(Connection& conn, int64_t account_id, int64_t list_id,
                                           bool lock) {
  FLOWD_ASSIGN_OR_RETURN(Rows r,
                         conn.Query(Select(lock ? "WHERE id = $1 AND account_id = $2 FOR UPDATE"
                                                : "WHERE id = $1 AND account_id = $2"),
                                    Params().Add(list_id).Add(account_id)));
  if (r.empty()) return std::optional<ListRecord>();
  return std::optional<ListRecord>(ReadList(r, 0));
}

Result<ListRecord> LoadLive(Connection& conn, int64_t account_id, int64_t list_id, bool lock) {
  FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id, lock));
  if (!l || l->deleted_at_ms) return ListNotFound(list_id);
  return *l;
}

Status CheckName(Connection& conn, int64_t account_id, const std::string& name, int64_t except) {
  FLOWD_ASSIGN_OR_RETURN(Rows r, conn.Query("SELECT id FROM crm_lists WHERE account_id = $1 AND "
                                            "name_key = $2 AND deleted_at_ms IS NULL",
                                            Params().Add(account_id).Add(ListNameKey(name))));
  if (!r.empty() && r.Int(0, 0) != except) return ListNameTaken(name);
  return Status::Ok();
}

// A unique-index violation on a name write is the name clash a concurrent writer won.
template <typename T>
Result<T> NameClash(Result<T> r, const std::string& name) {
  if (!r.ok() && r.error().code == ErrorCode::kConflict) return ListNameTaken(name);
  return r;
}

// Adds and removes members of a live list, keeps its counters and logs the change (the caller
// took the event log lock before it locked the list row).
Result<MembershipResult> Change(Connection& conn, const ListRecord& l,
                                const std::vector<int64_t>& add, const std::vector<int64_t>& remove,
                                int64_t now_ms) {
  const int64_t account_id = l.account_id;
  const int64_t list_id = l.id;
  MembershipResult r;
  const std::vector<int64_t> removals = internal::RemovalsOf(add, remove);
  if (!removals.empty()) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows del, conn.Query("DELETE FROM crm_list_members WHERE list_id = $1 AND object_id = "
                             "ANY($2::bigint[]) RETURNING object_id",
                             Params().Add(list_id).Add(IntArray(removals))));
    r.removed = Ids(del);
  }
  const std::vector<int64_t> adds = internal::Unique(add);
  if (!adds.empty()) {
    FLOWD_ASSIGN_OR_RETURN(
        Rows ins,
        conn.Query("INSERT INTO crm_list_members (list_id, object_id, account_id, added_at_ms) "
                   "SELECT $1, x, $2, $3 FROM unnest($4::bigint[]) AS x ON CONFLICT DO NOTHING "
                   "RETURNING object_id",
                   Params().Add(list_id).Add(account_id).Add(now_ms).Add(IntArray(adds))));
    r.added = Ids(ins);
  }
  std::sort(r.added.begin(), r.added.end());
  std::sort(r.removed.begin(), r.removed.end());
  if (r.added.empty() && r.removed.empty()) return r;
  FLOWD_ASSIGN_OR_RETURN(
      Rows up,
      conn.Query("UPDATE crm_lists SET size = size + $1 - $2, last_added_at_ms = CASE WHEN $1 > "
                 "0 THEN $3 ELSE last_added_at_ms END, last_removed_at_ms = CASE WHEN $2 > 0 "
                 "THEN $3 ELSE last_removed_at_ms END WHERE id = $4",
                 Params()
                     .Add(static_cast<int64_t>(r.added.size()))
                     .Add(static_cast<int64_t>(r.removed.size()))
                     .Add(now_ms)
                     .Add(list_id)));
  FLOWD_TRY(internal::LogMembershipChange(*NewObjectTxn(conn), l, r, now_ms));
  return r;
}

Result<std::vector<FolderRecord>> Folders(Connection& conn, int64_t account_id, bool lock) {
  FLOWD_ASSIGN_OR_RETURN(
      Rows r, conn.Query(std::string("SELECT id, name, parent_id, created_at_ms, updated_at_ms, "
                                     "updated_contents_at_ms FROM crm_list_folders WHERE "
                                     "account_id = $1 ORDER BY id") +
                             (lock ? " FOR UPDATE" : ""),
                         Params().Add(account_id)));
  std::vector<FolderRecord> out;
  for (int i = 0; i < r.size(); ++i) {
    out.push_back(FolderRecord{r.Int(i, 0), r.Text(i, 1), r.Int(i, 2), r.Int(i, 3), r.Int(i, 4),
                               r.Int(i, 5)});
  }
  return out;
}

bool HasFolder(const std::vector<FolderRecord>& folders, int64_t id) {
  return id == 0 || std::any_of(folders.begin(), folders.end(),
                                [&](const FolderRecord& f) { return f.id == id; });
}

}  // namespace

Result<ListRecord> PgListStore::CreateList(int64_t account_id, const ListRecord& l,
                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_TRY(CheckName(conn, account_id, l.name, 0));
    Params p;
    p.Add(account_id)
        .Add(l.name)
        .Add(ListNameKey(l.name))
        .Add(l.object_type_id)
        .Add(l.processing_type)
        .Add(l.processing_status)
        .AddOpt(l.filter_json)
        .Add(l.custom_properties_json)
        .Add(l.folder_id)
        .Add(now_ms)
        .AddOpt(l.filter_json ? std::optional<int64_t>(now_ms) : std::nullopt)
        .Add(l.created_by_id)
        .AddOpt(l.backfill_after);
    auto inserted = NameClash(
        conn.Query("INSERT INTO crm_lists (account_id, name, name_key, object_type_id, "
                   "processing_type, processing_status, list_version, filter_json, "
                   "custom_properties_json, folder_id, created_at_ms, updated_at_ms, "
                   "filters_updated_at_ms, created_by_id, updated_by_id, backfill_after) VALUES "
                   "($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $10, $11, $12, $12, $13) "
                   "RETURNING id",
                   p),
        l.name);
    if (!inserted.ok()) return std::move(inserted).error();
    return LoadLive(conn, account_id, inserted->Int(0, 0), false);
  });
}

Result<ListRecord> PgListStore::GetList(int64_t account_id, int64_t list_id, bool include_deleted) {
  return db_.Read(false, [&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id, false));
    if (!l || (l->deleted_at_ms && !include_deleted)) return ListNotFound(list_id);
    return *l;
  });
}

Result<std::vector<ListRecord>> PgListStore::GetLists(int64_t account_id,
                                                      const std::vector<int64_t>& ids) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    if (ids.empty()) {
      FLOWD_ASSIGN_OR_RETURN(
          Rows r, conn.Query(Select("WHERE account_id = $1 AND deleted_at_ms IS NULL ORDER BY id"),
                             Params().Add(account_id)));
      return ReadLists(r);
    }
    FLOWD_ASSIGN_OR_RETURN(Rows r, conn.Query(Select("WHERE account_id = $1 AND deleted_at_ms IS "
                                                     "NULL AND id = ANY($2::bigint[]) ORDER BY id"),
                                              Params().Add(account_id).Add(IntArray(ids))));
    return ReadLists(r);
  });
}

Result<std::optional<ListRecord>> PgListStore::FindListByName(int64_t account_id,
                                                              const std::string& type,
                                                              const std::string& name) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query(Select("WHERE account_id = $1 AND name_key = $2 AND object_type_id = "
                                  "$3 AND deleted_at_ms IS NULL"),
                           Params().Add(account_id).Add(ListNameKey(name)).Add(type)));
    if (r.empty()) return std::optional<ListRecord>();
    return std::optional<ListRecord>(ReadList(r, 0));
  });
}

Result<ListRecord> PgListStore::UpdateList(int64_t account_id, int64_t list_id, const ListUpdate& u,
                                           int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id, true));
    if (u.name) {
      FLOWD_TRY(CheckName(conn, account_id, *u.name, list_id));
      auto renamed = NameClash(
          conn.Query(
              "UPDATE crm_lists SET name = $1, name_key = $2, list_version = "
              "list_version + 1, updated_by_id = $3 WHERE id = $4",
              Params().Add(*u.name).Add(ListNameKey(*u.name)).Add(u.updated_by_id).Add(list_id)),
          *u.name);
      if (!renamed.ok()) return std::move(renamed).error();
    }
    if (u.filter_json) {
      FLOWD_ASSIGN_OR_RETURN(
          Rows r,
          conn.Query("UPDATE crm_lists SET filter_json = $1, filters_updated_at_ms = $2, "
                     "list_version = list_version + 1, updated_by_id = $3 WHERE id = $4",
                     Params().Add(*u.filter_json).Add(now_ms).Add(u.updated_by_id).Add(list_id)));
    }
    if (u.folder_id) {
      FLOWD_ASSIGN_OR_RETURN(Rows r, conn.Query("UPDATE crm_lists SET folder_id = $1 WHERE id = $2",
                                                Params().Add(*u.folder_id).Add(list_id)));
    }
    if (u.backfill_after) {
      FLOWD_ASSIGN_OR_RETURN(Rows r,
                             conn.Query("UPDATE crm_lists SET backfill_after = $1 WHERE id = $2",
                                        Params().AddOpt(*u.backfill_after).Add(list_id)));
    }
    if (u.processing_status) {
      FLOWD_ASSIGN_OR_RETURN(Rows r,
                             conn.Query("UPDATE crm_lists SET processing_status = $1 WHERE id = $2",
                                        Params().Add(*u.processing_status).Add(list_id)));
    }
    // updatedAt follows the definition (name, filters, folder), not processing state.
    if (u.name || u.filter_json || u.folder_id) {
      FLOWD_ASSIGN_OR_RETURN(Rows r,
                             conn.Query("UPDATE crm_lists SET updated_at_ms = $1 WHERE id = $2",
                                        Params().Add(now_ms).Add(list_id)));
    }
    (void)l;
    return LoadLive(conn, account_id, list_id, false);
  });
}

Status PgListStore::DeleteList(int64_t account_id, int64_t list_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query("UPDATE crm_lists SET deleted_at_ms = $1, updated_at_ms = $1, "
                           "backfill_after = NULL WHERE id = $2 AND account_id = $3 AND "
                           "deleted_at_ms IS NULL RETURNING id",
                           Params().Add(now_ms).Add(list_id).Add(account_id)));
    if (r.empty()) return ListNotFound(list_id);
    return Status::Ok();
  });
}

Result<ListRecord> PgListStore::RestoreList(int64_t account_id, int64_t list_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id, true));
    if (!l || !l->deleted_at_ms) return ListNotFound(list_id);
    FLOWD_TRY(CheckName(conn, account_id, l->name, list_id));
    auto restored = NameClash(
        conn.Query("UPDATE crm_lists SET deleted_at_ms = NULL, updated_at_ms = $1 WHERE id = $2",
                   Params().Add(now_ms).Add(list_id)),
        l->name);
    if (!restored.ok()) return std::move(restored).error();
    return LoadLive(conn, account_id, list_id, false);
  });
}

Result<MembershipResult> ChangeListMembers(Connection& conn, int64_t account_id,
                                           const MembershipDelta& delta, int64_t now_ms,
                                           bool static_only) {
  FLOWD_TRY(LockEventLog(conn));
  FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, delta.list_id, /*lock=*/true));
  if (static_only && l.processing_type != "MANUAL" && l.processing_type != "SNAPSHOT") {
    return Error::Invalid("list " + std::to_string(l.id) + " is " + l.processing_type +
                          ": only MANUAL and SNAPSHOT lists take explicit members");
  }
  return Change(conn, l, delta.add, delta.remove, now_ms);
}

Result<MembershipResult> PgListStore::ChangeMembers(int64_t account_id,
                                                    const MembershipDelta& delta, int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    return ChangeListMembers(conn, account_id, delta, now_ms, /*static_only=*/false);
  });
}

Result<int64_t> PgListStore::ClearMembers(int64_t account_id, int64_t list_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_TRY(LockEventLog(conn));
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id, true));
    FLOWD_ASSIGN_OR_RETURN(
        Rows del, conn.Query("DELETE FROM crm_list_members WHERE list_id = $1 RETURNING object_id",
                             Params().Add(list_id)));
    MembershipResult r;
    r.removed = Ids(del);
    std::sort(r.removed.begin(), r.removed.end());
    const auto removed = static_cast<int64_t>(r.removed.size());
    if (removed > 0) {
      FLOWD_ASSIGN_OR_RETURN(Rows up, conn.Query("UPDATE crm_lists SET size = 0, "
                                                 "last_removed_at_ms = $1 WHERE id = $2",
                                                 Params().Add(now_ms).Add(list_id)));
    }
    FLOWD_TRY(internal::LogMembershipChange(*NewObjectTxn(conn), l, r, now_ms));
    return removed;
  });
}

Result<MemberPage> PgListStore::ListMembers(int64_t account_id, int64_t list_id, MemberOrder order,
                                            std::optional<ListMember> after,
                                            std::optional<ListMember> before, size_t limit) {
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(true, [&](Connection& conn) -> Result<MemberPage> {
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id, false));
    MemberPage page;
    page.total = l.size;
    const bool backward = !after && before;
    const ListMember cursor = after    ? *after
                              : before ? *before
                                       : ListMember{internal::kMinId, internal::kMinId};
    const char* sql = nullptr;
    if (order == MemberOrder::kById) {
      sql = backward ? "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = $1 "
                       "AND object_id < $2 AND $3::bigint IS NOT NULL ORDER BY object_id DESC "
                       "LIMIT $4"
                     : "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = $1 "
                       "AND object_id > $2 AND $3::bigint IS NOT NULL ORDER BY object_id LIMIT $4";
    } else {
      sql = backward
                ? "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = $1 AND "
                  "(added_at_ms, object_id) < ($3, $2) ORDER BY added_at_ms DESC, object_id DESC "
                  "LIMIT $4"
                : "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = $1 AND "
                  "(added_at_ms, object_id) > ($3, $2) ORDER BY added_at_ms, object_id LIMIT $4";
    }
    FLOWD_ASSIGN_OR_RETURN(Rows r, conn.Query(sql, Params()
                                                       .Add(list_id)
                                                       .Add(cursor.object_id)
                                                       .Add(cursor.added_at_ms)
                                                       .Add(static_cast<int64_t>(limit) + 1)));
    for (int i = 0; i < r.size(); ++i) page.members.push_back(ListMember{r.Int(i, 0), r.Int(i, 1)});
    if (page.members.size() > limit) {
      page.members.resize(limit);
      page.has_more = true;
    }
    return page;
  });
}

Result<std::vector<int64_t>> PgListStore::FilterMembers(int64_t account_id, int64_t list_id,
                                                        const std::vector<int64_t>& ids) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query("SELECT object_id FROM crm_list_members WHERE list_id = $1 AND "
                           "account_id = $2 AND object_id = ANY($3::bigint[]) ORDER BY object_id",
                           Params().Add(list_id).Add(account_id).Add(IntArray(ids))));
    return Ids(r);
  });
}

Result<std::vector<Membership>> PgListStore::MembershipsOf(int64_t account_id, int64_t object_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<Membership>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query("SELECT m.list_id, l.list_version, m.added_at_ms FROM "
                           "crm_list_members m JOIN crm_lists l ON l.id = m.list_id WHERE "
                           "m.account_id = $1 AND m.object_id = $2 AND l.deleted_at_ms IS NULL "
                           "ORDER BY m.list_id",
                           Params().Add(account_id).Add(object_id)));
    std::vector<Membership> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(Membership{r.Int(i, 0), r.Int(i, 1), r.Int(i, 2)});
    }
    return out;
  });
}

Result<std::vector<int64_t>> PgListStore::RemoveFromAllLists(int64_t account_id, int64_t object_id,
                                                             int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(Rows del, conn.Query("DELETE FROM crm_list_members WHERE account_id = "
                                                "$1 AND object_id = $2 RETURNING list_id",
                                                Params().Add(account_id).Add(object_id)));
    std::vector<int64_t> lists = Ids(del);
    std::sort(lists.begin(), lists.end());
    if (!lists.empty()) {
      FLOWD_ASSIGN_OR_RETURN(Rows up, conn.Query("UPDATE crm_lists SET size = size - 1, "
                                                 "last_removed_at_ms = $1 WHERE id = "
                                                 "ANY($2::bigint[])",
                                                 Params().Add(now_ms).Add(IntArray(lists))));
    }
    return lists;
  });
}

Result<std::vector<ListRecord>> PgListStore::DynamicLists() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query(Select("WHERE processing_type = 'DYNAMIC' AND deleted_at_ms IS NULL "
                                  "ORDER BY id")));
    return ReadLists(r);
  });
}

Result<std::vector<ListRecord>> PgListStore::BackfillingLists() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query(Select("WHERE backfill_after IS NOT NULL AND deleted_at_ms IS NULL "
                                  "ORDER BY id")));
    return ReadLists(r);
  });
}

Result<int64_t> PgListStore::ProcessedSeq() {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Rows r,
                           conn.Query("SELECT processed_seq FROM crm_list_cursor WHERE id = 1"));
    return r.empty() ? 0 : r.Int(0, 0);
  });
}

Status PgListStore::SetProcessedSeq(int64_t seq) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(Rows r, conn.Query("UPDATE crm_list_cursor SET processed_seq = "
                                              "GREATEST(processed_seq, $1) WHERE id = 1",
                                              Params().Add(seq)));
    return Status::Ok();
  });
}

Result<std::vector<MembershipResult>> PgListStore::ApplyEvaluations(
    int64_t account_id, const std::vector<Evaluation>& evaluations, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<MembershipResult>> {
    std::vector<MembershipResult> out;
    if (!evaluations.empty()) FLOWD_TRY(LockEventLog(conn));
    for (const Evaluation& e : evaluations) {
      FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, e.list_id, true));
      if (!l || l->deleted_at_ms || l->list_version != e.list_version) {
        out.emplace_back();
        continue;
      }
      FLOWD_ASSIGN_OR_RETURN(MembershipResult r, Change(conn, *l, e.add, e.remove, now_ms));
      out.push_back(std::move(r));
      if (!e.backfill) continue;
      if (e.backfill_after) {
        FLOWD_ASSIGN_OR_RETURN(Rows u,
                               conn.Query("UPDATE crm_lists SET backfill_after = $1 WHERE id = $2",
                                          Params().Add(*e.backfill_after).Add(e.list_id)));
      } else {
        FLOWD_ASSIGN_OR_RETURN(
            Rows u, conn.Query("UPDATE crm_lists SET backfill_after = NULL, processing_status = "
                               "'COMPLETE', last_full_evaluation_ms = $1 WHERE id = $2",
                               Params().Add(now_ms).Add(e.list_id)));
      }
    }
    return out;
  });
}

Result<FolderRecord> PgListStore::CreateFolder(int64_t account_id, const std::string& name,
                                               int64_t parent_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FolderRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id, true));
    if (!HasFolder(folders, parent_id)) return internal::FolderNotFound(parent_id);
    FLOWD_ASSIGN_OR_RETURN(
        Rows r, conn.Query("INSERT INTO crm_list_folders (account_id, name, parent_id, "
                           "created_at_ms, updated_at_ms, updated_contents_at_ms) VALUES ($1, $2, "
                           "$3, $4, $4, $4) RETURNING id",
                           Params().Add(account_id).Add(name).Add(parent_id).Add(now_ms)));
    return FolderRecord{r.Int(0, 0), name, parent_id, now_ms, now_ms, now_ms};
  });
}

Result<std::vector<FolderRecord>> PgListStore::ListFolders(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) { return Folders(conn, account_id, false); });
}

Result<FolderRecord> PgListStore::UpdateFolder(int64_t account_id, int64_t folder_id,
                                               std::optional<std::string> name,
                                               std::optional<int64_t> parent_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FolderRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id, true));
    auto it = std::find_if(folders.begin(), folders.end(),
                           [&](const FolderRecord& f) { return f.id == folder_id; });
    if (it == folders.end()) return internal::FolderNotFound(folder_id);
    FolderRecord f = *it;
    if (parent_id) {
      if (!HasFolder(folders, *parent_id)) return internal::FolderNotFound(*parent_id);
      for (int64_t p = *parent_id; p != 0;) {
        if (p == folder_id) {
          return Error::Conflict("Folder " + std::to_string(folder_id) +
                                 " cannot be moved into itself or one of its subfolders");
        }
        auto up = std::find_if(folders.begin(), folders.end(),
                               [&](const FolderRecord& x) { return x.id == p; });
        p = up == folders.end() ? 0 : up->parent_id;
      }
      f.parent_id = *parent_id;
    }
    if (name) f.name = *name;
    f.updated_at_ms = now_ms;
    FLOWD_ASSIGN_OR_RETURN(
        Rows r,
        conn.Query(
            "UPDATE crm_list_folders SET name = $1, parent_id = $2, updated_at_ms "
            "= $3 WHERE id = $4 AND account_id = $5",
            Params().Add(f.name).Add(f.parent_id).Add(now_ms).Add(folder_id).Add(account_id)));
    return f;
  });
}

Status PgListStore::DeleteFolder(int64_t account_id, int64_t folder_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id, true));
    if (folder_id == 0 || !HasFolder(folders, folder_id)) {
      return internal::FolderNotFound(folder_id);
    }
    const bool has_children = std::any_of(folders.begin(), folders.end(),
                                          [&](const auto& f) { return f.parent_id == folder_id; });
    FLOWD_ASSIGN_OR_RETURN(Rows lists,
                           conn.Query("SELECT 1 FROM crm_lists WHERE account_id = $1 AND "
                                      "folder_id = $2 AND deleted_at_ms IS NULL LIMIT 1",
                                      Params().Add(account_id).Add(folder_id)));
    if (has_children || !lists.empty()) {
      return Error::Conflict("Folder " + std::to_string(folder_id) +
                             " is not empty: move or delete its lists and subfolders first");
    }
    FLOWD_ASSIGN_OR_RETURN(Rows del, conn.Query("DELETE FROM crm_list_folders WHERE id = $1 AND "
                                                "account_id = $2",
                                                Params().Add(folder_id).Add(account_id)));
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
