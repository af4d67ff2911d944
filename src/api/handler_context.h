// What a handler sees: the request, the authenticated caller and the route's path parameters.
// Internal to api/.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/http.h"
#include "auth/auth.h"
#include "common/status.h"
#include "flows/flow_service.h"

namespace flowd::api {

enum class ApiVersion { kV4, kBeta202609 };

struct HandlerContext {
  const HttpRequest& request;
  const auth::Principal& principal;
  ApiVersion version;
  std::string prefix;               // flows API: "/automation/v4" or "/automation/2026-09-beta"
  std::vector<std::string> params;  // path parameters in order
  const AppServices& services;

  // "http://<Host>" (https when X-Forwarded-Proto says so) for links and Location headers.
  std::string BaseUrl() const;
};

using HandlerResult = Result<HttpResponse>;

// kPermissionDenied (403 MISSING_SCOPES listing `scopes`) unless the caller holds one of them.
Status RequireAnyScope(const HandlerContext& c, const std::vector<std::string>& scopes);
// The 403 MISSING_SCOPES error naming `scopes` as requiredGranularScopes.
Error MissingScopes(const std::vector<std::string>& scopes);
// A service the handler needs, or 501 when this process was started without it.
template <typename T>
Result<T*> Need(T* service) {
  if (service == nullptr) {
    return Error{ErrorCode::kNotImplemented,
                 "This endpoint is not enabled in this server",
                 {},
                 {},
                 std::nullopt};
  }
  return service;
}

// Parses the request body as strict JSON (400 on failure).
Result<boost::json::value> ParseBody(const HttpRequest& request);
// A path/query id parameter: 400 naming `where` when not a decimal id.
Result<int64_t> ParseIdParam(std::string_view text, std::string_view where);
// `limit` query parameter: default `def`, 1..max, else 400.
Result<size_t> ParseLimit(const HttpRequest& request, size_t def, size_t max);

HandlerResult ListFlows(const HandlerContext& c);
HandlerResult CreateFlow(const HandlerContext& c);
HandlerResult GetFlow(const HandlerContext& c);
HandlerResult ReplaceFlow(const HandlerContext& c);
HandlerResult DeleteFlow(const HandlerContext& c);
HandlerResult BatchReadFlows(const HandlerContext& c);
HandlerResult ListEmailCampaigns(const HandlerContext& c);
HandlerResult MapWorkflowIds(const HandlerContext& c);
HandlerResult GetFlowRevision(const HandlerContext& c);
HandlerResult ListActionTypes(const HandlerContext& c);

}  // namespace flowd::api
