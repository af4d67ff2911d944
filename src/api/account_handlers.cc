// GET /account-info/v3/details: HubSpot's account information (the portal id and its time zone,
// which flowd's time windows, delays to a time of day, schedules and date filters use).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstdlib>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "crm/filter/time_zone.h"

namespace flowd::api {
namespace {

// "+01:00", "-05:00", "+05:45".
std::string FormatOffset(int32_t offset_s) {
  const int32_t a = std::abs(offset_s);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600,
                (a % 3600) / 60);
  return buf;
}

// The host the caller reached flowd at, without its port (flowd serves no UI of its own).
std::string UiDomain(std::string_view host) {
  if (host.empty()) return "localhost";
  if (host.front() == '[') return std::string(host.substr(0, host.find(']') + 1));  // [::1]:port
  return std::string(host.substr(0, host.find(':')));
}

HandlerResult GetAccountDetails(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(store::AccountStore * accounts, Need(c.services.accounts));
  FLOWD_ASSIGN_OR_RETURN(store::Account account, accounts->GetAccount(c.principal.account_id));
  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(account.time_zone));
  const int32_t offset_s = zone->OffsetAt(c.services.clock.NowMs());
  boost::json::object body{{"portalId", account.id},
                           {"portalName", account.name},
                           {"accountType", "STANDARD"},
                           {"timeZone", account.time_zone},
                           {"companyCurrency", "USD"},
                           {"additionalCurrencies", boost::json::array()},
                           {"utcOffset", FormatOffset(offset_s)},
                           {"utcOffsetMilliseconds", int64_t{offset_s} * 1000},
                           {"uiDomain", UiDomain(c.request.Header("host"))},
                           {"dataHostingLocation", "self-hosted"},
                           {"createdAt", account.created_at_ms}};
  return HttpResponse::Json(200, boost::json::serialize(body));
}

}  // namespace

void AddAccountRoutes(RouteTable& routes) {
  // HubSpot needs only a valid token ("oauth"): any authenticated caller.
  routes.push_back(MakeRoute("GET", "/account-info/v3/details", GetAccountDetails, {}));
}

}  // namespace flowd::api
