// SQLite ListStore. Every write runs in the writer's (group-committed) transaction, so the
// read-then-write sequences below cannot race with another write.
#include "store/sqlite/list_store.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "store/common/list_util.h"
#include "store/common/record_util.h"
#include "store/sqlite/shared_writes.h"

namespace flowd::store::sqlite {

using internal::kListColumns;
using internal::ListNameKey;
using internal::ListNameTaken;
using internal::ListNotFound;

namespace {

std::string JsonIds(const std::vector<int64_t>& ids) { return internal::IdList(ids, '[', ']'); }

// SQL texts built once: the statement cache is keyed by the text's address.
const std::string& Sql(const char* tail) {
  static std::mutex mu;
  static std::map<const char*, std::string> texts;
  std::lock_guard<std::mutex> lock(mu);
  auto it = texts.find(tail);
  if (it == texts.end()) {
    it = texts.emplace(tail, std::string("SELECT ") + kListColumns + " FROM crm_lists " + tail)
             .first;
  }
  return it->second;
}

ListRecord ReadList(const Stmt& s) {
  ListRecord l;
  l.id = s.Int(0);
  l.account_id = s.Int(1);
  l.name = s.Text(2);
  l.object_type_id = s.Text(3);
  l.processing_type = s.Text(4);
  l.processing_status = s.Text(5);
  l.list_version = s.Int(6);
  l.filter_json = s.OptText(7);
  l.custom_properties_json = s.Text(8);
  l.folder_id = s.Int(9);
  l.size = s.Int(10);
  l.created_at_ms = s.Int(11);
  l.updated_at_ms = s.Int(12);
  l.filters_updated_at_ms = s.OptInt(13);
  l.deleted_at_ms = s.OptInt(14);
  l.last_added_at_ms = s.OptInt(15);
  l.last_removed_at_ms = s.OptInt(16);
  l.created_by_id = s.Text(17);
  l.updated_by_id = s.Text(18);
  l.backfill_after = s.OptInt(19);
  l.last_full_evaluation_ms = s.Int(20);
  return l;
}

Result<std::vector<ListRecord>> ReadLists(Stmt& s) {
  std::vector<ListRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(ReadList(s));
  }
}

Result<std::optional<ListRecord>> LoadList(Connection& conn, int64_t account_id, int64_t list_id) {
  FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(Sql("WHERE id = ?1 AND account_id = ?2").c_str()));
  s.Bind(1, list_id).Bind(2, account_id);
  FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<ListRecord>();
  return std::optional<ListRecord>(ReadList(s));
}

Result<ListRecord> LoadLive(Connection& conn, int64_t account_id, int64_t list_id) {
  FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id));
  if (!l || l->deleted_at_ms) return ListNotFound(list_id);
  return *l;
}

// kConflict when another live list of the account has `name`.
Status CheckName(Connection& conn, int64_t account_id, const std::string& name, int64_t except) {
  FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("SELECT id FROM crm_lists WHERE account_id = ?1 AND "
                                              "name_key = ?2 AND deleted_at_ms IS NULL"));
  s.Bind(1, account_id).Bind(2, ListNameKey(name));
  FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (row && s.Int(0) != except) return ListNameTaken(name);
  return Status::Ok();
}

