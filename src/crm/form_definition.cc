// The forms v3 schemas (components.schemas of forms.v3) written as data for the model/ schema
// walker, and the checks and defaults around them.
#include "crm/form_definition.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <set>
#include <string_view>

#include "crm/object_types.h"
#include "model/schema.h"

namespace flowd::crm {
namespace json = boost::json;
using model::schema::Field;
using model::schema::kOptional;
using model::schema::kRequired;

namespace {

constexpr size_t kMaxFormNameLength = 1024;

const std::vector<std::string>& FieldTypes() {
  static const std::vector<std::string> kTypes = {"email",
                                                  "phone",
                                                  "mobile_phone",
                                                  "single_line_text",
                                                  "multi_line_text",
                                                  "number",
                                                  "single_checkbox",
                                                  "multiple_checkboxes",
                                                  "dropdown",
                                                  "radio",
                                                  "datepicker",
                                                  "file",
                                                  "payment_link_radio"};
  return kTypes;
}

bool HasOptions(std::string_view field_type) {
  return field_type == "dropdown" || field_type == "radio" || field_type == "multiple_checkboxes" ||
         field_type == "payment_link_radio";
}

// The object name of the variant schema of a field type ("email" → "EmailField").
std::string FieldSchemaName(std::string_view field_type) {
  return "Field_" + std::string(field_type);
}

void DefineFormSchemas(model::schema::Registry& r) {
  const auto* str = r.String();
  const auto* boolean = r.Bool();
  const auto* strings = r.Array(str);

  r.Object("Option", {{"label", str}, {"value", str, kRequired}, {"displayOrder", r.Int32()}});
  r.Object("EmailValidation", {{"blockedEmailDomains", strings}, {"useDefaultBlockList", boolean}});
  r.Object("DigitsValidation",
           {{"minAllowedDigits", r.Int32(0, 1000)}, {"maxAllowedDigits", r.Int32(0, 1000)}});
  r.Object("DependentFieldFilter", {{"operator",
                                     r.Enum({"between",
                                             "contains",
                                             "doesnt_contain",
                                             "eq",
                                             "gt",
                                             "gte",
                                             "is_not_empty",
                                             "lt",
                                             "lte",
                                             "neq",
                                             "not_between",
                                             "set_all",
                                             "set_any",
                                             "set_eq",
                                             "set_neq",
                                             "set_not_all",
                                             "set_not_any",
                                             "str_ends_with",
                                             "str_starts_with",
                                             "within_time",
                                             "within_time_reverse"}),
                                     kRequired},
                                    {"rangeEnd", str},
                                    {"rangeStart", str},
                                    {"value", str},
                                    {"values", strings}});
  r.Object("DependentField", {{"dependentCondition", r.Ref("DependentFieldFilter"), kRequired},
                              {"dependentField", r.Union("Field"), kRequired}});

  std::vector<model::schema::RuleSpec> rules;
  for (const std::string& type : FieldTypes()) {
    std::vector<Field> fields = {
        {"fieldType", r.Enum({type}), kRequired},
        {"objectTypeId", str, kRequired},
        {"name", str, kRequired},
        {"label", str},
        {"required", boolean},
        {"hidden", boolean},
        {"dependentFields", r.Array(r.Ref("DependentField"))},
    };
    if (HasOptions(type)) {
      fields.emplace_back("options", r.Array(r.Ref("Option")));
      fields.emplace_back("defaultValues", strings);
    } else {
      fields.emplace_back("defaultValue", str);
    }
    if (type != "single_checkbox" && type != "multiple_checkboxes" &&
        type != "payment_link_radio") {
      fields.emplace_back("placeholder", str);
    }
    if (type == "email") fields.emplace_back("validation", r.Ref("EmailValidation"));
    if (type == "phone" || type == "mobile_phone" || type == "number") {
      fields.emplace_back("validation", r.Ref("DigitsValidation"));
    }
    if (type == "phone") fields.emplace_back("useCountryCodeSelect", boolean);
    if (type == "file") fields.emplace_back("allowMultipleFiles", boolean);
    r.Object(FieldSchemaName(type), std::move(fields));
    rules.push_back({"fieldType", type, FieldSchemaName(type)});
  }
  r.DefineUnion("Field", "fieldType", std::move(rules));

  r.Object("FieldGroup", {{"fields", r.Array(r.Union("Field")), kRequired},
                          {"groupType", r.Enum({"default_group", "progressive", "queued"})},
                          {"richText", str},
                          {"richTextType", r.Enum({"image", "text"})}});
  r.Object("LifecycleStage", {{"objectTypeId", str, kRequired}, {"value", str, kRequired}});
  r.Object("PostSubmitAction",
           {{"type", r.Enum({"redirect_url", "thank_you"}), kRequired}, {"value", str, kRequired}});
  r.Object("Configuration",
           {{"allowLinkToResetKnownValues", boolean},
            {"archivable", boolean},
            {"cloneable", boolean},
            {"createNewContactForNewEmail", boolean},
            {"editable", boolean},
            {"embedType", r.Enum({"V3", "V4"})},
            {"language",
             r.Enum({"af", "ar-eg", "bg",    "bn",    "ca-es", "cs",    "da",    "de",    "el",
                     "en", "en-gb", "es",    "es-mx", "fi",    "fr",    "fr-ca", "he-il", "hr",
                     "hu", "id",    "it",    "ja",    "ko",    "lt",    "ms",    "nl",    "no-no",
                     "pl", "pt",    "pt-br", "ro",    "ru",    "sk",    "sl",    "sv",    "th",
                     "tl", "tr",    "uk",    "vi",    "zh-cn", "zh-hk", "zh-tw"})},
            {"lifecycleStages", r.Array(r.Ref("LifecycleStage"))},
            {"notifyContactOwner", boolean},
            {"notifyRecipients", strings},
            {"postSubmitAction", r.Ref("PostSubmitAction")},
            {"prePopulateKnownValues", boolean},
            {"recaptchaEnabled", boolean}});
  r.Object("FormStyle", {{"backgroundWidth", str},
                         {"fontFamily", str},
                         {"helpTextColor", str},
                         {"helpTextSize", str},
                         {"labelTextColor", str},
                         {"labelTextSize", str},
                         {"legalConsentTextColor", str},
                         {"legalConsentTextSize", str},
                         {"submitAlignment", r.Enum({"center", "left", "right"})},
                         {"submitColor", str},
                         {"submitFontColor", str},
                         {"submitSize", str}});
  r.Object("DisplayOptions",
           {{"cssClass", str},
            {"renderRawHtml", boolean},
            {"style", r.Ref("FormStyle")},
            {"submitButtonText", str},
            {"theme", r.Enum({"canvas", "default_style", "legacy", "linear", "round", "sharp"})}});
  r.Object("ConsentCheckbox",
           {{"label", str}, {"required", boolean}, {"subscriptionTypeId", r.Int64(), kRequired}});
  r.Object("LegalConsent_none", {{"type", r.Enum({"none"}), kRequired}});
  r.Object("LegalConsent_legitimate_interest",
           {{"type", r.Enum({"legitimate_interest"}), kRequired},
            {"lawfulBasis", r.Enum({"client", "lead", "other"})},
            {"privacyText", str},
            {"subscriptionTypeIds", r.Array(r.Int64())}});
  r.Object("LegalConsent_explicit_consent_to_process",
           {{"type", r.Enum({"explicit_consent_to_process"}), kRequired},
            {"communicationConsentText", str},
            {"communicationsCheckboxes", r.Array(r.Ref("ConsentCheckbox"))},
            {"consentToProcessCheckboxLabel", str},
            {"consentToProcessFooterText", str},
            {"consentToProcessText", str},
            {"privacyText", str}});
  r.Object("LegalConsent_implicit_consent_to_process",
           {{"type", r.Enum({"implicit_consent_to_process"}), kRequired},
            {"communicationConsentText", str},
            {"communicationsCheckboxes", r.Array(r.Ref("ConsentCheckbox"))},
            {"consentToProcessText", str},
            {"privacyText", str}});
  std::vector<model::schema::RuleSpec> consent;
  for (const char* t : {"none", "legitimate_interest", "explicit_consent_to_process",
                        "implicit_consent_to_process"}) {
    consent.push_back({"type", t, std::string("LegalConsent_") + t});
  }
  r.DefineUnion("LegalConsent", "type", std::move(consent));

  std::vector<Field> body = {{"name", str},
                             {"formType", r.Enum({"hubspot"})},
                             {"fieldGroups", r.Array(r.Ref("FieldGroup"))},
                             {"configuration", r.Ref("Configuration")},
                             {"displayOptions", r.Ref("DisplayOptions")},
                             {"legalConsentOptions", r.Union("LegalConsent")}};
  r.Object("FormBody", body);
  body.emplace_back("archived", boolean);
  r.Object("FormPatch", std::move(body));
}

const model::schema::Registry& Schemas() {
  static const model::schema::Registry* registry = [] {
    auto* r = new model::schema::Registry();  // lives for the process
    DefineFormSchemas(*r);
    return r;
  }();
  return *registry;
}

const model::FlowLimits& Limits() {
  static const model::FlowLimits kLimits = [] {
    model::FlowLimits l;
    l.max_string_length = 65536;
    l.max_array_items = 1000;
    return l;
  }();
  return kLimits;
}

// Recursively adds the keys of `defaults` that `target` lacks (objects merge, the rest is kept).
void MergeDefaults(json::object& target, const json::object& defaults) {
  for (const auto& kv : defaults) {
    auto* existing = target.if_contains(kv.key());
    if (!existing) {
      target[kv.key()] = kv.value();
    } else if (existing->is_object() && kv.value().is_object()) {
      MergeDefaults(existing->get_object(), kv.value().get_object());
    }
  }
}

json::object ParseObject(std::string_view text) { return json::parse(text).as_object(); }

void ApplyFieldDefaults(json::object& field) {
  static const json::object kFieldDefaults =
      ParseObject(R"({"label":"","required":false,"hidden":false,"dependentFields":[]})");
  MergeDefaults(field, kFieldDefaults);
  std::string type;  // a copy: the defaults merged below may move the field's storage
  if (const auto* t = field.if_contains("fieldType"); t && t->is_string()) type = t->get_string();
  if (type == "email") {
    static const json::object kEmailDefaults =
        ParseObject(R"({"validation":{"blockedEmailDomains":[],"useDefaultBlockList":false}})");
    MergeDefaults(field, kEmailDefaults);
  } else if (type == "phone") {
    static const json::object kPhoneDefaults = ParseObject(
        R"({"useCountryCodeSelect":false,"validation":{"minAllowedDigits":7,"maxAllowedDigits":20}})");
    MergeDefaults(field, kPhoneDefaults);
  } else if (type == "mobile_phone") {
    static const json::object kMobileDefaults =
        ParseObject(R"({"validation":{"minAllowedDigits":7,"maxAllowedDigits":20}})");
    MergeDefaults(field, kMobileDefaults);
  } else if (type == "number") {
    if (auto* v = field.if_contains("validation"); v && v->is_object()) {
      static const json::object kNumberValidationDefaults =
          ParseObject(R"({"minAllowedDigits":0,"maxAllowedDigits":1000})");
      MergeDefaults(v->get_object(), kNumberValidationDefaults);
    }
  } else if (type == "file") {
    static const json::object kFileDefaults = ParseObject(R"({"allowMultipleFiles":false})");
    MergeDefaults(field, kFileDefaults);
  } else if (HasOptions(type)) {
    static const json::object kOptionsDefaults =
        ParseObject(R"({"options":[],"defaultValues":[]})");
    MergeDefaults(field, kOptionsDefaults);
    if (auto* opts = field.if_contains("options"); opts && opts->is_array()) {
      int64_t i = 0;
      for (auto& o : opts->get_array()) {
        if (!o.is_object()) continue;
        json::object& opt = o.get_object();
        if (!opt.contains("label") && opt.contains("value")) {
          json::value label = opt.at("value");  // copied: inserting may move the storage
          opt["label"] = std::move(label);
        }
        if (!opt.contains("displayOrder")) opt["displayOrder"] = i;
        ++i;
      }
    }
  }
  if (auto* deps = field.if_contains("dependentFields"); deps && deps->is_array()) {
    for (auto& d : deps->get_array()) {
      if (!d.is_object()) continue;
      json::object& dep = d.get_object();
      if (auto* cond = dep.if_contains("dependentCondition"); cond && cond->is_object()) {
        static const json::object kConditionDefaults =
            ParseObject(R"({"rangeEnd":"","rangeStart":"","value":"","values":[]})");
        MergeDefaults(cond->get_object(), kConditionDefaults);
      }
      if (auto* inner = dep.if_contains("dependentField"); inner && inner->is_object()) {
        ApplyFieldDefaults(inner->get_object());
      }
    }
  }
}

void ApplyConsentDefaults(json::object& consent) {
  std::string type;  // a copy: the defaults merged below may move the object's storage
  if (const auto* t = consent.if_contains("type"); t && t->is_string()) type = t->get_string();
  if (type == "legitimate_interest") {
    static const json::object kLegitimateInterestDefaults =
        ParseObject(R"({"lawfulBasis":"lead","privacyText":"","subscriptionTypeIds":[]})");
    MergeDefaults(consent, kLegitimateInterestDefaults);
  } else if (type == "explicit_consent_to_process" || type == "implicit_consent_to_process") {
    static const json::object kConsentDefaults =
        ParseObject(R"({"privacyText":"","communicationsCheckboxes":[]})");
    MergeDefaults(consent, kConsentDefaults);
    for (auto& c : consent["communicationsCheckboxes"].as_array()) {
      static const json::object kCheckboxDefaults = ParseObject(R"({"label":"","required":false})");
      if (c.is_object()) MergeDefaults(c.get_object(), kCheckboxDefaults);
    }
  }
}

// ---- semantic checks

struct Checker {
  std::vector<ErrorDetail>& errors;
  std::set<std::string> names;

