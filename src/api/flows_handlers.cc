// Thin handlers of the flows API: parse → FlowService → JSON.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handler_context.h"
#include "api/route.h"
#include "common/time_format.h"
#include "flows/render.h"
#include "model/action_catalog.h"

namespace flowd::api {
namespace {

HttpResponse FlowResponse(int status, const store::FlowRecord& flow) {
  return HttpResponse::Json(status, flows::RenderFlow(flow));
}

Result<int64_t> FlowIdParam(const HandlerContext& c) { return ParseIdParam(c.params[0], "flowId"); }

// HubSpot's batch envelope around already-rendered results.
std::string BatchEnvelope(const std::vector<std::string>& results,
                          const std::vector<std::string>& missing, std::string_view noun,
                          int64_t started_ms, int64_t completed_ms) {
  std::string out = "{\"status\":\"COMPLETE\",\"results\":[";
  for (size_t i = 0; i < results.size(); ++i) {
    if (i) out += ',';
    out += results[i];
  }
  out += ']';
  if (!missing.empty()) {
    boost::json::array errors;
    for (const auto& id : missing) {
      errors.push_back(boost::json::object{
          {"status", "error"},
          {"category", "OBJECT_NOT_FOUND"},
          {"message", "Could not find " + std::string(noun) + " " + id},
          {"context", boost::json::object{{"ids", boost::json::array{boost::json::string(id)}}}},
          {"errors", boost::json::array()},
          {"links", boost::json::object()}});
    }
    out += ",\"numErrors\":" + std::to_string(missing.size());
    out += ",\"errors\":" + boost::json::serialize(errors);
  }
  out += ",\"startedAt\":\"" + FormatIso8601Ms(started_ms) + "\"";
  out += ",\"completedAt\":\"" + FormatIso8601Ms(completed_ms) + "\"}";
  return out;
}

// `inputs` of a batch body: an array of objects, at most kMaxBatchInputs. Problems are appended.
const boost::json::array* BatchInputs(const boost::json::value& body,
                                      std::vector<ErrorDetail>& problems) {
  const auto* obj = body.if_object();
  const boost::json::value* inputs = obj ? obj->if_contains("inputs") : nullptr;
  if (!inputs || !inputs->is_array()) {
    problems.push_back({"inputs is required and must be an array", "inputs", "REQUIRED", {}});
    return nullptr;
  }
  const auto& arr = inputs->get_array();
  if (arr.size() > flows::kMaxBatchInputs) {
    problems.push_back({"at most " + std::to_string(flows::kMaxBatchInputs) +
                            " inputs per batch, got " + std::to_string(arr.size()),
                        "inputs",
                        "TOO_MANY_INPUTS",
                        {}});
    return nullptr;
  }
  return &arr;
}

// Reads inputs[i].<field> as an id string; numbers written as JSON numbers are accepted too.
std::optional<std::string> IdField(const boost::json::object& item, std::string_view field) {
  const auto* v = item.if_contains(field);
  if (!v) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::string Path(size_t i, std::string_view field) {
  std::string out = "inputs[";
  out += std::to_string(i);
  out += ']';
  if (!field.empty()) {
    out += '.';
    out += field;
  }
  return out;
}

Error Invalid(std::vector<ErrorDetail> problems) { return Error::InvalidList(std::move(problems)); }

}  // namespace

HandlerResult ListFlows(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, flows::kMaxPageSize, flows::kMaxPageSize));
  std::optional<int64_t> after;
  if (const std::string* a = c.request.QueryParam("after")) {
    FLOWD_ASSIGN_OR_RETURN(after, ParseIdParam(*a, "after"));
  }
  FLOWD_ASSIGN_OR_RETURN(store::FlowPage page,
                         c.services.flows.List(c.principal.account_id, after, limit));
  boost::json::array results;
  for (const auto& f : page.flows) results.emplace_back(flows::RenderListing(f));
  boost::json::object body{{"results", std::move(results)}};
  if (page.next_after) {
    std::string next = std::to_string(*page.next_after);
    body["paging"] = boost::json::object{
        {"next", boost::json::object{{"after", next},
                                     {"link", c.BaseUrl() + c.prefix + "/flows?after=" + next +
                                                  "&limit=" + std::to_string(limit)}}}};
  }
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HandlerResult CreateFlow(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow,
                         c.services.flows.Create(c.principal.account_id, body, c.principal.scopes));
  HttpResponse resp = FlowResponse(201, flow);
  resp.headers.emplace_back("Location",
                            c.BaseUrl() + c.prefix + "/flows/" + std::to_string(flow.id));
  return resp;
}

