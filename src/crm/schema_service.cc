#include "crm/schema_service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "common/text.h"
#include "crm/default_properties.h"
#include "crm/json_fields.h"

namespace flowd::crm {
namespace {

namespace json = boost::json;
using internal::InvalidInput;

bool Names(const store::ObjectSchemaRecord& s, std::string_view text, int64_t account_id) {
  if (text == s.object_type_id()) return true;
  const std::string key = AsciiLower(text);
  const std::string name = AsciiLower(s.name);
  return key == name || key == "p" + std::to_string(account_id) + "_" + name;
}

ObjectTypeInfo InfoOf(const store::ObjectSchemaRecord& s, int64_t account_id) {
  return MakeCustomObjectType(s.object_type_id(), s.name, s.singular_label,
                              s.primary_display_property, account_id);
}

Error SchemaNotFound(std::string_view object_type) {
  return Error::NotFound("Object schema " + std::string(object_type.substr(0, 100)) +
                         " does not exist");
}

// "<schema>_to_<other>", HubSpot's default association names.
std::string AssociationName(const std::string& from_name, const ObjectTypeInfo& to) {
  return AsciiLower(from_name) + "_to_" + AsciiLower(to.custom ? to.name : to.singular);
}

bool ValidAssociationName(const std::string& name) {
  return !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

std::vector<std::string> SchemaReadScopes() {
  return {"crm.schemas.custom.read",
          "crm.objects.custom.read",
          "crm.objects.custom.sensitive.read.v2",
          "crm.objects.custom.highly_sensitive.read.v2",
          "crm.objects.custom.sensitive.read",
          "crm.objects.custom.highly_sensitive.read"};
}

std::vector<std::string> SchemaWriteScopes() { return {"crm.schemas.custom.write"}; }

// ---------------------------------------------------------------- resolution

Result<std::shared_ptr<const std::vector<store::ObjectSchemaRecord>>> SchemaService::LiveSchemas(
    int64_t account_id) {
  const int64_t now = clock_.NowMs();
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(account_id);
    if (it != cache_.end() && it->second.generation == generation_ &&
        now - it->second.built_at_ms < kCatalogTtlMs && now >= it->second.built_at_ms) {
      return it->second.schemas;
    }
    generation = generation_;
  }
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::ObjectSchemaRecord> live,
                         store_.ListSchemas(account_id, false));
  auto schemas = std::make_shared<const std::vector<store::ObjectSchemaRecord>>(std::move(live));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ == generation) {
      if (cache_.size() >= 10000) cache_.clear();
      cache_[account_id] = Cached{schemas, generation, now};
    }
  }
  return schemas;
}

void SchemaService::Invalidate() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
    cache_.clear();
  }
  properties_.Invalidate();
}

Result<ObjectTypeInfo> SchemaService::Resolve(int64_t account_id, std::string_view name_or_id) {
  if (auto standard = FindStandardObjectType(name_or_id)) return *standard;
  FLOWD_ASSIGN_OR_RETURN(auto schemas, LiveSchemas(account_id));
  for (const auto& s : *schemas) {
    if (Names(s, name_or_id, account_id)) return InfoOf(s, account_id);
  }
  return ObjectTypeNotFound(name_or_id);
}

Result<store::ObjectSchemaRecord> SchemaService::FindLive(int64_t account_id,
                                                          std::string_view object_type) {
  if (FindStandardObjectType(object_type)) {
    return Error::NotFound(std::string(object_type) +
                           " is a standard object type: only custom object schemas are served "
                           "by this API");
  }
  FLOWD_ASSIGN_OR_RETURN(auto schemas, LiveSchemas(account_id));
  for (const auto& s : *schemas) {
    if (Names(s, object_type, account_id)) return s;
  }
  return SchemaNotFound(object_type);
}

