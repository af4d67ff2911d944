// ListService: memberships (paging, add/remove, copy, clear, a record's lists) and folders.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <set>
#include <unordered_set>

#include "crm/list_service.h"
#include "crm/list_util.h"

namespace flowd::crm {

namespace json = boost::json;
using list_internal::Detail;
using list_internal::ParseId;

namespace {

// The spec's array of record ids (strings; numbers are accepted too), at most kMaxMembershipIds.
Result<std::vector<std::string>> IdArray(const json::value* v, const std::string& in) {
  if (v == nullptr || !v->is_array()) {
    return Error::InvalidList(
        {Detail((in.empty() ? std::string("The body") : in) + " must be an array of record ids", in,
                "INVALID_TYPE")});
  }
  const json::array& a = v->get_array();
  if (a.size() > ListService::kMaxMembershipIds) {
    return Error::InvalidList(
        {Detail("At most " + std::to_string(ListService::kMaxMembershipIds) +
                    " record ids per request, got " + std::to_string(a.size()),
                in, "TOO_MANY_IDS")});
  }
  std::vector<std::string> out;
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_string()) {
      out.emplace_back(a[i].get_string());
    } else if (a[i].is_int64()) {
      out.push_back(std::to_string(a[i].get_int64()));
    } else if (a[i].is_uint64()) {
      out.push_back(std::to_string(a[i].get_uint64()));
    } else {
      problems.push_back(Detail("Record ids must be strings",
                                (in.empty() ? "" : in) + "[" + std::to_string(i) + "]",
                                "INVALID_TYPE"));
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  return out;
}

Status ManualOrSnapshot(const store::ListRecord& l) {
  if (l.processing_type == "DYNAMIC") {
    return Error::InvalidList(
        {Detail("List " + std::to_string(l.id) +
                    " is DYNAMIC: its members follow its filters and cannot be changed by hand",
                "listId", "INVALID_PROCESSING_TYPE")});
  }
  return Status::Ok();
}

std::string JoinCursor(const store::ListMember& m) {
  return std::to_string(m.added_at_ms) + "_" + std::to_string(m.object_id);
}

Result<std::optional<store::ListMember>> ParseCursor(const std::string* text,
                                                     ListService::Order order,
                                                     std::string_view name) {
  if (text == nullptr || text->empty()) return std::optional<store::ListMember>();
  auto bad = [&] {
    return Error::InvalidList(
        {Detail(std::string(name) + " must be a paging token from a previous response",
                std::string(name), "INVALID_PAGING_TOKEN")});
  };
  if (order == ListService::Order::kById) {
    auto id = ParseId(*text, true);
    if (!id) return bad();
    return std::optional<store::ListMember>(store::ListMember{*id, 0});
  }
  const size_t sep = text->find('_');
  if (sep == std::string::npos) return bad();
  auto ms = ParseId(std::string_view(*text).substr(0, sep), true);
  auto id = ParseId(std::string_view(*text).substr(sep + 1), true);
  if (!ms || !id) return bad();
  return std::optional<store::ListMember>(store::ListMember{*id, *ms});
}

}  // namespace

Result<MemberPageResult> ListService::Members(int64_t account_id, std::string_view list_id,
                                              Order order, const std::string* after,
                                              const std::string* before, size_t limit) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  FLOWD_ASSIGN_OR_RETURN(auto after_c, ParseCursor(after, order, "after"));
  FLOWD_ASSIGN_OR_RETURN(auto before_c, ParseCursor(before, order, "before"));
  limit = std::clamp<size_t>(limit, 1, kMaxMemberPage);
  FLOWD_ASSIGN_OR_RETURN(store::MemberPage page,
                         lists_.ListMembers(account_id, l.id,
                                            order == Order::kById ? store::MemberOrder::kById
                                                                  : store::MemberOrder::kByJoinTime,
                                            after_c, after_c ? std::nullopt : before_c, limit));
  auto cursor = [&](const store::ListMember& m) {
    return order == Order::kById ? std::to_string(m.object_id) : JoinCursor(m);
  };
  MemberPageResult r;
  r.total = page.total;
  const bool backward = !after_c && before_c;
  if (!page.members.empty()) {
    if (!backward) {
      if (page.has_more) r.next_after = cursor(page.members.back());
      if (after_c) r.prev_before = cursor(page.members.front());
    } else {
      if (page.has_more) r.prev_before = cursor(page.members.back());
      r.next_after = cursor(page.members.front());
    }
  }
  r.members = std::move(page.members);
  return r;
}