// Adds and removes members of a live list, keeps its counters and logs the change.
Result<MembershipResult> Change(Connection& conn, const ListRecord& l,
                                const std::vector<int64_t>& add, const std::vector<int64_t>& remove,
                                int64_t now_ms) {
  const int64_t account_id = l.account_id;
  const int64_t list_id = l.id;
  MembershipResult r;
  const std::vector<int64_t> removals = internal::RemovalsOf(add, remove);
  if (!removals.empty()) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn.Prepare("DELETE FROM crm_list_members WHERE list_id = ?1 AND object_id IN "
                               "(SELECT value FROM json_each(?2)) RETURNING object_id"));
    del.Bind(1, list_id).Bind(2, JsonIds(removals));
    FLOWD_ASSIGN_OR_RETURN(r.removed, del.Ids());
  }
  const std::vector<int64_t> adds = internal::Unique(add);
  if (!adds.empty()) {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins, conn.Prepare("INSERT OR IGNORE INTO crm_list_members (list_id, object_id, "
                               "account_id, added_at_ms) SELECT ?1, value, ?2, ?3 FROM "
                               "json_each(?4) RETURNING object_id"));
    ins.Bind(1, list_id).Bind(2, account_id).Bind(3, now_ms).Bind(4, JsonIds(adds));
    FLOWD_ASSIGN_OR_RETURN(r.added, ins.Ids());
  }
  std::sort(r.added.begin(), r.added.end());
  std::sort(r.removed.begin(), r.removed.end());
  if (r.added.empty() && r.removed.empty()) return r;
  FLOWD_ASSIGN_OR_RETURN(
      Stmt up, conn.Prepare("UPDATE crm_lists SET size = size + ?1 - ?2, last_added_at_ms = "
                            "CASE WHEN ?1 > 0 THEN ?3 ELSE last_added_at_ms END, "
                            "last_removed_at_ms = CASE WHEN ?2 > 0 THEN ?3 ELSE "
                            "last_removed_at_ms END WHERE id = ?4"));
  FLOWD_TRY(up.Bind(1, static_cast<int64_t>(r.added.size()))
                .Bind(2, static_cast<int64_t>(r.removed.size()))
                .Bind(3, now_ms)
                .Bind(4, list_id)
                .Run());
  FLOWD_TRY(internal::LogMembershipChange(*NewObjectTxn(conn), l, r, now_ms));
  return r;
}

FolderRecord ReadFolder(const Stmt& s) {
  return FolderRecord{s.Int(0), s.Text(1), s.Int(2), s.Int(3), s.Int(4), s.Int(5)};
}

Result<std::vector<FolderRecord>> Folders(Connection& conn, int64_t account_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt s, conn.Prepare("SELECT id, name, parent_id, created_at_ms, updated_at_ms, "
                           "updated_contents_at_ms FROM crm_list_folders WHERE account_id = ?1 "
                           "ORDER BY id"));
  s.Bind(1, account_id);
  std::vector<FolderRecord> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(ReadFolder(s));
  }
}

bool HasFolder(const std::vector<FolderRecord>& folders, int64_t id) {
  return id == 0 || std::any_of(folders.begin(), folders.end(),
                                [&](const FolderRecord& f) { return f.id == id; });
}

}  // namespace

Result<ListRecord> SqliteListStore::CreateList(int64_t account_id, const ListRecord& l,
                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_TRY(CheckName(conn, account_id, l.name, 0));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins,
        conn.Prepare("INSERT INTO crm_lists (account_id, name, name_key, object_type_id, "
                     "processing_type, processing_status, list_version, filter_json, "
                     "custom_properties_json, folder_id, created_at_ms, updated_at_ms, "
                     "filters_updated_at_ms, created_by_id, updated_by_id, backfill_after) "
                     "VALUES (?1,?2,?3,?4,?5,?6,1,?7,?8,?9,?10,?10,?11,?12,?12,?13)"));
    ins.Bind(1, account_id)
        .Bind(2, l.name)
        .Bind(3, ListNameKey(l.name))
        .Bind(4, l.object_type_id)
        .Bind(5, l.processing_type)
        .Bind(6, l.processing_status)
        .BindOpt(7, l.filter_json)
        .Bind(8, l.custom_properties_json)
        .Bind(9, l.folder_id)
        .Bind(10, now_ms)
        .Bind(12, l.created_by_id);
    if (l.filter_json) {
      ins.Bind(11, now_ms);
    } else {
      ins.BindNull(11);
    }
    if (l.backfill_after) {
      ins.Bind(13, *l.backfill_after);
    } else {
      ins.BindNull(13);
    }
    FLOWD_TRY(ins.Run());
    return LoadLive(conn, account_id, conn.LastInsertRowid());
  });
}

Result<ListRecord> SqliteListStore::GetList(int64_t account_id, int64_t list_id,
                                            bool include_deleted) {
  return db_.Read(false, [&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id));
    if (!l || (l->deleted_at_ms && !include_deleted)) return ListNotFound(list_id);
    return *l;
  });
}

