// /crm/v3/lists…: HubSpot's CRM lists API (lists.v3). Parse, call crm::ListService, render.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handler_context.h"
#include "api/route.h"
#include "common/time_format.h"
#include "crm/list_json.h"
#include "crm/list_service.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

const std::string kRead = "crm.lists.read";
const std::string kWrite = "crm.lists.write";

Result<crm::ListService*> Lists(const HandlerContext& c) { return Need(c.services.lists); }

crm::ListActor Actor(const HandlerContext& c) {
  return crm::ListActor{c.principal.account_id, std::to_string(c.principal.token_id)};
}

Result<bool> BoolParam(const HttpRequest& r, std::string_view name) {
  const std::string* v = r.QueryParam(name);
  if (v == nullptr || v->empty() || *v == "false") return false;
  if (*v == "true") return true;
  std::string msg = std::string(name) + " must be true or false";
  return Error::Invalid(msg, {ErrorDetail{msg, std::string(name), "INVALID_BOOLEAN", {}}});
}

HttpResponse Ok(const json::object& body) { return HttpResponse::Json(200, json::serialize(body)); }

json::array IdStrings(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.emplace_back(std::to_string(id));
  return a;
}

json::object RenderMembership(const store::Membership& m) {
  return json::object{{"listId", std::to_string(m.list_id)},
                      {"listVersion", m.list_version},
                      {"firstAddedTimestamp", FormatIso8601Ms(m.added_at_ms)},
                      {"lastAddedTimestamp", FormatIso8601Ms(m.added_at_ms)},
                      {"isPublicList", true}};
}

json::object RenderUpdate(const crm::MembershipUpdate& u) {
  json::array missing;
  for (const auto& s : u.missing) missing.emplace_back(s);
  return json::object{{"recordsIdsAdded", IdStrings(u.added)},
                      {"recordIdsRemoved", IdStrings(u.removed)},
                      {"recordIdsMissing", std::move(missing)}};
}

json::object RenderFolderView(const crm::FolderView& v) {
  return crm::RenderFolder(v.folder, v.all, v.child_lists);
}

// ---------------------------------------------------------------- lists

HandlerResult GetLists(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(bool filters, BoolParam(c.request, "includeFilters"));
  std::vector<std::string> ids;
  for (const auto& p : c.request.QueryParams("listIds")) {
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find(',', i);
      if (j == std::string::npos) j = p.size();
      if (j > i) ids.push_back(p.substr(i, j - i));
      i = j + 1;
    }
  }
  FLOWD_ASSIGN_OR_RETURN(auto lists, s->GetMany(c.principal.account_id, ids));
  json::array out;
  for (const auto& l : lists) out.push_back(crm::RenderList(l, filters));
  return Ok(json::object{{"lists", std::move(out)}});
}

HandlerResult CreateList(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, s->Create(Actor(c), body));
  return Ok(json::object{{"list", crm::RenderList(l, true)}});
}

HandlerResult GetList(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(bool filters, BoolParam(c.request, "includeFilters"));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, s->Get(c.principal.account_id, c.params.at(0)));
  return Ok(json::object{{"list", crm::RenderList(l, filters)}});
}

HandlerResult GetListByName(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(bool filters, BoolParam(c.request, "includeFilters"));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l,
                         s->GetByName(c.principal.account_id, c.params.at(0), c.params.at(1)));
  return Ok(json::object{{"list", crm::RenderList(l, filters)}});
}

HandlerResult DeleteList(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_TRY(s->Delete(c.principal.account_id, c.params.at(0)));
  return HttpResponse::NoContent();
}

HandlerResult RestoreList(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_TRY(s->Restore(c.principal.account_id, c.params.at(0)));
  return HttpResponse::NoContent();
}

HandlerResult SearchLists(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  json::value body;
  if (!c.request.body.empty()) {
    FLOWD_ASSIGN_OR_RETURN(body, ParseBody(c.request));
  }
  FLOWD_ASSIGN_OR_RETURN(crm::ListSearchResult r, s->Search(c.principal.account_id, body));
  json::array lists;
  for (size_t i = 0; i < r.lists.size(); ++i) {
    lists.push_back(crm::RenderSearchResult(r.lists[i], r.additional[i]));
  }
  return Ok(json::object{{"lists", std::move(lists)},
                         {"offset", r.offset},
                         {"hasMore", r.has_more},
                         {"total", r.total}});
}

HandlerResult RenameList(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(bool filters, BoolParam(c.request, "includeFilters"));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l,
                         s->Rename(Actor(c), c.params.at(0), c.request.QueryParam("listName")));
  return Ok(json::object{{"updatedList", crm::RenderList(l, filters)}});
}

HandlerResult UpdateListFilters(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(bool enroll, BoolParam(c.request, "enrollObjectsInWorkflows"));
  (void)enroll;  // flowd's engine enrolls on list changes by its own triggers (see docs)
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, s->UpdateFilters(Actor(c), c.params.at(0), body));
  return Ok(json::object{{"updatedList", crm::RenderList(l, true)}});
}

// ---------------------------------------------------------------- memberships

