// Thin handlers of the engine's endpoints: flowd's v4-style enrollment resource (an extension:
// HubSpot has no public v4 enrollment API), HubSpot's v2 contact enrollment endpoints, flow
// performance, the local email outbox, the manual test clock and Prometheus metrics.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/property_handler_util.h"
#include "api/route.h"
#include "common/time_format.h"
#include "engine/engine.h"
#include "engine/performance.h"

namespace flowd::api {
namespace {

namespace json = boost::json;

constexpr size_t kMaxEnrollBatch = 1000;
constexpr size_t kEnrollmentPageDefault = 100;
constexpr size_t kEnrollmentPageMax = 1000;
constexpr std::string_view kScopeAdmin = "flowd.admin";

json::value Iso(const std::optional<int64_t>& ms) {
  return ms ? json::value(FormatIso8601Ms(*ms)) : json::value(nullptr);
}

json::object EnrollmentJson(const store::EnrollmentRecord& e) {
  return json::object{{"id", std::to_string(e.id)},
                      {"flowId", std::to_string(e.flow_id)},
                      {"revisionId", std::to_string(e.revision_id)},
                      {"objectTypeId", e.object_type_id},
                      {"objectId", std::to_string(e.object_id)},
                      {"status", e.status},
                      {"source", e.source},
                      {"reason", e.reason},
                      {"executions", e.executions},
                      {"enrolledAt", FormatIso8601Ms(e.enrolled_at_ms)},
                      {"updatedAt", FormatIso8601Ms(e.updated_at_ms)},
                      {"endedAt", Iso(e.ended_at_ms)}};
}

json::object StepJson(const store::StepRecord& s) {
  boost::system::error_code ec;
  json::value detail = json::parse(s.detail_json.empty() ? "{}" : s.detail_json, ec);
  return json::object{{"executionIndex", s.execution_index},
                      {"attempt", s.attempt},
                      {"actionId", s.action_id},
                      {"actionTypeId", s.action_type_id},
                      {"outcome", s.outcome},
                      {"startedAt", FormatIso8601Ms(s.started_at_ms)},
                      {"finishedAt", FormatIso8601Ms(s.finished_at_ms)},
                      {"detail", ec ? json::value(json::object{}) : std::move(detail)}};
}

Result<engine::Engine*> NeedEngine(const HandlerContext& c) { return Need(c.services.engine); }

// The flow of the path (404 when not in the account) after the sensitive-data read rule.
Result<store::FlowRecord> ReadableFlow(const HandlerContext& c, int64_t flow_id) {
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow,
                         c.services.flows.Get(c.principal.account_id, flow_id));
  FLOWD_TRY(c.services.flows.CheckDataReadable(flow, c.principal.scopes));
  return flow;
}

Result<store::FlowRecord> WritableFlow(const HandlerContext& c, int64_t flow_id) {
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow,
                         c.services.flows.Get(c.principal.account_id, flow_id));
  FLOWD_TRY(c.services.flows.CheckDataWritable(flow, c.principal.scopes));
  return flow;
}

HandlerResult EnrollObjects(const HandlerContext& c) {
  const int64_t started = c.services.clock.NowMs();
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id, ParseIdParam(c.params[0], "flowId"));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  std::vector<ErrorDetail> problems;
  std::vector<int64_t> ids;
  const json::value* list = body.is_object() ? body.as_object().if_contains("objectIds") : nullptr;
  if (!list || !list->is_array()) {
    problems.push_back(
        {"objectIds is required: an array of record ids", "objectIds", "REQUIRED_FIELD", {}});
  } else if (list->as_array().empty() || list->as_array().size() > kMaxEnrollBatch) {
    problems.push_back({"objectIds must hold 1 to " + std::to_string(kMaxEnrollBatch) + " ids",
                        "objectIds",
                        "INVALID_BATCH_SIZE",
                        {}});
  } else {
    const json::array& a = list->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      std::optional<int64_t> id;
      if (a[i].is_string()) id = flows::ParseId(a[i].as_string());
      if (a[i].is_int64() && a[i].as_int64() > 0) id = a[i].as_int64();
      if (!id) {
        problems.push_back({"objectIds[" + std::to_string(i) + "] is not a record id",
                            "objectIds[" + std::to_string(i) + "]",
                            "INVALID_ID",
                            {}});
      } else {
        ids.push_back(*id);
      }
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  FLOWD_TRY(WritableFlow(c, flow_id).status());
  FLOWD_ASSIGN_OR_RETURN(auto results,
                         eng->EnrollObjects(c.principal.account_id, flow_id, ids, "MANUAL"));
  json::array enrolled, errors;
  for (const auto& r : results) {
    if (r.enrollment) enrolled.push_back(EnrollmentJson(*r.enrollment));
    if (r.error) {
      json::object e = StandardError(*r.error);
      e["context"] = json::object{{"objectId", json::array{std::to_string(r.object_id)}}};
      errors.push_back(std::move(e));
    }
  }
  json::object out{{"status", "COMPLETE"},
                   {"results", std::move(enrolled)},
                   {"startedAt", FormatIso8601Ms(started)},
                   {"completedAt", FormatIso8601Ms(c.services.clock.NowMs())}};
  const bool partial = !errors.empty();
  if (partial) {
    out["numErrors"] = errors.size();
    out["errors"] = std::move(errors);
  }
  return HttpResponse::Json(partial ? 207 : 200, json::serialize(out));
}

