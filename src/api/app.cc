#include "api/app.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string_view>

#include "api/errors.h"
#include "api/handler_context.h"
#include "common/log.h"

namespace flowd::api {
namespace {

using HandlerFn = HandlerResult (*)(const HandlerContext&);

struct Route {
  std::string_view method;
  // Segments after the version prefix; "{}" matches one path parameter, "{#}" one made of digits
  // only (for the bare /automation/v4/{flowId} aliases, which would otherwise claim every
  // one-segment path).
  std::vector<std::string_view> pattern;
  HandlerFn handler;
  bool v4 = true;    // served under /automation/v4
  bool beta = true;  // served under /automation/2026-09-beta
  // HubSpot's x-hubspot-rate-limit-exemptions: ["ten-secondly"] (flow create and update).
  bool exempt_ten_secondly = false;
};

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error NoRoute(const HttpRequest& r) {
  return Error::NotFound("No endpoint matches " + r.method + " " + r.path);
}

}  // namespace

class App::Router {
 public:
  Router() {
    // Specific routes first: batch/read, email-campaigns and performance win over {flowId}.
    routes_ = {
        {"GET", {"flows"}, ListFlows},
        {"POST", {"flows"}, CreateFlow, true, true, true},
        {"POST", {"flows", "batch", "read"}, BatchReadFlows},
        {"GET", {"flows", "email-campaigns"}, ListEmailCampaigns},
        {"GET", {"flows", "performance", "{}"}, FlowPerformance, true, false},
        {"GET", {"flows", "{}"}, GetFlow},
        {"PUT", {"flows", "{}"}, ReplaceFlow, true, true, true},
        {"DELETE", {"flows", "{}"}, DeleteFlow},
        {"GET", {"flows", "{}", "revisions", "{}"}, GetFlowRevision, false, true},
        {"GET", {"action-types"}, ListActionTypes, false, true},
        {"POST", {"workflow-id-mappings", "batch", "read"}, MapWorkflowIds},
        // The older docs' form of update/delete.
        {"PUT", {"{#}"}, ReplaceFlow, true, false, true},
        {"DELETE", {"{#}"}, DeleteFlow, true, false},
    };
  }

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::vector<std::string_view> allowed;  // methods of routes matching the path
  };

  Match Find(std::string_view method, ApiVersion version,
             const std::vector<std::string_view>& segs) const {
    // Among the routes whose pattern matches the path, only the most literal ones count:
    // "flows/batch/read" or "flows/email-campaigns" are never taken for "flows/{flowId}".
    std::vector<std::pair<const Route*, std::vector<std::string>>> hits;
    size_t best_literals = 0;
    for (const auto& r : routes_) {
      if (version == ApiVersion::kV4 ? !r.v4 : !r.beta) continue;
      if (r.pattern.size() != segs.size()) continue;
      bool ok = true;
      size_t literals = 0;
      std::vector<std::string> params;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        if (r.pattern[i] == "{}" || (r.pattern[i] == "{#}" && IsDigits(segs[i]))) {
          params.emplace_back(segs[i]);
        } else if (r.pattern[i] == segs[i]) {
          ++literals;
        } else {
          ok = false;
        }
      }
      if (!ok) continue;
      if (literals > best_literals) {
        hits.clear();
        best_literals = literals;
      }
      if (literals == best_literals) hits.emplace_back(&r, std::move(params));
    }
    Match m;
    for (auto& [r, params] : hits) {
      m.allowed.push_back(r->method);
      if (r->method == method && !m.route) {
        m.route = r;
        m.params = std::move(params);
      }
    }
    return m;
  }

 private:
  std::vector<Route> routes_;
};

App::App(AppServices services) : s_(services), router_(std::make_unique<Router>()) {}
App::~App() = default;

