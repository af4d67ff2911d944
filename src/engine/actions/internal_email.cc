// 0-8: an internal email notification to users (`user_ids[]`) and owners (`owner_ids[]`), one
// email to all of them; `subject` and `body` (HTML) may hold templates of the enrolled record.
// Recipients that are not owners of the account are skipped (the step lists them); none left
// fails the action.
#include "engine/actions/actions.h"
#include "engine/actions/email_delivery.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunInternalEmail(Ctx& ctx) {
  Email email;
  json::array unknown;
  for (auto [key, by_user] : {std::pair{"user_ids", true}, std::pair{"owner_ids", false}}) {
    const json::array* ids = ArrayField(ctx.fields, key);
    if (!ids) continue;
    for (const auto& v : *ids) {
      auto id = Number(v);
      if (!id || *id <= 0) return Failed(std::string(key) + " holds an invalid id");
      auto n = static_cast<int64_t>(*id);
      FLOWD_ASSIGN_OR_RETURN(auto owner, by_user ? ctx.env.OwnerByUserId(n) : ctx.env.Owner(n));
      if (!owner || owner->archived_at_ms || !IsValidAddress(owner->email)) {
        unknown.push_back(json::string(std::string(by_user ? "user " : "owner ") + ValueText(v)));
        continue;
      }
      bool dup = false;
      for (const auto& m : email.to) dup = dup || m.address == owner->email;
      if (dup) continue;
      std::string name = owner->first_name;
      if (!name.empty() && !owner->last_name.empty()) name += ' ';
      name += owner->last_name;
      email.to.push_back({owner->email, std::move(name)});
    }
  }
  json::object detail;
  if (!unknown.empty()) detail["unknownRecipients"] = unknown;
  if (email.to.empty()) return Failed("internal email has no recipient", std::move(detail));
  FLOWD_ASSIGN_OR_RETURN(email.subject,
                         RenderTemplate(ctx, TextField(ctx.fields, "subject").value_or("")));
  FLOWD_ASSIGN_OR_RETURN(
      email.html_body,
      RenderTemplate(ctx, TextField(ctx.fields, "body").value_or(""), crm::ValueEscaping::kHtml));
  if (email.html_body.empty()) email.text_body = email.subject;
  email.from.address = ctx.env.SenderAddress();
  email.from.display_name = "flowd";
  return DeliverEmail(ctx, std::move(email), std::move(detail));
}

}  // namespace flowd::engine::actions
