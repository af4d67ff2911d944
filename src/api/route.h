// The route table: every endpoint flowd serves, registered by the handler file that serves it
// (one Add…Routes function per area, so areas never edit each other's files). Internal to api/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/handler_context.h"

namespace flowd::api {

using HandlerFn = HandlerResult (*)(const HandlerContext&);

struct Route {
  std::string method;
  // Full path pattern, e.g. "/crm/v3/objects/{}/batch/read": "{}" matches one path parameter,
  // "{#}" one made of digits only (for patterns that would otherwise claim every path of that
  // length). Among routes matching a path, the ones with the most literal segments win.
  std::string pattern;
  HandlerFn handler = nullptr;
  // The caller needs one of these scopes (HubSpot's "any of"); empty = any authenticated caller
  // (handlers whose scope depends on a path parameter check it themselves, see RequireAnyScope).
  std::vector<std::string> scopes;
  // False for HubSpot's public endpoints (form submissions): no token, no scope, no token-based
  // rate limit; the handler bounds itself.
  bool authenticated = true;
  // HubSpot's x-hubspot-rate-limit-exemptions: ["ten-secondly"] (flow create and update).
  bool exempt_ten_secondly = false;
  // For the flows API: which version prefix this route was registered under (handlers build
  // links from it). Empty elsewhere.
  std::string prefix;
  ApiVersion version = ApiVersion::kV4;
};

using RouteTable = std::vector<Route>;

// Builds the whole table (routes.cc): one call per area.
void AddAllRoutes(RouteTable& routes);

void AddFlowRoutes(RouteTable& routes);
void AddAssociationRoutes(RouteTable& routes);  // association_handlers.cc
void AddListRoutes(RouteTable& routes);
void AddObjectRoutes(RouteTable& routes);
void AddPropertyRoutes(RouteTable& routes);
void AddSchemaRoutes(RouteTable& routes);
void AddOwnerRoutes(RouteTable& routes);
void AddFormRoutes(RouteTable& routes);
void AddMarketingEmailRoutes(RouteTable& routes);
void AddFormSubmissionRoutes(RouteTable& routes);
void AddEventRoutes(RouteTable& routes);
void AddEngineRoutes(RouteTable& routes);  // engine_handlers.cc
void AddAccountRoutes(RouteTable& routes);  // account_handlers.cc
void AddActionRoutes(RouteTable& routes);  // action_handlers.cc

}  // namespace flowd::api