namespace {

void AddRateHeaders(HttpResponse& resp, const auth::RateDecision& d) {
  if (d.ten_secondly_max > 0) {
    resp.headers.emplace_back("X-HubSpot-RateLimit-Max", std::to_string(d.ten_secondly_max));
    resp.headers.emplace_back("X-HubSpot-RateLimit-Remaining",
                              std::to_string(d.ten_secondly_remaining));
    resp.headers.emplace_back("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
  }
  if (d.daily_max > 0) {
    resp.headers.emplace_back("X-HubSpot-RateLimit-Daily", std::to_string(d.daily_max));
    resp.headers.emplace_back("X-HubSpot-RateLimit-Daily-Remaining",
                              std::to_string(d.daily_remaining));
  }
}

HttpResponse RateLimited(const auth::RateDecision& d, std::string_view correlation_id) {
  boost::json::object body;
  body["status"] = "error";
  body["message"] = d.policy == "DAILY" ? "You have reached your daily limit."
                                        : "You have reached your ten_secondly_rolling limit.";
  body["errorType"] = "RATE_LIMIT";
  body["correlationId"] = correlation_id;
  body["policyName"] = d.policy;
  body["category"] = "RATE_LIMITS";
  HttpResponse resp = HttpResponse::Json(429, boost::json::serialize(body));
  resp.headers.emplace_back("Retry-After", std::to_string((d.retry_after_ms + 999) / 1000));
  return resp;
}

}  // namespace

HttpResponse App::Handle(const HttpRequest& req) {
  std::string_view path = req.path;
  if (path == "/healthz") {
    if (req.method != "GET" && req.method != "HEAD") {
      Error e{ErrorCode::kMethodNotAllowed, "Use GET /healthz", {}, {}, std::nullopt};
      return ErrorResponse(e, req.correlation_id);
    }
    return HttpResponse::Json(200, R"({"status":"ok"})");
  }

  ApiVersion version;
  std::string prefix;
  if (path.starts_with("/automation/v4/")) {
    version = ApiVersion::kV4;
    prefix = "/automation/v4";
  } else if (path.starts_with("/automation/2026-09-beta/")) {
    version = ApiVersion::kBeta202609;
    prefix = "/automation/2026-09-beta";
  } else {
    return ErrorResponse(NoRoute(req), req.correlation_id);
  }
  auto segs = SplitPath(path.substr(prefix.size()));
  Router::Match m = router_->Find(req.method, version, segs);
  if (!m.route) {
    if (m.allowed.empty()) return ErrorResponse(NoRoute(req), req.correlation_id);
    std::string allow;
    for (auto a : m.allowed) allow += (allow.empty() ? "" : ", ") + std::string(a);
    Error e{ErrorCode::kMethodNotAllowed,
            req.method + " is not supported on " + req.path + "; allowed: " + allow,
            {},
            {},
            std::nullopt};
    HttpResponse resp = ErrorResponse(e, req.correlation_id);
    resp.headers.emplace_back("Allow", allow);
    return resp;
  }

  auto principal = s_.tokens.Authenticate(req.Header("authorization"));
  if (!principal.ok()) return ErrorResponse(principal.error(), req.correlation_id);
  if (!principal->HasScope(auth::kScopeAutomation)) {
    Error e{ErrorCode::kPermissionDenied,
            "This app hasn't been granted all required scopes to make this call. Read more about "
            "required scopes here: https://developers.hubspot.com/scopes.",
            {ErrorDetail{"One or more of the following scopes are required.",
                         "",
                         "",
                         {{"requiredGranularScopes", {std::string(auth::kScopeAutomation)}}}}},
            {},
            std::nullopt};
    return ErrorResponse(e, req.correlation_id);
  }
  auth::RateDecision decision = s_.rate_limiter.Check(*principal, m.route->exempt_ten_secondly);
  if (!decision.allowed) {
    HttpResponse resp = RateLimited(decision, req.correlation_id);
    AddRateHeaders(resp, decision);
    return resp;
  }

  HandlerContext ctx{req, *principal, version, prefix, std::move(m.params), s_.flows};
  HandlerResult result = m.route->handler(ctx);
  HttpResponse resp;
  if (result.ok()) {
    resp = std::move(result).value();
  } else {
    const Error& e = result.error();
    if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kUnavailable) {
      log::Write(log::Level::kError, "request failed",
                 {{"correlation_id", req.correlation_id}, {"error", e.message}});
    }
    resp = ErrorResponse(e, req.correlation_id);
  }
  AddRateHeaders(resp, decision);
  return resp;
}

}  // namespace flowd::api
