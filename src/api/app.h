// The HTTP application: routing, authentication, scopes, rate limits, then the thin handlers.
// Handle() is the api::Handler given to HttpServer. Thread-safe.
#pragma once

#include <memory>

#include "api/http.h"
#include "auth/auth.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "flows/action_definitions.h"
#include "flows/flow_service.h"
#include "store/store.h"

// The CRM services live in flowd::crm (src/crm/); AppServices below names them as crm::….
namespace flowd::crm {
class SchemaService;
class PropertyService;
class ObjectService;
class AssociationService;
class ListService;
class FormService;
class EventService;
class OwnerService;
class MarketingEmailService;
}  // namespace flowd::crm

namespace flowd::engine {
class Engine;
}  // namespace flowd::engine

namespace flowd::api {

// What the handlers reach. The CRM services are owned by the caller (cli/main.cc) and may be
// null in tests that exercise other areas; their handlers then answer 501.
struct AppServices {
  auth::TokenService& tokens;
  auth::RateLimiter& rate_limiter;
  flows::FlowService& flows;
  const Clock& clock;
  crm::SchemaService* schemas = nullptr;
  crm::PropertyService* properties = nullptr;
  crm::ObjectService* objects = nullptr;
  crm::AssociationService* associations = nullptr;
  crm::ListService* lists = nullptr;
  crm::FormService* forms = nullptr;
  crm::EventService* events = nullptr;
  crm::OwnerService* owners = nullptr;
  crm::MarketingEmailService* marketing_emails = nullptr;
  engine::Engine* engine = nullptr;  // enrollment, performance, emails, metrics, callbacks
  flows::ActionDefinitionService* action_definitions = nullptr;  // /automation/v4/actions
  store::AccountStore* accounts = nullptr;                       // account details (time zone)
  FakeClock* manual_clock = nullptr;  // set only under `flowd serve --clock manual`
};

class App {
 public:
  explicit App(AppServices services);
  ~App();
  HttpResponse Handle(const HttpRequest& request);

 private:
  static HttpResponse Finish(Result<HttpResponse> result, const HttpRequest& request);
  class Router;
  AppServices s_;
  std::unique_ptr<Router> router_;
};

}  // namespace flowd::api
