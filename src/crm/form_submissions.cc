// FormService::Submit: HubSpot's public form submission endpoint
// (POST /submissions/v3/integration/submit/{portalId}/{formGuid}).
//
// Order of checks: client-IP rate (429), body size (413), portal and form (404), body shape and
// fields (400 listing every problem). Then the contact is created or updated by email (through
// ObjectService, attributed to source FORM / the form guid) and one `4-1639801` event is
// appended for it. Decisions where HubSpot's behaviour is not flowd's:
//   * only the form's contact (0-1) fields are written to the contact; values of other object
//     types' fields are kept in the event only (key "<objectTypeId>.<name>");
//   * empty values never clear a contact's value;
//   * a submission needs an email value or a `context.hutk` that identifies a known contact
//     (`hubspotutk`): flowd records submissions against contacts;
//   * the contact write and the event are two transactions: a failure between them leaves the
//     contact updated without the event (the submitter gets the error and may resubmit).
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <map>
#include <set>

#include "common/json.h"
#include "common/time_format.h"
#include "crm/form_definition.h"
#include "crm/form_service.h"
#include "crm/object_service.h"
#include "crm/owner_service.h"

namespace flowd::crm {
namespace json = boost::json;

namespace {

constexpr std::string_view kContactType = "0-1";
constexpr size_t kMaxContextString = 2048;

struct SubmittedField {
  std::string object_type_id;  // as sent (may be empty)
  std::string name;
  std::string value;
  size_t index = 0;
};

struct Submission {
  std::vector<SubmittedField> fields;
  std::string page_uri;
  std::string page_name;
  std::string hutk;
  std::string ip_address;
  std::optional<int64_t> submitted_at_ms;
};

void Problem(std::vector<ErrorDetail>& out, std::string in, std::string message, std::string code) {
  out.push_back(ErrorDetail{std::move(message), std::move(in), std::move(code), {}});
}

// A scalar JSON value as submitted text (HubSpot clients send numbers and booleans too).
std::optional<std::string> ScalarText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return json::serialize(v);
  return std::nullopt;
}

// The body's shape: {fields: [{objectTypeId?, name, value}], context?: {…}, submittedAt?,
// legalConsentOptions?, skipValidation?}.
Submission ReadSubmission(const json::value& body, size_t max_fields,
                          std::vector<ErrorDetail>& problems) {
  Submission s;
  const json::object* o = body.if_object();
  if (!o) {
    Problem(problems, "", "The request body must be a JSON object", "INVALID_JSON");
    return s;
  }
  const json::value* fields = o->if_contains("fields");
  if (!fields || !fields->is_array()) {
    Problem(problems, "fields", "fields is required and must be an array", "REQUIRED_FIELD");
  } else if (fields->get_array().size() > max_fields) {
    Problem(problems, "fields",
            "Too many fields: " + std::to_string(fields->get_array().size()) + " (limit " +
                std::to_string(max_fields) + ")",
            "LIMIT_EXCEEDED");
  } else {
    const json::array& arr = fields->get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      const std::string at = "fields[" + std::to_string(i) + "]";
      const json::object* f = arr[i].if_object();
      if (!f) {
        Problem(problems, at, "Each field must be an object {objectTypeId, name, value}",
                "INVALID_FIELD");
        continue;
      }
      SubmittedField sf;
      sf.index = i;
      const json::value* name = f->if_contains("name");
      if (!name || !name->is_string() || name->get_string().empty()) {
        Problem(problems, at + ".name", "A field needs a name", "REQUIRED_FIELD");
        continue;
      }
      sf.name = std::string(name->get_string());
      if (const json::value* t = f->if_contains("objectTypeId"); t && !t->is_null()) {
        if (!t->is_string()) {
          Problem(problems, at + ".objectTypeId", "objectTypeId must be a string", "INVALID_TYPE");
          continue;
        }
        sf.object_type_id = std::string(t->get_string());
      }
      const json::value* value = f->if_contains("value");
      std::optional<std::string> text = value ? ScalarText(*value) : std::nullopt;
      if (!text) {
        Problem(problems, at + ".value", "A field needs a value (a string)", "INVALID_VALUE");
        continue;
      }
      if (text->size() > kMaxPropertyValueBytes) {
        Problem(problems, at + ".value", "The value is longer than 65,536 bytes", "VALUE_TOO_LONG");
        continue;
      }
      sf.value = std::move(*text);
      s.fields.push_back(std::move(sf));
    }
  }
  if (const json::value* ctx = o->if_contains("context"); ctx && !ctx->is_null()) {
    if (!ctx->is_object()) {
      Problem(problems, "context", "context must be an object", "INVALID_TYPE");
    } else {
      auto read = [&](std::string_view key, std::string& out) {
        const json::value* v = ctx->get_object().if_contains(key);
        if (!v || v->is_null()) return;
        if (!v->is_string() || v->get_string().size() > kMaxContextString) {
          Problem(problems, "context." + std::string(key),
                  "context." + std::string(key) + " must be a string of at most 2,048 bytes",
                  "INVALID_TYPE");
          return;
        }
        out = std::string(v->get_string());
      };
      read("pageUri", s.page_uri);
      read("pageName", s.page_name);
      read("hutk", s.hutk);
      read("ipAddress", s.ip_address);
    }
  }
  if (const json::value* at = o->if_contains("submittedAt"); at && !at->is_null()) {
    // Epoch milliseconds, as a number or a string of digits (HubSpot's examples use both).
    std::optional<std::string> text = ScalarText(*at);
    int64_t ms = 0;
    bool ok = false;
    if (text && !at->is_bool()) {
      auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
      ok = ec == std::errc() && p == text->data() + text->size() && ms > 0;
    }
    if (ok) {
      s.submitted_at_ms = ms;
    } else {
      Problem(problems, "submittedAt", "submittedAt must be a time in epoch milliseconds",
              "INVALID_TIMESTAMP");
    }
  }
  if (const json::value* consent = o->if_contains("legalConsentOptions");
      consent && !consent->is_null() && !consent->is_object()) {
    Problem(problems, "legalConsentOptions", "legalConsentOptions must be an object",
            "INVALID_TYPE");
  }
  return s;
}

