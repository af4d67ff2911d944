// Thin handlers of /crm/v3/owners: parse → crm::OwnerService → JSON.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "common/time_format.h"
#include "crm/owner_service.h"

namespace flowd::api {
namespace {

constexpr const char* kOwnersPath = "/crm/v3/owners";

boost::json::object OwnerJson(const store::OwnerRecord& o) {
  boost::json::array teams;
  for (const auto& t : o.teams) {
    teams.push_back(boost::json::object{{"id", t.id}, {"name", t.name}, {"primary", t.primary}});
  }
  return boost::json::object{{"id", std::to_string(o.id)},
                             {"email", o.email},
                             {"type", o.type},
                             {"firstName", o.first_name},
                             {"lastName", o.last_name},
                             {"userId", o.user_id},
                             {"userIdIncludingInactive", o.user_id},
                             {"createdAt", FormatIso8601Ms(o.created_at_ms)},
                             {"updatedAt", FormatIso8601Ms(o.updated_at_ms)},
                             {"archived", o.archived_at_ms.has_value()},
                             {"teams", std::move(teams)}};
}

HandlerResult ListOwners(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::OwnerService * owners, Need(c.services.owners));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, crm::kOwnerPageDefault, crm::kOwnerPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  std::optional<std::string> email;
  if (const std::string* e = c.request.QueryParam("email"); e && !e->empty()) email = *e;
  FLOWD_ASSIGN_OR_RETURN(store::OwnerPage page,
                         owners->List(c.principal.account_id, email, after, limit, archived));
  boost::json::array results;
  for (const auto& o : page.owners) results.push_back(OwnerJson(o));
  boost::json::object body{{"results", std::move(results)}};
  if (page.next_after) body["paging"] = NextPaging(c, kOwnersPath, *page.next_after, limit);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HandlerResult GetOwner(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::OwnerService * owners, Need(c.services.owners));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  const std::string* id_property = c.request.QueryParam("idProperty");
  FLOWD_ASSIGN_OR_RETURN(store::OwnerRecord owner,
                         owners->Get(c.principal.account_id, c.params[0],
                                     id_property ? *id_property : "id", archived));
  return HttpResponse::Json(200, boost::json::serialize(OwnerJson(owner)));
}

}  // namespace

void AddOwnerRoutes(RouteTable& routes) {
  // The spec accepts either scope.
  const std::vector<std::string> scopes = {"crm.objects.owners.read", "automation"};
  routes.push_back(MakeRoute("GET", kOwnersPath, ListOwners, scopes));
  routes.push_back(MakeRoute("GET", std::string(kOwnersPath) + "/{}", GetOwner, scopes));
}

}  // namespace flowd::api