HandlerResult ListEnrollments(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id, ParseIdParam(c.params[0], "flowId"));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, kEnrollmentPageDefault, kEnrollmentPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  store::EnrollmentFilter filter;
  filter.after_id = after;
  filter.limit = limit;
  if (const std::string* status = c.request.QueryParam("status")) {
    static constexpr std::string_view kStatuses[] = {
        store::kEnrollmentActive, store::kEnrollmentCompleted, store::kEnrollmentUnenrolled,
        store::kEnrollmentGoalMet, store::kEnrollmentFailed};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), *status) == std::end(kStatuses)) {
      return Error::InvalidList(
          {{"status must be one of ACTIVE, COMPLETED, UNENROLLED, "
            "GOAL_MET, FAILED",
            "status",
            "INVALID_PARAMETER",
            {}}});
    }
    filter.status = *status;
  }
  FLOWD_TRY(ReadableFlow(c, flow_id).status());
  FLOWD_ASSIGN_OR_RETURN(store::EnrollmentPage page,
                         eng->records().ListEnrollments(c.principal.account_id, flow_id, filter));
  json::array results;
  for (const auto& e : page.enrollments) results.push_back(EnrollmentJson(e));
  json::object out{{"results", std::move(results)}};
  if (page.next_after) {
    out["paging"] = NextPaging(c, c.request.path, *page.next_after, limit);
  }
  return HttpResponse::Json(200, json::serialize(out));
}

Result<store::EnrollmentRecord> PathEnrollment(const HandlerContext& c, engine::Engine& eng,
                                               int64_t flow_id) {
  FLOWD_ASSIGN_OR_RETURN(int64_t id, ParseIdParam(c.params[1], "enrollmentId"));
  auto e = eng.records().GetEnrollment(c.principal.account_id, id);
  if (!e.ok() || e->flow_id != flow_id) {
    if (!e.ok() && e.error().code != ErrorCode::kNotFound) return std::move(e).error();
    return Error::NotFound("enrollment " + std::to_string(id) + " of flow " +
                           std::to_string(flow_id) + " does not exist");
  }
  return e;
}

HandlerResult GetEnrollment(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id, ParseIdParam(c.params[0], "flowId"));
  FLOWD_TRY(ReadableFlow(c, flow_id).status());
  FLOWD_ASSIGN_OR_RETURN(store::EnrollmentRecord e, PathEnrollment(c, *eng, flow_id));
  FLOWD_ASSIGN_OR_RETURN(auto steps, eng->records().ListSteps(c.principal.account_id, e.id));
  FLOWD_ASSIGN_OR_RETURN(auto job, eng->records().JobOfEnrollment(c.principal.account_id, e.id));
  json::object out = EnrollmentJson(e);
  json::array list;
  for (const auto& s : steps) list.push_back(StepJson(s));
  out["steps"] = std::move(list);
  if (job) {
    out["nextAction"] = json::object{{"actionId", job->action_id},
                                     {"executionIndex", job->execution_index},
                                     {"attempt", job->attempt},
                                     {"runAt", FormatIso8601Ms(job->run_at_ms)},
                                     {"paused", job->paused}};
  }
  return HttpResponse::Json(200, json::serialize(out));
}

HandlerResult Unenroll(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id, ParseIdParam(c.params[0], "flowId"));
  FLOWD_TRY(WritableFlow(c, flow_id).status());
  FLOWD_ASSIGN_OR_RETURN(store::EnrollmentRecord e, PathEnrollment(c, *eng, flow_id));
  FLOWD_TRY(eng->Unenroll(c.principal.account_id, e.id));
  return HttpResponse::NoContent();
}

// ---- HubSpot's v2 contact endpoints (workflowId = the flow's legacy id; contacts by email/vid)