Result<MembershipUpdate> ListService::Change(int64_t account_id, const store::ListRecord& l,
                                             const std::vector<std::string>& add,
                                             const std::vector<std::string>& remove) {
  FLOWD_TRY(ManualOrSnapshot(l));
  std::vector<int64_t> asked;
  for (const auto* side : {&add, &remove}) {
    for (const auto& s : *side) {
      if (auto id = ParseId(s)) asked.push_back(*id);
    }
  }
  std::sort(asked.begin(), asked.end());
  asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
  std::unordered_set<int64_t> live;
  if (!asked.empty()) {
    FLOWD_ASSIGN_OR_RETURN(auto records,
                           objects_.GetObjects(account_id, l.object_type_id, asked, false));
    for (const auto& r : records) live.insert(r.id);
  }
  MembershipUpdate out;
  std::set<std::string> reported;
  store::MembershipDelta delta{l.id, {}, {}};
  for (const auto* side : {&add, &remove}) {
    for (const auto& s : *side) {
      auto id = ParseId(s);
      if (id && live.count(*id)) {
        (side == &add ? delta.add : delta.remove).push_back(*id);
      } else if (reported.insert(s).second) {
        out.missing.push_back(s);
      }
    }
  }
  FLOWD_ASSIGN_OR_RETURN(store::MembershipResult r,
                         lists_.ChangeMembers(account_id, delta, clock_.NowMs()));
  out.added = r.added;
  out.removed = r.removed;
  if (sink_ && (!r.added.empty() || !r.removed.empty())) {
    std::vector<int64_t> changed = r.added;
    changed.insert(changed.end(), r.removed.begin(), r.removed.end());
    sink_->MembersChanged(account_id, l.id, changed);
  }
  return out;
}

Result<MembershipUpdate> ListService::AddMembers(int64_t account_id, std::string_view list_id,
                                                 const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  FLOWD_ASSIGN_OR_RETURN(auto ids, IdArray(&body, ""));
  return Change(account_id, l, ids, {});
}

Result<MembershipUpdate> ListService::RemoveMembers(int64_t account_id, std::string_view list_id,
                                                    const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  FLOWD_ASSIGN_OR_RETURN(auto ids, IdArray(&body, ""));
  return Change(account_id, l, {}, ids);
}