Result<std::vector<ListRecord>> SqliteListStore::GetLists(int64_t account_id,
                                                          const std::vector<int64_t>& ids) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    if (ids.empty()) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt s,
          conn.Prepare(Sql("WHERE account_id = ?1 AND deleted_at_ms IS NULL ORDER BY id").c_str()));
      s.Bind(1, account_id);
      return ReadLists(s);
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare(Sql("WHERE account_id = ?1 AND deleted_at_ms IS NULL AND id IN "
                                 "(SELECT value FROM json_each(?2)) ORDER BY id")
                                 .c_str()));
    s.Bind(1, account_id).Bind(2, JsonIds(ids));
    return ReadLists(s);
  });
}

Result<std::optional<ListRecord>> SqliteListStore::FindListByName(int64_t account_id,
                                                                  const std::string& type,
                                                                  const std::string& name) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::optional<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare(Sql("WHERE account_id = ?1 AND name_key = ?2 AND object_type_id = "
                                 "?3 AND deleted_at_ms IS NULL")
                                 .c_str()));
    s.Bind(1, account_id).Bind(2, ListNameKey(name)).Bind(3, type);
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return std::optional<ListRecord>();
    return std::optional<ListRecord>(ReadList(s));
  });
}

Result<ListRecord> SqliteListStore::UpdateList(int64_t account_id, int64_t list_id,
                                               const ListUpdate& u, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id));
    if (u.name) {
      FLOWD_TRY(CheckName(conn, account_id, *u.name, list_id));
      FLOWD_ASSIGN_OR_RETURN(
          Stmt s, conn.Prepare("UPDATE crm_lists SET name = ?1, name_key = ?2, list_version = "
                               "list_version + 1, updated_by_id = ?3 WHERE id = ?4"));
      FLOWD_TRY(s.Bind(1, *u.name)
                    .Bind(2, ListNameKey(*u.name))
                    .Bind(3, u.updated_by_id)
                    .Bind(4, list_id)
                    .Run());
    }
    if (u.filter_json) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt s, conn.Prepare("UPDATE crm_lists SET filter_json = ?1, filters_updated_at_ms = "
                               "?2, list_version = list_version + 1, updated_by_id = ?3 WHERE "
                               "id = ?4"));
      FLOWD_TRY(s.Bind(1, *u.filter_json)
                    .Bind(2, now_ms)
                    .Bind(3, u.updated_by_id)
                    .Bind(4, list_id)
                    .Run());
    }
    if (u.folder_id) {
      FLOWD_ASSIGN_OR_RETURN(Stmt s,
                             conn.Prepare("UPDATE crm_lists SET folder_id = ?1 WHERE id = ?2"));
      FLOWD_TRY(s.Bind(1, *u.folder_id).Bind(2, list_id).Run());
    }
    if (u.backfill_after) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt s, conn.Prepare("UPDATE crm_lists SET backfill_after = ?1 WHERE id = ?2"));
      if (*u.backfill_after) {
        s.Bind(1, **u.backfill_after);
      } else {
        s.BindNull(1);
      }
      FLOWD_TRY(s.Bind(2, list_id).Run());
    }
    if (u.processing_status) {
      FLOWD_ASSIGN_OR_RETURN(
          Stmt s, conn.Prepare("UPDATE crm_lists SET processing_status = ?1 WHERE id = ?2"));
      FLOWD_TRY(s.Bind(1, *u.processing_status).Bind(2, list_id).Run());
    }
    // updatedAt follows the definition (name, filters, folder), not processing state.
    if (u.name || u.filter_json || u.folder_id) {
      FLOWD_ASSIGN_OR_RETURN(Stmt s,
                             conn.Prepare("UPDATE crm_lists SET updated_at_ms = ?1 WHERE id = ?2"));
      FLOWD_TRY(s.Bind(1, now_ms).Bind(2, list_id).Run());
    }
    (void)l;
    return LoadLive(conn, account_id, list_id);
  });
}

Status SqliteListStore::DeleteList(int64_t account_id, int64_t list_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("UPDATE crm_lists SET deleted_at_ms = ?1, updated_at_ms = ?1, "
                             "backfill_after = NULL WHERE id = ?2 AND account_id = ?3 AND "
                             "deleted_at_ms IS NULL"));
    FLOWD_TRY(s.Bind(1, now_ms).Bind(2, list_id).Bind(3, account_id).Run());
    if (conn.Changes() == 0) return ListNotFound(list_id);
    return Status::Ok();
  });
}

