#include "store/common/list_util.h"

#include <cctype>
#include <unordered_set>

#include "common/text.h"

namespace flowd::store::internal {

std::string ListNameKey(const std::string& name) { return AsciiLower(name); }

Error ListNotFound(int64_t list_id) {
  return Error::NotFound("List " + std::to_string(list_id) + " does not exist");
}

Error ListNameTaken(const std::string& name) {
  return Error::Conflict("A list named '" + name.substr(0, 200) + "' already exists");
}

Error FolderNotFound(int64_t folder_id) {
  return Error::NotFound("Folder " + std::to_string(folder_id) + " does not exist");
}

std::vector<int64_t> Unique(const std::vector<int64_t>& ids) {
  std::vector<int64_t> out;
  std::unordered_set<int64_t> seen;
  for (int64_t id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::vector<int64_t> RemovalsOf(const std::vector<int64_t>& add,
                                const std::vector<int64_t>& remove) {
  std::unordered_set<int64_t> added(add.begin(), add.end());
  std::vector<int64_t> out;
  for (int64_t id : Unique(remove)) {
    if (!added.count(id)) out.push_back(id);
  }
  return out;
}

Status LogMembershipChange(ObjectTxn& txn, const ListRecord& list, const MembershipResult& change,
                           int64_t now_ms) {
  std::vector<CrmEvent> out;
  out.reserve(change.removed.size() + change.added.size());
  const std::string list_id = std::to_string(list.id);
  auto add = [&](const std::vector<int64_t>& ids, std::string_view what) {
    for (int64_t id : ids) {
      CrmEvent e;
      e.account_id = list.account_id;
      e.event_type_id = std::string(kEventListMembership);
      e.object_type_id = list.object_type_id;
      e.object_id = id;
      e.occurred_at_ms = now_ms;
      e.properties[std::string(kListIdProperty)] = list_id;
      e.properties[std::string(kMembershipChangeProperty)] = std::string(what);
      out.push_back(std::move(e));
    }
  };
  add(change.removed, kMembershipRemoved);
  add(change.added, kMembershipAdded);
  if (out.empty()) return Status::Ok();
  return txn.InsertEvents(out);
}

}  // namespace flowd::store::internal