// The value checks a field type implies (before the property's own type check). False when a
// problem was reported.
bool CheckFieldValue(const FormFieldSpec& spec, const SubmittedField& f,
                     std::vector<ErrorDetail>& problems) {
  const std::string at = "fields." + f.name;
  const size_t before = problems.size();
  if (f.value.empty()) return true;
  if (spec.field_type == "email") {
    std::optional<std::string> email = NormalizeEmail(f.value);
    if (!email) {
      Problem(problems, at, "Error in '" + at + "'. Invalid email address", "INVALID_EMAIL");
      return false;
    }
    std::string domain = email->substr(email->find('@') + 1);
    if (std::find(spec.blocked_domains.begin(), spec.blocked_domains.end(), domain) !=
        spec.blocked_domains.end()) {
      Problem(
          problems, at,
          "Error in '" + at + "'. Email addresses at " + domain + " are not accepted by this form",
          "BLOCKED_EMAIL");
    }
  } else if (!spec.options.empty()) {
    std::vector<std::string> values;
    if (spec.field_type == "multiple_checkboxes") {
      size_t start = 0;
      while (start <= f.value.size()) {
        size_t semi = f.value.find(';', start);
        values.push_back(
            f.value.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
        if (semi == std::string::npos) break;
        start = semi + 1;
      }
    } else {
      values.push_back(f.value);
    }
    for (const std::string& v : values) {
      if (std::find(spec.options.begin(), spec.options.end(), v) == spec.options.end()) {
        Problem(
            problems, at,
            "Error in '" + at + "'. '" + v.substr(0, 128) + "' is not one of the field's options",
            "INVALID_OPTION");
        return false;
      }
    }
  } else if (spec.field_type == "single_checkbox") {
    if (f.value != "true" && f.value != "false") {
      Problem(problems, at, "Error in '" + at + "'. A checkbox value must be true or false",
              "INVALID_BOOLEAN");
    }
  }
  return problems.size() == before;
}

}  // namespace

