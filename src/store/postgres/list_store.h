// The PostgreSQL ListStore. Internal to the backend.
#pragma once

#include "store/list_store.h"
#include "store/postgres/database.h"

namespace flowd::store::postgres {

class PgListStore final : public ListStore {
 public:
  explicit PgListStore(Database& db) : db_(db) {}
  Result<ListRecord> CreateList(int64_t account_id, const ListRecord& list,
                                int64_t now_ms) override;
  Result<ListRecord> GetList(int64_t account_id, int64_t list_id, bool include_deleted) override;
  Result<std::vector<ListRecord>> GetLists(int64_t account_id,
                                           const std::vector<int64_t>& ids) override;
  Result<std::optional<ListRecord>> FindListByName(int64_t account_id,
                                                   const std::string& object_type_id,
                                                   const std::string& name) override;
  Result<ListRecord> UpdateList(int64_t account_id, int64_t list_id, const ListUpdate& update,
                                int64_t now_ms) override;
  Status DeleteList(int64_t account_id, int64_t list_id, int64_t now_ms) override;
  Result<ListRecord> RestoreList(int64_t account_id, int64_t list_id, int64_t now_ms) override;
  Result<MembershipResult> ChangeMembers(int64_t account_id, const MembershipDelta& delta,
                                         int64_t now_ms) override;
  Result<int64_t> ClearMembers(int64_t account_id, int64_t list_id, int64_t now_ms) override;
  Result<MemberPage> ListMembers(int64_t account_id, int64_t list_id, MemberOrder order,
                                 std::optional<ListMember> after, std::optional<ListMember> before,
                                 size_t limit) override;
  Result<std::vector<int64_t>> FilterMembers(int64_t account_id, int64_t list_id,
                                             const std::vector<int64_t>& object_ids) override;
  Result<std::vector<Membership>> MembershipsOf(int64_t account_id, int64_t object_id) override;
  Result<std::vector<int64_t>> RemoveFromAllLists(int64_t account_id, int64_t object_id,
                                                  int64_t now_ms) override;
  Result<std::vector<ListRecord>> DynamicLists() override;
  Result<std::vector<ListRecord>> BackfillingLists() override;
  Result<int64_t> ProcessedSeq() override;
  Result<std::vector<MembershipResult>> ApplyEvaluations(int64_t account_id,
                                                         const std::vector<Evaluation>& evaluations,
                                                         int64_t now_ms) override;
  Status SetProcessedSeq(int64_t seq) override;
  Result<FolderRecord> CreateFolder(int64_t account_id, const std::string& name, int64_t parent_id,
                                    int64_t now_ms) override;
  Result<std::vector<FolderRecord>> ListFolders(int64_t account_id) override;
  Result<FolderRecord> UpdateFolder(int64_t account_id, int64_t folder_id,
                                    std::optional<std::string> name,
                                    std::optional<int64_t> parent_id, int64_t now_ms) override;
  Status DeleteFolder(int64_t account_id, int64_t folder_id) override;

 private:
  Database& db_;
};

}  // namespace flowd::store::postgres
