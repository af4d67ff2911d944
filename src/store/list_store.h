// CRM lists (HubSpot's ILS lists, /crm/v3/lists): definitions, memberships, and the state of the
// dynamic-membership processor. Thread safety and errors as in store.h.
//
// Tables (migration 6): crm_lists, crm_list_members, crm_list_folders, crm_list_cursor.
// List ids and folder ids are global (every query also filters by account); folder 0 is the root.
// Deleted lists are kept (restorable) with deleted_at_ms set; they keep their members but are
// invisible to everything except GetList(include_deleted) and RestoreList, and their names are
// free for new lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::store {

struct ListRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string object_type_id;
  std::string processing_type;    // MANUAL | SNAPSHOT | DYNAMIC
  std::string processing_status;  // COMPLETE | PROCESSING
  int64_t list_version = 1;
  std::optional<std::string> filter_json;  // the filterBranch (SNAPSHOT, DYNAMIC)
  std::string custom_properties_json = "{}";
  int64_t folder_id = 0;
  int64_t size = 0;  // members, maintained with every membership change
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> filters_updated_at_ms;
  std::optional<int64_t> deleted_at_ms;
  std::optional<int64_t> last_added_at_ms;
  std::optional<int64_t> last_removed_at_ms;
  std::string created_by_id;
  std::string updated_by_id;
  // Full evaluation (SNAPSHOT creation, DYNAMIC creation/filter change, periodic refresh):
  // records with id > backfill_after are still to be evaluated. nullopt when none is running.
  std::optional<int64_t> backfill_after;
  int64_t last_full_evaluation_ms = 0;  // when the last full evaluation finished
};

// A list's editable fields.
struct ListUpdate {
  std::optional<std::string> name;
  std::optional<std::string> filter_json;  // bumps list_version and filters_updated_at_ms
  std::optional<int64_t> folder_id;
  // Start (a value: usually 0) or stop (nullopt inside) a full evaluation.
  std::optional<std::optional<int64_t>> backfill_after;
  std::optional<std::string> processing_status;
  std::string updated_by_id;  // only with name/filter changes
};

struct ListMember {
  int64_t object_id = 0;
  int64_t added_at_ms = 0;
};

struct MemberPage {
  std::vector<ListMember> members;  // in the requested order
  int64_t total = 0;
  bool has_more = false;  // more members follow in the paging direction
};

enum class MemberOrder { kById, kByJoinTime };

// One record's membership of one list.
struct Membership {
  int64_t list_id = 0;
  int64_t list_version = 0;
  int64_t added_at_ms = 0;
};

// A change set for one list: members added and removed in one transaction.
struct MembershipDelta {
  int64_t list_id = 0;
  std::vector<int64_t> add;
  std::vector<int64_t> remove;
};

struct MembershipResult {
  std::vector<int64_t> added;    // ids that were not members before
  std::vector<int64_t> removed;  // ids that were members before
};

struct FolderRecord {
  int64_t id = 0;
  std::string name;
  int64_t parent_id = 0;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t updated_contents_at_ms = 0;
};

class ListStore {
 public:
  virtual ~ListStore() = default;

  // ---- definitions

  // Assigns id, version 1, timestamps = now. kConflict when a live list of the account has the
  // same name (names compare without case).
  virtual Result<ListRecord> CreateList(int64_t account_id, const ListRecord& list,
                                        int64_t now_ms) = 0;
  // kNotFound unless the account has it (deleted ones only with include_deleted).
  virtual Result<ListRecord> GetList(int64_t account_id, int64_t list_id, bool include_deleted) = 0;
  // The live lists among `ids` (all the account's live lists when `ids` is empty), by id.
  virtual Result<std::vector<ListRecord>> GetLists(int64_t account_id,
                                                   const std::vector<int64_t>& ids) = 0;
  // The live list of the account with this object type and name (without case).
  virtual Result<std::optional<ListRecord>> FindListByName(int64_t account_id,
                                                           const std::string& object_type_id,
                                                           const std::string& name) = 0;
  // Applies `update`; kConflict on a name clash; updated_at = now.
  virtual Result<ListRecord> UpdateList(int64_t account_id, int64_t list_id,
                                        const ListUpdate& update, int64_t now_ms) = 0;
  // Soft delete (kNotFound when not live).
  virtual Status DeleteList(int64_t account_id, int64_t list_id, int64_t now_ms) = 0;
  // kNotFound when not deleted; kConflict when a live list took its name meanwhile.
  virtual Result<ListRecord> RestoreList(int64_t account_id, int64_t list_id, int64_t now_ms) = 0;

