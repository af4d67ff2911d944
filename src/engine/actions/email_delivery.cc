#include "engine/actions/email_delivery.h"

#include "engine/actions/retry.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

std::string Recipients(const Email& email) {
  std::string out;
  for (const auto& m : email.to) out += (out.empty() ? "" : ", ") + m.address;
  return out;
}

}  // namespace

ActionResult DeliverEmail(Ctx& ctx, Email email, json::object detail) {
  email.message_id = ctx.in.idempotency_key;
  store::MessageRecord message;
  message.account_id = ctx.account_id();
  message.enrollment_id = ctx.enrollment().id;
  message.idempotency_key = ctx.in.idempotency_key;
  message.channel = "EMAIL";
  message.to = Recipients(email);
  message.from = email.from.address;
  message.subject = email.subject;
  message.body = email.html_body.empty() ? email.text_body : email.html_body;
  detail["to"] = message.to;

  if (!ctx.env.HasSmtp()) {
    message.delivery = "LOCAL";
    detail["delivery"] = "LOCAL";
    ActionResult r = Continue(ctx.action, std::move(detail));
    r.messages.push_back(std::move(message));
    return r;
  }

  SendResult sent = ctx.env.SendEmail(email);
  store::DeliveryRecord delivery;
  delivery.account_id = ctx.account_id();
  delivery.enrollment_id = ctx.enrollment().id;
  delivery.idempotency_key = ctx.in.idempotency_key;
  delivery.kind = "EMAIL";
  delivery.attempt = ctx.in.attempt;
  delivery.at_ms = ctx.in.now_ms;
  delivery.detail = sent.smtp_code ? "SMTP " + std::to_string(sent.smtp_code) : "";
  if (!sent.detail.empty()) delivery.detail += (delivery.detail.empty() ? "" : ": ") + sent.detail;
  detail["delivery"] = "SMTP";
  detail["smtpCode"] = sent.smtp_code;

  ActionResult r;
  switch (sent.kind) {
    case SendResult::Kind::kSent:
      delivery.outcome = "DELIVERED";
      message.delivery = "SMTP";
      r = Continue(ctx.action, std::move(detail));
      r.messages.push_back(std::move(message));
      break;
    case SendResult::Kind::kTransient: {
      delivery.outcome = "RETRY";
      DeliveryOutcome outcome{DeliveryStatus::kRetry, std::nullopt, delivery.detail};
      r = RetryOrGiveUp(ctx, outcome, "email", std::move(detail));
      if (r.failed) delivery.outcome = "FAILED";
      break;
    }
    case SendResult::Kind::kPermanent:
      delivery.outcome = "FAILED";
      r = Failed("email was refused: " + delivery.detail, std::move(detail));
      break;
  }
  r.deliveries.push_back(std::move(delivery));
  return r;
}

}  // namespace flowd::engine::actions
