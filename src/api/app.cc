#include "api/app.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string_view>
#include <unordered_map>

#include "api/errors.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "common/log.h"

namespace flowd::api {
namespace {

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
    RouteTable table;
    AddAllRoutes(table);
    for (Route& r : table) {
      Entry e;
      e.route = std::move(r);
      for (auto seg : SplitPath(e.route.pattern)) e.segments.emplace_back(seg);
      // Index by the first segment (always a literal): a request only scans its own area.
      by_first_[e.segments.empty() ? std::string() : e.segments[0]].push_back(std::move(e));
    }
  }

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::vector<std::string_view> allowed;  // methods of routes matching the path
  };

  Match Find(std::string_view method, const std::vector<std::string_view>& segs) const {
    Match m;
    auto area = by_first_.find(segs.empty() ? std::string() : std::string(segs[0]));
    if (area == by_first_.end()) return m;
    // Among the routes whose pattern matches the path, only the most literal ones count:
    // "flows/batch/read" or "flows/email-campaigns" are never taken for "flows/{flowId}".
    std::vector<std::pair<const Route*, std::vector<std::string>>> hits;
    size_t best_literals = 0;
    for (const Entry& e : area->second) {
      if (e.segments.size() != segs.size()) continue;
      bool ok = true;
      size_t literals = 0;
      std::vector<std::string> params;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        const std::string& p = e.segments[i];
        if (p == "{}" || (p == "{#}" && IsDigits(segs[i]))) {
          params.emplace_back(segs[i]);
        } else if (p == segs[i]) {
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
      if (literals == best_literals) hits.emplace_back(&e.route, std::move(params));
    }
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
  struct Entry {
    Route route;
    std::vector<std::string> segments;
  };
  std::unordered_map<std::string, std::vector<Entry>> by_first_;
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

HttpResponse App::Finish(HandlerResult result, const HttpRequest& req) {
  if (result.ok()) return std::move(result).value();
  const Error& e = result.error();
  if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kUnavailable) {
    log::Write(log::Level::kError, "request failed",
               {{"correlation_id", req.correlation_id}, {"error", e.message}});
  }
  return ErrorResponse(e, req.correlation_id);
}

HttpResponse App::Handle(const HttpRequest& req) {
  std::string_view path = req.path;
  if (path == "/healthz") {
    if (req.method != "GET" && req.method != "HEAD") {
      Error e{ErrorCode::kMethodNotAllowed, "Use GET /healthz", {}, {}, std::nullopt};
      return ErrorResponse(e, req.correlation_id);
    }
    return HttpResponse::Json(200, R"({"status":"ok"})");
  }

  auto segs = SplitPath(path);
  Router::Match m = router_->Find(req.method, segs);
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

  if (!m.route->authenticated) {
    const auth::Principal anonymous;
    HandlerContext ctx{req, anonymous, m.route->version, m.route->prefix, std::move(m.params), s_};
    return Finish(m.route->handler(ctx), req);
  }
  auto principal = s_.tokens.Authenticate(req.Header("authorization"));
  if (!principal.ok()) return ErrorResponse(principal.error(), req.correlation_id);
  if (!m.route->scopes.empty()) {
    bool any = std::any_of(m.route->scopes.begin(), m.route->scopes.end(),
                           [&](const std::string& sc) { return principal->HasScope(sc); });
    if (!any) return ErrorResponse(MissingScopes(m.route->scopes), req.correlation_id);
  }
  auth::RateDecision decision = s_.rate_limiter.Check(*principal, m.route->exempt_ten_secondly);
  if (!decision.allowed) {
    HttpResponse resp = RateLimited(decision, req.correlation_id);
    AddRateHeaders(resp, decision);
    return resp;
  }

  HandlerContext ctx{req, *principal, m.route->version, m.route->prefix, std::move(m.params), s_};
  HttpResponse resp = Finish(m.route->handler(ctx), req);
  AddRateHeaders(resp, decision);
  return resp;
}

}  // namespace flowd::api
