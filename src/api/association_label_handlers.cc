// Thin handlers of the associations schema API (labels: /crm/v4/associations/{from}/{to}/labels)
// and the association endpoints flowd does not build, which answer 501 naming themselves.
#include <boost/json/serialize.hpp>

#include "api/association_json.h"
#include "api/association_routes.h"

namespace flowd::api {
namespace {

namespace json = boost::json;
using namespace assoc_json;  // NOLINT(google-build-using-namespace): this area's JSON helpers

json::object TypesBody(const std::vector<crm::AssociationTypeInfo>& types) {
  json::array results;
  for (const auto& t : types) results.push_back(TypeWithLabel(t));
  return json::object{{"results", std::move(results)}};
}

Result<const json::object*> BodyObject(const json::value& body) {
  if (const json::object* o = body.if_object()) return o;
  return Error::Invalid("The request body must be a JSON object",
                        {ErrorDetail{"Expected a JSON object", "body", "INVALID_TYPE", {}}});
}

// GET /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
HandlerResult ListAssociationLabels(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, false));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::AssociationTypeInfo> types,
                         svc->ListTypes(c.principal.account_id, pair));
  return HttpResponse::Json(200, json::serialize(TypesBody(types)));
}

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
// Body {name, label, inverseLabel?}; answers the new types (both directions of a paired label).
HandlerResult CreateAssociationLabel(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::object* o, BodyObject(body));
  std::vector<ErrorDetail> problems;
  auto name = StringField(*o, "name", true, problems);
  auto label = StringField(*o, "label", true, problems);
  auto inverse = StringField(*o, "inverseLabel", false, problems);
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::AssociationTypeInfo> types,
                         svc->CreateLabel(c.principal.account_id, pair, *name, *label, inverse));
  return HttpResponse::Json(200, json::serialize(TypesBody(types)));
}

// PUT /crm/v4/associations/{fromObjectType}/{toObjectType}/labels
// Body {associationTypeId, label, inverseLabel?}.
HandlerResult UpdateAssociationLabel(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(const json::object* o, BodyObject(body));
  std::vector<ErrorDetail> problems;
  std::optional<int64_t> type_id;
  const json::value* id = o->if_contains("associationTypeId");
  if (id != nullptr && id->is_int64() && id->get_int64() >= 0 &&
      id->get_int64() <= store::kMaxAssociationTypeId) {
    type_id = id->get_int64();
  } else {
    problems.push_back({"associationTypeId is required and must be a 32-bit integer",
                        "associationTypeId",
                        "INVALID_TYPE_ID",
                        {}});
  }
  auto label = StringField(*o, "label", true, problems);
  auto inverse = StringField(*o, "inverseLabel", false, problems);
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_TRY(svc->UpdateLabel(c.principal.account_id, pair, *type_id, *label, inverse));
  return HttpResponse::NoContent();
}

// DELETE /crm/v4/associations/{fromObjectType}/{toObjectType}/labels/{associationTypeId}
HandlerResult DeleteAssociationLabel(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(int64_t type_id, ParseIdParam(c.params[2], "associationTypeId"));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_TRY(svc->DeleteLabel(c.principal.account_id, pair, type_id));
  return HttpResponse::NoContent();
}

Error NotBuilt(std::string what) {
  return Error{ErrorCode::kNotImplemented, std::move(what), {}, {}, std::nullopt};
}

// POST /crm/v4/associations/usage/high-usage-report/{userId}
HandlerResult HighUsageReport(const HandlerContext&) {
  return NotBuilt(
      "Association usage reports are not built in flowd (HubSpot e-mails them to a HubSpot user; "
      "flowd has no users to send them to)");
}

// /crm/v4/associations/definitions/configurations/… (association limits)
HandlerResult AssociationLimits(const HandlerContext&) {
  return NotBuilt(
      "Association limits (/crm/v4/associations/definitions/configurations) are not built in "
      "flowd: associations are unlimited");
}

}  // namespace

void AddAssociationLabelRoutes(RouteTable& routes) {
  const std::string labels = "/crm/v4/associations/{}/{}/labels";
  routes.push_back(AssociationRoute("GET", labels, ListAssociationLabels));
  routes.push_back(AssociationRoute("POST", labels, CreateAssociationLabel));
  routes.push_back(AssociationRoute("PUT", labels, UpdateAssociationLabel));
  routes.push_back(AssociationRoute("DELETE", labels + "/{}", DeleteAssociationLabel));
  routes.push_back(
      AssociationRoute("POST", "/crm/v4/associations/usage/high-usage-report/{}", HighUsageReport));
  const std::string limits = "/crm/v4/associations/definitions/configurations";
  routes.push_back(AssociationRoute("GET", limits + "/all", AssociationLimits));
  routes.push_back(AssociationRoute("GET", limits + "/{}/{}", AssociationLimits));
  for (const char* op : {"create", "update", "purge"}) {
    routes.push_back(AssociationRoute("POST", limits + "/{}/{}/batch/" + op, AssociationLimits));
  }
}

}  // namespace flowd::api
