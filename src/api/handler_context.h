// What a handler sees: the request, the authenticated caller and the route's path parameters.
// Internal to api/.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

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
  std::string prefix;               // "/automation/v4" or "/automation/2026-09-beta"
  std::vector<std::string> params;  // path parameters in order
  flows::FlowService& flows;

  // "http://<Host>" (https when X-Forwarded-Proto says so) for links and Location headers.
  std::string BaseUrl() const;
};

using HandlerResult = Result<HttpResponse>;

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
HandlerResult FlowPerformance(const HandlerContext& c);
HandlerResult MapWorkflowIds(const HandlerContext& c);
HandlerResult GetFlowRevision(const HandlerContext& c);
HandlerResult ListActionTypes(const HandlerContext& c);

}  // namespace flowd::api
