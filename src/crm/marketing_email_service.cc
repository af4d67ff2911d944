#include "crm/marketing_email_service.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <limits>
#include <vector>

#include "common/time_format.h"
#include "model/schema.h"

namespace flowd::crm {
namespace json = boost::json;
using model::schema::kOptional;
using model::schema::kRequired;

namespace {

constexpr size_t kMaxNameLength = 1024;

// The marketing-emails v3 request schemas (EmailCreateRequest / EmailUpdateRequest and the
// objects they reference), written as data for the model/ schema walker.
void DefineEmailSchemas(model::schema::Registry& r) {
  const auto* str = r.String();
  const auto* boolean = r.Bool();
  const auto* number = r.Number();
  const auto* int32 = r.Int32();
  const auto* objects = r.Map(r.AnyObject());

  r.Object("FontStyle", {{"font", str},
                         {"size", int32},
                         {"color", str},
                         {"underline", boolean},
                         {"bold", boolean},
                         {"italic", boolean}});
  r.Object("ButtonStyle", {{"backgroundColor", r.AnyObject()},
                           {"cornerRadius", int32},
                           {"fontStyle", r.Ref("FontStyle")}});
  r.Object("DividerStyle", {{"height", int32}, {"color", r.AnyObject()}, {"lineType", str}});
  std::vector<model::schema::Field> style;
  for (const char* s : {"backgroundColor",      "backgroundImage",
                        "backgroundImageType",  "bodyColor",
                        "bodyBorderColor",      "bodyBorderColorChoice",
                        "primaryFont",          "primaryFontColor",
                        "primaryAccentColor",   "primaryFontLineHeight",
                        "secondaryFont",        "secondaryFontColor",
                        "secondaryAccentColor", "secondaryFontLineHeight",
                        "colorPickerFavorite1", "colorPickerFavorite2",
                        "colorPickerFavorite3", "colorPickerFavorite4",
                        "colorPickerFavorite5", "colorPickerFavorite6",
                        "emailBodyPadding",     "emailBodyWidth"}) {
    style.emplace_back(s, str);
  }
  for (const char* n : {"bodyBorderWidth", "primaryFontSize", "secondaryFontSize"}) {
    style.emplace_back(n, number);
  }
  for (const char* f : {"headingOneFont", "headingTwoFont", "linksFont"}) {
    style.emplace_back(f, r.Ref("FontStyle"));
  }
  style.emplace_back("buttonStyleSettings", r.Ref("ButtonStyle"));
  style.emplace_back("dividerStyleSettings", r.Ref("DividerStyle"));
  r.Object("StyleSettings", std::move(style));
  r.Object("Content", {{"smartFields", objects},
                       {"themeSettingsValues", objects},
                       {"flexAreas", objects},
                       {"widgets", objects},
                       {"plainTextVersion", str},
                       {"templatePath", str},
                       {"widgetContainers", objects},
                       {"styleSettings", r.Ref("StyleSettings")}});
  r.Object("From", {{"customReplyTo", str}, {"fromName", str}, {"replyTo", str}});
  r.Object("Recipients", {{"include", r.Array(str)}, {"exclude", r.Array(str)}});
  r.Object("To", {{"contactIlsLists", r.Ref("Recipients")},
                  {"limitSendFrequency", boolean},
                  {"suppressGraymail", boolean},
                  {"contactIds", r.Ref("Recipients")},
                  {"contactLists", r.Ref("Recipients")}});
  r.Object("Subscription", {{"officeLocationId", str},
                            {"subscriptionName", str},
                            {"preferencesGroupId", str},
                            {"subscriptionId", str}});
  r.Object("Webversion", {{"domain", str},
                          {"redirectToPageId", str},
                          {"isPageRedirected", boolean},
                          {"redirectToUrl", str},
                          {"title", str},
                          {"metaDescription", str},
                          {"pageExpiryEnabled", boolean},
                          {"enabled", boolean},
                          {"slug", str},
                          {"url", str},
                          {"expiresAt", str}});
  r.Object("Email",
           {{"name", str},
            {"subject", str},
            {"feedbackSurveyId", str},
            {"publishDate", str},
            // The forms API's languages, all of which the emails spec lists too.
            {"language",
             r.Enum({"af", "ar-eg", "bg",    "bn",    "ca-es", "cs",    "da",    "de",    "el",
                     "en", "en-gb", "es",    "es-mx", "fi",    "fr",    "fr-ca", "he-il", "hr",
                     "hu", "id",    "it",    "ja",    "ko",    "lt",    "ms",    "nl",    "no-no",
                     "pl", "pt",    "pt-br", "ro",    "ru",    "sk",    "sl",    "sv",    "th",
                     "tl", "tr",    "uk",    "vi",    "zh-cn", "zh-hk", "zh-tw"})},
            {"businessUnitId", r.Int64()},
            {"content", r.Ref("Content")},
            {"webversion", r.Ref("Webversion")},
            {"subscriptionDetails", r.Ref("Subscription")},
            {"activeDomain", str},
            {"campaign", str},
            {"from", r.Ref("From")},
            {"jitterSendTime", boolean},
            {"state", r.Enum({"AUTOMATED",
                              "AUTOMATED_DRAFT",
                              "AUTOMATED_SENDING",
                              "AUTOMATED_FOR_FORM",
                              "AUTOMATED_FOR_FORM_BUFFER",
                              "AUTOMATED_FOR_FORM_DRAFT",
                              "AUTOMATED_FOR_FORM_LEGACY",
                              "BLOG_EMAIL_DRAFT",
                              "BLOG_EMAIL_PUBLISHED",
                              "DRAFT",
                              "DRAFT_AB",
                              "DRAFT_AB_VARIANT",
                              "ERROR",
                              "LOSER_AB_VARIANT",
                              "PAGE_STUB",
                              "PRE_PROCESSING",
                              "PROCESSING",
                              "PUBLISHED",
                              "PUBLISHED_AB",
                              "PUBLISHED_AB_VARIANT",
                              "PUBLISHED_OR_SCHEDULED",
                              "RSS_TO_EMAIL_DRAFT",
                              "RSS_TO_EMAIL_PUBLISHED",
                              "SCHEDULED",
                              "SCHEDULED_AB",
                              "SCHEDULED_OR_PUBLISHED",
                              "AUTOMATED_AB",
                              "AUTOMATED_AB_VARIANT",
                              "AUTOMATED_DRAFT_AB",
                              "AUTOMATED_DRAFT_ABVARIANT",
                              "AUTOMATED_LOSER_ABVARIANT",
                              "AGENT_GENERATED"})},
            {"to", r.Ref("To")},
            {"subcategory", str},
            {"sendOnPublish", boolean},
            // Read so that they can be refused by name (see CheckEmail).
            {"testing", r.AnyObject()},
            {"rssData", r.AnyObject()}});
}

const model::schema::Registry& Schemas() {
  static const model::schema::Registry* registry = [] {
    auto* r = new model::schema::Registry();  // lives for the process
    DefineEmailSchemas(*r);
    return r;
  }();
  return *registry;
}

const model::FlowLimits& Limits() {
  static const model::FlowLimits kLimits = [] {
    model::FlowLimits l;
    l.max_string_length = 1 << 20;  // an HTML body can be long
    l.max_array_items = 10'000;     // recipient list ids
    return l;
  }();
  return kLimits;
}

// Recipient list ids are strings in the spec, but HubSpot's own examples send numbers: accept
// both, store strings.
void StringifyRecipientIds(json::object& body) {
  auto* to = body.if_contains("to");
  if (!to || !to->is_object()) return;
  for (auto& lists : to->get_object()) {
    if (!lists.value().is_object()) continue;
    for (const char* key : {"include", "exclude"}) {
      auto* ids = lists.value().get_object().if_contains(key);
      if (!ids || !ids->is_array()) continue;
      for (auto& id : ids->get_array()) {
        if (id.is_int64()) id = json::string(std::to_string(id.get_int64()));
        if (id.is_uint64()) id = json::string(std::to_string(id.get_uint64()));
      }
    }
  }
}

// A date-time string in its canonical "…sssZ" form, or an error at `in`.
void CanonicalDate(json::object& o, std::string_view key, const std::string& in,
                   std::vector<ErrorDetail>& errors) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return;
  std::optional<int64_t> ms = ParseIso8601Ms(v->get_string());
  if (!ms) {
    errors.push_back({"Expected an ISO 8601 UTC date-time such as 2024-06-07T17:27:08.101Z",
                      in,
                      "INVALID_DATETIME",
                      {}});
    return;
  }
  *v = json::string(FormatIso8601Ms(*ms));
}

Result<json::object> CanonicalEmailBody(const json::value& body, bool create) {
  if (!body.is_object()) {
    return Error::Invalid(
        "The request body must be a JSON object",
        {{"Expected an object but got " + std::string(model::schema::JsonKindName(body)),
          "",
          "INVALID_TYPE",
          {}}});
  }
  json::object input = body.get_object();
  StringifyRecipientIds(input);
  model::schema::Context ctx(Limits());
  model::schema::Path path;
  json::object out = model::schema::WalkObject(*Schemas().FindObject("Email"), input, path, ctx);
  std::vector<ErrorDetail> errors = ctx.TakeErrors();
  if (const auto* name = out.if_contains("name"); name && name->is_string()) {
    if (name->get_string().empty()) {
      errors.push_back({"The email name must not be empty", "name", "INVALID_VALUE", {}});
    } else if (name->get_string().size() > kMaxNameLength) {
      errors.push_back({"The email name is longer than 1024 bytes", "name", "VALUE_TOO_LONG", {}});
    }
  } else if (create && !name) {
    errors.push_back({"Some required fields were not set: [name]", "name", "REQUIRED_FIELD", {}});
  }
  if (out.contains("testing")) {
    errors.push_back(
        {"A/B test emails are not supported by flowd", "testing", "NOT_SUPPORTED", {}});
  }
  if (out.contains("rssData")) {
    errors.push_back(
        {"RSS and blog emails are not supported by flowd", "rssData", "NOT_SUPPORTED", {}});
  }
  CanonicalDate(out, "publishDate", "publishDate", errors);
  if (auto* web = out.if_contains("webversion"); web && web->is_object()) {
    CanonicalDate(web->get_object(), "expiresAt", "webversion.expiresAt", errors);
  }
  if (!errors.empty()) {
    // One problem: its path and message; several: how many (each is in errors[]).
    std::string msg = errors.size() == 1
                          ? (errors[0].in.empty() ? "" : errors[0].in + ": ") + errors[0].message
                          : std::to_string(errors.size()) + " problems in the email";
    return Error::Invalid(std::move(msg), std::move(errors));
  }
  out.erase("archived");  // archiving is DELETE's job
  return out;
}

// Objects merge recursively; everything else is replaced.
void MergeInto(json::object& target, const json::object& patch) {
  for (const auto& kv : patch) {
    auto* existing = target.if_contains(kv.key());
    if (existing && existing->is_object() && kv.value().is_object()) {
      MergeInto(existing->get_object(), kv.value().get_object());
    } else {
      target[kv.key()] = kv.value();
    }
  }
}

store::MarketingEmailWrite ToWrite(json::object content) {
  store::MarketingEmailWrite w;
  w.name = std::string(content["name"].as_string());
  content.erase("name");
  w.content_json = json::serialize(content);
  return w;
}

json::object ParseContent(const store::MarketingEmailRecord& email) {
  boost::system::error_code ec;
  json::value v = json::parse(email.content_json, ec);
  return !ec && v.is_object() ? std::move(v.get_object()) : json::object();
}

std::string StringAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string_view TypeFor(std::string_view subcategory) {
  if (subcategory.starts_with("automated")) return "AUTOMATED_EMAIL";
  if (subcategory == "localtime") return "LOCALTIME_EMAIL";
  if (subcategory == "single_send_api") return "SINGLE_SEND_API";
  if (subcategory == "marketing_single_send_api") return "MARKETING_SINGLE_SEND_API";
  if (subcategory == "smtp_token") return "SMTP_TOKEN";
  if (subcategory == "optin_email") return "OPTIN_EMAIL";
  if (subcategory == "optin_followup_email") return "OPTIN_FOLLOWUP_EMAIL";
  if (subcategory == "resubscribe_email") return "RESUBSCRIBE_EMAIL";
  return "BATCH_EMAIL";
}

}  // namespace

