#include "crm/schema_json.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <set>

#include "common/time_format.h"
#include "crm/default_properties.h"
#include "crm/json_fields.h"
#include "crm/property_json.h"

namespace flowd::crm {
namespace {

namespace json = boost::json;
using internal::FieldReader;

json::array Strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

// Each name of `names` (the field `key`) must be in `known`.
void CheckNames(FieldReader& r, std::string_view key, const std::vector<std::string>& names,
                const std::set<std::string>& known) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!known.count(names[i])) {
      r.Problem(std::string(key) + "[" + std::to_string(i) + "]",
                "Property " + names[i].substr(0, 100) + " is not one of the schema's properties",
                internal::kCodeReference);
    }
  }
}

void ParseLabels(FieldReader& r, bool required, std::optional<std::string>& singular,
                 std::optional<std::string>& plural, std::vector<ErrorDetail>& problems) {
  const json::value* labels = r.Raw("labels");
  if (labels == nullptr || labels->is_null()) {
    if (required)
      r.Problem("labels", "labels (singular and plural) are required", internal::kCodeRequired);
    return;
  }
  if (!labels->is_object()) {
    r.Problem("labels", "labels must be an object", internal::kCodeType);
    return;
  }
  FieldReader l(labels->get_object(), r.In("labels."), problems);
  singular = l.String("singular", required, kMaxSchemaLabelLength);
  plural = l.String("plural", required, kMaxSchemaLabelLength);
  if (singular && singular->empty())
    l.Problem("singular", "labels.singular must not be empty", internal::kCodeValue);
  if (plural && plural->empty())
    l.Problem("plural", "labels.plural must not be empty", internal::kCodeValue);
}

}  // namespace

bool IsValidSchemaName(const std::string& name) {
  if (name.empty() || name.size() > kMaxSchemaNameLength) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '_'; });
}