Result<store::FlowRecord> FlowOfWorkflow(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t workflow_id, ParseIdParam(c.params[0], "workflowId"));
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id,
                         c.services.flows.MapWorkflowId(c.principal.account_id, workflow_id));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow, WritableFlow(c, flow_id));
  if (flow.object_type_id != "0-1") {
    return Error::Invalid("workflow " + std::to_string(workflow_id) +
                          " does not enroll contacts: use /automation/v4/flows/" +
                          std::to_string(flow.id) + "/enrollments");
  }
  return flow;
}

Result<int64_t> ContactByEmail(const HandlerContext& c, engine::Engine& eng) {
  std::string email = c.params[1];
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  FLOWD_ASSIGN_OR_RETURN(auto ids, eng.FindContactByEmail(c.principal.account_id, email));
  if (!ids) return Error::NotFound("no contact with email " + c.params[1]);
  return *ids;
}

HandlerResult V2Enroll(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow, FlowOfWorkflow(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t contact, ContactByEmail(c, *eng));
  FLOWD_ASSIGN_OR_RETURN(auto results,
                         eng->EnrollObjects(c.principal.account_id, flow.id, {contact}, "API"));
  if (results[0].error) return *results[0].error;
  return HttpResponse::NoContent();
}

HandlerResult V2Unenroll(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord flow, FlowOfWorkflow(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t contact, ContactByEmail(c, *eng));
  FLOWD_ASSIGN_OR_RETURN(
      auto active, eng->records().ActiveEnrollments(c.principal.account_id, flow.id, {contact}));
  // HubSpot answers 204 whether or not the contact was enrolled.
  for (const auto& e : active) FLOWD_TRY(eng->Unenroll(c.principal.account_id, e.id));
  return HttpResponse::NoContent();
}

HandlerResult V2ContactEnrollments(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(int64_t vid, ParseIdParam(c.params[0], "vid"));
  FLOWD_ASSIGN_OR_RETURN(auto enrollments,
                         eng->records().EnrollmentsOfObject(c.principal.account_id, "0-1", vid));
  json::array out;
  std::set<int64_t> seen;
  for (const auto& e : enrollments) {
    if (e.status != store::kEnrollmentActive || !seen.insert(e.flow_id).second) continue;
    auto flow = c.services.flows.Get(c.principal.account_id, e.flow_id);
    if (!flow.ok()) continue;
    if (!c.services.flows.CheckDataReadable(*flow, c.principal.scopes).ok()) continue;
    out.push_back(json::object{{"id", flow->workflow_id},
                               {"flowId", std::to_string(flow->id)},
                               {"name", flow->name},
                               {"enabled", flow->is_enabled},
                               {"portalId", c.principal.account_id},
                               {"enrolledAt", e.enrolled_at_ms}});
  }
  return HttpResponse::Json(200, json::serialize(out));
}

// ---- performance, emails, clock, metrics

HandlerResult FlowPerformance(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(int64_t flow_id, ParseIdParam(c.params[0], "flowId"));
  FLOWD_TRY(ReadableFlow(c, flow_id).status());
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  engine::PerformanceQuery q;
  std::vector<ErrorDetail> problems;
  auto epoch = [&](std::string_view name) -> std::optional<int64_t> {
    const std::string* v = c.request.QueryParam(name);
    if (!v) return std::nullopt;
    try {
      size_t used = 0;
      int64_t ms = std::stoll(*v, &used);
      if (used == v->size()) return ms;
    } catch (...) {
    }
    problems.push_back({std::string(name) + " must be epoch milliseconds",
                        std::string(name),
                        "INVALID_PARAMETER",
                        {}});
    return std::nullopt;
  };
  if (const std::string* b = c.request.QueryParam("bucketType")) q.bucket_type = *b;
  if (const std::string* d = c.request.QueryParam("firstDay")) q.first_day = *d;
  q.start_ms = epoch("start");
  q.end_ms = epoch("end");
  if (!problems.empty()) {
    // Every problem at once: the bucket type and first day are checked too.
    auto rest = engine::MakeBuckets(q, c.services.clock.NowMs());
    if (!rest.ok()) {
      for (const auto& d : rest.error().details) problems.push_back(d);
    }
    return Error::InvalidList(std::move(problems));
  }
  FLOWD_ASSIGN_OR_RETURN(auto points, engine::Series(eng->records(), c.principal.account_id,
                                                     flow_id, q, c.services.clock.NowMs()));
  json::array results;
  for (const auto& p : points) {
    results.push_back(
        json::object{{"bucket", p.bucket}, {"frequency", p.frequency}, {"series", p.series}});
  }
  return HttpResponse::Json(200, json::serialize(json::object{{"results", std::move(results)}}));
}

