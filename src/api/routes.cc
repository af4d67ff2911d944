// Every area's routes, in one list. Each area registers its own in its handler file.
#include "api/route.h"

namespace flowd::api {

void AddAllRoutes(RouteTable& routes) {
  AddFlowRoutes(routes);
  AddListRoutes(routes);
  AddObjectRoutes(routes);
  AddPropertyRoutes(routes);
  AddSchemaRoutes(routes);
  AddAssociationRoutes(routes);
  AddOwnerRoutes(routes);
  AddFormRoutes(routes);
  AddMarketingEmailRoutes(routes);
  AddFormSubmissionRoutes(routes);
  AddEventRoutes(routes);
  AddEngineRoutes(routes);
  AddAccountRoutes(routes);
  AddActionRoutes(routes);
}

}  // namespace flowd::api