HandlerResult Members(const HandlerContext& c, crm::ListService::Order order) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, 100, crm::ListService::kMaxMemberPage));
  FLOWD_ASSIGN_OR_RETURN(
      crm::MemberPageResult page,
      s->Members(c.principal.account_id, c.params.at(0), order, c.request.QueryParam("after"),
                 c.request.QueryParam("before"), limit));
  json::array results;
  for (const auto& m : page.members) {
    results.push_back(json::object{{"recordId", std::to_string(m.object_id)},
                                   {"membershipTimestamp", FormatIso8601Ms(m.added_at_ms)}});
  }
  json::object body{{"results", std::move(results)}, {"total", page.total}};
  const std::string base = c.BaseUrl() + "/crm/v3/lists/" + c.params.at(0) + "/memberships" +
                           (order == crm::ListService::Order::kById ? "" : "/join-order");
  json::object paging;
  if (page.next_after) {
    paging["next"] = json::object{
        {"after", *page.next_after},
        {"link", base + "?after=" + *page.next_after + "&limit=" + std::to_string(limit)}};
  }
  if (page.prev_before) {
    paging["prev"] = json::object{
        {"before", *page.prev_before},
        {"link", base + "?before=" + *page.prev_before + "&limit=" + std::to_string(limit)}};
  }
  if (!paging.empty()) body["paging"] = std::move(paging);
  return Ok(body);
}

HandlerResult MembersById(const HandlerContext& c) {
  return Members(c, crm::ListService::Order::kById);
}
HandlerResult MembersByJoinOrder(const HandlerContext& c) {
  return Members(c, crm::ListService::Order::kByJoinTime);
}

HandlerResult AddMembers(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::MembershipUpdate u,
                         s->AddMembers(c.principal.account_id, c.params.at(0), body));
  return Ok(RenderUpdate(u));
}

HandlerResult RemoveMembers(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::MembershipUpdate u,
                         s->RemoveMembers(c.principal.account_id, c.params.at(0), body));
  return Ok(RenderUpdate(u));
}

HandlerResult AddAndRemoveMembers(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::MembershipUpdate u,
                         s->AddAndRemove(c.principal.account_id, c.params.at(0), body));
  return Ok(RenderUpdate(u));
}

HandlerResult AddMembersFrom(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_TRY(s->AddFrom(c.principal.account_id, c.params.at(0), c.params.at(1)));
  return HttpResponse::NoContent();
}

HandlerResult ClearMembers(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_TRY(s->ClearMembers(c.principal.account_id, c.params.at(0)));
  return HttpResponse::NoContent();
}

HandlerResult RecordMemberships(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(crm::RecordMemberships m,
                         s->MembershipsOf(c.principal.account_id, c.params.at(0), c.params.at(1)));
  json::array results;
  for (const auto& x : m.memberships) results.push_back(RenderMembership(x));
  const auto total = static_cast<int64_t>(results.size());
  return Ok(json::object{{"results", std::move(results)}, {"total", total}});
}

HandlerResult BatchRecordMemberships(const HandlerContext& c) {
  const std::string started = FormatIso8601Ms(c.services.clock.NowMs());
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(auto r, s->BatchMembershipsOf(c.principal.account_id, body));
  json::array results;
  for (const auto& m : r.results) {
    json::array ms;
    for (const auto& x : m.memberships) ms.push_back(RenderMembership(x));
    results.push_back(json::object{{"objectTypeId", m.object_type_id},
                                   {"recordId", std::to_string(m.record_id)},
                                   {"recordListMemberships", std::move(ms)}});
  }
  json::object out{{"status", "COMPLETE"},
                   {"results", std::move(results)},
                   {"startedAt", started},
                   {"completedAt", FormatIso8601Ms(c.services.clock.NowMs())}};
  if (!r.errors.empty()) {
    json::array errors;
    for (const auto& [id, e] : r.errors) {
      errors.push_back(json::object{
          {"status", "error"},
          {"category", e.code == ErrorCode::kNotFound ? "OBJECT_NOT_FOUND" : "VALIDATION_ERROR"},
          {"message", e.message},
          {"context", json::object{{"recordIds", json::array{json::value(id)}}}},
          {"errors", json::array()},
          {"links", json::object()}});
    }
    out["numErrors"] = static_cast<int64_t>(r.errors.size());
    out["errors"] = std::move(errors);
    return HttpResponse::Json(207, json::serialize(out));
  }
  return Ok(out);
}

// ---------------------------------------------------------------- folders

HandlerResult GetFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  const std::string* id = c.request.QueryParam("folderId");
  FLOWD_ASSIGN_OR_RETURN(crm::FolderView v,
                         s->GetFolder(c.principal.account_id, id ? *id : std::string("0")));
  return Ok(json::object{{"folder", RenderFolderView(v)}});
}

HandlerResult CreateFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::FolderView v, s->CreateFolder(c.principal.account_id, body));
  return Ok(json::object{{"folder", RenderFolderView(v)}});
}

HandlerResult MoveListToFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_TRY(s->MoveList(c.principal.account_id, body));
  return HttpResponse::NoContent();
}