  // ---- memberships (of live lists; kNotFound otherwise)

  // Adds and removes in one transaction; an id in both is added. Maintains size and
  // last_added/last_removed. Does not check that the records exist.
  virtual Result<MembershipResult> ChangeMembers(int64_t account_id, const MembershipDelta& delta,
                                                 int64_t now_ms) = 0;
  // Removes every member; returns how many.
  virtual Result<int64_t> ClearMembers(int64_t account_id, int64_t list_id, int64_t now_ms) = 0;
  // Members ordered by id or by join time (ties by id). `after` (an exclusive cursor: the last
  // member of the previous page) pages forward in ascending order; else `before` pages backward,
  // returned in descending order. kById cursors use object_id only.
  virtual Result<MemberPage> ListMembers(int64_t account_id, int64_t list_id, MemberOrder order,
                                         std::optional<ListMember> after,
                                         std::optional<ListMember> before, size_t limit) = 0;
  // Which of `object_ids` are members.
  virtual Result<std::vector<int64_t>> FilterMembers(int64_t account_id, int64_t list_id,
                                                     const std::vector<int64_t>& object_ids) = 0;
  // The live lists a record belongs to.
  virtual Result<std::vector<Membership>> MembershipsOf(int64_t account_id, int64_t object_id) = 0;
  // Removes the record from every list (it was archived). Returns the lists it left.
  virtual Result<std::vector<int64_t>> RemoveFromAllLists(int64_t account_id, int64_t object_id,
                                                          int64_t now_ms) = 0;

  // ---- the dynamic-membership processor

  // Live DYNAMIC lists of every account, by id.
  virtual Result<std::vector<ListRecord>> DynamicLists() = 0;
  // Live lists of every account with a full evaluation running, by id.
  virtual Result<std::vector<ListRecord>> BackfillingLists() = 0;
  // The last CRM event seq the processor has applied (0 at first).
  virtual Result<int64_t> ProcessedSeq() = 0;
  // Applies membership deltas computed by evaluating list filters, in one transaction. A delta
  // whose list is no longer live, or whose version is no longer `list_version` (its filter
  // changed meanwhile and will be evaluated anew), is skipped. With `backfill`, also records the
  // progress of the list's full evaluation (same version check): the next resume point, or its
  // end (nullopt: backfill_after cleared, processing_status COMPLETE, last_full_evaluation_ms =
  // now). Returns what changed (empty when skipped).
  struct Evaluation {
    int64_t list_id = 0;
    int64_t list_version = 0;
    std::vector<int64_t> add;
    std::vector<int64_t> remove;
    bool backfill = false;
    std::optional<int64_t> backfill_after;
  };
  virtual Result<std::vector<MembershipResult>> ApplyEvaluations(
      int64_t account_id, const std::vector<Evaluation>& evaluations, int64_t now_ms) = 0;
  // Moves the processed seq forward to `seq` (never backward).
  virtual Status SetProcessedSeq(int64_t seq) = 0;

  // ---- folders (id 0 is the root and always exists)

  virtual Result<FolderRecord> CreateFolder(int64_t account_id, const std::string& name,
                                            int64_t parent_id, int64_t now_ms) = 0;
  virtual Result<std::vector<FolderRecord>> ListFolders(int64_t account_id) = 0;
  // kNotFound for unknown folders; kConflict when moving a folder under itself.
  virtual Result<FolderRecord> UpdateFolder(int64_t account_id, int64_t folder_id,
                                            std::optional<std::string> name,
                                            std::optional<int64_t> parent_id, int64_t now_ms) = 0;
  // kConflict unless the folder is empty (no child folders, no live lists).
  virtual Status DeleteFolder(int64_t account_id, int64_t folder_id) = 0;
};

}  // namespace flowd::store