HandlerResult GetFlow(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t id, FlowIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow, c.services.flows.Get(c.principal.account_id, id));
  return FlowResponse(200, flow);
}

HandlerResult ReplaceFlow(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t id, FlowIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(
      store::FlowRecord flow,
      c.services.flows.Replace(c.principal.account_id, id, body, c.principal.scopes));
  return FlowResponse(200, flow);
}

HandlerResult DeleteFlow(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t id, FlowIdParam(c));
  FLOWD_TRY(c.services.flows.Delete(c.principal.account_id, id, c.principal.scopes));
  return HttpResponse::NoContent();
}

HandlerResult BatchReadFlows(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  std::vector<ErrorDetail> problems;
  const boost::json::array* inputs = BatchInputs(body, problems);
  std::vector<std::string> ids;
  if (inputs) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const auto* item = (*inputs)[i].if_object();
      if (!item) {
        problems.push_back({"each input must be an object {flowId, type}", Path(i, ""), "", {}});
        continue;
      }
      const auto* type = item->if_contains("type");
      if (!type || !type->is_string() || type->get_string() != "FLOW_ID") {
        problems.push_back({"type is required and must be \"FLOW_ID\"", Path(i, "type"), "", {}});
      }
      auto id = IdField(*item, "flowId");
      if (!id) {
        problems.push_back({"flowId is required and must be a string", Path(i, "flowId"), "", {}});
      } else {
        ids.push_back(*id);
      }
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(flows::BatchReadResult r,
                         c.services.flows.BatchRead(c.principal.account_id, ids));
  std::vector<std::string> rendered;
  rendered.reserve(r.found.size());
  for (const auto& f : r.found) rendered.push_back(flows::RenderFlow(f));
  std::string out =
      BatchEnvelope(rendered, r.missing, "flow", started, SystemClock::Instance().NowMs());
  return HttpResponse::Json(r.missing.empty() ? 200 : 207, std::move(out));
}

HandlerResult ListEmailCampaigns(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, flows::kMaxPageSize, flows::kMaxPageSize));
  std::vector<int64_t> flow_ids;
  std::vector<ErrorDetail> problems;
  for (const auto& text : c.request.QueryParams("flowId")) {
    auto id = flows::ParseId(text);
    if (!id) {
      problems.push_back({"flowId must be a decimal id, got '" + text.substr(0, 64) + "'",
                          "flowId",
                          "INVALID_ID",
                          {}});
    } else {
      flow_ids.push_back(*id);
    }
  }
  std::optional<int64_t> after, before;
  for (std::string_view name : {"after", "before"}) {
    if (const std::string* v = c.request.QueryParam(name)) {
      auto id = flows::ParseId(*v);
      if (!id) {
        problems.push_back(
            {std::string(name) + " must be a paging cursor returned by this endpoint",
             std::string(name),
             "INVALID_CURSOR",
             {}});
      }
      (name == "after" ? after : before) = id;
    }
  }
  if (after && before) {
    problems.push_back({"give either after or before, not both", "before", "", {}});
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(
      store::EmailCampaignPage page,
      c.services.flows.EmailCampaigns(c.principal.account_id, flow_ids, after, before, limit));
  boost::json::array results;
  for (const auto& e : page.items) {
    results.push_back(boost::json::object{{"flowId", std::to_string(e.flow_id)},
                                          {"emailCampaignId", std::to_string(e.email_campaign_id)},
                                          {"emailContentId", e.email_content_id}});
  }
  boost::json::object body{{"results", std::move(results)}};
  std::string base =
      c.BaseUrl() + c.prefix + "/flows/email-campaigns?limit=" + std::to_string(limit);
  for (int64_t id : flow_ids) base += "&flowId=" + std::to_string(id);
  boost::json::object paging;
  if (page.next_after) {
    std::string a = std::to_string(*page.next_after);
    paging["next"] = boost::json::object{{"after", a}, {"link", base + "&after=" + a}};
  }
  if (page.prev_before) {
    std::string b = std::to_string(*page.prev_before);
    paging["prev"] = boost::json::object{{"before", b}, {"link", base + "&before=" + b}};
  }
  if (!paging.empty()) body["paging"] = std::move(paging);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HandlerResult MapWorkflowIds(const HandlerContext& c) {
  const int64_t started = SystemClock::Instance().NowMs();
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  std::vector<ErrorDetail> problems;
  const boost::json::array* inputs = BatchInputs(body, problems);
  std::vector<flows::MappingInput> wanted;
  if (inputs) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const auto* item = (*inputs)[i].if_object();
      const auto* type = item ? item->if_contains("type") : nullptr;
      std::string_view t = type && type->is_string() ? std::string_view(type->get_string()) : "";
      if (t != "FLOW_ID" && t != "WORKFLOW_ID") {
        problems.push_back(
            {"type is required and must be FLOW_ID or WORKFLOW_ID", Path(i, "type"), "", {}});
        continue;
      }
      bool by_flow = t == "FLOW_ID";
      std::string_view field = by_flow ? "flowId" : "workflowId";
      auto id = IdField(*item, field);
      if (!id) {
        problems.push_back({std::string(field) + " is required for type " + std::string(t),
                            Path(i, field),
                            "",
                            {}});
        continue;
      }
      wanted.push_back(
          {by_flow ? flows::MappingInput::Kind::kFlowId : flows::MappingInput::Kind::kWorkflowId,
           *id});
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(flows::MappingResult r,
                         c.services.flows.MapIds(c.principal.account_id, wanted));
  std::vector<std::string> rendered;
  for (const auto& m : r.found) {
    rendered.push_back("{\"flowId\":" + std::to_string(m.flow_id) +
                       ",\"workflowId\":" + std::to_string(m.workflow_id) + "}");
  }
  std::string out = BatchEnvelope(rendered, r.missing, "flow or workflow", started,
                                  SystemClock::Instance().NowMs());
  return HttpResponse::Json(r.missing.empty() ? 200 : 207, std::move(out));
}

HandlerResult GetFlowRevision(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t id, FlowIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t rev, ParseIdParam(c.params[1], "revisionId"));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRevision r,
                         c.services.flows.GetRevision(c.principal.account_id, id, rev));
  std::string out = "{\"id\":\"" + std::to_string(r.flow_id) + "\",\"revisionId\":\"" +
                    std::to_string(r.revision_id) + "\",\"revisionCreatedAt\":\"" +
                    FormatIso8601Ms(r.created_at_ms) + "\",\"flow\":" + flows::RenderFlow(r.flow) +
                    "}";
  return HttpResponse::Json(200, std::move(out));
}

