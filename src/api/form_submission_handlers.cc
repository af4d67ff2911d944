// HubSpot's public form submission endpoint, POST /submissions/v3/integration/submit/{portalId}/
// {formGuid}: unauthenticated (no token, no scope, no token rate limit), so crm::FormService
// bounds it (client-IP rate, body size). Errors carry HubSpot's submission `errorType` next to
// flowd's `code`; a 429 carries Retry-After. Web pages post to it from their own origin, so
// every answer allows any origin (CORS), and the browser's OPTIONS preflight is answered.
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/errors.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "crm/form_service.h"

namespace flowd::api {
namespace {

constexpr const char* kSubmitPattern = "/submissions/v3/integration/submit/{}/{}";

HttpResponse WithCors(HttpResponse resp) {
  resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return resp;
}

HttpResponse SubmissionError(const Error& e, const HttpRequest& request) {
  HttpResponse resp = ErrorResponse(e, request.correlation_id);
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(resp.body, ec);
  if (!ec && body.is_object()) {
    if (auto* errors = body.get_object().if_contains("errors"); errors && errors->is_array()) {
      for (auto& item : errors->get_array()) {
        auto* o = item.if_object();
        if (!o) continue;
        // Copied before inserting: the insertion may move the object's storage.
        if (const auto* code = o->if_contains("code")) {
          boost::json::value error_type = *code;
          (*o)["errorType"] = std::move(error_type);
        }
      }
      resp.body = boost::json::serialize(body);
    }
  }
  if (e.code == ErrorCode::kRateLimited) {
    auto it = e.context.find("retryAfterSeconds");
    if (it != e.context.end() && !it->second.empty()) {
      resp.headers.emplace_back("Retry-After", it->second.front());
    }
  }
  return resp;
}

HandlerResult Submit(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  crm::SubmissionRequest req{c.params[0], c.params[1], c.request.body, c.request.remote_address};
  auto result = forms->Submit(req);
  if (!result.ok()) return WithCors(SubmissionError(result.error(), c.request));
  boost::json::object body;
  if (result->redirect_uri) {
    body["redirectUri"] = *result->redirect_uri;
  } else {
    body["inlineMessage"] = result->inline_message.value_or("");
  }
  return WithCors(HttpResponse::Json(200, boost::json::serialize(body)));
}

HandlerResult Preflight(const HandlerContext&) {
  HttpResponse resp = WithCors(HttpResponse::NoContent());
  resp.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
  resp.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
  resp.headers.emplace_back("Access-Control-Max-Age", "86400");
  return resp;
}

}  // namespace

void AddFormSubmissionRoutes(RouteTable& routes) {
  for (auto [method, handler] : {std::pair<const char*, HandlerFn>{"POST", Submit},
                                 std::pair<const char*, HandlerFn>{"OPTIONS", Preflight}}) {
    Route r;
    r.method = method;
    r.pattern = kSubmitPattern;
    r.handler = handler;
    r.authenticated = false;
    routes.push_back(std::move(r));
  }
}

}  // namespace flowd::api
