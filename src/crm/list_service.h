// CRM lists (/crm/v3/lists): MANUAL lists (members added and removed through the API), SNAPSHOT
// lists (a filter evaluated once at creation, then managed by hand) and DYNAMIC lists (members
// follow their filter: see ListProcessor); list CRUD, restore, search, names, memberships,
// record memberships and folders.
//
// Request bodies arrive as parsed JSON and are checked here (every problem in one 400). Filters
// are checked by the shared filter evaluator (crm/filter/filter_eval.h) against the account's
// properties, and the lists they name must exist in the account.
//
// Thread-safe. Errors: kInvalidArgument (400), kNotFound (404, other accounts' ids included),
// kConflict (409: names are unique per account, case-insensitively).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/object_types.h"
#include "crm/property_value.h"
#include "store/association_store.h"
#include "store/list_store.h"
#include "store/object_store.h"

namespace flowd::crm {

// Told about changes the list processor must act on (implemented by ListProcessor).
class ListChangeSink {
 public:
  virtual ~ListChangeSink() = default;
  // A list was created, deleted, restored, or its filter changed.
  virtual void ListsChanged(int64_t account_id) = 0;
  // Records joined or left a list through the API (lists that depend on it re-evaluate them).
  virtual void MembersChanged(int64_t account_id, int64_t list_id,
                              const std::vector<int64_t>& object_ids) = 0;
};

struct ListActor {
  int64_t account_id = 0;
  std::string user_id;  // createdById / updatedById
};

// MembershipsUpdateResponse.
struct MembershipUpdate {
  std::vector<int64_t> added;
  std::vector<int64_t> removed;
  std::vector<std::string> missing;  // as given
};

struct ListSearchResult {
  std::vector<store::ListRecord> lists;
  std::vector<std::map<std::string, std::string>> additional;  // parallel to lists
  int64_t offset = 0;                                          // for the next page
  bool has_more = false;
  int64_t total = 0;
};

struct MemberPageResult {
  std::vector<store::ListMember> members;
  int64_t total = 0;
  std::optional<std::string> next_after;   // paging.next.after
  std::optional<std::string> prev_before;  // paging.prev.before
};

struct RecordMemberships {
  std::string object_type_id;
  int64_t record_id = 0;
  std::vector<store::Membership> memberships;
};

struct FolderView {
  store::FolderRecord folder;
  std::vector<store::FolderRecord> all;  // the account's folders (for childNodes)
  std::vector<int64_t> child_lists;
};

class ListService {
 public:
  static constexpr size_t kMaxNameLength = 256;
  static constexpr size_t kMaxMembershipIds = 10000;  // per add/remove call
  static constexpr int64_t kMaxCopyMembers = 100000;  // add-from and delete-all (the spec's bound)
  static constexpr size_t kMaxMemberPage = 250;
  static constexpr size_t kMaxSearchCount = 500;
  static constexpr size_t kMaxBatch = 100;
  static constexpr size_t kMaxCustomProperties = 100;

  // `associations` may be null: filters on associations are then refused (400).
  ListService(store::ListStore& lists, store::ObjectStore& objects,
              store::AssociationStore* associations, ObjectTypeResolver& types,
              PropertyCatalog& properties, const Clock& clock, ListChangeSink* sink = nullptr);

  // ---- definitions
  Result<store::ListRecord> Create(const ListActor& actor, const boost::json::value& body);
  Result<store::ListRecord> Get(int64_t account_id, std::string_view list_id);
  // The live lists among `ids` (all of the account's when empty); unknown ids are left out.
  Result<std::vector<store::ListRecord>> GetMany(int64_t account_id,
                                                 const std::vector<std::string>& ids);
  Result<store::ListRecord> GetByName(int64_t account_id, std::string_view object_type,
                                      std::string_view name);
  Result<ListSearchResult> Search(int64_t account_id, const boost::json::value& body);
  Result<store::ListRecord> Rename(const ListActor& actor, std::string_view list_id,
                                   const std::string* name);
  // DYNAMIC lists only; starts their re-evaluation.
  Result<store::ListRecord> UpdateFilters(const ListActor& actor, std::string_view list_id,
                                          const boost::json::value& body);
  Status Delete(int64_t account_id, std::string_view list_id);
  Status Restore(int64_t account_id, std::string_view list_id);

  // ---- memberships
  enum class Order { kById, kByJoinTime };
  Result<MemberPageResult> Members(int64_t account_id, std::string_view list_id, Order order,
                                   const std::string* after, const std::string* before,
                                   size_t limit);
  // MANUAL and SNAPSHOT lists only. `body` is the spec's array of record ids.
  Result<MembershipUpdate> AddMembers(int64_t account_id, std::string_view list_id,
                                      const boost::json::value& body);
  Result<MembershipUpdate> RemoveMembers(int64_t account_id, std::string_view list_id,
                                         const boost::json::value& body);
  // MembershipChangeRequest {recordIdsToAdd, recordIdsToRemove}.
  Result<MembershipUpdate> AddAndRemove(int64_t account_id, std::string_view list_id,
                                        const boost::json::value& body);
  Status AddFrom(int64_t account_id, std::string_view list_id, std::string_view source_list_id);
  Status ClearMembers(int64_t account_id, std::string_view list_id);
  Result<RecordMemberships> MembershipsOf(int64_t account_id, std::string_view object_type,
                                          std::string_view record_id);
  // BatchInputRecordIdInput; per-input problems are reported as errors of a 207.
  struct BatchMemberships {
    std::vector<RecordMemberships> results;
    std::vector<std::pair<std::string, Error>> errors;  // (recordId, error)
  };
  Result<BatchMemberships> BatchMembershipsOf(int64_t account_id, const boost::json::value& body);

  // ---- folders (0 is the root)
  Result<FolderView> GetFolder(int64_t account_id, std::string_view folder_id);
  Result<FolderView> CreateFolder(int64_t account_id, const boost::json::value& body);
  Status MoveList(int64_t account_id, const boost::json::value& body);
  Result<FolderView> MoveFolder(int64_t account_id, std::string_view folder_id,
                                std::string_view new_parent_id);
  Result<FolderView> RenameFolder(int64_t account_id, std::string_view folder_id,
                                  const std::string* new_name);
  Status DeleteFolder(int64_t account_id, std::string_view folder_id);

 private:
  Result<store::ListRecord> Live(int64_t account_id, std::string_view list_id);
  // Checks `branch` for lists of `object_type_id` (also the lists it names, except `self`); every
  // problem with `in` under `path`. Returns the canonical JSON text to store.
  Result<std::string> CheckFilter(int64_t account_id, const std::string& object_type_id,
                                  const boost::json::value& branch, const std::string& path,
                                  int64_t self);
  Result<MembershipUpdate> Change(int64_t account_id, const store::ListRecord& list,
                                  const std::vector<std::string>& add,
                                  const std::vector<std::string>& remove);
  Result<FolderView> Folder(int64_t account_id, int64_t folder_id);

  store::ListStore& lists_;
  store::ObjectStore& objects_;
  store::AssociationStore* associations_;
  ObjectTypeResolver& types_;
  PropertyCatalog& properties_;
  const Clock& clock_;
  ListChangeSink* sink_;
};

}  // namespace flowd::crm
