// Thin handlers of the custom object schemas API: /crm-object-schemas/v3/schemas… (HubSpot's spec
// and its Node client) and the same routes under /crm/v3/schemas (the path HubSpot's guides use).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handler_context.h"
#include "api/property_handler_util.h"
#include "api/route.h"
#include "crm/schema_json.h"
#include "crm/schema_service.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

// includePropertyDefinitions / includeAssociationDefinitions / includeAuditMetadata from the
// query (GET) — all default to true.
Result<crm::SchemaRenderOptions> RenderOptionsFromQuery(const HttpRequest& request) {
  crm::SchemaRenderOptions o;
  FLOWD_ASSIGN_OR_RETURN(o.properties, BoolParam(request, "includePropertyDefinitions", true));
  FLOWD_ASSIGN_OR_RETURN(o.associations, BoolParam(request, "includeAssociationDefinitions", true));
  FLOWD_ASSIGN_OR_RETURN(o.audit, BoolParam(request, "includeAuditMetadata", true));
  return o;
}

// The same flags from a batch read body (booleans; absent = true).
Result<crm::SchemaRenderOptions> RenderOptionsFromBody(const json::value& body) {
  crm::SchemaRenderOptions o;
  const json::object* obj = body.if_object();
  std::vector<ErrorDetail> problems;
  auto flag = [&](const char* key, bool& out) {
    const json::value* v = obj ? obj->if_contains(key) : nullptr;
    if (!v || v->is_null()) return;
    if (!v->is_bool()) {
      problems.push_back({std::string(key) + " must be a boolean", key, "INVALID_TYPE", {}});
      return;
    }
    out = v->get_bool();
  };
  flag("includePropertyDefinitions", o.properties);
  flag("includeAssociationDefinitions", o.associations);
  flag("includeAuditMetadata", o.audit);
  if (!problems.empty()) {
    std::string message = problems[0].message;  // before the vector is moved away
    return Error::Invalid(std::move(message), std::move(problems));
  }
  return o;
}

HttpResponse SchemaList(const HandlerContext& c, const std::vector<crm::SchemaView>& views,
                        const crm::SchemaRenderOptions& options) {
  json::array results;
  for (const auto& v : views) {
    results.push_back(crm::RenderSchema(v.schema, v.properties, c.principal.account_id, options));
  }
  return HttpResponse::Json(200, json::serialize(json::object{{"results", std::move(results)}}));
}

HandlerResult ListSchemas(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(bool archived, BoolParam(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaRenderOptions options, RenderOptionsFromQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::SchemaView> views,
                         schemas->List(c.principal.account_id, archived));
  return SchemaList(c, views, options);
}

HandlerResult BatchReadSchemas(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaRenderOptions options, RenderOptionsFromBody(body));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::SchemaView> views,
                         schemas->BatchRead(c.principal.account_id, body));
  return SchemaList(c, views, options);
}

HandlerResult GetSchema(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaRenderOptions options, RenderOptionsFromQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaView view, schemas->Get(c.principal.account_id, c.params[0]));
  return HttpResponse::Json(
      200, json::serialize(
               crm::RenderSchema(view.schema, view.properties, c.principal.account_id, options)));
}

HandlerResult CreateSchema(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  // Custom types share one set of sensitive scopes (crm.objects.custom.*).
  const crm::ObjectTypeInfo custom = crm::MakeCustomObjectType("2-0", "", "", "", 0);
  crm::SensitiveAccess access{HasAnyScope(c, custom.sensitive_write_scopes),
                              HasAnyScope(c, custom.highly_sensitive_write_scopes)};
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaView view,
                         schemas->Create(c.principal.account_id, body, access));
  return HttpResponse::Json(201, json::serialize(crm::RenderSchema(view.schema, view.properties,
                                                                   c.principal.account_id, {})));
}

HandlerResult UpdateSchema(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema,
                         schemas->Update(c.principal.account_id, c.params[0], body));
  return HttpResponse::Json(
      200, json::serialize(crm::RenderObjectTypeDefinition(schema, c.principal.account_id)));
}

HandlerResult DeleteSchema(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(bool purge, BoolParam(c.request, "archived", false));
  FLOWD_TRY(schemas->Delete(c.principal.account_id, c.params[0], purge));
  return HttpResponse::NoContent();
}

HandlerResult CreateSchemaAssociation(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::SchemaAssociationRecord a,
                         schemas->CreateAssociation(c.principal.account_id, c.params[0], body));
  return HttpResponse::Json(201, json::serialize(crm::RenderAssociationDefinition(a)));
}

HandlerResult DeleteSchemaAssociation(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::SchemaService * schemas, Need(c.services.schemas));
  FLOWD_TRY(schemas->DeleteAssociation(c.principal.account_id, c.params[0], c.params[1]));
  return HttpResponse::NoContent();
}

}  // namespace

void AddSchemaRoutes(RouteTable& routes) {
  struct SchemaRoute {
    const char* method;
    const char* pattern;  // after the prefix
    HandlerFn handler;
    bool write;
  };
  const SchemaRoute kRoutes[] = {
      {"GET", "", ListSchemas, false},
      {"POST", "", CreateSchema, true},
      {"POST", "/batch/read", BatchReadSchemas, false},
      {"GET", "/{}", GetSchema, false},
      {"PATCH", "/{}", UpdateSchema, true},
      {"DELETE", "/{}", DeleteSchema, true},
      {"POST", "/{}/associations", CreateSchemaAssociation, true},
      {"DELETE", "/{}/associations/{}", DeleteSchemaAssociation, true},
  };
  for (const char* prefix : {"/crm-object-schemas/v3/schemas", "/crm/v3/schemas"}) {
    for (const SchemaRoute& s : kRoutes) {
      Route r;
      r.method = s.method;
      r.pattern = std::string(prefix) + s.pattern;
      r.handler = s.handler;
      r.scopes = s.write ? crm::SchemaWriteScopes() : crm::SchemaReadScopes();
      routes.push_back(std::move(r));
    }
  }
}

}  // namespace flowd::api
