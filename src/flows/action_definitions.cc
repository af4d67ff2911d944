#include "flows/action_definitions.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "common/time_format.h"

namespace flowd::flows {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 4> kFunctionTypes = {
    "PRE_ACTION_EXECUTION", "PRE_FETCH_OPTIONS", "POST_FETCH_OPTIONS", "POST_ACTION_EXECUTION"};
constexpr std::array<std::string_view, 10> kFieldTypes = {
    "bool",   "currency_number",    "date",         "datetime", "enumeration", "json",
    "number", "object_coordinates", "phone_number", "string"};
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxRules = 100;

struct Problems {
  std::vector<ErrorDetail> list;
  void Add(std::string in, std::string message, std::string code = "INVALID_FIELD") {
    list.push_back(ErrorDetail{std::move(message), std::move(in), std::move(code), {}});
  }
};

bool OneOf(std::string_view v, const auto& set) {
  for (std::string_view s : set) {
    if (s == v) return true;
  }
  return false;
}

// The id a function gets when none is given: its type's place in kFunctionTypes, 1-based.
std::string DefaultFunctionId(std::string_view type) {
  for (size_t i = 0; i < kFunctionTypes.size(); ++i) {
    if (kFunctionTypes[i] == type) return std::to_string(i + 1);
  }
  return "0";
}

std::optional<std::string> NonEmptyString(const json::value& v, const std::string& at, size_t max,
                                          Problems& p) {
  if (!v.is_string() || v.get_string().empty()) {
    p.Add(at, at + " must be a non-empty string");
    return std::nullopt;
  }
  if (v.get_string().size() > max) {
    p.Add(at, at + " may be at most " + std::to_string(max) + " characters long", "TOO_LONG");
    return std::nullopt;
  }
  return std::string(v.get_string());
}

void CheckActionUrl(const json::value& v, Problems& p) {
  auto url = NonEmptyString(v, "actionUrl", kMaxActionUrlLength, p);
  if (url && !url->starts_with("http://") && !url->starts_with("https://")) {
    p.Add("actionUrl", "actionUrl must be an http:// or https:// URL");
  }
}

json::value CheckStringArray(const json::value& v, const std::string& at, size_t max_items,
                             Problems& p) {
  if (!v.is_array()) {
    p.Add(at, at + " must be an array of strings");
    return json::array();
  }
  if (v.get_array().size() > max_items) {
    p.Add(at, at + " may hold at most " + std::to_string(max_items) + " entries", "TOO_MANY");
  }
  for (size_t i = 0; i < v.get_array().size(); ++i) {
    NonEmptyString(v.get_array()[i], at + "[" + std::to_string(i) + "]", kMaxNameLength, p);
  }
  return v;
}

// The FieldTypeDefinition.schema of an output field of CRM type `type`.
json::object OutputSchemaFor(std::string_view type) {
  if (type == "number" || type == "currency_number") return {{"type", "DOUBLE"}};
  if (type == "bool") return {{"type", "BOOLEAN"}};
  if (type == "string" || type == "enumeration" || type == "phone_number") {
    return {{"type", "STRING"}};
  }
  if (type == "date") return {{"type", "STRING"}, {"format", "DATE"}};
  if (type == "datetime") return {{"type", "STRING"}, {"format", "DATE_TIME"}};
  return {{"type", "UNKNOWN"}};
}

// One field's typeDefinition: name and type required, options defaulting to []. An output
// field's (FieldTypeDefinition) also gets the spec's required externalOptions, useChirp and
// schema when absent.
json::object CheckTypeDefinition(const json::value& v, const std::string& at, bool input,
                                 std::set<std::string>& names, Problems& p) {
  if (!v.is_object()) {
    p.Add(at, at + " must be an object with a name and a type");
    return {};
  }
  json::object t = v.get_object();
  if (const json::value* name = t.if_contains("name")) {
    if (auto n = NonEmptyString(*name, at + ".name", kMaxNameLength, p)) {
      if (!names.insert(*n).second) p.Add(at + ".name", "field name " + *n + " is used twice");
    }
  } else {
    p.Add(at + ".name", at + ".name is required", "REQUIRED");
  }
  if (const json::value* type = t.if_contains("type")) {
    if (!type->is_string() || !OneOf(type->get_string(), kFieldTypes)) {
      p.Add(at + ".type",
            at + ".type must be one of bool, currency_number, date, datetime, "
                 "enumeration, json, number, object_coordinates, phone_number, string");
    }
  } else {
    p.Add(at + ".type", at + ".type is required", "REQUIRED");
  }
  if (const json::value* options = t.if_contains("options")) {
    if (!options->is_array()) p.Add(at + ".options", at + ".options must be an array");
  } else {
    t["options"] = json::array();
  }
  if (!input) {
    if (!t.contains("externalOptions")) t["externalOptions"] = false;
    if (!t.contains("useChirp")) t["useChirp"] = false;
    const json::value* type = t.if_contains("type");
    if (!t.contains("schema")) {
      t["schema"] = OutputSchemaFor(type && type->is_string() ? std::string_view(type->get_string())
                                                              : std::string_view());
    }
  }
  return t;
}

json::value CheckFields(const json::value& v, const std::string& at, bool input, Problems& p) {
  if (!v.is_array()) {
    p.Add(at, at + " must be an array");
    return json::array();
  }
  const json::array& a = v.get_array();
  if (a.size() > kMaxDefinitionFields) {
    p.Add(at, at + " may hold at most " + std::to_string(kMaxDefinitionFields) + " fields",
          "TOO_MANY");
    return json::array();
  }
  json::array out;
  std::set<std::string> names;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string here = at + "[" + std::to_string(i) + "]";
    if (!a[i].is_object()) {
      p.Add(here, here + " must be an object");
      continue;
    }
    json::object f = a[i].get_object();
    const json::value* td = f.if_contains("typeDefinition");
    if (!td) {
      p.Add(here + ".typeDefinition", here + ".typeDefinition is required", "REQUIRED");
      continue;
    }
    f["typeDefinition"] = CheckTypeDefinition(*td, here + ".typeDefinition", input, names, p);
    if (input) {
      const json::value* req = f.if_contains("isRequired");
      if (!req) {
        p.Add(here + ".isRequired", here + ".isRequired is required", "REQUIRED");
      } else if (!req->is_bool()) {
        p.Add(here + ".isRequired", here + ".isRequired must be a boolean");
      }
      if (const json::value* svt = f.if_contains("supportedValueTypes")) {
        CheckStringArray(*svt, here + ".supportedValueTypes", 10, p);
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

json::value CheckLabels(const json::value& v, Problems& p) {
  if (!v.is_object() || v.get_object().empty()) {
    p.Add("labels", "labels must map at least one locale (e.g. \"en\") to {actionName, …}");
    return json::object();
  }
  for (const auto& [locale, l] : v.get_object()) {
    const std::string at = "labels." + std::string(locale);
    const json::object* o = l.if_object();
    if (!o) {
      p.Add(at, at + " must be an object");
      continue;
    }
    const json::value* name = o->if_contains("actionName");
    if (!name) {
      p.Add(at + ".actionName", at + ".actionName is required", "REQUIRED");
    } else {
      NonEmptyString(*name, at + ".actionName", kMaxNameLength, p);
    }
  }
  return v;
}

json::value CheckFunctions(const json::value& v, Problems& p) {
  if (!v.is_array()) {
    p.Add("functions", "functions must be an array");
    return json::array();
  }
  json::array out;
  std::set<std::string> types;
  for (size_t i = 0; i < v.get_array().size(); ++i) {
    const std::string at = "functions[" + std::to_string(i) + "]";
    const json::object* f = v.get_array()[i].if_object();
    if (!f) {
      p.Add(at, at + " must be an object");
      continue;
    }
    const json::value* type = f->if_contains("functionType");
    if (!type || !type->is_string() || !OneOf(type->get_string(), kFunctionTypes)) {
      p.Add(at + ".functionType",
            at + ".functionType must be PRE_ACTION_EXECUTION, PRE_FETCH_OPTIONS, "
                 "POST_FETCH_OPTIONS or POST_ACTION_EXECUTION");
      continue;
    }
    std::string t(type->get_string());
    if (!types.insert(t).second) {
      p.Add(at + ".functionType", "a definition has at most one " + t + " function");
    }
    const json::value* src = f->if_contains("functionSource");
    if (!src || !src->is_string()) {
      p.Add(at + ".functionSource", at + ".functionSource must be a string", "REQUIRED");
      continue;
    }
    if (src->get_string().size() > kMaxFunctionSourceBytes) {
      p.Add(at + ".functionSource",
            "a function's source may be at most " + std::to_string(kMaxFunctionSourceBytes) +
                " bytes",
            "TOO_LONG");
    }
    std::string id = DefaultFunctionId(t);
    if (const json::value* given = f->if_contains("id"); given && given->is_string()) {
      if (auto g = NonEmptyString(*given, at + ".id", 64, p)) id = *g;
    }
    out.push_back(json::object{{"functionType", t}, {"functionSource", *src}, {"id", id}});
  }
  return out;
}

json::value CheckObjectRequestOptions(const json::value& v, Problems& p) {
  const json::object* o = v.if_object();
  const json::value* props = o ? o->if_contains("properties") : nullptr;
  if (!props) {
    p.Add("objectRequestOptions.properties", "objectRequestOptions needs a properties array",
          "REQUIRED");
    return json::object{{"properties", json::array()}};
  }
  return json::object{{"properties", CheckStringArray(*props, "objectRequestOptions.properties",
                                                      kMaxRequestedProperties, p)}};
}

json::value CheckRuleArray(const json::value& v, const std::string& at, Problems& p) {
  if (!v.is_array()) {
    p.Add(at, at + " must be an array");
    return json::array();
  }
  if (v.get_array().size() > kMaxRules) {
    p.Add(at, at + " may hold at most " + std::to_string(kMaxRules) + " entries", "TOO_MANY");
  }
  for (size_t i = 0; i < v.get_array().size(); ++i) {
    if (!v.get_array()[i].is_object()) {
      p.Add(at + "[" + std::to_string(i) + "]", "each entry of " + at + " must be an object");
    }
  }
  return v;
}

// Checks the fields of `body` present in it, writing their canonical form into `out`.
void CheckPresent(const json::object& body, json::object& out, Problems& p) {
  if (const json::value* v = body.if_contains("actionUrl")) {
    CheckActionUrl(*v, p);
    out["actionUrl"] = *v;
  }
  if (const json::value* v = body.if_contains("published")) {
    if (!v->is_bool()) p.Add("published", "published must be a boolean");
    out["published"] = *v;
  }
  if (const json::value* v = body.if_contains("objectTypes")) {
    out["objectTypes"] = CheckStringArray(*v, "objectTypes", kMaxObjectTypes, p);
  }
  if (const json::value* v = body.if_contains("inputFields")) {
    out["inputFields"] = CheckFields(*v, "inputFields", true, p);
  }
  if (const json::value* v = body.if_contains("outputFields")) {
    out["outputFields"] = CheckFields(*v, "outputFields", false, p);
  }
  if (const json::value* v = body.if_contains("labels")) out["labels"] = CheckLabels(*v, p);
  if (const json::value* v = body.if_contains("functions")) {
    out["functions"] = CheckFunctions(*v, p);
  }
  if (const json::value* v = body.if_contains("objectRequestOptions"); v && !v->is_null()) {
    out["objectRequestOptions"] = CheckObjectRequestOptions(*v, p);
  }
  if (const json::value* v = body.if_contains("inputFieldDependencies")) {
    out["inputFieldDependencies"] = CheckRuleArray(*v, "inputFieldDependencies", p);
  }
  if (const json::value* v = body.if_contains("executionRules")) {
    out["executionRules"] = CheckRuleArray(*v, "executionRules", p);
  }
}

Status Finish(const json::object& out, Problems& p) {
  if (p.list.empty() && json::serialize(out).size() > kMaxDefinitionBytes) {
    p.Add("",
          "an action definition may be at most " + std::to_string(kMaxDefinitionBytes) +
              " bytes long",
          "TOO_LONG");
  }
  if (p.list.empty()) return Status::Ok();
  return Error::InvalidList(std::move(p.list));
}

Result<json::object> ParseStored(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::Internal("stored action definition is corrupt");
  return std::move(v.get_object());
}

bool MatchesFunction(const json::object& f, std::string_view type,
                     const std::optional<std::string>& id) {
  const json::value* t = f.if_contains("functionType");
  const json::value* i = f.if_contains("id");
  if (!t || !t->is_string() || t->get_string() != type) return false;
  return !id || (i && i->is_string() && i->get_string() == *id);
}

Status CheckFunctionType(std::string_view type) {
  if (OneOf(type, kFunctionTypes)) return Status::Ok();
  return Error::Invalid(
      "functionType must be PRE_ACTION_EXECUTION, PRE_FETCH_OPTIONS, "
      "POST_FETCH_OPTIONS or POST_ACTION_EXECUTION");
}

Error FunctionNotFound(std::string_view type, int64_t definition_id) {
  return Error::NotFound("Action definition " + std::to_string(definition_id) + " has no " +
                         std::string(type) + " function with that id");
}

}  // namespace

std::string AppActionTypeId(int64_t definition_id) { return "1-" + std::to_string(definition_id); }

std::optional<int64_t> DefinitionIdOfActionType(std::string_view id) {
  if (!id.starts_with("1-") || id.size() < 3 || id.size() > 20) return std::nullopt;
  int64_t v = 0;
  for (char c : id.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

boost::json::object RenderDefinition(const store::ActionDefinitionRecord& d) {
  json::object out;
  auto body = ParseStored(d.body_json);
  if (body.ok()) out = std::move(*body);
  json::array ids;
  if (const json::value* fs = out.if_contains("functions"); fs && fs->is_array()) {
    for (const auto& f : fs->get_array()) {
      const json::object& o = f.get_object();
      ids.push_back(json::object{{"functionType", o.at("functionType")}, {"id", o.at("id")}});
    }
  }
  out["functions"] = std::move(ids);
  out["id"] = std::to_string(d.id);
  out["revisionId"] = std::to_string(d.revision_id);
  if (d.archived_at_ms) out["archivedAt"] = *d.archived_at_ms;
  return out;
}

boost::json::object RenderRevision(const store::ActionRevisionRecord& r) {
  store::ActionDefinitionRecord d;
  d.id = r.definition_id;
  d.revision_id = r.revision_id;
  d.body_json = r.body_json;
  return json::object{{"id", std::to_string(r.definition_id)},
                      {"revisionId", std::to_string(r.revision_id)},
                      {"createdAt", FormatIso8601Ms(r.created_at_ms)},
                      {"definition", RenderDefinition(d)}};
}

Result<boost::json::object> DecodeDefinitionEgg(const boost::json::value& body) {
  if (!body.is_object()) return Error::Invalid("the body must be a JSON object");
  const json::object& b = body.get_object();
  Problems p;
  for (const char* required : {"actionUrl", "labels", "published"}) {
    if (!b.contains(required)) {
      p.Add(required, std::string(required) + " is required", "REQUIRED");
    }
  }
  json::object out;
  CheckPresent(b, out, p);
  // The spec's required collections default to empty (DESIGN.md §4, create leniency).
  for (const char* collection : {"functions", "inputFields", "objectTypes"}) {
    if (!out.contains(collection)) out[collection] = json::array();
  }
  FLOWD_TRY(Finish(out, p));
  return out;
}

Result<store::ActionDefinitionRecord> ActionDefinitionService::Create(
    int64_t account_id, int64_t app_id, const boost::json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(json::object canonical, DecodeDefinitionEgg(body));
  return apps_.CreateDefinition(account_id, app_id, json::serialize(canonical), clock_.NowMs());
}

Result<store::ActionDefinitionRecord> ActionDefinitionService::Get(int64_t account_id,
                                                                   int64_t app_id,
                                                                   int64_t definition_id,
                                                                   bool archived) {
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d,
                         apps_.GetDefinition(account_id, app_id, definition_id));
  if (d.archived_at_ms && !archived) {
    return Error::NotFound("Action definition " + std::to_string(definition_id) +
                           " is archived (ask with archived=true)");
  }
  return d;
}

Result<store::ActionDefinitionRecord> ActionDefinitionService::Live(int64_t account_id,
                                                                    int64_t app_id,
                                                                    int64_t definition_id) {
  return Get(account_id, app_id, definition_id, false);
}

Result<store::ActionDefinitionPage> ActionDefinitionService::List(int64_t account_id,
                                                                  int64_t app_id, bool archived,
                                                                  std::optional<int64_t> after,
                                                                  size_t limit) {
  return apps_.ListDefinitions(account_id, app_id, archived, after, limit);
}

Result<store::ActionDefinitionRecord> ActionDefinitionService::Save(int64_t account_id,
                                                                    int64_t app_id,
                                                                    int64_t definition_id,
                                                                    const json::object& body) {
  Problems p;
  FLOWD_TRY(Finish(body, p));
  return apps_.UpdateDefinition(account_id, app_id, definition_id, json::serialize(body),
                                clock_.NowMs());
}

Result<store::ActionDefinitionRecord> ActionDefinitionService::Patch(
    int64_t account_id, int64_t app_id, int64_t definition_id, const boost::json::value& body) {
  if (!body.is_object()) return Error::Invalid("the body must be a JSON object");
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  FLOWD_ASSIGN_OR_RETURN(json::object stored, ParseStored(d.body_json));
  json::object patch = body.get_object();
  patch.erase("functions");  // not part of PublicActionDefinitionPatch: see the functions API
  Problems p;
  CheckPresent(patch, stored, p);
  FLOWD_TRY(Finish(stored, p));
  return Save(account_id, app_id, definition_id, stored);
}

Status ActionDefinitionService::Archive(int64_t account_id, int64_t app_id, int64_t definition_id) {
  return apps_.ArchiveDefinition(account_id, app_id, definition_id, clock_.NowMs());
}

Result<boost::json::array> ActionDefinitionService::ListFunctions(int64_t account_id,
                                                                  int64_t app_id,
                                                                  int64_t definition_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  json::object rendered = RenderDefinition(d);
  return rendered["functions"].as_array();
}

Result<boost::json::object> ActionDefinitionService::GetFunction(
    int64_t account_id, int64_t app_id, int64_t definition_id, std::string_view type,
    const std::optional<std::string>& function_id) {
  FLOWD_TRY(CheckFunctionType(type));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  FLOWD_ASSIGN_OR_RETURN(json::object stored, ParseStored(d.body_json));
  if (const json::value* fs = stored.if_contains("functions"); fs && fs->is_array()) {
    for (const auto& f : fs->get_array()) {
      if (f.is_object() && MatchesFunction(f.get_object(), type, function_id)) {
        return f.get_object();
      }
    }
  }
  return FunctionNotFound(type, definition_id);
}

Result<boost::json::object> ActionDefinitionService::PutFunction(
    int64_t account_id, int64_t app_id, int64_t definition_id, std::string_view type,
    const std::optional<std::string>& function_id, std::string_view source) {
  FLOWD_TRY(CheckFunctionType(type));
  if (source.size() > kMaxFunctionSourceBytes) {
    return Error::Invalid("a function's source may be at most " +
                          std::to_string(kMaxFunctionSourceBytes) + " bytes");
  }
  if (function_id && (function_id->empty() || function_id->size() > 64)) {
    return Error::Invalid("a function id must be 1 to 64 characters long");
  }
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  FLOWD_ASSIGN_OR_RETURN(json::object stored, ParseStored(d.body_json));
  json::array functions;
  if (const json::value* fs = stored.if_contains("functions"); fs && fs->is_array()) {
    for (const auto& f : fs->get_array()) {
      if (!MatchesFunction(f.get_object(), type, std::nullopt)) functions.push_back(f);
    }
  }
  std::string id = function_id.value_or(DefaultFunctionId(type));
  functions.push_back(json::object{{"functionType", type}, {"functionSource", source}, {"id", id}});
  stored["functions"] = std::move(functions);
  FLOWD_TRY(Save(account_id, app_id, definition_id, stored).status());
  return json::object{{"functionType", type}, {"id", id}};
}

Status ActionDefinitionService::DeleteFunction(int64_t account_id, int64_t app_id,
                                               int64_t definition_id, std::string_view type,
                                               const std::optional<std::string>& function_id) {
  FLOWD_TRY(CheckFunctionType(type));
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  FLOWD_ASSIGN_OR_RETURN(json::object stored, ParseStored(d.body_json));
  json::array functions;
  bool found = false;
  if (const json::value* fs = stored.if_contains("functions"); fs && fs->is_array()) {
    for (const auto& f : fs->get_array()) {
      if (MatchesFunction(f.get_object(), type, function_id)) {
        found = true;
      } else {
        functions.push_back(f);
      }
    }
  }
  if (!found) return FunctionNotFound(type, definition_id);
  stored["functions"] = std::move(functions);
  return Save(account_id, app_id, definition_id, stored).status();
}

Result<bool> ActionDefinitionService::RequiresObject(int64_t account_id, int64_t app_id,
                                                     int64_t definition_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ActionDefinitionRecord d, Live(account_id, app_id, definition_id));
  return d.requires_object;
}

Status ActionDefinitionService::SetRequiresObject(int64_t account_id, int64_t app_id,
                                                  int64_t definition_id,
                                                  const boost::json::value& body) {
  const json::object* o = body.if_object();
  const json::value* v = o ? o->if_contains("requiresObject") : nullptr;
  if (!v || !v->is_bool()) {
    return Error::InvalidList(
        {ErrorDetail{"requiresObject must be a boolean", "requiresObject", "REQUIRED", {}}});
  }
  return apps_.SetRequiresObject(account_id, app_id, definition_id, v->get_bool());
}

Result<store::ActionRevisionPage> ActionDefinitionService::Revisions(int64_t account_id,
                                                                     int64_t app_id,
                                                                     int64_t definition_id,
                                                                     std::optional<int64_t> after,
                                                                     size_t limit) {
  return apps_.ListRevisions(account_id, app_id, definition_id, after, limit);
}

Result<store::ActionRevisionRecord> ActionDefinitionService::Revision(int64_t account_id,
                                                                      int64_t app_id,
                                                                      int64_t definition_id,
                                                                      int64_t revision_id) {
  return apps_.GetRevision(account_id, app_id, definition_id, revision_id);
}

}  // namespace flowd::flows