Result<SchemaView> SchemaService::ViewOf(int64_t account_id, store::ObjectSchemaRecord schema) {
  FLOWD_ASSIGN_OR_RETURN(std::shared_ptr<const PropertySet> set,
                         properties_.PropertiesOf(account_id, schema.object_type_id()));
  SchemaView view{std::move(schema), {}};
  for (const auto& [name, p] : set->by_name) view.properties.push_back(p);
  std::sort(view.properties.begin(), view.properties.end(),
            [](const store::PropertyRecord& a, const store::PropertyRecord& b) {
              return a.name < b.name;
            });
  return view;
}

// ---------------------------------------------------------------- schemas

Result<std::vector<SchemaView>> SchemaService::List(int64_t account_id, bool archived) {
  std::vector<store::ObjectSchemaRecord> schemas;
  if (archived) {
    FLOWD_ASSIGN_OR_RETURN(schemas, store_.ListSchemas(account_id, true));
  } else {
    FLOWD_ASSIGN_OR_RETURN(auto live, LiveSchemas(account_id));
    schemas = *live;
  }
  std::vector<SchemaView> out;
  for (auto& s : schemas) {
    FLOWD_ASSIGN_OR_RETURN(SchemaView view, ViewOf(account_id, std::move(s)));
    out.push_back(std::move(view));
  }
  return out;
}

Result<SchemaView> SchemaService::Get(int64_t account_id, std::string_view object_type) {
  FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema, FindLive(account_id, object_type));
  return ViewOf(account_id, std::move(schema));
}

Result<std::vector<SchemaView>> SchemaService::BatchRead(int64_t account_id,
                                                         const json::value& body) {
  std::vector<ErrorDetail> problems;
  const json::object* obj = body.if_object();
  if (!obj) return InvalidInput({{"the body must be a JSON object", "body", "INVALID_TYPE", {}}});
  internal::FieldReader r(*obj, "", problems);
  auto inputs = r.Strings("inputs", true, 100, 200);
  if (!problems.empty()) return InvalidInput(std::move(problems));
  std::vector<SchemaView> out;
  std::set<int64_t> seen;
  for (const auto& input : *inputs) {
    auto schema = FindLive(account_id, input);
    if (!schema.ok()) {
      if (schema.error().code == ErrorCode::kNotFound) continue;
      return std::move(schema).error();
    }
    if (!seen.insert(schema->id).second) continue;
    FLOWD_ASSIGN_OR_RETURN(SchemaView view, ViewOf(account_id, std::move(*schema)));
    out.push_back(std::move(view));
  }
  return out;
}

