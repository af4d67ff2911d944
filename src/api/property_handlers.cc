// Thin handlers of /crm/v3/properties/{objectType}…: resolve the type (SchemaService), check the
// type's scopes (crm::PropertyReadScopes / PropertyWriteScopes), call PropertyService, render.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/handler_context.h"
#include "api/property_handler_util.h"
#include "api/route.h"
#include "common/time_format.h"
#include "crm/property_json.h"
#include "crm/property_service.h"
#include "crm/schema_service.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

struct TypedCall {
  crm::PropertyService* service = nullptr;
  crm::ObjectTypeInfo type;
};

// The path's object type, resolved in the caller's account, with the caller's scopes checked.
Result<TypedCall> Resolve(const HandlerContext& c, bool write) {
  FLOWD_ASSIGN_OR_RETURN(crm::PropertyService * service, Need(c.services.properties));
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(crm::ObjectTypeInfo type,
                         schemas->Resolve(c.principal.account_id, c.params[0]));
  FLOWD_TRY(
      RequireAnyScope(c, write ? crm::PropertyWriteScopes(type) : crm::PropertyReadScopes(type)));
  return TypedCall{service, std::move(type)};
}

crm::SensitiveAccess AccessOf(const HandlerContext& c, const crm::ObjectTypeInfo& type) {
  return crm::SensitiveAccess{HasAnyScope(c, type.sensitive_write_scopes),
                              HasAnyScope(c, type.highly_sensitive_write_scopes)};
}

HttpResponse PropertyResponse(int status, const store::PropertyRecord& p) {
  return HttpResponse::Json(status, json::serialize(crm::RenderProperty(p)));
}

HttpResponse GroupResponse(int status, const store::PropertyGroupRecord& g) {
  return HttpResponse::Json(status, json::serialize(crm::RenderGroup(g)));
}

// HubSpot's BatchResponseProperty / BatchResponsePropertyWithErrors; `status` 201/200 when
// nothing failed, 207 otherwise.
HttpResponse BatchResponse(int ok_status, const crm::PropertyBatchResult& r, int64_t started_ms,
                           int64_t completed_ms) {
  json::array results;
  for (const auto& p : r.results) results.push_back(crm::RenderProperty(p));
  json::object body{{"status", "COMPLETE"},
                    {"results", std::move(results)},
                    {"startedAt", FormatIso8601Ms(started_ms)},
                    {"completedAt", FormatIso8601Ms(completed_ms)}};
  if (r.errors.empty()) return HttpResponse::Json(ok_status, json::serialize(body));
  json::array errors;
  for (const auto& e : r.errors) errors.push_back(StandardError(e));
  body["numErrors"] = static_cast<int64_t>(r.errors.size());
  body["errors"] = std::move(errors);
  return HttpResponse::Json(207, json::serialize(body));
}

HandlerResult ListProperties(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, false));
  crm::PropertyListOptions options;
  FLOWD_ASSIGN_OR_RETURN(options.archived, BoolParam(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(std::optional<std::string> sensitivity, SensitivityParam(c.request));
  options.data_sensitivity = sensitivity.value_or("non_sensitive");
  options.names = ListParam(c.request, "properties");
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyRecord> props,
                         call.service->List(c.principal.account_id, call.type, options));
  json::array results;
  for (const auto& p : props) results.push_back(crm::RenderProperty(p));
  return HttpResponse::Json(200, json::serialize(json::object{{"results", std::move(results)}}));
}

