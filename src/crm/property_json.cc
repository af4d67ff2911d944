#include "crm/property_json.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <set>

#include "common/time_format.h"
#include "crm/json_fields.h"

namespace flowd::crm {
namespace {

namespace json = boost::json;
using internal::FieldReader;

const std::vector<std::string_view> kTypes = {"bool",   "date",         "datetime", "enumeration",
                                              "number", "phone_number", "string"};
const std::vector<std::string_view> kFieldTypes = {
    "booleancheckbox", "calculation_equation", "checkbox", "date",   "file", "html",
    "number",          "phonenumber",          "radio",    "select", "text", "textarea"};
const std::vector<std::string_view> kSensitivities = {"non_sensitive", "sensitive",
                                                      "highly_sensitive"};
const std::vector<std::string_view> kNumberHints = {"unformatted", "formatted", "currency",
                                                    "percentage",  "duration",  "probability"};
const std::vector<std::string_view> kTextHints = {
    "unformatted_single_line", "multi_line", "email", "phone_number", "domain_name", "ip_address",
    "physical_address",        "postal_code"};

// HubSpot's type → fieldType matrix (calculation_equation left out: not supported).
const std::vector<std::string_view>& FieldTypesFor(std::string_view type) {
  static const std::vector<std::string_view> kString = {"text", "textarea", "html", "file",
                                                        "phonenumber"};
  static const std::vector<std::string_view> kNumber = {"number"};
  static const std::vector<std::string_view> kEnum = {"select", "radio", "checkbox",
                                                      "booleancheckbox"};
  static const std::vector<std::string_view> kBool = {"booleancheckbox"};
  static const std::vector<std::string_view> kDate = {"date"};
  static const std::vector<std::string_view> kPhone = {"phonenumber"};
  static const std::vector<std::string_view> kNone;
  if (type == "string") return kString;
  if (type == "number") return kNumber;
  if (type == "enumeration") return kEnum;
  if (type == "bool") return kBool;
  if (type == "date" || type == "datetime") return kDate;
  if (type == "phone_number") return kPhone;
  return kNone;
}

// The options array; nullopt (with problems) when malformed.
std::optional<std::vector<store::PropertyOption>> ParseOptions(FieldReader& r,
                                                               std::vector<ErrorDetail>& problems,
                                                               const std::string& path) {
  const json::value* v = r.Raw("options");
  if (v == nullptr || v->is_null()) return std::vector<store::PropertyOption>{};
  if (!v->is_array()) {
    r.Problem("options", r.In("options") + " must be an array", internal::kCodeType);
    return std::nullopt;
  }
  const auto& arr = v->get_array();
  if (arr.size() > kMaxPropertyOptions) {
    r.Problem("options", "at most " + std::to_string(kMaxPropertyOptions) + " options",
              internal::kCodeLimit);
    return std::nullopt;
  }
  std::vector<store::PropertyOption> out;
  std::set<std::string> seen;
  const size_t before = problems.size();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = path + "options[" + std::to_string(i) + "].";
    if (!arr[i].is_object()) {
      problems.push_back({at.substr(0, at.size() - 1) + " must be an object",
                          at.substr(0, at.size() - 1),
                          std::string(internal::kCodeType),
                          {}});
      continue;
    }
    FieldReader o(arr[i].get_object(), at, problems);
    store::PropertyOption opt;
    auto label = o.String("label", true, kMaxOptionLength);
    auto value = o.String("value", true, kMaxOptionLength);
    auto description = o.String("description", false, kMaxPropertyDescriptionLength);
    auto order = o.Int32("displayOrder");
    auto hidden = o.Bool("hidden");
    if (label && label->empty())
      o.Problem("label", o.In("label") + " must not be empty", internal::kCodeValue);
    if (value) {
      if (value->empty()) {
        o.Problem("value", o.In("value") + " must not be empty", internal::kCodeValue);
      } else if (value->find(';') != std::string::npos) {
        o.Problem("value", o.In("value") + " must not contain ';' (it separates multiple values)",
                  internal::kCodeValue);
      } else if (!seen.insert(*value).second) {
        o.Problem("value", "option value '" + value->substr(0, 64) + "' appears more than once",
                  internal::kCodeDuplicate);
      }
    }
    opt.label = label.value_or("");
    opt.value = value.value_or("");
    opt.description = description.value_or("");
    opt.display_order = order.value_or(-1);
    opt.hidden = hidden.value_or(false);
    out.push_back(std::move(opt));
  }
  if (problems.size() != before) return std::nullopt;
  return out;
}

// Cross-field rules of a complete definition (see the header). `path` prefixes `in`.
void CheckDefinition(store::PropertyRecord& p, const std::string& path,
                     std::vector<ErrorDetail>& problems) {
  auto problem = [&](std::string_view field, std::string msg, std::string_view code) {
    problems.push_back({std::move(msg), path + std::string(field), std::string(code), {}});
  };
  if (p.field_type == "calculation_equation") {
    problem("fieldType",
            "fieldType calculation_equation is not supported: flowd does not evaluate "
            "calculated properties",
            internal::kCodeUnsupported);
    return;
  }
  const auto& allowed = FieldTypesFor(p.type);
  if (std::find(allowed.begin(), allowed.end(), p.field_type) == allowed.end()) {
    problem("fieldType",
            "fieldType " + p.field_type + " cannot be used with type " + p.type + " (use " +
                internal::OneOf(allowed) + ")",
            internal::kCodeValue);
  }
  if (p.type == "bool") {
    if (p.options.empty()) {
      p.options = {{"Yes", "true", "", 0, false}, {"No", "false", "", 1, false}};
    } else {
      std::set<std::string> values;
      for (const auto& o : p.options) values.insert(o.value);
      if (values != std::set<std::string>{"true", "false"} || p.options.size() != 2) {
        problem("options", "options of a bool property must have the values true and false",
                internal::kCodeValue);
      }
    }
  } else if (p.type == "enumeration") {
    if (p.options.empty() && !p.external_options) {
      problem("options", "options are required for enumeration properties",
              internal::kCodeRequired);
    }
  } else if (!p.options.empty()) {
    problem("options", "options are only allowed for enumeration and bool properties",
            internal::kCodeValue);
  }
  if (p.has_unique_value &&
      !((p.type == "string" && p.field_type == "text") || p.type == "number")) {
    problem("hasUniqueValue",
            "hasUniqueValue is only allowed for string properties with fieldType text and for "
            "number properties",
            internal::kCodeValue);
  }
  if (p.external_options && p.type != "enumeration") {
    problem("referencedObjectType", "referencedObjectType OWNER requires type enumeration",
            internal::kCodeValue);
  }
}

// referencedObjectType / externalOptions of a create body.
void ParseReference(FieldReader& r, store::PropertyRecord& p) {
  auto ref = r.String("referencedObjectType", false, 64);
  auto external = r.Bool("externalOptions");
  if (ref && !ref->empty()) {
    if (*ref != "OWNER") {
      r.Problem("referencedObjectType",
                "referencedObjectType " + ref->substr(0, 64) + " is not supported (only OWNER)",
                internal::kCodeUnsupported);
    } else {
      p.referenced_object_type = "OWNER";
      p.external_options = true;
    }
  }
  if (external.value_or(false) && p.referenced_object_type.empty()) {
    r.Problem("externalOptions", "externalOptions requires referencedObjectType OWNER",
              internal::kCodeValue);
  }
}

// Display hints and currency fields, shared by create and update.
void ParseHints(FieldReader& r, store::PropertyRecord& p) {
  if (auto v = r.Enum("numberDisplayHint", false, kNumberHints)) p.number_display_hint = *v;
  if (auto v = r.Enum("textDisplayHint", false, kTextHints)) p.text_display_hint = *v;
  if (auto v = r.Bool("showCurrencySymbol")) p.show_currency_symbol = *v;
  if (auto v = r.String("currencyPropertyName", false, kMaxPropertyNameLength)) {
    p.currency_property_name = *v;
  }
  if (auto v = r.String("calculationFormula", false, 65536); v && !v->empty()) {
    r.Problem("calculationFormula",
              "calculationFormula is not supported: flowd does not evaluate calculated properties",
              internal::kCodeUnsupported);
  }
}

}  // namespace