Result<store::MarketingEmailRecord> MarketingEmailService::Create(int64_t account_id,
                                                                  const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object content, CanonicalEmailBody(body, /*create=*/true));
  if (!content.contains("state")) content["state"] = "DRAFT";
  if (!content.contains("subcategory")) content["subcategory"] = "batch";
  return store_.CreateEmail(account_id, ToWrite(std::move(content)), clock_.NowMs());
}

Result<store::MarketingEmailRecord> MarketingEmailService::Get(int64_t account_id, int64_t email_id,
                                                               bool archived) {
  auto email = store_.GetEmail(account_id, email_id);
  if (!email.ok()) return email;
  if (email->archived_at_ms.has_value() != archived) {
    return Error::NotFound(
        std::string(archived ? "Archived marketing email " : "Marketing email ") +
        std::to_string(email_id) + " not found");
  }
  return email;
}

Result<store::MarketingEmailPage> MarketingEmailService::List(int64_t account_id,
                                                              std::optional<int64_t> after_id,
                                                              size_t limit, bool archived) {
  return store_.ListEmails(account_id, after_id, limit, archived);
}

Result<store::MarketingEmailRecord> MarketingEmailService::Update(int64_t account_id,
                                                                  int64_t email_id,
                                                                  const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object patch, CanonicalEmailBody(body, /*create=*/false));
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord current, Get(account_id, email_id, false));
  json::object content = ParseContent(current);
  content["name"] = current.name;
  MergeInto(content, patch);
  return store_.UpdateEmail(account_id, email_id, ToWrite(std::move(content)), clock_.NowMs());
}

