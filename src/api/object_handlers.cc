// /crm/v3/objects/{objectType}…: HubSpot's CRM objects API (and, through the same routes, the
// per-type APIs /crm/v3/objects/contacts, /companies, /deals, /tickets, /tasks, /notes).
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handler_context.h"
#include "api/object_json.h"
#include "api/route.h"
#include "common/time_format.h"
#include "crm/association_service.h"
#include "crm/object_search.h"
#include "crm/object_service.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

struct Typed {
  crm::ObjectService* service;
  crm::ObjectTypeInfo type;
  crm::Caller caller;
};

// The service, the path's object type, and the caller (checked against the type's read or write
// scopes).
Result<Typed> Resolve(const HandlerContext& c, bool write) {
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectService * service, Need(c.services.objects));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectTypeInfo type,
                         service->Type(c.principal.account_id, c.params.at(0)));
  FLOWD_TRY(RequireAnyScope(c, write ? type.write_scopes : type.read_scopes));
  crm::Caller caller;
  caller.account_id = c.principal.account_id;
  caller.scopes = c.principal.scopes;
  caller.source = {"API", "token:" + std::to_string(c.principal.token_id)};
  return Typed{service, std::move(type), std::move(caller)};
}

// The `associations` query parameter of reads: the to types' names as the caller wrote them.
struct AssociationRead {
  crm::AssociationService* service = nullptr;
  std::vector<std::pair<std::string, crm::ObjectTypeInfo>> types;  // (name as asked, type)
};

Result<AssociationRead> AssociationsToRead(const HandlerContext& c, const Typed& t) {
  AssociationRead out;
  std::vector<std::string> names = SplitCsv(c.request.QueryParams("associations"));
  if (names.empty()) return out;
  FLOWD_ASSIGN_OR_RETURN(out.service, Need(c.services.associations));
  for (const auto& n : names) {
    FLOWD_ASSIGN_OR_RETURN(crm::ObjectTypeInfo to, t.service->Type(c.principal.account_id, n));
    out.types.emplace_back(n, std::move(to));
  }
  return out;
}

// Up to this many associated ids per type are listed inside a record (HubSpot pages them too).
constexpr size_t kAssociationsPerRecord = 500;

// Renders the records with HubSpot's `associations` object when the read asks for it: one
// snapshot read per asked type for the whole page of records.
Result<json::array> RenderWithAssociations(const HandlerContext& c, const Typed& t,
                                           const AssociationRead& read,
                                           const std::vector<crm::ObjectView>& views) {
  std::vector<json::object> rendered;
  rendered.reserve(views.size());
  for (const auto& v : views) rendered.push_back(RenderObject(v));
  if (!read.types.empty() && !views.empty()) {
    std::vector<json::object> all(views.size());
    std::vector<store::AssociationPageRequest> requests;
    requests.reserve(views.size());
    for (const auto& v : views) requests.push_back({v.record.id, std::nullopt});
    for (const auto& [name, to] : read.types) {
      FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair,
                             read.service->ResolvePair(c.principal.account_id, t.type.id, to.id));
      FLOWD_ASSIGN_OR_RETURN(
          std::vector<crm::AssociatedBatchItem> pages,
          read.service->BatchRead(c.principal.account_id, pair, requests, kAssociationsPerRecord));
      for (size_t i = 0; i < pages.size(); ++i) {
        const crm::AssociatedPage& page = pages[i].page;
        if (page.results.empty()) continue;
        json::array results;
        for (const auto& a : page.results) {
          for (const auto& type : a.types) {
            results.push_back(json::object{{"id", std::to_string(a.to_id)}, {"type", type.name}});
          }
        }
        json::object collection{{"results", std::move(results)}};
        if (page.next_after) {
          collection["paging"] =
              json::object{{"next", json::object{{"after", std::to_string(*page.next_after)}}}};
        }
        all[i][name] = std::move(collection);
      }
    }
    for (size_t i = 0; i < views.size(); ++i) {
      if (!all[i].empty()) rendered[i]["associations"] = std::move(all[i]);
    }
  }
  json::array out;
  for (auto& o : rendered) out.push_back(std::move(o));
  return out;
}

// ---------------------------------------------------------------- handlers