Result<MembershipUpdate> ListService::AddAndRemove(int64_t account_id, std::string_view list_id,
                                                   const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::InvalidList({Detail("The body must be a JSON object", "", "")});
  auto add = IdArray(o->if_contains("recordIdsToAdd"), "recordIdsToAdd");
  auto remove = IdArray(o->if_contains("recordIdsToRemove"), "recordIdsToRemove");
  std::vector<ErrorDetail> problems;
  if (!add.ok()) problems = add.error().details;
  if (!remove.ok()) {
    for (const auto& d : remove.error().details) problems.push_back(d);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  if (add->size() + remove->size() > kMaxMembershipIds) {
    return Error::InvalidList(
        {Detail("At most " + std::to_string(kMaxMembershipIds) + " record ids per request in all",
                "recordIdsToAdd", "TOO_MANY_IDS")});
  }
  return Change(account_id, l, *add, *remove);
}

Status ListService::AddFrom(int64_t account_id, std::string_view list_id,
                            std::string_view source_list_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord dest, Live(account_id, list_id));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord source, Live(account_id, source_list_id));
  FLOWD_TRY(ManualOrSnapshot(dest));
  std::vector<ErrorDetail> problems;
  if (dest.id == source.id) {
    problems.push_back(
        Detail("The source and destination lists must differ", "sourceListId", "INVALID_LIST"));
  }
  if (dest.object_type_id != source.object_type_id) {
    problems.push_back(Detail("The source list holds records of type " + source.object_type_id +
                                  ", the destination list of type " + dest.object_type_id,
                              "sourceListId", "INVALID_LIST"));
  }
  if (source.size >= kMaxCopyMembers) {
    problems.push_back(Detail("The source list has " + std::to_string(source.size) +
                                  " members; at most " + std::to_string(kMaxCopyMembers - 1) +
                                  " can be copied",
                              "sourceListId", "TOO_MANY_MEMBERS"));
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  std::optional<store::ListMember> after;
  std::vector<int64_t> changed;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(store::MemberPage page,
                           lists_.ListMembers(account_id, source.id, store::MemberOrder::kById,
                                              after, std::nullopt, 1000));
    if (page.members.empty()) break;
    store::MembershipDelta delta{dest.id, {}, {}};
    for (const auto& m : page.members) delta.add.push_back(m.object_id);
    FLOWD_ASSIGN_OR_RETURN(store::MembershipResult r,
                           lists_.ChangeMembers(account_id, delta, clock_.NowMs()));
    changed.insert(changed.end(), r.added.begin(), r.added.end());
    if (!page.has_more) break;
    after = page.members.back();
  }
  if (sink_ && !changed.empty()) sink_->MembersChanged(account_id, dest.id, changed);
  return Status::Ok();
}

Status ListService::ClearMembers(int64_t account_id, std::string_view list_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  FLOWD_TRY(ManualOrSnapshot(l));
  if (l.size >= kMaxCopyMembers) {
    return Error::InvalidList(
        {Detail("List " + std::to_string(l.id) + " has " + std::to_string(l.size) +
                    " members; only lists with fewer than " + std::to_string(kMaxCopyMembers) +
                    " can be emptied",
                "listId", "TOO_MANY_MEMBERS")});
  }
  // The members, for the lists that depend on this one.
  std::vector<int64_t> members;
  std::optional<store::ListMember> after;
  while (sink_) {
    FLOWD_ASSIGN_OR_RETURN(
        store::MemberPage page,
        lists_.ListMembers(account_id, l.id, store::MemberOrder::kById, after, std::nullopt, 5000));
    for (const auto& m : page.members) members.push_back(m.object_id);
    if (!page.has_more || page.members.empty()) break;
    after = page.members.back();
  }
  FLOWD_ASSIGN_OR_RETURN(int64_t removed, lists_.ClearMembers(account_id, l.id, clock_.NowMs()));
  if (sink_ && removed > 0) sink_->MembersChanged(account_id, l.id, members);
  return Status::Ok();
}

Result<RecordMemberships> ListService::MembershipsOf(int64_t account_id,
                                                     std::string_view object_type,
                                                     std::string_view record_id) {
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo type, types_.Resolve(account_id, object_type));
  auto id = ParseId(record_id);
  const std::string shown(record_id.substr(0, 100));
  if (!id) return Error::NotFound("Record " + shown + " of type " + type.id + " does not exist");
  FLOWD_ASSIGN_OR_RETURN(auto records, objects_.GetObjects(account_id, type.id, {*id}, false));
  if (records.empty()) {
    return Error::NotFound("Record " + shown + " of type " + type.id + " does not exist");
  }
  RecordMemberships r{type.id, *id, {}};
  FLOWD_ASSIGN_OR_RETURN(r.memberships, lists_.MembershipsOf(account_id, *id));
  return r;
}

