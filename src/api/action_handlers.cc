// Thin handlers of HubSpot's custom workflow actions API (/automation/v4/actions): definitions,
// functions, requires-object and revisions through flows::ActionDefinitionService, callback
// completions through the engine. Every route needs the `automation` scope; an appId must be an
// app of the token's account (flowd app create), else 404 (docs/api-coverage.md).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "engine/app_action.h"
#include "engine/engine.h"
#include "flows/action_definitions.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

constexpr const char* kActionsPath = "/automation/v4/actions";
constexpr size_t kMaxCallbackInputs = 100;

struct Ids {
  int64_t app_id = 0;
  int64_t definition_id = 0;
};

Result<int64_t> AppIdParam(const HandlerContext& c) {
  // HubSpot's appId is an int32.
  FLOWD_ASSIGN_OR_RETURN(int64_t app_id, ParseIdParam(c.params[0], "appId"));
  if (app_id > 2147483647) return Error::NotFound("App " + c.params[0] + " does not exist");
  return app_id;
}

Result<Ids> DefinitionParams(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t app_id, AppIdParam(c));
  auto def = ParseIdParam(c.params[1], "definitionId");
  // A definition id that is not one of flowd's is simply unknown.
  if (!def.ok()) return Error::NotFound("Action definition " + c.params[1] + " does not exist");
  return Ids{app_id, *def};
}

HttpResponse JsonOf(int status, const json::object& body) {
  return HttpResponse::Json(status, json::serialize(body));
}

HandlerResult ListDefinitions(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(int64_t app_id, AppIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(size_t limit, ParseLimit(c.request, flows::kDefinitionPageDefault,
                                                  flows::kDefinitionPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionPage page,
                         svc->List(c.principal.account_id, app_id, archived, after, limit));
  json::array results;
  for (const auto& d : page.definitions) results.push_back(flows::RenderDefinition(d));
  json::object body{{"results", std::move(results)}};
  if (page.next_after) {
    body["paging"] = NextPaging(c, std::string(kActionsPath) + "/" + std::to_string(app_id),
                                *page.next_after, limit);
  }
  return JsonOf(200, body);
}

HandlerResult CreateDefinition(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(int64_t app_id, AppIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d,
                         svc->Create(c.principal.account_id, app_id, body));
  return JsonOf(201, flows::RenderDefinition(d));
}

HandlerResult GetDefinition(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d,
                         svc->Get(c.principal.account_id, ids.app_id, ids.definition_id, archived));
  return JsonOf(200, flows::RenderDefinition(d));
}

HandlerResult PatchDefinition(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d,
                         svc->Patch(c.principal.account_id, ids.app_id, ids.definition_id, body));
  return JsonOf(200, flows::RenderDefinition(d));
}

HandlerResult ArchiveDefinition(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_TRY(svc->Archive(c.principal.account_id, ids.app_id, ids.definition_id));
  return HttpResponse::NoContent();
}

HandlerResult ListFunctions(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(json::array functions,
                         svc->ListFunctions(c.principal.account_id, ids.app_id, ids.definition_id));
  return JsonOf(200, json::object{{"results", std::move(functions)}});
}

std::optional<std::string> FunctionIdParam(const HandlerContext& c) {
  if (c.params.size() < 4) return std::nullopt;
  return c.params[3];
}

HandlerResult GetFunction(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(json::object f,
                         svc->GetFunction(c.principal.account_id, ids.app_id, ids.definition_id,
                                          c.params[2], FunctionIdParam(c)));
  return JsonOf(200, f);
}

HandlerResult PutFunction(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  // The body is the function's source as text/plain (a JSON string is taken as its value).
  std::string source = c.request.body;
  if (!source.empty() && source.front() == '"') {
    if (auto parsed = ParseBody(c.request); parsed.ok() && parsed->is_string()) {
      source = std::string(parsed->get_string());
    }
  }
  FLOWD_ASSIGN_OR_RETURN(json::object id,
                         svc->PutFunction(c.principal.account_id, ids.app_id, ids.definition_id,
                                          c.params[2], FunctionIdParam(c), source));
  return JsonOf(200, id);
}

HandlerResult DeleteFunction(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_TRY(svc->DeleteFunction(c.principal.account_id, ids.app_id, ids.definition_id, c.params[2],
                                FunctionIdParam(c)));
  return HttpResponse::NoContent();
}

HandlerResult GetRequiresObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(bool requires_object, svc->RequiresObject(c.principal.account_id,
                                                                   ids.app_id, ids.definition_id));
  return JsonOf(200, json::object{{"requiresObject", requires_object}});
}

HandlerResult SetRequiresObject(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_TRY(svc->SetRequiresObject(c.principal.account_id, ids.app_id, ids.definition_id, body));
  return HttpResponse::NoContent();
}