HandlerResult MoveFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(crm::FolderView v,
                         s->MoveFolder(c.principal.account_id, c.params.at(0), c.params.at(1)));
  return Ok(json::object{{"folder", RenderFolderView(v)}});
}

HandlerResult RenameFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_ASSIGN_OR_RETURN(crm::FolderView v, s->RenameFolder(c.principal.account_id, c.params.at(0),
                                                            c.request.QueryParam("newFolderName")));
  return Ok(json::object{{"folder", RenderFolderView(v)}});
}

HandlerResult DeleteFolder(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::ListService * s, Lists(c));
  FLOWD_TRY(s->DeleteFolder(c.principal.account_id, c.params.at(0)));
  return HttpResponse::NoContent();
}

// ---------------------------------------------------------------- legacy ids, not built

// flowd never had v1 lists: no legacy id maps to a list.
HandlerResult MapLegacyId(const HandlerContext& c) {
  FLOWD_TRY(Lists(c));
  const std::string* id = c.request.QueryParam("legacyListId");
  return Error::NotFound("Legacy list " + (id ? id->substr(0, 100) : std::string()) +
                         " does not exist: flowd has no v1 lists");
}

HandlerResult MapLegacyIds(const HandlerContext& c) {
  FLOWD_TRY(Lists(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  if (!body.is_array()) {
    return Error::InvalidList(
        {ErrorDetail{"The body must be an array of legacy list ids", "", "INVALID_TYPE", {}}});
  }
  if (body.get_array().size() > 10000) {
    return Error::InvalidList(
        {ErrorDetail{"At most 10000 legacy list ids per request", "", "TOO_MANY_IDS", {}}});
  }
  json::array missing;
  for (const auto& v : body.get_array()) {
    if (v.is_string()) {
      missing.push_back(v);
    } else if (v.is_int64()) {
      missing.emplace_back(std::to_string(v.get_int64()));
    }
  }
  return Ok(json::object{{"legacyListIdsToIdsMapping", json::array()},
                         {"missingLegacyListIds", std::move(missing)}});
}

HandlerResult NotBuilt(const HandlerContext& c) {
  return Error{ErrorCode::kNotImplemented,
               c.request.method + " " + c.request.path +
                   " is not implemented by flowd: scheduled list conversions and list size "
                   "history are not built (see docs/api-coverage.md)",
               {},
               {},
               std::nullopt};
}

}  // namespace

void AddListRoutes(RouteTable& routes) {
  auto add = [&](const char* method, std::string pattern, HandlerFn fn, const std::string& scope) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.handler = fn;
    r.scopes = {scope};
    routes.push_back(std::move(r));
  };
  const std::string base = "/crm/v3/lists";
  add("GET", base, GetLists, kRead);
  add("POST", base, CreateList, kWrite);
  add("POST", base + "/search", SearchLists, kRead);
  add("GET", base + "/object-type-id/{}/name/{}", GetListByName, kRead);
  add("GET", base + "/{}", GetList, kRead);
  add("DELETE", base + "/{}", DeleteList, kWrite);
  add("PUT", base + "/{}/restore", RestoreList, kWrite);
  add("PUT", base + "/{}/update-list-name", RenameList, kWrite);
  add("PUT", base + "/{}/update-list-filters", UpdateListFilters, kWrite);
  add("GET", base + "/{}/memberships", MembersById, kRead);
  add("DELETE", base + "/{}/memberships", ClearMembers, kWrite);
  add("GET", base + "/{}/memberships/join-order", MembersByJoinOrder, kRead);
  add("PUT", base + "/{}/memberships/add", AddMembers, kWrite);
  add("PUT", base + "/{}/memberships/remove", RemoveMembers, kWrite);
  add("PUT", base + "/{}/memberships/add-and-remove", AddAndRemoveMembers, kWrite);
  add("PUT", base + "/{}/memberships/add-from/{}", AddMembersFrom, kWrite);
  add("GET", base + "/records/{}/{}/memberships", RecordMemberships, kRead);
  add("POST", base + "/records/memberships/batch/read", BatchRecordMemberships, kRead);
  add("GET", base + "/folders", GetFolder, kRead);
  add("POST", base + "/folders", CreateFolder, kWrite);
  add("PUT", base + "/folders/move-list", MoveListToFolder, kWrite);
  add("DELETE", base + "/folders/{}", DeleteFolder, kWrite);
  add("PUT", base + "/folders/{}/move/{}", MoveFolder, kWrite);
  add("PUT", base + "/folders/{}/rename", RenameFolder, kWrite);
  add("GET", base + "/idmapping", MapLegacyId, kRead);
  add("POST", base + "/idmapping", MapLegacyIds, kRead);
  add("GET", base + "/{}/schedule-conversion", NotBuilt, kRead);
  add("PUT", base + "/{}/schedule-conversion", NotBuilt, kWrite);
  add("DELETE", base + "/{}/schedule-conversion", NotBuilt, kWrite);
  add("GET", base + "/{}/size-and-edits-history/between", NotBuilt, kRead);
}

}  // namespace flowd::api