HandlerResult ListObjects(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(size_t limit, ParseLimit(c.request, 10, 100));
  std::optional<int64_t> after;
  if (const std::string* a = c.request.QueryParam("after"); a && !a->empty()) {
    FLOWD_ASSIGN_OR_RETURN(after, ParseIdParam(*a, "after"));
  }
  FLOWD_ASSIGN_OR_RETURN(crm::ReadOptions read, ReadOptionsFromQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(AssociationRead assoc, AssociationsToRead(c, t));
  FLOWD_ASSIGN_OR_RETURN(auto page, t.service->List(t.caller, t.type, after, limit, read));
  FLOWD_ASSIGN_OR_RETURN(json::array results, RenderWithAssociations(c, t, assoc, page.first));
  json::object body{{"results", std::move(results)}};
  if (page.second) {
    const std::string next = std::to_string(*page.second);
    body["paging"] = json::object{
        {"next", json::object{{"after", next},
                              {"link", c.BaseUrl() + "/crm/v3/objects/" + c.params[0] +
                                           "?after=" + next + "&limit=" + std::to_string(limit)}}}};
  }
  return HttpResponse::Json(200, json::serialize(body));
}

HandlerResult CreateObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  if (!body.is_object())
    return Error::InvalidList({{"The body must be a JSON object", "", "", {}}});
  crm::ObjectInput in;
  std::vector<ErrorDetail> problems;
  ParseProperties(body.get_object(), "", in.properties, problems, true);
  auto associations = ParseNewAssociations(body.get_object(), "", problems);
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  crm::AssociationService* assoc = nullptr;
  if (!associations.empty()) {
    FLOWD_ASSIGN_OR_RETURN(assoc, Need(c.services.associations));
    FLOWD_TRY(assoc->ValidateForNewRecord(c.principal.account_id, t.type, associations));
  }
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectView v, t.service->Create(t.caller, t.type, in));
  if (assoc) {
    FLOWD_TRY(assoc->AssociateNewRecord(c.principal.account_id, t.type, v.record.id, associations));
  }
  return HttpResponse::Json(201, json::serialize(RenderObject(v)));
}

Result<crm::ObjectRef> RefFromPath(const HandlerContext& c) {
  crm::ObjectRef ref{c.params.at(1), ""};
  if (const std::string* p = c.request.QueryParam("idProperty"); p && !p->empty()) {
    ref.id_property = *p;
  }
  return ref;
}

HandlerResult GetObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectRef ref, RefFromPath(c));
  FLOWD_ASSIGN_OR_RETURN(crm::ReadOptions read, ReadOptionsFromQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(AssociationRead assoc, AssociationsToRead(c, t));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectView v, t.service->Get(t.caller, t.type, ref, read));
  FLOWD_ASSIGN_OR_RETURN(json::array one, RenderWithAssociations(c, t, assoc, {std::move(v)}));
  return HttpResponse::Json(200, json::serialize(one.front()));
}

HandlerResult UpdateObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectRef ref, RefFromPath(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  if (!body.is_object())
    return Error::InvalidList({{"The body must be a JSON object", "", "", {}}});
  crm::ObjectInput in;
  std::vector<ErrorDetail> problems;
  ParseProperties(body.get_object(), "", in.properties, problems, true);
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectView v, t.service->Update(t.caller, t.type, ref, in));
  return HttpResponse::Json(200, json::serialize(RenderObject(v)));
}

HandlerResult ArchiveObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, ParseIdParam(c.params.at(1), "objectId"));
  FLOWD_TRY(t.service->Archive(t.caller, t.type, {id}));
  return HttpResponse::NoContent();
}

HandlerResult BatchCreateObjects(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  std::vector<crm::ObjectInput> in(inputs->size());
  std::vector<std::vector<crm::NewRecordAssociation>> associations(inputs->size());
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const json::object* o = (*inputs)[i].if_object();
    if (o == nullptr) {
      problems.push_back(
          {"each input must be an object", "inputs[" + std::to_string(i) + "]", "", {}});
      continue;
    }
    ParseProperties(*o, InputPath(i), in[i].properties, problems, true);
    associations[i] = ParseNewAssociations(*o, InputPath(i), problems);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  crm::AssociationService* assoc = nullptr;
  for (size_t i = 0; i < associations.size(); ++i) {
    if (associations[i].empty()) continue;
    FLOWD_ASSIGN_OR_RETURN(assoc, Need(c.services.associations));
    Status valid = assoc->ValidateForNewRecord(c.principal.account_id, t.type, associations[i]);
    if (!valid.ok()) {
      Error e = std::move(valid).error();
      for (auto& d : e.details) d.in = InputPath(i) + d.in;
      return e;
    }
  }
  FLOWD_ASSIGN_OR_RETURN(crm::BatchResult r, t.service->BatchCreate(t.caller, t.type, in));
  for (size_t i = 0; assoc && i < associations.size() && i < r.results.size(); ++i) {
    if (associations[i].empty()) continue;
    FLOWD_TRY(assoc->AssociateNewRecord(c.principal.account_id, t.type, r.results[i].record.id,
                                        associations[i]));
  }
  return BatchResponse(r, started, 201);
}