  void Add(std::string in, std::string message, std::string code) {
    errors.push_back({std::move(message), std::move(in), std::move(code), {}});
  }

  void CheckField(const json::object& field, const std::string& path) {
    const auto* name = field.if_contains("name");
    if (name && name->is_string()) {
      std::string n(name->get_string());
      if (n.empty()) {
        Add(path + ".name", "A field name must not be empty", "INVALID_VALUE");
      } else if (!names.insert(n).second) {
        Add(path + ".name", "Field '" + n.substr(0, 128) + "' appears more than once in the form",
            "DUPLICATE_FIELD");
      }
    }
    const auto* type_id = field.if_contains("objectTypeId");
    if (type_id && type_id->is_string()) {
      std::string_view id = type_id->get_string();
      auto standard = FindStandardObjectType(id);
      if (!(standard && standard->id == id) && !IsCustomObjectTypeId(id)) {
        Add(path + ".objectTypeId",
            "Unknown objectTypeId '" + std::string(id.substr(0, 64)) +
                "'; expected an object type id such as 0-1 (contacts) or 0-2 (companies)",
            "INVALID_OBJECT_TYPE");
      }
    }
    if (const auto* opts = field.if_contains("options"); opts && opts->is_array()) {
      std::set<std::string> seen;
      for (size_t i = 0; i < opts->get_array().size(); ++i) {
        const auto* o = opts->get_array()[i].if_object();
        const auto* v = o ? o->if_contains("value") : nullptr;
        if (v && v->is_string() && !seen.insert(std::string(v->get_string())).second) {
          Add(path + ".options[" + std::to_string(i) + "].value",
              "Option value '" + std::string(v->get_string()).substr(0, 128) + "' is listed twice",
              "DUPLICATE_OPTION");
        }
      }
    }
    if (const auto* deps = field.if_contains("dependentFields"); deps && deps->is_array()) {
      for (size_t i = 0; i < deps->get_array().size(); ++i) {
        const auto* d = deps->get_array()[i].if_object();
        const auto* inner = d ? d->if_contains("dependentField") : nullptr;
        if (inner && inner->is_object()) {
          CheckField(inner->get_object(),
                     path + ".dependentFields[" + std::to_string(i) + "].dependentField");
        }
      }
    }
  }