Result<ListRecord> SqliteListStore::RestoreList(int64_t account_id, int64_t list_id,
                                                int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<ListRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, list_id));
    if (!l || !l->deleted_at_ms) return ListNotFound(list_id);
    FLOWD_TRY(CheckName(conn, account_id, l->name, list_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("UPDATE crm_lists SET deleted_at_ms = NULL, updated_at_ms = ?1 "
                             "WHERE id = ?2"));
    FLOWD_TRY(s.Bind(1, now_ms).Bind(2, list_id).Run());
    return LoadLive(conn, account_id, list_id);
  });
}

Result<MembershipResult> ChangeListMembers(Connection& conn, int64_t account_id,
                                           const MembershipDelta& delta, int64_t now_ms,
                                           bool static_only) {
  FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, delta.list_id));
  if (static_only && l.processing_type != "MANUAL" && l.processing_type != "SNAPSHOT") {
    return Error::Invalid("list " + std::to_string(l.id) + " is " + l.processing_type +
                          ": only MANUAL and SNAPSHOT lists take explicit members");
  }
  return Change(conn, l, delta.add, delta.remove, now_ms);
}

Result<MembershipResult> SqliteListStore::ChangeMembers(int64_t account_id,
                                                        const MembershipDelta& delta,
                                                        int64_t now_ms) {
  return db_.Write([&](Connection& conn) {
    return ChangeListMembers(conn, account_id, delta, now_ms, /*static_only=*/false);
  });
}

Result<int64_t> SqliteListStore::ClearMembers(int64_t account_id, int64_t list_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id));
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del,
        conn.Prepare("DELETE FROM crm_list_members WHERE list_id = ?1 RETURNING object_id"));
    del.Bind(1, list_id);
    MembershipResult r;
    FLOWD_ASSIGN_OR_RETURN(r.removed, del.Ids());
    std::sort(r.removed.begin(), r.removed.end());
    const auto removed = static_cast<int64_t>(r.removed.size());
    if (removed > 0) {
      FLOWD_ASSIGN_OR_RETURN(Stmt up, conn.Prepare("UPDATE crm_lists SET size = 0, "
                                                   "last_removed_at_ms = ?1 WHERE id = ?2"));
      FLOWD_TRY(up.Bind(1, now_ms).Bind(2, list_id).Run());
    }
    FLOWD_TRY(internal::LogMembershipChange(*NewObjectTxn(conn), l, r, now_ms));
    return removed;
  });
}

Result<MemberPage> SqliteListStore::ListMembers(int64_t account_id, int64_t list_id,
                                                MemberOrder order, std::optional<ListMember> after,
                                                std::optional<ListMember> before, size_t limit) {
  limit = std::min(limit, internal::kMaxPage);
  return db_.Read(true, [&](Connection& conn) -> Result<MemberPage> {
    FLOWD_ASSIGN_OR_RETURN(ListRecord l, LoadLive(conn, account_id, list_id));
    MemberPage page;
    page.total = l.size;
    const bool backward = !after && before;
    const ListMember cursor = after    ? *after
                              : before ? *before
                                       : ListMember{internal::kMinId, internal::kMinId};
    const char* sql = nullptr;
    if (order == MemberOrder::kById) {
      sql = backward ? "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = ?1 "
                       "AND object_id < ?2 ORDER BY object_id DESC LIMIT ?4"
                     : "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = ?1 "
                       "AND object_id > ?2 ORDER BY object_id LIMIT ?4";
    } else {
      sql = backward
                ? "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = ?1 AND "
                  "(added_at_ms, object_id) < (?3, ?2) ORDER BY added_at_ms DESC, object_id DESC "
                  "LIMIT ?4"
                : "SELECT object_id, added_at_ms FROM crm_list_members WHERE list_id = ?1 AND "
                  "(added_at_ms, object_id) > (?3, ?2) ORDER BY added_at_ms, object_id LIMIT ?4";
    }
    FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare(sql));
    s.Bind(1, list_id)
        .Bind(2, cursor.object_id)
        .Bind(3, cursor.added_at_ms)
        .Bind(4, static_cast<int64_t>(limit) + 1);
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      page.members.push_back(ListMember{s.Int(0), s.Int(1)});
    }
    if (page.members.size() > limit) {
      page.members.resize(limit);
      page.has_more = true;
    }
    return page;
  });
}