HandlerResult ListActionTypes(const HandlerContext& c) {
  std::optional<std::string> object_type;
  if (const std::string* o = c.request.QueryParam("objectTypeId"); o && !o->empty())
    object_type = *o;
  boost::json::object body{{"results", model::ActionTypeDefinitions(object_type)}};
  return HttpResponse::Json(200, boost::json::serialize(body));
}

}  // namespace flowd::api

namespace flowd::api {

void AddFlowRoutes(RouteTable& routes) {
  struct FlowRoute {
    const char* method;
    const char* pattern;  // after the version prefix
    HandlerFn handler;
    bool v4 = true;
    bool beta = true;
    bool exempt_ten_secondly = false;
  };
  const FlowRoute kFlowRoutes[] = {
      {"GET", "/flows", ListFlows},
      {"POST", "/flows", CreateFlow, true, true, true},
      {"POST", "/flows/batch/read", BatchReadFlows},
      {"GET", "/flows/email-campaigns", ListEmailCampaigns},
      {"GET", "/flows/{}", GetFlow},
      {"PUT", "/flows/{}", ReplaceFlow, true, true, true},
      {"DELETE", "/flows/{}", DeleteFlow},
      {"GET", "/flows/{}/revisions/{}", GetFlowRevision, false, true},
      {"GET", "/action-types", ListActionTypes, false, true},
      {"POST", "/workflow-id-mappings/batch/read", MapWorkflowIds},
      // The older docs' form of update/delete.
      {"PUT", "/{#}", ReplaceFlow, true, false, true},
      {"DELETE", "/{#}", DeleteFlow, true, false},
  };
  const std::pair<ApiVersion, const char*> kVersions[] = {
      {ApiVersion::kV4, "/automation/v4"}, {ApiVersion::kBeta202609, "/automation/2026-09-beta"}};
  for (const auto& [version, prefix] : kVersions) {
    for (const FlowRoute& r : kFlowRoutes) {
      if (version == ApiVersion::kV4 ? !r.v4 : !r.beta) continue;
      Route route;
      route.method = r.method;
      route.pattern = std::string(prefix) + r.pattern;
      route.handler = r.handler;
      route.scopes = {std::string(auth::kScopeAutomation)};
      route.exempt_ten_secondly = r.exempt_ten_secondly;
      route.prefix = prefix;
      route.version = version;
      routes.push_back(std::move(route));
    }
  }
}

}  // namespace flowd::api
