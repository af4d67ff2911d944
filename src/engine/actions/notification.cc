// 0-9: an in-app notification (`user_ids[]`, `subject`, `body`; `delivery_method` APP): one
// MessageRecord of channel NOTIFICATION per user, keyed "<idempotency key>:<user id>" (a message
// is recorded once per key). Users that are not owners of the account are skipped (listed in
// the step); none left fails the action.
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunNotification(Ctx& ctx) {
  const json::array* ids = ArrayField(ctx.fields, "user_ids");
  if (!ids || ids->empty()) return Failed("in-app notification needs user_ids");
  FLOWD_ASSIGN_OR_RETURN(std::string subject,
                         RenderTemplate(ctx, TextField(ctx.fields, "subject").value_or("")));
  FLOWD_ASSIGN_OR_RETURN(std::string body,
                         RenderTemplate(ctx, TextField(ctx.fields, "body").value_or("")));
  ActionResult r = Continue(ctx.action);
  json::array unknown, sent;
  for (const auto& v : *ids) {
    auto id = Number(v);
    if (!id || *id <= 0) return Failed("user_ids holds an invalid id");
    auto user = static_cast<int64_t>(*id);
    FLOWD_ASSIGN_OR_RETURN(auto owner, ctx.env.OwnerByUserId(user));
    if (!owner || owner->archived_at_ms) {
      unknown.push_back(user);
      continue;
    }
    store::MessageRecord m;
    m.account_id = ctx.account_id();
    m.enrollment_id = ctx.enrollment().id;
    m.idempotency_key = ctx.in.idempotency_key + ":" + std::to_string(user);
    m.channel = "NOTIFICATION";
    m.to = std::to_string(user);
    m.subject = subject;
    m.body = body;
    m.delivery = "LOCAL";
    r.messages.push_back(std::move(m));
    sent.push_back(user);
  }
  r.detail["users"] = sent;
  if (!unknown.empty()) r.detail["unknownUsers"] = unknown;
  if (r.messages.empty()) return Failed("no user of user_ids is in the account", r.detail);
  return r;
}

}  // namespace flowd::engine::actions
