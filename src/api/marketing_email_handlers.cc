// Thin handlers of /marketing/v3/emails: parse → crm::MarketingEmailService → JSON. The
// operations flowd does not build (publishing, A/B tests, drafts, revisions, statistics) answer
// 501 naming what is missing (after a 404 for an unknown email).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/crm_params.h"
#include "api/handler_context.h"
#include "api/route.h"
#include "crm/marketing_email_service.h"

namespace flowd::api {
namespace {

constexpr const char* kEmailsPath = "/marketing/v3/emails";

HttpResponse EmailResponse(int status, const store::MarketingEmailRecord& email) {
  return HttpResponse::Json(status,
                            boost::json::serialize(crm::MarketingEmailService::Render(email)));
}

// Email ids are decimal; anything else names no email (404, as for an unknown id).
Result<int64_t> EmailIdParam(const HandlerContext& c) {
  const std::string& text = c.params[0];
  int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) {
    return Error::NotFound("Marketing email " + text.substr(0, 64) + " not found");
  }
  return id;
}

HandlerResult ListEmails(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, crm::kEmailPageDefault, crm::kEmailPageMax));
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> after, ParseAfterQuery(c.request));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailPage page,
                         emails->List(c.principal.account_id, after, limit, archived));
  boost::json::array results;
  for (const auto& e : page.emails) results.push_back(crm::MarketingEmailService::Render(e));
  boost::json::object body{{"total", page.total}, {"results", std::move(results)}};
  if (page.next_after) body["paging"] = NextPaging(c, kEmailsPath, *page.next_after, limit);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HandlerResult CreateEmail(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord email,
                         emails->Create(c.principal.account_id, body));
  HttpResponse resp = EmailResponse(201, email);
  resp.headers.emplace_back("Location", c.BaseUrl() + kEmailsPath + "/" + std::to_string(email.id));
  return resp;
}

HandlerResult CloneEmail(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord email,
                         emails->Clone(c.principal.account_id, body));
  return EmailResponse(200, email);
}

HandlerResult GetEmail(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, EmailIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(bool archived, ParseBoolQuery(c.request, "archived", false));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord email,
                         emails->Get(c.principal.account_id, id, archived));
  return EmailResponse(200, email);
}

HandlerResult UpdateEmail(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, EmailIdParam(c));
  FLOWD_ASSIGN_OR_RETURN(boost::json::value body, ParseBody(c.request));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord email,
                         emails->Update(c.principal.account_id, id, body));
  return EmailResponse(200, email);
}

HandlerResult DeleteEmail(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, EmailIdParam(c));
  FLOWD_TRY(emails->Archive(c.principal.account_id, id));
  return HttpResponse::NoContent();
}

Error NotBuilt(std::string_view what) {
  return Error{ErrorCode::kNotImplemented,
               std::string(what) + " is not supported by flowd (see docs/api-coverage.md)",
               {},
               {},
               std::nullopt};
}

// 404 for an unknown email, then 501.
Result<HttpResponse> NotBuiltForEmail(const HandlerContext& c, std::string_view what) {
  FLOWD_ASSIGN_OR_RETURN(crm::MarketingEmailService * emails, Need(c.services.marketing_emails));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, EmailIdParam(c));
  FLOWD_TRY(emails->Get(c.principal.account_id, id, false));
  return NotBuilt(what);
}

HandlerResult Publish(const HandlerContext& c) {
  return NotBuiltForEmail(c, "Publishing marketing emails");
}
HandlerResult Unpublish(const HandlerContext& c) {
  return NotBuiltForEmail(c, "Unpublishing marketing emails");
}
HandlerResult GetDraft(const HandlerContext& c) {
  return NotBuiltForEmail(c, "Separate email drafts");
}
HandlerResult UpdateDraft(const HandlerContext& c) {
  return NotBuiltForEmail(c, "Separate email drafts");
}
HandlerResult ResetDraft(const HandlerContext& c) {
  return NotBuiltForEmail(c, "Separate email drafts");
}
HandlerResult Revisions(const HandlerContext& c) { return NotBuiltForEmail(c, "Email revisions"); }
HandlerResult GetVariation(const HandlerContext& c) {
  return NotBuiltForEmail(c, "A/B test emails");
}
HandlerResult CreateVariation(const HandlerContext&) { return NotBuilt("A/B test emails"); }
HandlerResult Statistics(const HandlerContext&) { return NotBuilt("Email statistics"); }

}  // namespace

void AddMarketingEmailRoutes(RouteTable& routes) {
  const std::vector<std::string> content = {"content"};
  // Publishing needs marketing-email or transactional-email (the spec).
  const std::vector<std::string> publish = {"marketing-email", "transactional-email"};
  const std::string base = kEmailsPath;
  routes.push_back(MakeRoute("GET", base, ListEmails, content));
  routes.push_back(MakeRoute("POST", base, CreateEmail, content));
  routes.push_back(MakeRoute("POST", base + "/clone", CloneEmail, content));
  routes.push_back(MakeRoute("GET", base + "/{}", GetEmail, content));
  routes.push_back(MakeRoute("PATCH", base + "/{}", UpdateEmail, content));
  routes.push_back(MakeRoute("DELETE", base + "/{}", DeleteEmail, content));
  routes.push_back(MakeRoute("POST", base + "/{}/publish", Publish, publish));
  routes.push_back(MakeRoute("POST", base + "/{}/unpublish", Unpublish, publish));
  routes.push_back(MakeRoute("GET", base + "/{}/draft", GetDraft, content));
  routes.push_back(MakeRoute("PATCH", base + "/{}/draft", UpdateDraft, content));
  routes.push_back(MakeRoute("POST", base + "/{}/draft/reset", ResetDraft, content));
  routes.push_back(MakeRoute("GET", base + "/{}/revisions", Revisions, content));
  routes.push_back(MakeRoute("GET", base + "/{}/revisions/{}", Revisions, content));
  routes.push_back(MakeRoute("POST", base + "/{}/revisions/{}/restore", Revisions, content));
  routes.push_back(
      MakeRoute("POST", base + "/{}/revisions/{}/restore-to-draft", Revisions, content));
  routes.push_back(MakeRoute("GET", base + "/{}/ab-test/get-variation", GetVariation, content));
  routes.push_back(MakeRoute("POST", base + "/ab-test/create-variation", CreateVariation, content));
  routes.push_back(MakeRoute("GET", base + "/statistics/list", Statistics, content));
  routes.push_back(MakeRoute("GET", base + "/statistics/histogram", Statistics, content));
}

}  // namespace flowd::api