Result<SubmissionResult> FormService::Submit(const SubmissionRequest& req) {
  int64_t retry_after_ms = 0;
  if (!limiter_.Admit(req.client_ip, &retry_after_ms)) {
    Error e{ErrorCode::kRateLimited,
            "Too many form submissions from this address; try again in " +
                std::to_string((retry_after_ms + 999) / 1000) + " s",
            {},
            {{"retryAfterSeconds", {std::to_string((retry_after_ms + 999) / 1000)}}},
            std::nullopt};
    return e;
  }
  if (req.body.size() > limits_.max_body_bytes) {
    return Error{
        ErrorCode::kPayloadTooLarge,
        "A form submission may be at most " + std::to_string(limits_.max_body_bytes) + " bytes",
        {},
        {},
        std::nullopt};
  }
  int64_t account_id = 0;
  {
    auto [p, ec] = std::from_chars(req.portal_id.data(),
                                   req.portal_id.data() + req.portal_id.size(), account_id);
    if (ec != std::errc() || p != req.portal_id.data() + req.portal_id.size() || account_id <= 0) {
      return Error::NotFound("Portal " + req.portal_id.substr(0, 64) + " not found");
    }
  }
  if (req.form_id.size() > 64) return Error::NotFound("Form not found");
  auto form = store_.GetForm(account_id, req.form_id);
  if (!form.ok() || form->archived_at_ms) {
    return Error::NotFound("Form " + req.form_id + " not found in portal " + req.portal_id);
  }
  if (!objects_) {
    return Error{ErrorCode::kNotImplemented,
                 "Form submissions are not enabled in this server (no object service)",
                 {},
                 {},
                 std::nullopt};
  }

  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseJsonStrict(req.body));
  std::vector<ErrorDetail> problems;
  Submission sub = ReadSubmission(body, limits_.max_fields, problems);

  const json::object definition = Definition(*form);
  const std::vector<FormFieldSpec> specs = FormFields(definition);
  // Submitted fields by (type, name), each matched against the form.
  std::map<std::pair<std::string, std::string>, const SubmittedField*> given;
  std::set<std::pair<std::string, std::string>> rejected;  // problems already reported
  for (const SubmittedField& f : sub.fields) {
    const FormFieldSpec* spec = nullptr;
    for (const FormFieldSpec& s : specs) {
      if (s.name == f.name && (f.object_type_id.empty() || s.object_type_id == f.object_type_id)) {
        spec = &s;
        break;
      }
    }
    const std::string at = "fields[" + std::to_string(f.index) + "]";
    if (!spec) {
      Problem(problems, at + ".name",
              "Error in 'fields." + f.name.substr(0, 128) + "'. This field is not on the form",
              "FIELD_NOT_IN_FORM_DEFINITION");
      continue;
    }
    auto key = std::make_pair(spec->object_type_id, spec->name);
    if (given.count(key)) {
      Problem(problems, at + ".name",
              "Error in 'fields." + f.name + "'. The field is submitted more than once",
              "DUPLICATE_FIELD");
      continue;
    }
    given[key] = &f;
    if (!CheckFieldValue(*spec, f, problems)) rejected.insert(key);
  }
  for (const FormFieldSpec& s : specs) {
    if (!s.required) continue;
    auto it = given.find({s.object_type_id, s.name});
    if (it == given.end() || it->second->value.empty()) {
      Problem(problems, "fields." + s.name,
              "Error in 'fields." + s.name + "'. Required field '" + s.name + "' is missing",
              "REQUIRED_FIELD");
    }
  }

  // Each value against its property's type (the canonical form is what gets written).
  std::map<std::string, std::shared_ptr<const PropertySet>> property_sets;
  std::map<std::pair<std::string, std::string>, std::string> normalized;
  for (const auto& [key, f] : given) {
    if (f->value.empty() || rejected.count(key)) continue;
    auto sets = property_sets.find(key.first);
    if (sets == property_sets.end()) {
      auto type = objects_->Type(account_id, key.first);
      std::shared_ptr<const PropertySet> set;
      if (type.ok()) {
        auto props = objects_->Properties(account_id, *type);
        if (props.ok()) set = *props;
      }
      sets = property_sets.emplace(key.first, set).first;
    }
    const store::PropertyRecord* p = sets->second ? sets->second->Find(key.second) : nullptr;
    if (!p) {
      Problem(problems, "fields." + key.second,
              "Error in 'fields." + key.second + "'. The form field's property no longer exists",
              "PROPERTY_DOESNT_EXIST");
      continue;
    }
    std::string value = f->value;
    if (key.first == kContactType && key.second == "email") {
      std::optional<std::string> e = NormalizeEmail(value);
      if (!e) {
        Problem(problems, "fields.email", "Error in 'fields.email'. Invalid email address",
                "INVALID_EMAIL");
        continue;
      }
      value = *e;
    }
    auto n = NormalizePropertyValue(*p, value);
    if (auto* err = std::get_if<ErrorDetail>(&n)) {
      Problem(problems, "fields." + key.second,
              "Error in 'fields." + key.second + "'. " + err->message, err->code);
      continue;
    }
    normalized[key] = std::get<std::string>(std::move(n));
  }

  // Which contact: by email, else by a known hutk.
  std::optional<std::string> email;
  if (auto it = normalized.find({std::string(kContactType), "email"}); it != normalized.end()) {
    email = it->second;
  }
  std::optional<int64_t> hutk_contact;
  if (!email && problems.empty()) {
    if (!sub.hutk.empty()) {
      FLOWD_ASSIGN_OR_RETURN(auto ids,
                             objects_->objects().FindByValues(account_id, std::string(kContactType),
                                                              "hubspotutk", {sub.hutk}, 1));
      if (!ids.empty()) hutk_contact = ids.front();
    }
    if (!hutk_contact) {
      Problem(problems, "fields.email",
              "Error in 'fields.email'. The submission needs an email address (or a hutk of a "
              "known contact) to record the contact",
              "MISSING_EMAIL");
    }
  }
  if (!problems.empty()) {
    // The first few problems in the message too: a submitter often reads nothing else.
    std::string msg = problems.size() == 1
                          ? problems[0].message
                          : "The submission has " + std::to_string(problems.size()) + " errors: ";
    for (size_t i = 0; problems.size() > 1 && i < problems.size() && i < 3; ++i) {
      msg += (i ? "; " : "") + problems[i].message;
    }
    return Error::Invalid(std::move(msg), std::move(problems));
  }

  // Write the contact's values.
  ObjectInput input;
  for (const auto& [key, value] : normalized) {
    if (key.first == kContactType && key.second != "email") input.properties[key.second] = value;
  }
  Caller caller;
  caller.account_id = account_id;
  // A form writes what its fields name, sensitive properties included (the form's author chose).
  static const std::vector<std::string> kFormScopes = {"crm.objects.contacts.write",
                                                       "crm.objects.contacts.sensitive.write"};
  caller.scopes = kFormScopes;
  caller.source = store::ChangeSource{"FORM", req.form_id};
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo contact_type,
                         objects_->Type(account_id, std::string(kContactType)));
  if (!sub.hutk.empty()) {
    FLOWD_ASSIGN_OR_RETURN(auto contact_props, objects_->Properties(account_id, contact_type));
    if (contact_props->Find("hubspotutk")) input.properties["hubspotutk"] = sub.hutk;
  }
  SubmissionResult result;
  if (email) {
    FLOWD_ASSIGN_OR_RETURN(
        auto upserted, objects_->UpsertByUniqueValue(caller, contact_type, "email", *email, input));
    result.contact_id = upserted.first.record.id;
  } else {
    result.contact_id = *hutk_contact;
    if (!input.properties.empty()) {
      FLOWD_TRY(objects_->Update(caller, contact_type,
                                 ObjectRef{std::to_string(result.contact_id), ""}, input));
    }
  }

  store::CrmEvent event;
  event.account_id = account_id;
  event.event_type_id = std::string(store::kEventFormSubmitted);
  event.object_type_id = std::string(kContactType);
  event.object_id = result.contact_id;
  event.occurred_at_ms = sub.submitted_at_ms.value_or(clock_.NowMs());
  for (const auto& [key, f] : given) {
    event.properties[key.first == kContactType ? key.second : key.first + "." + key.second] =
        normalized.count(key) ? normalized[key] : f->value;
  }
  event.properties["hs_form_id"] = req.form_id;
  event.properties["hs_form_type"] = form->form_type;
  if (!sub.page_uri.empty()) event.properties["hs_page_url"] = sub.page_uri;
  if (!sub.page_name.empty()) event.properties["hs_page_title"] = sub.page_name;
  event.properties["hs_ip_address"] = sub.ip_address.empty() ? req.client_ip : sub.ip_address;
  FLOWD_ASSIGN_OR_RETURN(result.events, objects_->objects().AppendEvents({event}));

  const json::value* action = nullptr;
  if (const auto* config = definition.if_contains("configuration"); config && config->is_object()) {
    action = config->get_object().if_contains("postSubmitAction");
  }
  std::string type, value;
  if (action && action->is_object()) {
    if (const auto* t = action->get_object().if_contains("type"); t && t->is_string()) {
      type = t->get_string();
    }
    if (const auto* v = action->get_object().if_contains("value"); v && v->is_string()) {
      value = v->get_string();
    }
  }
  if (type == "redirect_url" && !value.empty()) {
    result.redirect_uri = value;
  } else {
    result.inline_message = value.empty() ? "Thanks for submitting the form." : value;
  }
  return result;
}

}  // namespace flowd::crm