Result<store::MarketingEmailRecord> MarketingEmailService::Clone(int64_t account_id,
                                                                 const json::value& body) {
  const json::object* o = body.if_object();
  std::vector<ErrorDetail> errors;
  std::optional<int64_t> id;
  const auto* id_value = o ? o->if_contains("id") : nullptr;
  if (id_value && id_value->is_string()) {
    std::string_view text = id_value->get_string();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size() && v > 0) id = v;
  }
  if (!id_value) {
    errors.push_back({"Some required fields were not set: [id]", "id", "REQUIRED_FIELD", {}});
  } else if (!id_value->is_string()) {
    errors.push_back(
        {"Expected a string but got " + std::string(model::schema::JsonKindName(*id_value)),
         "id",
         "INVALID_TYPE",
         {}});
  }
  json::object overrides;
  for (const char* key : {"cloneName", "language"}) {
    const auto* v = o ? o->if_contains(key) : nullptr;
    if (v && !v->is_null()) overrides[key == std::string_view("cloneName") ? "name" : key] = *v;
  }
  if (!errors.empty()) {
    std::string msg = errors[0].message;
    return Error::Invalid(std::move(msg), std::move(errors));
  }
  FLOWD_ASSIGN_OR_RETURN(json::object checked, CanonicalEmailBody(overrides, /*create=*/false));
  if (!id)
    return Error::NotFound("Marketing email " + std::string(id_value->get_string()) + " not found");
  FLOWD_ASSIGN_OR_RETURN(store::MarketingEmailRecord original, Get(account_id, *id, false));
  json::object content = ParseContent(original);
  content["name"] = original.name + " (clone)";
  for (auto& kv : checked) content[kv.key()] = kv.value();
  content["state"] = "DRAFT";
  content["clonedFrom"] = std::to_string(original.id);
  return store_.CreateEmail(account_id, ToWrite(std::move(content)), clock_.NowMs());
}