  void CheckBody(const json::object& body, FormBodyKind kind) {
    const auto* name = body.if_contains("name");
    if (name && name->is_string()) {
      if (name->get_string().empty()) {
        Add("name", "The form name must not be empty", "INVALID_VALUE");
      } else if (name->get_string().size() > kMaxFormNameLength) {
        Add("name", "The form name is longer than 1024 bytes", "VALUE_TOO_LONG");
      }
    } else if (!name && kind != FormBodyKind::kPatch) {
      Add("name", "Some required fields were not set: [name]", "REQUIRED_FIELD");
    }
    if (const auto* groups = body.if_contains("fieldGroups"); groups && groups->is_array()) {
      for (size_t g = 0; g < groups->get_array().size(); ++g) {
        const auto* group = groups->get_array()[g].if_object();
        const auto* fields = group ? group->if_contains("fields") : nullptr;
        if (!fields || !fields->is_array()) continue;
        for (size_t f = 0; f < fields->get_array().size(); ++f) {
          if (const auto* field = fields->get_array()[f].if_object()) {
            CheckField(*field,
                       "fieldGroups[" + std::to_string(g) + "].fields[" + std::to_string(f) + "]");
          }
        }
      }
    }
    const auto* config = body.if_contains("configuration");
    const auto* action = config && config->is_object()
                             ? config->get_object().if_contains("postSubmitAction")
                             : nullptr;
    if (action && action->is_object()) {
      const auto* type = action->get_object().if_contains("type");
      const auto* value = action->get_object().if_contains("value");
      if (type && type->is_string() && type->get_string() == "redirect_url" && value &&
          value->is_string()) {
        std::string_view url = value->get_string();
        if (!url.starts_with("http://") && !url.starts_with("https://")) {
          Add("configuration.postSubmitAction.value",
              "A redirect_url post-submit action needs an http(s) URL", "INVALID_URL");
        }
      }
    }
  }
};

void CollectFields(const json::object& field, const std::string& path, bool dependent,
                   std::vector<FormFieldSpec>& out) {
  FormFieldSpec spec;
  spec.path = path;
  auto text = [&](std::string_view key) -> std::string {
    const auto* v = field.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto flag = [&](std::string_view key) {
    const auto* v = field.if_contains(key);
    return v && v->is_bool() && v->get_bool();
  };
  spec.object_type_id = text("objectTypeId");
  spec.name = text("name");
  spec.field_type = text("fieldType");
  spec.dependent = dependent;
  spec.required = flag("required") && !dependent;
  spec.hidden = flag("hidden");
  if (const auto* opts = field.if_contains("options"); opts && opts->is_array()) {
    for (const auto& o : opts->get_array()) {
      const auto* v = o.is_object() ? o.get_object().if_contains("value") : nullptr;
      if (v && v->is_string()) spec.options.emplace_back(v->get_string());
    }
  }
  if (const auto* val = field.if_contains("validation"); val && val->is_object()) {
    if (const auto* b = val->get_object().if_contains("blockedEmailDomains"); b && b->is_array()) {
      for (const auto& d : b->get_array()) {
        if (!d.is_string()) continue;
        std::string domain(d.get_string());
        for (char& c : domain) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        spec.blocked_domains.push_back(std::move(domain));
      }
    }
  }
  out.push_back(std::move(spec));
  if (const auto* deps = field.if_contains("dependentFields"); deps && deps->is_array()) {
    for (size_t i = 0; i < deps->get_array().size(); ++i) {
      const auto& d = deps->get_array()[i];
      const auto* inner = d.is_object() ? d.get_object().if_contains("dependentField") : nullptr;
      if (inner && inner->is_object()) {
        CollectFields(inner->get_object(),
                      path + ".dependentFields[" + std::to_string(i) + "].dependentField", true,
                      out);
      }
    }
  }
}

}  // namespace

Result<json::object> CanonicalFormBody(const json::value& body, FormBodyKind kind) {
  if (!body.is_object()) {
    return Error::Invalid(
        "The request body must be a JSON object",
        {{"Expected an object but got " + std::string(model::schema::JsonKindName(body)),
          "",
          "INVALID_TYPE",
          {}}});
  }
  const model::schema::Registry& reg = Schemas();
  model::schema::Context ctx(Limits());
  model::schema::Path path;
  json::object out = model::schema::WalkObject(
      *reg.FindObject(kind == FormBodyKind::kPatch ? "FormPatch" : "FormBody"), body.get_object(),
      path, ctx);
  std::vector<ErrorDetail> errors = ctx.TakeErrors();
  Checker{errors, {}}.CheckBody(out, kind);
  if (!errors.empty()) {
    // One problem: its path and message; several: how many (each is in errors[]).
    std::string msg = errors.size() == 1
                          ? (errors[0].in.empty() ? "" : errors[0].in + ": ") + errors[0].message
                          : std::to_string(errors.size()) + " problems in the form definition";
    return Error::Invalid(std::move(msg), std::move(errors));
  }
  return out;
}

void ApplyFormDefaults(json::object& definition) {
  static const json::object kFormDefaults = ParseObject(R"({
    "formType": "hubspot",
    "fieldGroups": [],
    "configuration": {
      "language": "en", "cloneable": true, "editable": true, "archivable": true,
      "recaptchaEnabled": false, "notifyContactOwner": false, "notifyRecipients": [],
      "createNewContactForNewEmail": false, "prePopulateKnownValues": true,
      "allowLinkToResetKnownValues": false, "lifecycleStages": [],
      "postSubmitAction": {"type": "thank_you", "value": ""}
    },
    "displayOptions": {
      "renderRawHtml": false, "theme": "default_style", "submitButtonText": "Submit",
      "style": {
        "fontFamily": "arial, helvetica, sans-serif", "backgroundWidth": "100%",
        "labelTextColor": "#33475b", "labelTextSize": "14px", "helpTextColor": "#7C98B6",
        "helpTextSize": "11px", "legalConsentTextColor": "#33475b",
        "legalConsentTextSize": "14px", "submitColor": "#ff7a59", "submitAlignment": "left",
        "submitFontColor": "#ffffff", "submitSize": "12px"
      }
    },
    "legalConsentOptions": {"type": "none"}
  })");
  MergeDefaults(definition, kFormDefaults);
  for (auto& g : definition["fieldGroups"].as_array()) {
    if (!g.is_object()) continue;
    json::object& group = g.get_object();
    static const json::object kGroupDefaults =
        ParseObject(R"({"groupType":"default_group","richTextType":"text","fields":[]})");
    MergeDefaults(group, kGroupDefaults);
    for (auto& f : group["fields"].as_array()) {
      if (f.is_object()) ApplyFieldDefaults(f.get_object());
    }
  }
  if (auto* consent = definition.if_contains("legalConsentOptions");
      consent && consent->is_object()) {
    ApplyConsentDefaults(consent->get_object());
  }
}

std::vector<FormFieldSpec> FormFields(const json::object& definition) {
  std::vector<FormFieldSpec> out;
  const auto* groups = definition.if_contains("fieldGroups");
  if (!groups || !groups->is_array()) return out;
  for (size_t g = 0; g < groups->get_array().size(); ++g) {
    const auto& group = groups->get_array()[g];
    const auto* fields = group.is_object() ? group.get_object().if_contains("fields") : nullptr;
    if (!fields || !fields->is_array()) continue;
    for (size_t f = 0; f < fields->get_array().size(); ++f) {
      const auto& field = fields->get_array()[f];
      if (!field.is_object()) continue;
      CollectFields(field.get_object(),
                    "fieldGroups[" + std::to_string(g) + "].fields[" + std::to_string(f) + "]",
                    false, out);
    }
  }
  return out;
}

}  // namespace flowd::crm