HandlerResult ListRevisions(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  FLOWD_ASSIGN_OR_RETURN(size_t limit, ParseLimit(c.request, flows::kDefinitionPageDefault,
                                                  flows::kDefinitionPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::ActionRevisionPage page,
      svc->Revisions(c.principal.account_id, ids.app_id, ids.definition_id, after, limit));
  json::array results;
  for (const auto& r : page.revisions) results.push_back(flows::RenderRevision(r));
  json::object body{{"results", std::move(results)}};
  if (page.next_after) {
    body["paging"] = NextPaging(
        c, std::string(kActionsPath) + "/" + c.params[0] + "/" + c.params[1] + "/revisions",
        *page.next_after, limit);
  }
  return JsonOf(200, body);
}

HandlerResult GetRevision(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(auto* svc, Need(c.services.action_definitions));
  FLOWD_ASSIGN_OR_RETURN(Ids ids, DefinitionParams(c));
  auto revision = ParseIdParam(c.params[2], "revisionId");
  if (!revision.ok()) return Error::NotFound("Revision " + c.params[2] + " does not exist");
  FLOWD_ASSIGN_OR_RETURN(
      store::ActionRevisionRecord r,
      svc->Revision(c.principal.account_id, ids.app_id, ids.definition_id, *revision));
  return JsonOf(200, flows::RenderRevision(r));
}

// A completion body's outputFields (required; typedOutputs and the rest are accepted and
// ignored). Adds a problem at `at` when it is missing, not an object, or holds an execution
// state other than SUCCESS / FAIL_CONTINUE, so a batch is checked whole before any completes.
const json::value* OutputFieldsOf(const json::value& input, const std::string& at,
                                  std::vector<ErrorDetail>& problems) {
  const json::object* o = input.if_object();
  const json::value* out = o ? o->if_contains("outputFields") : nullptr;
  if (!out || !out->is_object()) {
    problems.push_back(
        ErrorDetail{"outputFields must be an object", at + "outputFields", "REQUIRED", {}});
    return nullptr;
  }
  if (auto answer = engine::ReadOutputFields(*out, false); !answer.ok()) {
    problems.push_back(
        ErrorDetail{answer.error().message, at + "outputFields", "INVALID_OUTPUT_FIELDS", {}});
    return nullptr;
  }
  return out;
}

HandlerResult CompleteCallback(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * engine, Need(c.services.engine));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  std::vector<ErrorDetail> problems;
  const json::value* out = OutputFieldsOf(body, "", problems);
  if (!out) return Error::InvalidList(std::move(problems));
  FLOWD_TRY(engine->CompleteCallback(c.principal.account_id, c.params[0], *out));
  return HttpResponse::NoContent();
}

HandlerResult CompleteCallbacks(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * engine, Need(c.services.engine));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  const json::object* o = body.if_object();
  const json::value* inputs = o ? o->if_contains("inputs") : nullptr;
  if (!inputs || !inputs->is_array() || inputs->get_array().empty()) {
    return Error::InvalidList(
        {ErrorDetail{"inputs must be a non-empty array", "inputs", "REQUIRED", {}}});
  }
  const json::array& a = inputs->get_array();
  if (a.size() > kMaxCallbackInputs) {
    return Error::InvalidList(
        {ErrorDetail{"at most " + std::to_string(kMaxCallbackInputs) + " inputs per call",
                     "inputs",
                     "TOO_MANY",
                     {}}});
  }
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string at = "inputs[" + std::to_string(i) + "].";
    const json::object* in = a[i].if_object();
    const json::value* id = in ? in->if_contains("callbackId") : nullptr;
    if (!id || !id->is_string() || id->get_string().empty()) {
      problems.push_back(
          ErrorDetail{"callbackId must be a non-empty string", at + "callbackId", "REQUIRED", {}});
    }
    OutputFieldsOf(a[i], at, problems);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  // Each completion commits on its own; the unknown ones are reported together afterwards.
  std::vector<ErrorDetail> missing;
  for (size_t i = 0; i < a.size(); ++i) {
    const json::object& in = a[i].get_object();
    const std::string id(in.at("callbackId").get_string());
    Status st = engine->CompleteCallback(c.principal.account_id, id, in.at("outputFields"));
    if (st.ok()) continue;
    if (st.error().code != ErrorCode::kNotFound) return st.error();
    missing.push_back(ErrorDetail{
        st.error().message, "inputs[" + std::to_string(i) + "]", "OBJECT_NOT_FOUND", {}});
  }
  if (missing.empty()) return HttpResponse::NoContent();
  Error e = Error::NotFound(std::to_string(missing.size()) + " of " + std::to_string(a.size()) +
                            " callbacks are not waiting (the others were completed)");
  e.details = std::move(missing);
  return e;
}

}  // namespace

void AddActionRoutes(RouteTable& routes) {
  const std::vector<std::string> scopes = {"automation"};
  const std::string base = kActionsPath;
  const std::string def = base + "/{#}/{}";
  routes.push_back(MakeRoute("POST", base + "/callbacks/complete", CompleteCallbacks, scopes));
  routes.push_back(MakeRoute("POST", base + "/callbacks/{}/complete", CompleteCallback, scopes));
  routes.push_back(MakeRoute("GET", base + "/{#}", ListDefinitions, scopes));
  routes.push_back(MakeRoute("POST", base + "/{#}", CreateDefinition, scopes));
  routes.push_back(MakeRoute("GET", def, GetDefinition, scopes));
  routes.push_back(MakeRoute("PATCH", def, PatchDefinition, scopes));
  routes.push_back(MakeRoute("DELETE", def, ArchiveDefinition, scopes));
  routes.push_back(MakeRoute("GET", def + "/functions", ListFunctions, scopes));
  for (const std::string& path : {def + "/functions/{}", def + "/functions/{}/{}"}) {
    routes.push_back(MakeRoute("GET", path, GetFunction, scopes));
    routes.push_back(MakeRoute("PUT", path, PutFunction, scopes));
    routes.push_back(MakeRoute("DELETE", path, DeleteFunction, scopes));
  }
  routes.push_back(MakeRoute("GET", def + "/requires-object", GetRequiresObject, scopes));
  routes.push_back(MakeRoute("POST", def + "/requires-object", SetRequiresObject, scopes));
  routes.push_back(MakeRoute("GET", def + "/revisions", ListRevisions, scopes));
  routes.push_back(MakeRoute("GET", def + "/revisions/{}", GetRevision, scopes));
}

}  // namespace flowd::api