Result<ListService::BatchMemberships> ListService::BatchMembershipsOf(int64_t account_id,
                                                                      const json::value& body) {
  const json::object* o = body.if_object();
  const json::value* inputs = o ? o->if_contains("inputs") : nullptr;
  if (inputs == nullptr || !inputs->is_array()) {
    return Error::InvalidList(
        {Detail("inputs is required and must be an array", "inputs", "REQUIRED")});
  }
  if (inputs->get_array().size() > kMaxBatch) {
    return Error::InvalidList(
        {Detail("A batch may hold at most " + std::to_string(kMaxBatch) + " inputs, got " +
                    std::to_string(inputs->get_array().size()),
                "inputs", "TOO_MANY_INPUTS")});
  }
  std::vector<ErrorDetail> problems;
  std::vector<std::pair<std::string, std::string>> wanted;
  for (size_t i = 0; i < inputs->get_array().size(); ++i) {
    const std::string in = "inputs[" + std::to_string(i) + "]";
    const json::object* e = inputs->get_array()[i].if_object();
    const json::value* t = e ? e->if_contains("objectTypeId") : nullptr;
    const json::value* r = e ? e->if_contains("recordId") : nullptr;
    if (t == nullptr || !t->is_string()) {
      problems.push_back(Detail("objectTypeId is required", in + ".objectTypeId", "REQUIRED"));
    }
    if (r == nullptr || !(r->is_string() || r->is_int64())) {
      problems.push_back(Detail("recordId is required", in + ".recordId", "REQUIRED"));
    }
    if (t && t->is_string() && r && (r->is_string() || r->is_int64())) {
      wanted.emplace_back(std::string(t->get_string()), r->is_string()
                                                            ? std::string(r->get_string())
                                                            : std::to_string(r->get_int64()));
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  BatchMemberships out;
  for (const auto& [type, id] : wanted) {
    auto m = MembershipsOf(account_id, type, id);
    if (m.ok()) {
      out.results.push_back(std::move(m).value());
    } else if (m.error().code == ErrorCode::kNotFound ||
               m.error().code == ErrorCode::kInvalidArgument) {
      out.errors.emplace_back(id, std::move(m).error());
    } else {
      return std::move(m).error();
    }
  }
  return out;
}

// ---------------------------------------------------------------- folders

Result<FolderView> ListService::Folder(int64_t account_id, int64_t folder_id) {
  FolderView v;
  FLOWD_ASSIGN_OR_RETURN(v.all, lists_.ListFolders(account_id));
  if (folder_id == 0) {
    v.folder = store::FolderRecord{0, "Root", 0, 0, 0, 0};
  } else {
    auto it = std::find_if(v.all.begin(), v.all.end(),
                           [&](const store::FolderRecord& f) { return f.id == folder_id; });
    if (it == v.all.end()) {
      return Error::NotFound("Folder " + std::to_string(folder_id) + " does not exist");
    }
    v.folder = *it;
  }
  FLOWD_ASSIGN_OR_RETURN(auto lists, lists_.GetLists(account_id, {}));
  for (const auto& l : lists) {
    if (l.folder_id == folder_id) v.child_lists.push_back(l.id);
  }
  return v;
}

Result<FolderView> ListService::GetFolder(int64_t account_id, std::string_view folder_id) {
  auto id = ParseId(folder_id.empty() ? "0" : folder_id, true);
  if (!id)
    return Error::NotFound("Folder " + std::string(folder_id.substr(0, 100)) + " does not exist");
  return Folder(account_id, *id);
}

Result<FolderView> ListService::CreateFolder(int64_t account_id, const json::value& body) {
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::InvalidList({Detail("The body must be a JSON object", "", "")});
  std::vector<ErrorDetail> problems;
  const json::value* name = o->if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty() ||
      name->get_string().size() > kMaxNameLength) {
    problems.push_back(
        Detail("name is required: 1 to " + std::to_string(kMaxNameLength) + " characters", "name",
               "REQUIRED"));
  }
  int64_t parent = 0;
  if (const json::value* p = o->if_contains("parentFolderId"); p && !p->is_null()) {
    std::optional<int64_t> id;
    if (p->is_string()) id = ParseId(std::string_view(p->get_string()), true);
    if (p->is_int64() && p->get_int64() >= 0) id = p->get_int64();
    if (!id) {
      problems.push_back(
          Detail("parentFolderId must be a folder id", "parentFolderId", "INVALID_TYPE"));
    } else {
      parent = *id;
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  auto created =
      lists_.CreateFolder(account_id, std::string(name->get_string()), parent, clock_.NowMs());
  if (!created.ok() && created.error().code == ErrorCode::kNotFound) {
    return Error::InvalidList(
        {Detail(created.error().message, "parentFolderId", "INVALID_FOLDER")});
  }
  if (!created.ok()) return std::move(created).error();
  return Folder(account_id, created->id);
}

Status ListService::MoveList(int64_t account_id, const json::value& body) {
  const json::object* o = body.if_object();
  const json::value* list = o ? o->if_contains("listId") : nullptr;
  const json::value* folder = o ? o->if_contains("newFolderId") : nullptr;
  std::optional<int64_t> folder_id;
  if (folder && folder->is_string())
    folder_id = ParseId(std::string_view(folder->get_string()), true);
  if (folder && folder->is_int64() && folder->get_int64() >= 0) folder_id = folder->get_int64();
  std::vector<ErrorDetail> problems;
  if (list == nullptr || !(list->is_string() || list->is_int64())) {
    problems.push_back(Detail("listId is required", "listId", "REQUIRED"));
  }
  if (!folder_id) problems.push_back(Detail("newFolderId is required", "newFolderId", "REQUIRED"));
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  const std::string list_text =
      list->is_string() ? std::string(list->get_string()) : std::to_string(list->get_int64());
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_text));
  FLOWD_ASSIGN_OR_RETURN(FolderView target, Folder(account_id, *folder_id));
  store::ListUpdate u;
  u.folder_id = target.folder.id;
  FLOWD_TRY(lists_.UpdateList(account_id, l.id, u, clock_.NowMs()));
  return Status::Ok();
}

Result<FolderView> ListService::MoveFolder(int64_t account_id, std::string_view folder_id,
                                           std::string_view new_parent_id) {
  auto id = ParseId(folder_id);
  auto parent = ParseId(new_parent_id, true);
  if (!id)
    return Error::NotFound("Folder " + std::string(folder_id.substr(0, 100)) + " does not exist");
  if (!parent) {
    return Error::NotFound("Folder " + std::string(new_parent_id.substr(0, 100)) +
                           " does not exist");
  }
  FLOWD_TRY(lists_.UpdateFolder(account_id, *id, std::nullopt, *parent, clock_.NowMs()));
  return Folder(account_id, *id);
}

Result<FolderView> ListService::RenameFolder(int64_t account_id, std::string_view folder_id,
                                             const std::string* new_name) {
  auto id = ParseId(folder_id);
  if (!id)
    return Error::NotFound("Folder " + std::string(folder_id.substr(0, 100)) + " does not exist");
  if (new_name == nullptr || new_name->empty() || new_name->size() > kMaxNameLength) {
    return Error::InvalidList(
        {Detail("newFolderName is required: 1 to " + std::to_string(kMaxNameLength) + " characters",
                "newFolderName", "REQUIRED")});
  }
  FLOWD_TRY(lists_.UpdateFolder(account_id, *id, *new_name, std::nullopt, clock_.NowMs()));
  return Folder(account_id, *id);
}

Status ListService::DeleteFolder(int64_t account_id, std::string_view folder_id) {
  auto id = ParseId(folder_id);
  if (!id)
    return Error::NotFound("Folder " + std::string(folder_id.substr(0, 100)) + " does not exist");
  return lists_.DeleteFolder(account_id, *id);
}

}  // namespace flowd::crm