HandlerResult GetProperty(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(bool archived, BoolParam(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(std::optional<std::string> sensitivity, SensitivityParam(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::PropertyRecord p,
      call.service->Get(c.principal.account_id, call.type, c.params[1], archived));
  // An explicitly requested sensitivity the property does not have: as if it did not exist.
  if (sensitivity && p.data_sensitivity != *sensitivity) {
    return Error::NotFound("Property " + c.params[1] + " of sensitivity " + *sensitivity +
                           " does not exist for object type " + call.type.id);
  }
  return PropertyResponse(200, p);
}

HandlerResult CreateProperty(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::PropertyRecord p,
      call.service->Create(c.principal.account_id, call.type, body, AccessOf(c, call.type)));
  return PropertyResponse(201, p);
}

HandlerResult UpdateProperty(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::PropertyRecord p,
      call.service->Update(c.principal.account_id, call.type, c.params[1], body));
  return PropertyResponse(200, p);
}

HandlerResult ArchiveProperty(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_TRY(call.service->Archive(c.principal.account_id, call.type, c.params[1]));
  return HttpResponse::NoContent();
}

HandlerResult BatchCreateProperties(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  const int64_t started = c.services.clock.NowMs();
  FLOWD_ASSIGN_OR_RETURN(
      crm::PropertyBatchResult r,
      call.service->BatchCreate(c.principal.account_id, call.type, body, AccessOf(c, call.type)));
  return BatchResponse(201, r, started, c.services.clock.NowMs());
}

HandlerResult BatchReadProperties(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  const int64_t started = c.services.clock.NowMs();
  FLOWD_ASSIGN_OR_RETURN(crm::PropertyBatchResult r,
                         call.service->BatchRead(c.principal.account_id, call.type, body));
  return BatchResponse(200, r, started, c.services.clock.NowMs());
}

HandlerResult BatchArchiveProperties(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_TRY(call.service->BatchArchive(c.principal.account_id, call.type, body));
  return HttpResponse::NoContent();
}

HandlerResult ListGroups(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyGroupRecord> groups,
                         call.service->ListGroups(c.principal.account_id, call.type));
  json::array results;
  for (const auto& g : groups) results.push_back(crm::RenderGroup(g));
  return HttpResponse::Json(200, json::serialize(json::object{{"results", std::move(results)}}));
}

HandlerResult GetGroup(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, false));
  FLOWD_ASSIGN_OR_RETURN(store::PropertyGroupRecord g,
                         call.service->GetGroup(c.principal.account_id, call.type, c.params[1]));
  return GroupResponse(200, g);
}

HandlerResult CreateGroup(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::PropertyGroupRecord g,
                         call.service->CreateGroup(c.principal.account_id, call.type, body));
  return GroupResponse(201, g);
}

HandlerResult UpdateGroup(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::PropertyGroupRecord g,
      call.service->UpdateGroup(c.principal.account_id, call.type, c.params[1], body));
  return GroupResponse(200, g);
}

HandlerResult DeleteGroup(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(TypedCall call, Resolve(c, true));
  FLOWD_TRY(call.service->DeleteGroup(c.principal.account_id, call.type, c.params[1]));
  return HttpResponse::NoContent();
}

}  // namespace

void AddPropertyRoutes(RouteTable& routes) {
  // Scopes depend on the object type: every handler checks them after resolving it.
  const std::pair<const char*, std::pair<const char*, HandlerFn>> kRoutes[] = {
      {"GET", {"/crm/v3/properties/{}", ListProperties}},
      {"POST", {"/crm/v3/properties/{}", CreateProperty}},
      {"POST", {"/crm/v3/properties/{}/batch/archive", BatchArchiveProperties}},
      {"POST", {"/crm/v3/properties/{}/batch/create", BatchCreateProperties}},
      {"POST", {"/crm/v3/properties/{}/batch/read", BatchReadProperties}},
      {"GET", {"/crm/v3/properties/{}/groups", ListGroups}},
      {"POST", {"/crm/v3/properties/{}/groups", CreateGroup}},
      {"GET", {"/crm/v3/properties/{}/groups/{}", GetGroup}},
      {"PATCH", {"/crm/v3/properties/{}/groups/{}", UpdateGroup}},
      {"DELETE", {"/crm/v3/properties/{}/groups/{}", DeleteGroup}},
      {"GET", {"/crm/v3/properties/{}/{}", GetProperty}},
      {"PATCH", {"/crm/v3/properties/{}/{}", UpdateProperty}},
      {"DELETE", {"/crm/v3/properties/{}/{}", ArchiveProperty}},
  };
  for (const auto& [method, route] : kRoutes) {
    Route r;
    r.method = method;
    r.pattern = route.first;
    r.handler = route.second;
    routes.push_back(std::move(r));
  }
}

}  // namespace flowd::api