Status MarketingEmailService::Archive(int64_t account_id, int64_t email_id) {
  return store_.ArchiveEmail(account_id, email_id, clock_.NowMs());
}

json::object MarketingEmailService::Render(const store::MarketingEmailRecord& email) {
  json::object content = ParseContent(email);
  json::object out;
  out["id"] = std::to_string(email.id);
  out["name"] = email.name;
  for (auto& kv : content) out[kv.key()] = std::move(kv.value());
  // The request's int64 is a string in PublicEmail.
  if (auto* unit = out.if_contains("businessUnitId"); unit && unit->is_int64()) {
    *unit = json::string(std::to_string(unit->get_int64()));
  }
  out["type"] = TypeFor(StringAt(out, "subcategory"));
  out["isPublished"] = false;
  out["isTransactional"] = false;
  out["archived"] = email.archived_at_ms.has_value();
  out["createdAt"] = FormatIso8601Ms(email.created_at_ms);
  out["updatedAt"] = FormatIso8601Ms(email.updated_at_ms);
  if (email.archived_at_ms) out["deletedAt"] = FormatIso8601Ms(*email.archived_at_ms);
  return out;
}

std::string MarketingEmailService::HtmlBody(const store::MarketingEmailRecord& email) {
  json::object content = ParseContent(email);
  const auto* c = content.if_contains("content");
  const auto* widgets = c && c->is_object() ? c->get_object().if_contains("widgets") : nullptr;
  if (!widgets || !widgets->is_object()) return "";
  struct Part {
    int64_t order;
    std::string key;
    std::string html;
  };
  std::vector<Part> parts;
  for (const auto& kv : widgets->get_object()) {
    const auto* w = kv.value().if_object();
    const auto* body = w ? w->if_contains("body") : nullptr;
    const auto* html = body && body->is_object() ? body->get_object().if_contains("html") : nullptr;
    if (!html || !html->is_string()) continue;
    const auto* order = w->if_contains("order");
    int64_t o =
        order && order->is_int64() ? order->get_int64() : std::numeric_limits<int64_t>::max();
    parts.push_back({o, std::string(kv.key()), std::string(html->get_string())});
  }
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return a.order != b.order ? a.order < b.order : a.key < b.key;
  });
  std::string out;
  for (const Part& p : parts) {
    if (p.html.empty()) continue;
    if (!out.empty()) out += '\n';
    out += p.html;
  }
  return out;
}

PersonalizedEmail MarketingEmailService::Personalize(const store::MarketingEmailRecord& email,
                                                     const TemplateValues& values) {
  json::object content = ParseContent(email);
  PersonalizedEmail out;
  out.subject = RenderPersonalization(StringAt(content, "subject"), values, ValueEscaping::kNone);
  out.html = RenderPersonalization(HtmlBody(email), values, ValueEscaping::kHtml);
  if (const auto* c = content.if_contains("content"); c && c->is_object()) {
    out.text = RenderPersonalization(StringAt(c->get_object(), "plainTextVersion"), values,
                                     ValueEscaping::kNone);
  }
  if (const auto* from = content.if_contains("from"); from && from->is_object()) {
    out.from_name = StringAt(from->get_object(), "fromName");
    out.reply_to = StringAt(from->get_object(), "replyTo");
  }
  return out;
}

}  // namespace flowd::crm
