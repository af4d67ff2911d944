// Thin handlers of HubSpot's custom event API (/events/v3/send, /events/v3/send/batch):
// parse → crm::EventService → 204.
#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "crm/event_service.h"

namespace flowd::api {
namespace {

HandlerResult SendEvent(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::EventService * events, Need(c.services.events));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_TRY(events->Send(c.principal.account_id, body));
  return HttpResponse::NoContent();
}

HandlerResult SendEventBatch(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::EventService * events, Need(c.services.events));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_TRY(events->SendBatch(c.principal.account_id, body));
  return HttpResponse::NoContent();
}

}  // namespace

void AddEventRoutes(RouteTable& routes) {
  const std::vector<std::string> scopes = {"analytics.behavioral_events.send"};
  routes.push_back(MakeRoute("POST", "/events/v3/send", SendEvent, scopes));
  routes.push_back(MakeRoute("POST", "/events/v3/send/batch", SendEventBatch, scopes));
}

}  // namespace flowd::api