std::optional<SchemaCreateInput> ParseSchemaCreate(const json::value& body,
                                                   std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back(
        {"the body must be a JSON object", "body", std::string(internal::kCodeType), {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), "", problems);
  SchemaCreateInput in;
  store::ObjectSchemaRecord& s = in.schema;
  if (auto name = r.String("name", true, kMaxSchemaNameLength)) {
    if (!IsValidSchemaName(*name)) {
      r.Problem("name",
                "Object schema name '" + *name +
                    "' is invalid: use letters, digits and underscores, starting with a letter",
                internal::kCodeValue);
    }
    s.name = *name;
  }
  std::optional<std::string> singular, plural;
  ParseLabels(r, true, singular, plural, problems);
  s.singular_label = singular.value_or("");
  s.plural_label = plural.value_or("");
  s.description = r.String("description", false, kMaxPropertyDescriptionLength).value_or("");
  s.allows_sensitive_properties = r.Bool("allowsSensitiveProperties").value_or(false);
  in.same_object_association = r.Bool("shouldCreateSameObjectAssociation").value_or(false);

  // properties[], in the new type's default group.
  const std::string group = CustomObjectDefaultGroup(s.name, "").name;
  std::set<std::string> custom_names;
  if (const json::value* props = r.Raw("properties"); props && !props->is_null()) {
    if (!props->is_array()) {
      r.Problem("properties", "properties must be an array", internal::kCodeType);
    } else if (props->get_array().size() > kMaxSchemaProperties) {
      r.Problem("properties", "at most " + std::to_string(kMaxSchemaProperties) + " properties",
                internal::kCodeLimit);
    } else {
      const auto& arr = props->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        const std::string path = "properties[" + std::to_string(i) + "].";
        auto p = ParsePropertyCreate(arr[i], path, &group, problems);
        if (!p) continue;
        if (!custom_names.insert(p->name).second) {
          problems.push_back({"Property " + p->name + " appears more than once",
                              path + "name",
                              std::string(internal::kCodeDuplicate),
                              {}});
        } else if (p->name == "createdate" || p->name == "lastmodifieddate") {
          problems.push_back({"Property " + p->name + " is defined by HubSpot for every object",
                              path + "name",
                              std::string(internal::kCodeDuplicate),
                              {}});
        } else if (p->group_name != group) {
          problems.push_back({"Property group " + p->group_name.substr(0, 100) +
                                  " does not exist: a new object's properties belong to " + group,
                              path + "groupName",
                              std::string(internal::kCodeReference),
                              {}});
        }
        in.properties.push_back(std::move(*p));
      }
    }
  }
  std::set<std::string> all_names = custom_names;
  for (const auto& d : CustomObjectDefaultProperties(group)) all_names.insert(d.name);

  auto required =
      r.Strings("requiredProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  auto searchable =
      r.Strings("searchableProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  auto secondary =
      r.Strings("secondaryDisplayProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  auto primary = r.String("primaryDisplayProperty", false, kMaxPropertyNameLength);
  if (required) CheckNames(r, "requiredProperties", *required, custom_names);
  if (searchable) CheckNames(r, "searchableProperties", *searchable, all_names);
  if (secondary) CheckNames(r, "secondaryDisplayProperties", *secondary, all_names);
  if (primary && !primary->empty() && !custom_names.count(*primary)) {
    r.Problem("primaryDisplayProperty",
              "primaryDisplayProperty " + primary->substr(0, 100) +
                  " is not one of the schema's properties",
              internal::kCodeReference);
  }
  s.required_properties = required.value_or(std::vector<std::string>{});
  s.searchable_properties = searchable.value_or(std::vector<std::string>{});
  s.secondary_display_properties = secondary.value_or(std::vector<std::string>{});
  s.primary_display_property = primary.value_or("");
  auto associated = r.Strings("associatedObjects", false, kMaxSchemaAssociations, 200);
  in.associated_objects = associated.value_or(std::vector<std::string>{});
  if (problems.size() != before) return std::nullopt;
  return in;
}

std::optional<SchemaPatch> ParseSchemaPatch(const json::value& body,
                                            std::vector<ErrorDetail>& problems) {
  if (!body.is_object()) {
    problems.push_back(
        {"the body must be a JSON object", "body", std::string(internal::kCodeType), {}});
    return std::nullopt;
  }
  const size_t before = problems.size();
  FieldReader r(body.get_object(), "", problems);
  SchemaPatch p;
  ParseLabels(r, false, p.singular_label, p.plural_label, problems);
  p.description = r.String("description", false, kMaxPropertyDescriptionLength);
  if (r.Bool("clearDescription").value_or(false)) p.description = "";
  p.primary_display_property = r.String("primaryDisplayProperty", false, kMaxPropertyNameLength);
  p.required_properties =
      r.Strings("requiredProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  p.searchable_properties =
      r.Strings("searchableProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  p.secondary_display_properties =
      r.Strings("secondaryDisplayProperties", false, kMaxSchemaProperties, kMaxPropertyNameLength);
  p.allows_sensitive_properties = r.Bool("allowsSensitiveProperties");
  if (r.Bool("restorable").value_or(false)) {
    r.Problem("restorable",
              "restorable is not supported: archived schemas cannot be restored in flowd, only "
              "purged (DELETE with archived=true)",
              internal::kCodeUnsupported);
  }
  if (problems.size() != before) return std::nullopt;
  return p;
}

json::object RenderAssociationDefinition(const store::SchemaAssociationRecord& a) {
  json::object out{{"id", std::to_string(a.id)},
                   {"fromObjectTypeId", a.from_object_type_id},
                   {"toObjectTypeId", a.to_object_type_id},
                   {"name", a.name}};
  if (a.created_at_ms > 0) out["createdAt"] = FormatIso8601Ms(a.created_at_ms);
  if (a.updated_at_ms > 0) out["updatedAt"] = FormatIso8601Ms(a.updated_at_ms);
  return out;
}

json::object RenderObjectTypeDefinition(const store::ObjectSchemaRecord& s, int64_t account_id) {
  json::object out{
      {"id", std::to_string(s.id)},
      {"objectTypeId", s.object_type_id()},
      {"name", s.name},
      {"fullyQualifiedName", "p" + std::to_string(account_id) + "_" + s.name},
      {"portalId", account_id},
      {"labels", json::object{{"singular", s.singular_label}, {"plural", s.plural_label}}},
      {"requiredProperties", Strings(s.required_properties)},
      {"searchableProperties", Strings(s.searchable_properties)},
      {"secondaryDisplayProperties", Strings(s.secondary_display_properties)},
      {"allowsSensitiveProperties", s.allows_sensitive_properties},
      {"archived", s.archived_at_ms.has_value()},
      {"createdAt", FormatIso8601Ms(s.created_at_ms)},
      {"updatedAt", FormatIso8601Ms(s.updated_at_ms)}};
  if (!s.description.empty()) out["description"] = s.description;
  if (!s.primary_display_property.empty()) {
    out["primaryDisplayProperty"] = s.primary_display_property;
  }
  return out;
}

json::object RenderSchema(const store::ObjectSchemaRecord& s,
                          const std::vector<store::PropertyRecord>& properties, int64_t account_id,
                          const SchemaRenderOptions& options) {
  json::object out = RenderObjectTypeDefinition(s, account_id);
  out.erase("portalId");  // not part of ObjectSchema
  if (!options.audit) {
    out.erase("createdAt");
    out.erase("updatedAt");
  }
  json::array props;
  if (options.properties) {
    for (const auto& p : properties) props.push_back(RenderProperty(p));
  }
  out["properties"] = std::move(props);
  json::array assocs;
  if (options.associations) {
    for (const auto& a : s.associations) {
      json::object rendered = RenderAssociationDefinition(a);
      if (!options.audit) {
        rendered.erase("createdAt");
        rendered.erase("updatedAt");
      }
      assocs.push_back(std::move(rendered));
    }
  }
  out["associations"] = std::move(assocs);
  return out;
}

}  // namespace flowd::crm