Result<std::vector<int64_t>> SqliteListStore::FilterMembers(int64_t account_id, int64_t list_id,
                                                            const std::vector<int64_t>& ids) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("SELECT object_id FROM crm_list_members WHERE list_id = ?1 AND "
                             "account_id = ?2 AND object_id IN (SELECT value FROM json_each(?3)) "
                             "ORDER BY object_id"));
    s.Bind(1, list_id).Bind(2, account_id).Bind(3, JsonIds(ids));
    return s.Ids();
  });
}

Result<std::vector<Membership>> SqliteListStore::MembershipsOf(int64_t account_id,
                                                               int64_t object_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<Membership>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare("SELECT m.list_id, l.list_version, m.added_at_ms FROM "
                             "crm_list_members m JOIN crm_lists l ON l.id = m.list_id WHERE "
                             "m.account_id = ?1 AND m.object_id = ?2 AND l.deleted_at_ms IS NULL "
                             "ORDER BY m.list_id"));
    s.Bind(1, account_id).Bind(2, object_id);
    std::vector<Membership> out;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      out.push_back(Membership{s.Int(0), s.Int(1), s.Int(2)});
    }
  });
}

Result<std::vector<int64_t>> SqliteListStore::RemoveFromAllLists(int64_t account_id,
                                                                 int64_t object_id,
                                                                 int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<int64_t>> {
    FLOWD_ASSIGN_OR_RETURN(Stmt del,
                           conn.Prepare("DELETE FROM crm_list_members WHERE account_id = ?1 AND "
                                        "object_id = ?2 RETURNING list_id"));
    del.Bind(1, account_id).Bind(2, object_id);
    FLOWD_ASSIGN_OR_RETURN(std::vector<int64_t> lists, del.Ids());
    std::sort(lists.begin(), lists.end());
    for (int64_t list_id : lists) {
      FLOWD_ASSIGN_OR_RETURN(Stmt up, conn.Prepare("UPDATE crm_lists SET size = size - 1, "
                                                   "last_removed_at_ms = ?1 WHERE id = ?2"));
      FLOWD_TRY(up.Bind(1, now_ms).Bind(2, list_id).Run());
    }
    return lists;
  });
}

Result<std::vector<ListRecord>> SqliteListStore::DynamicLists() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare(Sql("WHERE processing_type = 'DYNAMIC' AND deleted_at_ms IS NULL "
                                 "ORDER BY id")
                                 .c_str()));
    return ReadLists(s);
  });
}

Result<std::vector<ListRecord>> SqliteListStore::BackfillingLists() {
  return db_.Read(false, [&](Connection& conn) -> Result<std::vector<ListRecord>> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt s, conn.Prepare(Sql("WHERE backfill_after IS NOT NULL AND deleted_at_ms IS NULL "
                                 "ORDER BY id")
                                 .c_str()));
    return ReadLists(s);
  });
}

Result<int64_t> SqliteListStore::ProcessedSeq() {
  return db_.Read(false, [&](Connection& conn) -> Result<int64_t> {
    FLOWD_ASSIGN_OR_RETURN(Stmt s,
                           conn.Prepare("SELECT processed_seq FROM crm_list_cursor WHERE id = 1"));
    FLOWD_ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Int(0) : 0;
  });
}

Status SqliteListStore::SetProcessedSeq(int64_t seq) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(Stmt s, conn.Prepare("UPDATE crm_list_cursor SET processed_seq = "
                                                "MAX(processed_seq, ?1) WHERE id = 1"));
    return s.Bind(1, seq).Run();
  });
}

Result<std::vector<MembershipResult>> SqliteListStore::ApplyEvaluations(
    int64_t account_id, const std::vector<Evaluation>& evaluations, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<std::vector<MembershipResult>> {
    std::vector<MembershipResult> out;
    for (const Evaluation& e : evaluations) {
      FLOWD_ASSIGN_OR_RETURN(auto l, LoadList(conn, account_id, e.list_id));
      if (!l || l->deleted_at_ms || l->list_version != e.list_version) {
        out.emplace_back();
        continue;
      }
      FLOWD_ASSIGN_OR_RETURN(MembershipResult r, Change(conn, *l, e.add, e.remove, now_ms));
      out.push_back(std::move(r));
      if (!e.backfill) continue;
      if (e.backfill_after) {
        FLOWD_ASSIGN_OR_RETURN(
            Stmt s, conn.Prepare("UPDATE crm_lists SET backfill_after = ?1 WHERE id = ?2"));
        FLOWD_TRY(s.Bind(1, *e.backfill_after).Bind(2, e.list_id).Run());
      } else {
        FLOWD_ASSIGN_OR_RETURN(
            Stmt s, conn.Prepare("UPDATE crm_lists SET backfill_after = NULL, processing_status "
                                 "= 'COMPLETE', last_full_evaluation_ms = ?1 WHERE id = ?2"));
        FLOWD_TRY(s.Bind(1, now_ms).Bind(2, e.list_id).Run());
      }
    }
    return out;
  });
}