HandlerResult BatchReadObjects(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  const json::object& o = body.get_object();
  std::vector<ErrorDetail> problems;
  crm::ReadOptions read;
  read.properties = StringArray(o, "properties", "properties", problems);
  read.properties_with_history =
      StringArray(o, "propertiesWithHistory", "propertiesWithHistory", problems);
  FLOWD_ASSIGN_OR_RETURN(read.archived, BoolParam(c.request, "archived"));
  std::string id_property;
  if (const json::value* p = o.if_contains("idProperty"); p && !p->is_null()) {
    if (!p->is_string()) {
      problems.push_back({"idProperty must be a string", "idProperty", "INVALID_TYPE", {}});
    } else {
      id_property = std::string(p->get_string());
    }
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const json::object* in = (*inputs)[i].if_object();
    auto id = in ? StringField(*in, "id") : std::nullopt;
    if (!id) {
      problems.push_back(
          {"id is required and must be a string", InputPath(i) + "id", "REQUIRED", {}});
      continue;
    }
    ids.push_back(*id);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::BatchResult r,
                         t.service->BatchRead(t.caller, t.type, ids, id_property, read));
  return BatchResponse(r, started, 200);
}

HandlerResult BatchUpdateObjects(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  FLOWD_ASSIGN_OR_RETURN(auto in, UpdateInputs(*inputs));
  FLOWD_ASSIGN_OR_RETURN(crm::BatchResult r, t.service->BatchUpdate(t.caller, t.type, in));
  return BatchResponse(r, started, 200);
}

HandlerResult BatchUpsertObjects(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  FLOWD_ASSIGN_OR_RETURN(auto in, UpdateInputs(*inputs));
  FLOWD_ASSIGN_OR_RETURN(crm::BatchResult r, t.service->BatchUpsert(t.caller, t.type, in));
  return BatchResponse(r, started, 200, /*upsert=*/true);
}

HandlerResult BatchArchiveObjects(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  std::vector<int64_t> ids;
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const json::object* in = (*inputs)[i].if_object();
    auto id = in ? StringField(*in, "id") : std::nullopt;
    auto parsed = id ? ParseIdParam(*id, InputPath(i) + "id") : Result<int64_t>(Error::Invalid(""));
    if (!parsed.ok()) {
      problems.push_back(
          {"id is required and must be a record id", InputPath(i) + "id", "INVALID_ID", {}});
      continue;
    }
    ids.push_back(*parsed);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  FLOWD_TRY(t.service->Archive(t.caller, t.type, ids));
  return HttpResponse::NoContent();
}

HandlerResult SearchObjects(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(Typed t, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  if (!body.is_object())
    return Error::InvalidList({{"The body must be a JSON object", "", "", {}}});
  FLOWD_ASSIGN_OR_RETURN(crm::SearchRequest req, ParseSearchRequest(body.get_object()));
  FLOWD_ASSIGN_OR_RETURN(crm::SearchResult r, crm::Search(*t.service, t.caller, t.type, req));
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>();
  json::array results(sp);
  results.reserve(r.results.size());
  for (const auto& v : r.results) results.push_back(RenderObject(v, sp));
  json::object out({{"total", r.total}, {"results", std::move(results)}}, sp);
  if (r.next_after) {
    out["paging"] = json::object{{"next", json::object{{"after", std::to_string(*r.next_after)}}}};
  }
  return HttpResponse::Json(200, json::serialize(out));
}

HandlerResult NotBuilt(const HandlerContext& c) {
  return Error{ErrorCode::kNotImplemented,
               c.request.path + " is not implemented by flowd (see docs/api-coverage.md)",
               {},
               {},
               std::nullopt};
}

}  // namespace

void AddObjectRoutes(RouteTable& routes) {
  auto add = [&](const char* method, std::string pattern, HandlerFn fn) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.handler = fn;
    routes.push_back(std::move(r));
  };
  const std::string base = "/crm/v3/objects/{}";
  add("GET", base, ListObjects);
  add("POST", base, CreateObject);
  add("POST", base + "/batch/create", BatchCreateObjects);
  add("POST", base + "/batch/read", BatchReadObjects);
  add("POST", base + "/batch/update", BatchUpdateObjects);
  add("POST", base + "/batch/upsert", BatchUpsertObjects);
  add("POST", base + "/batch/archive", BatchArchiveObjects);
  add("POST", base + "/search", SearchObjects);
  add("GET", base + "/{}", GetObject);
  add("PATCH", base + "/{}", UpdateObject);
  add("DELETE", base + "/{}", ArchiveObject);
  // Contacts-only operations flowd does not offer (documented in docs/api-coverage.md).
  add("POST", "/crm/v3/objects/contacts/gdpr-delete", NotBuilt);
  add("POST", "/crm/v3/objects/contacts/merge", NotBuilt);
  add("POST", base + "/merge", NotBuilt);
}

}  // namespace flowd::api