bool IsValidPropertyName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPropertyNameLength) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::optional<store::PropertyRecord> ParsePropertyCreate(const json::value& body,
                                                         const std::string& path,
                                                         const std::string* default_group,
                                                         std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back({(path.empty() ? std::string("the body") : path.substr(0, path.size() - 1)) +
                            " must be a JSON object",
                        path.empty() ? "body" : path.substr(0, path.size() - 1),
                        std::string(internal::kCodeType),
                        {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), path, problems);
  store::PropertyRecord p;
  if (auto name = r.String("name", true, kMaxPropertyNameLength)) {
    if (!IsValidPropertyName(*name)) {
      r.Problem("name",
                "Property name '" + *name +
                    "' is invalid: use lower-case letters, digits and underscores, starting with "
                    "a letter",
                internal::kCodeValue);
    } else if (name->rfind("hs_", 0) == 0) {
      r.Problem("name", "Property names starting with hs_ are reserved for HubSpot",
                internal::kCodeValue);
    }
    p.name = *name;
  }
  if (auto label = r.String("label", true, kMaxPropertyLabelLength)) {
    if (label->empty())
      r.Problem("label", r.In("label") + " must not be empty", internal::kCodeValue);
    p.label = *label;
  }
  auto type = r.Enum("type", true, kTypes);
  auto field_type = r.Enum("fieldType", true, kFieldTypes);
  if (auto group = r.String("groupName", default_group == nullptr, kMaxPropertyNameLength)) {
    p.group_name = *group;
  } else if (default_group != nullptr && !r.Has("groupName")) {
    p.group_name = *default_group;
  }
  p.description = r.String("description", false, kMaxPropertyDescriptionLength).value_or("");
  p.display_order = r.Int32("displayOrder").value_or(-1);
  p.has_unique_value = r.Bool("hasUniqueValue").value_or(false);
  p.hidden = r.Bool("hidden").value_or(false);
  p.form_field = r.Bool("formField").value_or(false);
  p.data_sensitivity = r.Enum("dataSensitivity", false, kSensitivities).value_or("non_sensitive");
  ParseReference(r, p);
  ParseHints(r, p);
  auto options = ParseOptions(r, problems, path);
  // The cross-field rules run whenever their fields could be read, so that one answer lists
  // every problem.
  if (!type || !field_type || !options) return std::nullopt;
  p.type = *type;
  p.field_type = *field_type;
  p.options = std::move(*options);
  CheckDefinition(p, path, problems);
  if (problems.size() != before) return std::nullopt;
  return p;
}

std::optional<store::PropertyRecord> ApplyPropertyUpdate(const store::PropertyRecord& current,
                                                         const json::value& body,
                                                         std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back(
        {"the body must be a JSON object", "body", std::string(internal::kCodeType), {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), "", problems);
  store::PropertyRecord p = current;
  if (auto name = r.String("name", false, 256); name && *name != current.name) {
    r.Problem("name", "the name of a property cannot be changed", internal::kCodeReadOnly);
  }
  if (auto s = r.String("dataSensitivity", false, 64); s && *s != current.data_sensitivity) {
    r.Problem("dataSensitivity", "the dataSensitivity of a property cannot be changed",
              internal::kCodeReadOnly);
  }
  if (auto u = r.Bool("hasUniqueValue"); u && *u != current.has_unique_value) {
    r.Problem("hasUniqueValue", "hasUniqueValue cannot be changed once set",
              internal::kCodeReadOnly);
  }
  if (auto label = r.String("label", false, kMaxPropertyLabelLength)) {
    if (label->empty()) r.Problem("label", "label must not be empty", internal::kCodeValue);
    p.label = *label;
  }
  if (auto v = r.String("description", false, kMaxPropertyDescriptionLength)) p.description = *v;
  if (auto v = r.String("groupName", false, kMaxPropertyNameLength)) p.group_name = *v;
  if (auto v = r.Int32("displayOrder")) p.display_order = *v;
  if (auto v = r.Bool("hidden")) p.hidden = *v;
  if (auto v = r.Bool("formField")) p.form_field = *v;
  if (auto v = r.Enum("type", false, kTypes)) p.type = *v;
  if (auto v = r.Enum("fieldType", false, kFieldTypes)) p.field_type = *v;
  ParseHints(r, p);
  auto options = ParseOptions(r, problems, "");
  if (!options) return std::nullopt;
  const bool options_given = r.Has("options") && !r.Raw("options")->is_null();
  if (options_given) {
    p.options = std::move(*options);
  } else if (p.type != current.type) {
    p.options.clear();  // a new type needs options of its own (bool gets Yes/No below)
  }
  CheckDefinition(p, "", problems);
  if (problems.size() != before) return std::nullopt;
  return p;
}

std::optional<store::PropertyGroupRecord> ParseGroupCreate(const json::value& body,
                                                           std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back(
        {"the body must be a JSON object", "body", std::string(internal::kCodeType), {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), "", problems);
  store::PropertyGroupRecord g;
  if (auto name = r.String("name", true, kMaxPropertyNameLength)) {
    if (!IsValidPropertyName(*name)) {
      r.Problem("name",
                "Property group name '" + *name +
                    "' is invalid: use lower-case letters, digits and underscores, starting with "
                    "a letter",
                internal::kCodeValue);
    }
    g.name = *name;
  }
  if (auto label = r.String("label", true, kMaxPropertyLabelLength)) {
    if (label->empty()) r.Problem("label", "label must not be empty", internal::kCodeValue);
    g.label = *label;
  }
  g.display_order = r.Int32("displayOrder").value_or(-1);
  if (problems.size() != before) return std::nullopt;
  return g;
}

std::optional<store::PropertyGroupRecord> ApplyGroupUpdate(
    const store::PropertyGroupRecord& current, const json::value& body,
    std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back(
        {"the body must be a JSON object", "body", std::string(internal::kCodeType), {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), "", problems);
  store::PropertyGroupRecord g = current;
  if (auto label = r.String("label", false, kMaxPropertyLabelLength)) {
    if (label->empty()) r.Problem("label", "label must not be empty", internal::kCodeValue);
    g.label = *label;
  }
  if (auto order = r.Int32("displayOrder")) g.display_order = *order;
  if (problems.size() != before) return std::nullopt;
  return g;
}

json::object RenderProperty(const store::PropertyRecord& p) {
  json::array options;
  for (const auto& o : p.options) {
    json::object opt{{"label", o.label},
                     {"value", o.value},
                     {"displayOrder", o.display_order},
                     {"hidden", o.hidden}};
    if (!o.description.empty()) opt["description"] = o.description;
    options.push_back(std::move(opt));
  }
  json::object out{{"name", p.name},
                   {"label", p.label},
                   {"type", p.type},
                   {"fieldType", p.field_type},
                   {"description", p.description},
                   {"groupName", p.group_name},
                   {"options", std::move(options)},
                   {"displayOrder", p.display_order},
                   {"calculated", p.calculated},
                   {"externalOptions", p.external_options},
                   {"hasUniqueValue", p.has_unique_value},
                   {"hidden", p.hidden},
                   {"hubspotDefined", p.hubspot_defined},
                   {"formField", p.form_field},
                   {"dataSensitivity", p.data_sensitivity},
                   {"archived", p.archived_at_ms.has_value()},
                   {"modificationMetadata",
                    json::object{{"archivable", !p.hubspot_defined && !p.read_only_definition},
                                 {"readOnlyDefinition", p.read_only_definition},
                                 {"readOnlyValue", p.read_only_value},
                                 {"readOnlyOptions", p.hubspot_defined}}}};
  if (p.created_at_ms > 0) out["createdAt"] = FormatIso8601Ms(p.created_at_ms);
  if (p.updated_at_ms > 0) out["updatedAt"] = FormatIso8601Ms(p.updated_at_ms);
  if (p.archived_at_ms) out["archivedAt"] = FormatIso8601Ms(*p.archived_at_ms);
  if (!p.referenced_object_type.empty()) out["referencedObjectType"] = p.referenced_object_type;
  if (!p.number_display_hint.empty()) out["numberDisplayHint"] = p.number_display_hint;
  if (!p.text_display_hint.empty()) out["textDisplayHint"] = p.text_display_hint;
  if (!p.date_display_hint.empty()) out["dateDisplayHint"] = p.date_display_hint;
  if (p.show_currency_symbol) out["showCurrencySymbol"] = *p.show_currency_symbol;
  if (!p.currency_property_name.empty()) out["currencyPropertyName"] = p.currency_property_name;
  return out;
}

json::object RenderGroup(const store::PropertyGroupRecord& g) {
  return json::object{
      {"name", g.name}, {"label", g.label}, {"displayOrder", g.display_order}, {"archived", false}};
}

}  // namespace flowd::crm
