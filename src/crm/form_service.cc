#include "crm/form_service.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/crypto.h"
#include "common/time_format.h"
#include "crm/form_definition.h"

namespace flowd::crm {
namespace json = boost::json;

namespace {

// The server fields of a form, kept in columns rather than in the stored definition.
void DropServerFields(json::object& o) {
  for (const char* k :
       {"id", "name", "formType", "createdAt", "updatedAt", "archived", "archivedAt"}) {
    o.erase(k);
  }
}

Error NotFound(const std::string& form_id, bool archived) {
  return Error::NotFound(std::string(archived ? "Archived form " : "Form ") + form_id +
                         " not found");
}

}  // namespace

FormService::FormService(store::FormStore& store, const Clock& clock, PropertyCatalog* properties,
                         ObjectService* objects, SubmissionLimits limits)
    : store_(store),
      clock_(clock),
      properties_(properties),
      objects_(objects),
      limiter_(clock, limits.per_ip_per_minute, limits.max_tracked_ips),
      limits_(limits) {}

Status FormService::CheckProperties(int64_t account_id, const json::object& definition) {
  if (!properties_) return Status::Ok();
  std::vector<ErrorDetail> errors;
  for (const FormFieldSpec& f : FormFields(definition)) {
    FLOWD_ASSIGN_OR_RETURN(auto props, properties_->PropertiesOf(account_id, f.object_type_id));
    const store::PropertyRecord* p = props->Find(f.name);
    if (!p) {
      errors.push_back({"Property '" + f.name.substr(0, 128) + "' does not exist on object type " +
                            f.object_type_id,
                        f.path + ".name",
                        "INVALID_PROPERTY",
                        {}});
    } else if (p->read_only_value || p->calculated) {
      errors.push_back({"Property '" + f.name + "' is read-only and cannot be a form field",
                        f.path + ".name",
                        "READ_ONLY_PROPERTY",
                        {}});
    }
  }
  if (errors.empty()) return Status::Ok();
  std::string msg = errors.size() == 1 ? errors[0].message
                                       : std::to_string(errors.size()) + " invalid form fields";
  return Error::Invalid(std::move(msg), std::move(errors));
}

Result<store::FormRecord> FormService::Store(int64_t account_id, const std::string& form_id,
                                             json::object definition, bool archived, bool create) {
  ApplyFormDefaults(definition);
  FLOWD_TRY(CheckProperties(account_id, definition));
  store::FormWrite w;
  w.name = std::string(definition["name"].as_string());
  w.form_type = std::string(definition["formType"].as_string());
  DropServerFields(definition);
  w.content_json = json::serialize(definition);
  if (create) return store_.CreateForm(account_id, form_id, w, clock_.NowMs());
  return store_.UpdateForm(account_id, form_id, w, archived, clock_.NowMs());
}

Result<store::FormRecord> FormService::Create(int64_t account_id, const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object def, CanonicalFormBody(body, FormBodyKind::kCreate));
  return Store(account_id, NewUuid(), std::move(def), false, true);
}

Result<store::FormRecord> FormService::Get(int64_t account_id, const std::string& form_id,
                                           bool archived) {
  auto form = store_.GetForm(account_id, form_id);
  if (!form.ok()) return form;
  if (form->archived_at_ms.has_value() != archived) return NotFound(form_id, archived);
  return form;
}

Result<store::FormPage> FormService::List(int64_t account_id, std::optional<int64_t> after_seq,
                                          size_t limit, bool archived,
                                          const std::vector<std::string>& form_types) {
  static const std::vector<std::string> kKnown = {"hubspot", "captured", "flow", "blog_comment",
                                                  "all"};
  bool hubspot = form_types.empty();
  for (const std::string& t : form_types) {
    if (std::find(kKnown.begin(), kKnown.end(), t) == kKnown.end()) {
      std::string msg = "formTypes: unknown form type '" + t.substr(0, 64) +
                        "'; expected hubspot, captured, flow, blog_comment or all";
      return Error::Invalid(msg, {{msg, "formTypes", "INVALID_ENUM_VALUE", {}}});
    }
    hubspot = hubspot || t == "hubspot" || t == "all";
  }
  if (!hubspot) return store::FormPage{};
  return store_.ListForms(account_id, after_seq, limit, archived);
}

Result<store::FormRecord> FormService::Replace(int64_t account_id, const std::string& form_id,
                                               const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object def, CanonicalFormBody(body, FormBodyKind::kReplace));
  FLOWD_TRY(Get(account_id, form_id, /*archived=*/false));
  return Store(account_id, form_id, std::move(def), false, false);
}

Result<store::FormRecord> FormService::Patch(int64_t account_id, const std::string& form_id,
                                             const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object patch, CanonicalFormBody(body, FormBodyKind::kPatch));
  FLOWD_ASSIGN_OR_RETURN(store::FormRecord current, store_.GetForm(account_id, form_id));
  bool archived = current.archived_at_ms.has_value();
  json::object def = Definition(current);
  def["name"] = current.name;
  def["formType"] = current.form_type;
  for (auto& kv : patch) {
    if (kv.key() == "archived") {
      archived = kv.value().as_bool();
    } else if ((kv.key() == "configuration" || kv.key() == "displayOptions") &&
               def[kv.key()].is_object()) {
      // Key by key, one level deep: {"configuration": {"language": "de"}} changes the language.
      json::object& target = def[kv.key()].as_object();
      for (auto& inner : kv.value().as_object()) target[inner.key()] = inner.value();
    } else {
      def[kv.key()] = kv.value();
    }
  }
  return Store(account_id, form_id, std::move(def), archived, false);
}

Status FormService::Archive(int64_t account_id, const std::string& form_id) {
  return store_.ArchiveForm(account_id, form_id, clock_.NowMs());
}

json::object FormService::Definition(const store::FormRecord& form) {
  boost::system::error_code ec;
  json::value content = json::parse(form.content_json, ec);
  return !ec && content.is_object() ? std::move(content.get_object()) : json::object();
}

json::object FormService::Render(const store::FormRecord& form) {
  json::object out;
  out["id"] = form.id;
  out["name"] = form.name;
  out["formType"] = form.form_type;
  out["createdAt"] = FormatIso8601Ms(form.created_at_ms);
  out["updatedAt"] = FormatIso8601Ms(form.updated_at_ms);
  out["archived"] = form.archived_at_ms.has_value();
  if (form.archived_at_ms) out["archivedAt"] = FormatIso8601Ms(*form.archived_at_ms);
  for (auto& kv : Definition(form)) out[kv.key()] = std::move(kv.value());
  return out;
}

}  // namespace flowd::crm