Result<SchemaView> SchemaService::Create(int64_t account_id, const json::value& body,
                                         SensitiveAccess access) {
  std::vector<ErrorDetail> problems;
  auto input = ParseSchemaCreate(body, problems);
  if (!input) return InvalidInput(std::move(problems));
  store::ObjectSchemaRecord& schema = input->schema;
  if (FindStandardObjectType(schema.name)) {
    problems.push_back({"Object schema name " + schema.name + " is a standard object type's name",
                        "name",
                        std::string(internal::kCodeValue),
                        {}});
  }
  std::set<std::string> targets;
  for (size_t i = 0; i < input->associated_objects.size(); ++i) {
    auto target = Resolve(account_id, input->associated_objects[i]);
    if (!target.ok()) {
      if (target.error().code != ErrorCode::kInvalidArgument) return std::move(target).error();
      problems.push_back({"Unknown object type: " + input->associated_objects[i].substr(0, 100),
                          "associatedObjects[" + std::to_string(i) + "]",
                          std::string(internal::kCodeReference),
                          {}});
      continue;
    }
    if (!targets.insert(target->id).second) continue;
    schema.associations.push_back(store::SchemaAssociationRecord{
        0, 0, "", target->id, AssociationName(schema.name, *target), 0, 0});
  }
  if (input->same_object_association) {
    schema.associations.push_back(store::SchemaAssociationRecord{
        0, 0, "", "", AsciiLower(schema.name) + "_to_" + AsciiLower(schema.name), 0, 0});
  }
  const ObjectTypeInfo scopes = MakeCustomObjectType("2-0", schema.name, "", "", account_id);
  for (size_t i = 0; i < input->properties.size(); ++i) {
    const auto& p = input->properties[i];
    if (p.data_sensitivity == "non_sensitive") continue;
    if (!schema.allows_sensitive_properties) {
      problems.push_back({"Property " + p.name + " is " + p.data_sensitivity +
                              ": set allowsSensitiveProperties to create sensitive properties",
                          "properties[" + std::to_string(i) + "].dataSensitivity",
                          std::string(internal::kCodeValue),
                          {}});
    }
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  for (const auto& p : input->properties) {
    const bool highly = p.data_sensitivity == "highly_sensitive";
    if ((p.data_sensitivity == "sensitive" && !access.sensitive) ||
        (highly && !access.highly_sensitive)) {
      return Error{
          ErrorCode::kPermissionDenied,
          "This app hasn't been granted all required scopes to make this call: " +
              p.data_sensitivity + " properties need one of the listed scopes.",
          {ErrorDetail{"One or more of the following scopes are required.",
                       "",
                       "",
                       {{"requiredGranularScopes", highly ? scopes.highly_sensitive_write_scopes
                                                          : scopes.sensitive_write_scopes}}}},
          {},
          std::nullopt};
    }
  }
  const store::PropertyGroupRecord group =
      CustomObjectDefaultGroup(schema.name, schema.singular_label);
  std::vector<store::PropertyRecord> props = CustomObjectDefaultProperties(group.name);
  for (auto& p : input->properties) props.push_back(std::move(p));
  auto created = store_.CreateSchema(account_id, schema, {group}, props, clock_.NowMs());
  Invalidate();
  if (!created.ok()) return std::move(created).error();
  return ViewOf(account_id, std::move(*created));
}

Result<store::ObjectSchemaRecord> SchemaService::Update(int64_t account_id,
                                                        std::string_view object_type,
                                                        const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema, FindLive(account_id, object_type));
  std::vector<ErrorDetail> problems;
  auto patch = ParseSchemaPatch(body, problems);
  if (!patch) return InvalidInput(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(std::shared_ptr<const PropertySet> set,
                         properties_.PropertiesOf(account_id, schema.object_type_id()));
  // Names must be live properties; required and primary ones must be writable.
  auto check = [&](const std::string& field, const std::vector<std::string>& names, bool writable) {
    for (size_t i = 0; i < names.size(); ++i) {
      const store::PropertyRecord* p = set->Find(names[i]);
      const std::string in = names.size() == 1 && field == "primaryDisplayProperty"
                                 ? field
                                 : field + "[" + std::to_string(i) + "]";
      if (!p) {
        problems.push_back({"Property " + names[i].substr(0, 100) + " does not exist for " +
                                schema.object_type_id(),
                            in,
                            std::string(internal::kCodeReference),
                            {}});
      } else if (writable && p->read_only_value) {
        problems.push_back({"Property " + names[i] + " is read-only and cannot be used here",
                            in,
                            std::string(internal::kCodeValue),
                            {}});
      }
    }
  };
  if (patch->primary_display_property && !patch->primary_display_property->empty()) {
    check("primaryDisplayProperty", {*patch->primary_display_property}, true);
  }
  if (patch->required_properties) check("requiredProperties", *patch->required_properties, true);
  if (patch->searchable_properties) {
    check("searchableProperties", *patch->searchable_properties, false);
  }
  if (patch->secondary_display_properties) {
    check("secondaryDisplayProperties", *patch->secondary_display_properties, false);
  }
  if (patch->allows_sensitive_properties == false) {
    for (const auto& [name, p] : set->by_name) {
      if (p.data_sensitivity != "non_sensitive") {
        problems.push_back({"allowsSensitiveProperties cannot be turned off while property " +
                                name + " is " + p.data_sensitivity,
                            "allowsSensitiveProperties",
                            std::string(internal::kCodeValue),
                            {}});
        break;
      }
    }
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  if (patch->singular_label) schema.singular_label = *patch->singular_label;
  if (patch->plural_label) schema.plural_label = *patch->plural_label;
  if (patch->description) schema.description = *patch->description;
  if (patch->primary_display_property) {
    schema.primary_display_property = *patch->primary_display_property;
  }
  if (patch->required_properties) schema.required_properties = *patch->required_properties;
  if (patch->searchable_properties) schema.searchable_properties = *patch->searchable_properties;
  if (patch->secondary_display_properties) {
    schema.secondary_display_properties = *patch->secondary_display_properties;
  }
  if (patch->allows_sensitive_properties) {
    schema.allows_sensitive_properties = *patch->allows_sensitive_properties;
  }
  auto updated = store_.UpdateSchema(account_id, schema, clock_.NowMs());
  Invalidate();
  return updated;
}

Status SchemaService::Delete(int64_t account_id, std::string_view object_type, bool purge) {
  if (!purge) {
    FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema, FindLive(account_id, object_type));
    Status archived = store_.ArchiveSchema(account_id, schema.id, clock_.NowMs());
    Invalidate();
    return archived;
  }
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::ObjectSchemaRecord> archived,
                         store_.ListSchemas(account_id, true));
  for (const auto& s : archived) {
    if (Names(s, object_type, account_id)) {
      Status purged = store_.PurgeSchema(account_id, s.id);
      Invalidate();
      return purged;
    }
  }
  if (FindLive(account_id, object_type).ok()) {
    std::string msg = "Object schema " + std::string(object_type.substr(0, 100)) +
                      " is not archived: delete it without archived=true first";
    return Error::Invalid(msg, {{msg, "archived", std::string(internal::kCodeValue), {}}});
  }
  return SchemaNotFound(object_type);
}

