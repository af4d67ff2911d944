#include "store/common/property_codec.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "common/text.h"

namespace flowd::store::internal {
namespace {

namespace json = boost::json;

// Readers that tolerate absent keys (older rows, fields added later) with the struct default.
std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool Bool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

int64_t Int(const json::object& o, std::string_view key, int64_t def) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : def;
}

json::array StrArray(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::vector<std::string> StrVector(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return Error::Internal("stored " + std::string(what) + " definition is not readable");
  }
  return std::move(v.get_object());
}

}  // namespace

std::string EncodePropertyDefinition(const PropertyRecord& p) {
  json::array options;
  for (const auto& o : p.options) {
    options.push_back(json::object{{"label", o.label},
                                   {"value", o.value},
                                   {"description", o.description},
                                   {"displayOrder", o.display_order},
                                   {"hidden", o.hidden}});
  }
  json::object out{{"label", p.label},
                   {"type", p.type},
                   {"fieldType", p.field_type},
                   {"description", p.description},
                   {"options", std::move(options)},
                   {"displayOrder", p.display_order},
                   {"hasUniqueValue", p.has_unique_value},
                   {"hidden", p.hidden},
                   {"formField", p.form_field},
                   {"hubspotDefined", p.hubspot_defined},
                   {"readOnlyValue", p.read_only_value},
                   {"readOnlyDefinition", p.read_only_definition},
                   {"calculated", p.calculated},
                   {"dataSensitivity", p.data_sensitivity},
                   {"referencedObjectType", p.referenced_object_type},
                   {"externalOptions", p.external_options},
                   {"numberDisplayHint", p.number_display_hint},
                   {"textDisplayHint", p.text_display_hint},
                   {"dateDisplayHint", p.date_display_hint},
                   {"currencyPropertyName", p.currency_property_name}};
  if (p.show_currency_symbol) out["showCurrencySymbol"] = *p.show_currency_symbol;
  return json::serialize(out);
}

Status DecodePropertyDefinition(std::string_view text, PropertyRecord& p) {
  FLOWD_ASSIGN_OR_RETURN(json::object o, ParseObject(text, "property"));
  p.label = Str(o, "label");
  p.type = Str(o, "type");
  p.field_type = Str(o, "fieldType");
  p.description = Str(o, "description");
  p.options.clear();
  if (const json::value* opts = o.if_contains("options"); opts && opts->is_array()) {
    for (const auto& item : opts->get_array()) {
      if (!item.is_object()) continue;
      const auto& io = item.get_object();
      p.options.push_back(PropertyOption{Str(io, "label"), Str(io, "value"), Str(io, "description"),
                                         Int(io, "displayOrder", -1), Bool(io, "hidden")});
    }
  }
  p.display_order = Int(o, "displayOrder", -1);
  p.has_unique_value = Bool(o, "hasUniqueValue");
  p.hidden = Bool(o, "hidden");
  p.form_field = Bool(o, "formField");
  p.hubspot_defined = Bool(o, "hubspotDefined");
  p.read_only_value = Bool(o, "readOnlyValue");
  p.read_only_definition = Bool(o, "readOnlyDefinition");
  p.calculated = Bool(o, "calculated");
  p.data_sensitivity = Str(o, "dataSensitivity");
  if (p.data_sensitivity.empty()) p.data_sensitivity = "non_sensitive";
  p.referenced_object_type = Str(o, "referencedObjectType");
  p.external_options = Bool(o, "externalOptions");
  p.number_display_hint = Str(o, "numberDisplayHint");
  p.text_display_hint = Str(o, "textDisplayHint");
  p.date_display_hint = Str(o, "dateDisplayHint");
  p.currency_property_name = Str(o, "currencyPropertyName");
  p.show_currency_symbol.reset();
  if (const json::value* v = o.if_contains("showCurrencySymbol"); v && v->is_bool()) {
    p.show_currency_symbol = v->get_bool();
  }
  return Status::Ok();
}

std::string EncodeSchemaDefinition(const ObjectSchemaRecord& s) {
  return json::serialize(
      json::object{{"singular", s.singular_label},
                   {"plural", s.plural_label},
                   {"description", s.description},
                   {"primaryDisplayProperty", s.primary_display_property},
                   {"secondaryDisplayProperties", StrArray(s.secondary_display_properties)},
                   {"requiredProperties", StrArray(s.required_properties)},
                   {"searchableProperties", StrArray(s.searchable_properties)},
                   {"allowsSensitiveProperties", s.allows_sensitive_properties}});
}

Status DecodeSchemaDefinition(std::string_view text, ObjectSchemaRecord& s) {
  FLOWD_ASSIGN_OR_RETURN(json::object o, ParseObject(text, "schema"));
  s.singular_label = Str(o, "singular");
  s.plural_label = Str(o, "plural");
  s.description = Str(o, "description");
  s.primary_display_property = Str(o, "primaryDisplayProperty");
  s.secondary_display_properties = StrVector(o, "secondaryDisplayProperties");
  s.required_properties = StrVector(o, "requiredProperties");
  s.searchable_properties = StrVector(o, "searchableProperties");
  s.allows_sensitive_properties = Bool(o, "allowsSensitiveProperties");
  return Status::Ok();
}

std::string SchemaNameKey(std::string_view name) { return AsciiLower(name); }

void AddAssociationView(ObjectSchemaRecord& s, const SchemaAssociationRecord& a) {
  const std::string self = s.object_type_id();
  if (a.from_object_type_id == self) {
    s.associations.push_back(a);
    // A schema associated with itself also sees the inverse direction.
    if (a.to_object_type_id != self) return;
  }
  if (a.to_object_type_id == self) {
    SchemaAssociationRecord turned = a;
    std::swap(turned.id, turned.inverse_id);
    std::swap(turned.from_object_type_id, turned.to_object_type_id);
    s.associations.push_back(std::move(turned));
  }
}

Error PropertyNotFound(const std::string& object_type_id, const std::string& name) {
  return Error::NotFound("Property " + name + " does not exist for object type " + object_type_id);
}

Error PropertyTaken(const std::string& object_type_id, const std::string& name, bool archived) {
  return Error::Conflict(
      archived ? "An archived property named " + name + " exists for object type " +
                     object_type_id + "; archived property names cannot be reused"
               : "Property named " + name + " already exists for object type " + object_type_id);
}

Error GroupNotFound(const std::string& object_type_id, const std::string& name) {
  return Error::NotFound("Property group " + name + " does not exist for object type " +
                         object_type_id);
}

Error GroupTaken(const std::string& object_type_id, const std::string& name) {
  return Error::Conflict("Property group named " + name + " already exists for object type " +
                         object_type_id);
}

Error GroupNotEmpty(const std::string& object_type_id, const std::string& name) {
  return Error::Conflict("Property group " + name + " of object type " + object_type_id +
                         " still contains properties; move or archive them first");
}

Error SchemaNotFound(int64_t schema_id) {
  return Error::NotFound("Object schema 2-" + std::to_string(schema_id) + " does not exist");
}

Error SchemaNameTaken(const std::string& name) {
  return Error::Conflict("An object schema named " + name +
                         " already exists (archived schemas keep their name until purged)");
}

Error SchemaHasRecords(int64_t schema_id) {
  return Error::Conflict("Object schema 2-" + std::to_string(schema_id) +
                         " still has records; archive them before deleting the schema");
}

Error SchemaAssociationNotFound(int64_t schema_id, int64_t association_id) {
  return Error::NotFound("Association definition " + std::to_string(association_id) +
                         " does not exist for object schema 2-" + std::to_string(schema_id));
}

}  // namespace flowd::store::internal