Result<FolderRecord> SqliteListStore::CreateFolder(int64_t account_id, const std::string& name,
                                                   int64_t parent_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FolderRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id));
    if (!HasFolder(folders, parent_id)) return internal::FolderNotFound(parent_id);
    FLOWD_ASSIGN_OR_RETURN(
        Stmt ins, conn.Prepare("INSERT INTO crm_list_folders (account_id, name, parent_id, "
                               "created_at_ms, updated_at_ms, updated_contents_at_ms) VALUES "
                               "(?1, ?2, ?3, ?4, ?4, ?4)"));
    FLOWD_TRY(ins.Bind(1, account_id).Bind(2, name).Bind(3, parent_id).Bind(4, now_ms).Run());
    return FolderRecord{conn.LastInsertRowid(), name, parent_id, now_ms, now_ms, now_ms};
  });
}

Result<std::vector<FolderRecord>> SqliteListStore::ListFolders(int64_t account_id) {
  return db_.Read(false, [&](Connection& conn) { return Folders(conn, account_id); });
}

Result<FolderRecord> SqliteListStore::UpdateFolder(int64_t account_id, int64_t folder_id,
                                                   std::optional<std::string> name,
                                                   std::optional<int64_t> parent_id,
                                                   int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FolderRecord> {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id));
    auto it = std::find_if(folders.begin(), folders.end(),
                           [&](const FolderRecord& f) { return f.id == folder_id; });
    if (it == folders.end()) return internal::FolderNotFound(folder_id);
    FolderRecord f = *it;
    if (parent_id) {
      if (!HasFolder(folders, *parent_id)) return internal::FolderNotFound(*parent_id);
      // Refuse moving a folder under itself or one of its descendants.
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
    FLOWD_ASSIGN_OR_RETURN(Stmt s,
                           conn.Prepare("UPDATE crm_list_folders SET name = ?1, parent_id = ?2, "
                                        "updated_at_ms = ?3 WHERE id = ?4 AND account_id = ?5"));
    FLOWD_TRY(s.Bind(1, f.name)
                  .Bind(2, f.parent_id)
                  .Bind(3, now_ms)
                  .Bind(4, folder_id)
                  .Bind(5, account_id)
                  .Run());
    return f;
  });
}

Status SqliteListStore::DeleteFolder(int64_t account_id, int64_t folder_id) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(auto folders, Folders(conn, account_id));
    if (folder_id == 0 || !HasFolder(folders, folder_id)) {
      return internal::FolderNotFound(folder_id);
    }
    const bool has_children = std::any_of(folders.begin(), folders.end(),
                                          [&](const auto& f) { return f.parent_id == folder_id; });
    FLOWD_ASSIGN_OR_RETURN(Stmt lists,
                           conn.Prepare("SELECT 1 FROM crm_lists WHERE account_id = ?1 AND "
                                        "folder_id = ?2 AND deleted_at_ms IS NULL LIMIT 1"));
    lists.Bind(1, account_id).Bind(2, folder_id);
    FLOWD_ASSIGN_OR_RETURN(bool has_lists, lists.Step());
    if (has_children || has_lists) {
      return Error::Conflict("Folder " + std::to_string(folder_id) +
                             " is not empty: move or delete its lists and subfolders first");
    }
    FLOWD_ASSIGN_OR_RETURN(
        Stmt del, conn.Prepare("DELETE FROM crm_list_folders WHERE id = ?1 AND account_id = ?2"));
    return del.Bind(1, folder_id).Bind(2, account_id).Run();
  });
}

}  // namespace flowd::store::sqlite