Result<store::SchemaAssociationRecord> SchemaService::CreateAssociation(
    int64_t account_id, std::string_view object_type, const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema, FindLive(account_id, object_type));
  const json::object* obj = body.if_object();
  if (!obj) return InvalidInput({{"the body must be a JSON object", "body", "INVALID_TYPE", {}}});
  std::vector<ErrorDetail> problems;
  internal::FieldReader r(*obj, "", problems);
  auto from = r.String("fromObjectTypeId", true, 200);
  auto to = r.String("toObjectTypeId", true, 200);
  auto name = r.String("name", false, 100);
  if (name && !ValidAssociationName(*name)) {
    r.Problem("name", "name must be letters, digits and underscores", internal::kCodeValue);
  }
  std::optional<ObjectTypeInfo> target;
  if (from) {
    auto f = Resolve(account_id, *from);
    if (!f.ok() || f->id != schema.object_type_id()) {
      r.Problem("fromObjectTypeId",
                "fromObjectTypeId must be this schema's object type " + schema.object_type_id(),
                internal::kCodeValue);
    }
  }
  if (to) {
    auto t = Resolve(account_id, *to);
    if (!t.ok()) {
      r.Problem("toObjectTypeId", "Unknown object type: " + to->substr(0, 100),
                internal::kCodeReference);
    } else {
      target = *t;
    }
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  store::SchemaAssociationRecord a;
  a.to_object_type_id = target->id;
  a.name = name ? *name : AssociationName(schema.name, *target);
  for (const auto& existing : schema.associations) {
    if (existing.to_object_type_id == a.to_object_type_id && existing.name == a.name) {
      return Error::Conflict("An association definition " + a.name + " from " +
                             schema.object_type_id() + " to " + a.to_object_type_id +
                             " already exists (id " + std::to_string(existing.id) + ")");
    }
  }
  auto created = store_.AddSchemaAssociation(account_id, schema.id, a, clock_.NowMs());
  Invalidate();
  return created;
}

Status SchemaService::DeleteAssociation(int64_t account_id, std::string_view object_type,
                                        std::string_view association_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema, FindLive(account_id, object_type));
  int64_t id = 0;
  auto [p, ec] =
      std::from_chars(association_id.data(), association_id.data() + association_id.size(), id);
  if (ec != std::errc() || p != association_id.data() + association_id.size() || id <= 0) {
    return Error::NotFound("Association definition " + std::string(association_id.substr(0, 100)) +
                           " does not exist");
  }
  Status removed = store_.RemoveSchemaAssociation(account_id, schema.id, id);
  Invalidate();
  return removed;
}

}  // namespace flowd::crm
