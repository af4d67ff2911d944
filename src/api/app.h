// The HTTP application: routing, authentication, scopes, rate limits, then the thin handlers.
// Handle() is the api::Handler given to HttpServer. Thread-safe.
#pragma once

#include <memory>

#include "api/http.h"
#include "auth/auth.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "flows/flow_service.h"

namespace flowd::api {

struct AppServices {
  auth::TokenService& tokens;
  auth::RateLimiter& rate_limiter;
  flows::FlowService& flows;
  const Clock& clock;
};

class App {
 public:
  explicit App(AppServices services);
  ~App();
  HttpResponse Handle(const HttpRequest& request);

 private:
  class Router;
  AppServices s_;
  std::unique_ptr<Router> router_;
};

}  // namespace flowd::api
