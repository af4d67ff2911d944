// Pieces the two association handler files share. Internal to api/.
#pragma once

#include "api/handler_context.h"
#include "api/route.h"
#include "crm/association_service.h"

namespace flowd::api {

// The service, or 501 when this process runs without it.
Result<crm::AssociationService*> AssociationServiceOf(const HandlerContext& c);
// Resolves the object types in path parameters `from_param` and `to_param` (400 when unknown or
// not associable) and checks the caller's scopes: a read or write scope of both types to read,
// a write scope of both to write (403 MISSING_SCOPES naming the missing side's scopes).
Result<crm::AssociationPair> ResolveAssociationPair(const HandlerContext& c, size_t from_param,
                                                    size_t to_param, bool write);

// An authenticated route without route-level scopes (the handlers check them, see above).
inline Route AssociationRoute(std::string method, std::string pattern, HandlerFn handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = handler;
  return r;
}

// The label and not-built routes (association_label_handlers.cc).
void AddAssociationLabelRoutes(RouteTable& routes);

}  // namespace flowd::api
