// Thin handlers of /marketing/v3/forms: parse → crm::FormService → JSON. The public submission
// endpoint lives in form_submission_handlers.cc.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "crm/form_service.h"

namespace flowd::api {
namespace {

constexpr const char* kFormsPath = "/marketing/v3/forms";

HttpResponse FormResponse(int status, const store::FormRecord& form) {
  return HttpResponse::Json(status, boost::json::serialize(crm::FormService::Render(form)));
}

// formTypes, repeated (HubSpot's explode=true) or comma-separated.
std::vector<std::string> FormTypes(const HttpRequest& request) {
  std::vector<std::string> out;
  for (const std::string& value : request.QueryParams("formTypes")) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string part =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(std::move(part));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

HandlerResult ListForms(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, crm::kFormPageDefault, crm::kFormPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::FormPage page, forms->List(c.principal.account_id, after, limit,
                                                           archived, FormTypes(c.request)));
  boost::json::array results;
  for (const auto& f : page.forms) results.push_back(crm::FormService::Render(f));
  boost::json::object body{{"results", std::move(results)}};
  if (page.next_after) body["paging"] = NextPaging(c, kFormsPath, *page.next_after, limit);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HandlerResult CreateForm(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::FormRecord form, forms->Create(c.principal.account_id, body));
  HttpResponse resp = FormResponse(201, form);
  resp.headers.emplace_back("Location", c.BaseUrl() + kFormsPath + "/" + form.id);
  return resp;
}

HandlerResult GetForm(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::FormRecord form,
                         forms->Get(c.principal.account_id, c.params[0], archived));
  return FormResponse(200, form);
}

HandlerResult ReplaceForm(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::FormRecord form,
                         forms->Replace(c.principal.account_id, c.params[0], body));
  return FormResponse(200, form);
}

HandlerResult PatchForm(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::FormRecord form,
                         forms->Patch(c.principal.account_id, c.params[0], body));
  return FormResponse(200, form);
}

HandlerResult ArchiveForm(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::FormService * forms, Need(c.services.forms));
  FLOWD_TRY(forms->Archive(c.principal.account_id, c.params[0]));
  return HttpResponse::NoContent();
}

}  // namespace

void AddFormRoutes(RouteTable& routes) {
  const std::vector<std::string> scopes = {"forms"};
  const std::string base = kFormsPath;
  routes.push_back(MakeRoute("GET", base, ListForms, scopes));
  routes.push_back(MakeRoute("POST", base, CreateForm, scopes));
  routes.push_back(MakeRoute("GET", base + "/{}", GetForm, scopes));
  routes.push_back(MakeRoute("PUT", base + "/{}", ReplaceForm, scopes));
  routes.push_back(MakeRoute("PATCH", base + "/{}", PatchForm, scopes));
  routes.push_back(MakeRoute("DELETE", base + "/{}", ArchiveForm, scopes));
}

}  // namespace flowd::api