HandlerResult ListEmails(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(size_t limit, ParseLimit(c.request, 100, 1000));
  std::optional<int64_t> before;
  if (const std::string* b = c.request.QueryParam("before")) {
    before = flows::ParseId(*b);
    if (!before) {
      return Error::InvalidList({{"before must be a message id", "before", "INVALID_ID", {}}});
    }
  }
  std::string channel = "EMAIL";
  if (const std::string* ch = c.request.QueryParam("channel")) channel = *ch;
  if (channel != "EMAIL" && channel != "NOTIFICATION") {
    return Error::InvalidList(
        {{"channel must be EMAIL or NOTIFICATION", "channel", "INVALID_PARAMETER", {}}});
  }
  FLOWD_ASSIGN_OR_RETURN(
      auto messages, eng->records().ListMessages(c.principal.account_id, channel, before, limit));
  json::array results;
  for (const auto& m : messages) {
    results.push_back(json::object{{"id", std::to_string(m.id)},
                                   {"channel", m.channel},
                                   {"to", m.to},
                                   {"from", m.from},
                                   {"subject", m.subject},
                                   {"body", m.body},
                                   {"delivery", m.delivery},
                                   {"idempotencyKey", m.idempotency_key},
                                   {"enrollmentId", std::to_string(m.enrollment_id)},
                                   {"createdAt", FormatIso8601Ms(m.created_at_ms)}});
  }
  json::object out{{"results", std::move(results)}};
  if (messages.size() == limit && !messages.empty()) {
    out["paging"] =
        json::object{{"next", json::object{{"before", std::to_string(messages.back().id)}}}};
  }
  return HttpResponse::Json(200, json::serialize(out));
}

// The test clock exists only under `flowd serve --clock manual`.
Result<FakeClock*> ManualClock(const HandlerContext& c) {
  if (!c.services.manual_clock) {
    return Error::NotFound(
        "there is no test clock: this flowd runs on the real clock (see flowd serve --clock)");
  }
  return c.services.manual_clock;
}

HandlerResult AdvanceClock(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(FakeClock * clock, ManualClock(c));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  const json::value* advance =
      body.is_object() ? body.as_object().if_contains("advanceMs") : nullptr;
  if (!advance || !advance->is_number() || advance->to_number<double>() < 0 ||
      advance->to_number<double>() > 1e13) {
    return Error::InvalidList(
        {{"advanceMs is required: milliseconds to move the clock forward "
          "(0 to 10^13)",
          "advanceMs",
          "INVALID_PARAMETER",
          {}}});
  }
  clock->AdvanceMs(static_cast<int64_t>(advance->to_number<double>()));
  if (c.services.engine) {
    c.services.engine->Wake();
    FLOWD_TRY(c.services.engine->RunUntilIdle());
  }
  const int64_t now = clock->NowMs();
  return HttpResponse::Json(
      200, json::serialize(json::object{{"nowMs", now}, {"now", FormatIso8601Ms(now)}}));
}

HandlerResult GetClock(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(FakeClock * clock, ManualClock(c));
  const int64_t now = clock->NowMs();
  return HttpResponse::Json(
      200, json::serialize(json::object{{"nowMs", now}, {"now", FormatIso8601Ms(now)}}));
}

HandlerResult Metrics(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(engine::Engine * eng, NeedEngine(c));
  FLOWD_ASSIGN_OR_RETURN(std::string text, eng->MetricsText());
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(text);
  return r;
}

}  // namespace

void AddEngineRoutes(RouteTable& routes) {
  const std::string automation(auth::kScopeAutomation);
  const std::string admin(kScopeAdmin);
  auto add = [&](const char* method, std::string pattern, HandlerFn fn, std::string scope) {
    routes.push_back(MakeRoute(method, std::move(pattern), fn, {std::move(scope)}));
  };
  add("POST", "/automation/v4/flows/{#}/enrollments", EnrollObjects, automation);
  add("GET", "/automation/v4/flows/{#}/enrollments", ListEnrollments, automation);
  add("GET", "/automation/v4/flows/{#}/enrollments/{}", GetEnrollment, automation);
  add("DELETE", "/automation/v4/flows/{#}/enrollments/{}", Unenroll, automation);
  add("GET", "/automation/v4/flows/performance/{}", FlowPerformance, automation);
  add("POST", "/automation/v2/workflows/{#}/enrollments/contacts/{}", V2Enroll, automation);
  add("DELETE", "/automation/v2/workflows/{#}/enrollments/contacts/{}", V2Unenroll, automation);
  add("GET", "/automation/v2/workflows/enrollments/contacts/{}", V2ContactEnrollments, automation);
  add("GET", "/flowd/v1/emails", ListEmails, automation);
  add("POST", "/flowd/v1/clock", AdvanceClock, admin);
  add("GET", "/flowd/v1/clock", GetClock, admin);
  add("GET", "/metrics", Metrics, admin);
}

}  // namespace flowd::api
