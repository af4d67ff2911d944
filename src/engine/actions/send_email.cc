// 0-4: send the marketing email `content_id` to the enrolled contact, personalised with the
// contact's values (crm/personalization.h: {{ contact.firstname }} …). From: the email's
// fromName and replyTo (else the environment's sender address).
#include "crm/marketing_email_service.h"
#include "engine/actions/actions.h"
#include "engine/actions/email_delivery.h"

namespace flowd::engine::actions {

Result<ActionResult> RunSendMarketingEmail(Ctx& ctx) {
  auto content_id = TextField(ctx.fields, "content_id");
  if (!content_id || content_id->empty()) return Failed("send email needs a content_id");
  if (ctx.object_type() != "0-1") {
    return Failed("send email needs an enrolled contact (the flow's records are " +
                  ctx.object_type() + ")");
  }
  FLOWD_ASSIGN_OR_RETURN(auto record, ctx.env.MarketingEmail(*content_id));
  if (!record) return Failed("marketing email " + *content_id + " does not exist");
  if (record->archived_at_ms) return Failed("marketing email " + *content_id + " was deleted");
  FLOWD_ASSIGN_OR_RETURN(auto contact, ctx.RequireEnrolled());
  if (!contact) return Failed(ctx.problem);
  auto email_it = (*contact)->find("email");
  if (email_it == (*contact)->end() || email_it->second.empty()) {
    return Failed("contact has no email");
  }
  if (!IsValidAddress(email_it->second)) {
    return Failed("contact's email \"" + email_it->second + "\" is not a valid address");
  }
  crm::TemplateValues values;
  for (const auto& [k, v] : **contact) values["contact." + k] = v;
  crm::PersonalizedEmail p = crm::MarketingEmailService::Personalize(*record, values);

  Email email;
  email.from.address = IsValidAddress(p.reply_to) ? p.reply_to : ctx.env.SenderAddress();
  email.from.display_name = p.from_name;
  email.to.push_back({email_it->second, ""});
  email.subject = p.subject;
  email.html_body = p.html;
  email.text_body = p.text;
  if (email.html_body.empty() && email.text_body.empty()) {
    return Failed("marketing email " + *content_id + " has no body");
  }
  return DeliverEmail(ctx, std::move(email), {{"contentId", *content_id}});
}

}  // namespace flowd::engine::actions
