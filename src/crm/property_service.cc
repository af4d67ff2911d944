#include "crm/property_service.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "crm/default_properties.h"
#include "crm/json_fields.h"
#include "crm/property_json.h"

namespace flowd::crm {
namespace {

namespace json = boost::json;
using internal::InvalidInput;

// Cached snapshots are dropped all at once beyond this many (accounts × types).
constexpr size_t kMaxCachedSnapshots = 10000;

std::string SchemaScopeFamily(const ObjectTypeInfo& t) { return t.custom ? "custom" : t.name; }

void AddUnique(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& s : more) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
}

const store::PropertyGroupRecord* FindDefaultGroup(const std::string& type,
                                                   const std::string& name) {
  for (const auto& g : DefaultGroups(type)) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

const store::PropertyRecord* FindDefaultProperty(const std::string& type, const std::string& name) {
  const auto& defaults = DefaultProperties(type);
  auto it = std::lower_bound(
      defaults.begin(), defaults.end(), name,
      [](const store::PropertyRecord& p, const std::string& n) { return p.name < n; });
  return it != defaults.end() && it->name == name ? &*it : nullptr;
}

std::optional<int64_t> CustomSchemaId(const ObjectTypeInfo& type) {
  if (!type.custom || !IsCustomObjectTypeId(type.id)) return std::nullopt;
  int64_t id = 0;
  auto [p, ec] = std::from_chars(type.id.data() + 2, type.id.data() + type.id.size(), id);
  if (ec != std::errc() || p != type.id.data() + type.id.size()) return std::nullopt;
  return id;
}

Error ReadOnlyDefinition(const std::string& what, const std::string& name) {
  std::string msg = what + " " + name + " is defined by HubSpot and cannot be changed";
  return Error::Invalid(
      msg, {ErrorDetail{msg, "propertyName", std::string(internal::kCodeReadOnly), {}}});
}

Error SensitiveScopes(const std::vector<std::string>& scopes, const std::string& sensitivity) {
  return Error{ErrorCode::kPermissionDenied,
               "This app hasn't been granted all required scopes to make this call: " +
                   sensitivity + " properties need one of the listed scopes.",
               {ErrorDetail{"One or more of the following scopes are required.",
                            "",
                            "",
                            {{"requiredGranularScopes", scopes}}}},
               {},
               std::nullopt};
}

// `inputs` of a batch body (an array of at most kMaxPropertyBatch items).
Result<const json::array*> BatchInputs(const json::value& body) {
  const auto* obj = body.if_object();
  const json::value* inputs = obj ? obj->if_contains("inputs") : nullptr;
  if (!inputs || !inputs->is_array()) {
    return InvalidInput({{"inputs is required and must be an array",
                          "inputs",
                          std::string(internal::kCodeRequired),
                          {}}});
  }
  if (inputs->get_array().size() > kMaxPropertyBatch) {
    return InvalidInput(
        {{"at most " + std::to_string(kMaxPropertyBatch) + " inputs per batch, got " +
              std::to_string(inputs->get_array().size()),
          "inputs",
          std::string(internal::kCodeLimit),
          {}}});
  }
  return &inputs->get_array();
}

// The names of a BatchInputPropertyName; every malformed input is a problem.
Result<std::vector<std::string>> BatchNames(const json::array& inputs) {
  std::vector<std::string> names;
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string in = "inputs[" + std::to_string(i) + "].name";
    const json::object* o = inputs[i].if_object();
    const json::value* name = o ? o->if_contains("name") : nullptr;
    if (!name || !name->is_string() || name->get_string().empty() ||
        name->get_string().size() > 256) {
      problems.push_back({in + " is required and must be a property name",
                          in,
                          std::string(internal::kCodeRequired),
                          {}});
    } else {
      names.emplace_back(name->get_string());
    }
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  return names;
}

bool Matches(const store::PropertyRecord& p, const PropertyListOptions& o) {
  if (o.data_sensitivity && p.data_sensitivity != *o.data_sensitivity) return false;
  if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), p.name) == o.names.end()) {
    return false;
  }
  return true;
}

Error NotFoundFor(const ObjectTypeInfo& type, const std::string& name) {
  return Error::NotFound("Property " + name + " does not exist for object type " + type.id);
}

}  // namespace

std::vector<std::string> PropertyReadScopes(const ObjectTypeInfo& type) {
  std::vector<std::string> out;
  AddUnique(out, type.read_scopes);
  AddUnique(out, type.write_scopes);
  AddUnique(out, {"crm.schemas." + SchemaScopeFamily(type) + ".read"});
  AddUnique(out, type.sensitive_read_scopes);
  AddUnique(out, type.sensitive_write_scopes);
  AddUnique(out, type.highly_sensitive_read_scopes);
  AddUnique(out, type.highly_sensitive_write_scopes);
  AddUnique(out, {"automation"});
  // Whoever may write the definitions may read them (HubSpot's read list leaves the schema
  // write scopes out, which would let a token create what it cannot read back).
  AddUnique(out, PropertyWriteScopes(type));
  return out;
}

std::vector<std::string> PropertyWriteScopes(const ObjectTypeInfo& type) {
  std::vector<std::string> out = {"crm.schemas." + SchemaScopeFamily(type) + ".write"};
  if (!type.custom && type.name == "tickets") {
    AddUnique(
        out, {"tickets", "tickets.sensitive.v2", "tickets.highly_sensitive.v2",
              "crm.objects.tickets.sensitive.write", "crm.objects.tickets.highly_sensitive.write"});
  }
  if (!type.custom && (type.name == "tasks" || type.name == "notes")) {
    AddUnique(out, {"crm.schemas.contacts.write"});
  }
  return out;
}

// ---------------------------------------------------------------- catalog

Result<std::shared_ptr<const PropertySet>> PropertyService::PropertiesOf(
    int64_t account_id, const std::string& object_type_id) {
  const int64_t now = clock_.NowMs();
  const auto key = std::make_pair(account_id, object_type_id);
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.generation == generation_ &&
        now - it->second.built_at_ms < kCatalogTtlMs && now >= it->second.built_at_ms) {
      return it->second.set;
    }
    generation = generation_;
  }
  // Built outside the lock; a change committed meanwhile bumps the generation, so this snapshot
  // is then not kept (it may miss that change).
  auto set = std::make_shared<PropertySet>();
  for (const auto& p : DefaultProperties(object_type_id)) set->by_name.emplace(p.name, p);
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyRecord> stored,
                         store_.ListProperties(account_id, object_type_id, false));
  for (auto& p : stored) set->by_name.insert_or_assign(p.name, std::move(p));
  std::shared_ptr<const PropertySet> snapshot = std::move(set);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation_ == generation) {
      if (cache_.size() >= kMaxCachedSnapshots) cache_.clear();
      cache_[key] = Snapshot{snapshot, generation, now};
    }
  }
  return snapshot;
}

void PropertyService::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  cache_.clear();
}

Result<std::optional<store::PropertyRecord>> PropertyService::FindLive(
    int64_t account_id, const std::string& object_type_id, const std::string& name) {
  FLOWD_ASSIGN_OR_RETURN(std::shared_ptr<const PropertySet> set,
                         PropertiesOf(account_id, object_type_id));
  const store::PropertyRecord* p = set->Find(name);
  if (!p) return std::optional<store::PropertyRecord>();
  return std::optional<store::PropertyRecord>(*p);
}

// ---------------------------------------------------------------- properties

Result<std::vector<store::PropertyRecord>> PropertyService::List(
    int64_t account_id, const ObjectTypeInfo& type, const PropertyListOptions& options) {
  std::vector<store::PropertyRecord> out;
  if (options.archived) {
    FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyRecord> archived,
                           store_.ListProperties(account_id, type.id, true));
    for (auto& p : archived) {
      if (Matches(p, options)) out.push_back(std::move(p));
    }
    return out;
  }
  FLOWD_ASSIGN_OR_RETURN(std::shared_ptr<const PropertySet> set, PropertiesOf(account_id, type.id));
  for (const auto& [name, p] : set->by_name) {
    if (Matches(p, options)) out.push_back(p);
  }
  std::sort(out.begin(), out.end(),
            [](const store::PropertyRecord& a, const store::PropertyRecord& b) {
              return a.name < b.name;
            });
  return out;
}

Result<store::PropertyRecord> PropertyService::Get(int64_t account_id, const ObjectTypeInfo& type,
                                                   const std::string& name, bool archived) {
  if (archived) return store_.GetProperty(account_id, type.id, name, true);
  FLOWD_ASSIGN_OR_RETURN(std::optional<store::PropertyRecord> p,
                         FindLive(account_id, type.id, name));
  if (!p) return NotFoundFor(type, name);
  return std::move(*p);
}

Status PropertyService::CheckGroupExists(int64_t account_id, const ObjectTypeInfo& type,
                                         const std::string& group, const std::string& in,
                                         std::vector<ErrorDetail>& problems) {
  if (FindDefaultGroup(type.id, group)) return Status::Ok();
  auto stored = store_.GetGroup(account_id, type.id, group);
  if (stored.ok()) return Status::Ok();
  if (stored.error().code != ErrorCode::kNotFound) return std::move(stored).error();
  problems.push_back({"Property group " + group + " does not exist for object type " + type.id,
                      in,
                      std::string(internal::kCodeReference),
                      {}});
  return Status::Ok();
}

Status PropertyService::CheckSensitivity(int64_t account_id, const ObjectTypeInfo& type,
                                         const store::PropertyRecord& p, SensitiveAccess access) {
  if (p.data_sensitivity == "non_sensitive") return Status::Ok();
  if (p.data_sensitivity == "sensitive" && !access.sensitive) {
    return SensitiveScopes(type.sensitive_write_scopes, "sensitive");
  }
  if (p.data_sensitivity == "highly_sensitive" && !access.highly_sensitive) {
    return SensitiveScopes(type.highly_sensitive_write_scopes, "highly_sensitive");
  }
  if (auto schema_id = CustomSchemaId(type)) {
    FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema,
                           store_.GetSchema(account_id, *schema_id));
    if (!schema.allows_sensitive_properties) {
      std::string msg = "Object type " + type.id +
                        " does not allow sensitive properties (set allowsSensitiveProperties on "
                        "its schema)";
      return Error::Invalid(msg, {{msg, "dataSensitivity", std::string(internal::kCodeValue), {}}});
    }
  }
  return Status::Ok();
}

Result<std::vector<store::PropertyRecord>> PropertyService::CheckNew(
    int64_t account_id, const ObjectTypeInfo& type, std::vector<store::PropertyRecord> props,
    SensitiveAccess access) {
  std::vector<ErrorDetail> problems;
  for (auto& p : props) {
    p.object_type_id = type.id;
    FLOWD_TRY(CheckGroupExists(account_id, type, p.group_name, "groupName", problems));
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  for (const auto& p : props) {
    FLOWD_TRY(CheckSensitivity(account_id, type, p, access));
    if (FindDefaultProperty(type.id, p.name)) {
      return Error::Conflict("Property named " + p.name + " already exists for object type " +
                             type.id + " (it is defined by HubSpot)");
    }
  }
  return props;
}

Result<store::PropertyRecord> PropertyService::Create(int64_t account_id,
                                                      const ObjectTypeInfo& type,
                                                      const json::value& body,
                                                      SensitiveAccess access) {
  std::vector<ErrorDetail> problems;
  auto parsed = ParsePropertyCreate(body, "", nullptr, problems);
  if (!parsed) return InvalidInput(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyRecord> checked,
                         CheckNew(account_id, type, {std::move(*parsed)}, access));
  auto created = store_.CreateProperties(account_id, checked, clock_.NowMs());
  Invalidate();
  if (!created.ok()) return std::move(created).error();
  return std::move(created->front());
}

Result<store::PropertyRecord> PropertyService::Update(int64_t account_id,
                                                      const ObjectTypeInfo& type,
                                                      const std::string& name,
                                                      const json::value& body) {
  // Built-ins come from code; stored definitions are read from the store, not the (possibly
  // stale) catalog snapshot, since the whole definition is written back.
  if (FindDefaultProperty(type.id, name)) return ReadOnlyDefinition("Property", name);
  auto current = store_.GetProperty(account_id, type.id, name, false);
  if (!current.ok()) return std::move(current).error();
  if (current->hubspot_defined || current->read_only_definition) {
    return ReadOnlyDefinition("Property", name);
  }
  std::vector<ErrorDetail> problems;
  auto updated = ApplyPropertyUpdate(*current, body, problems);
  if (updated && updated->group_name != current->group_name) {
    FLOWD_TRY(CheckGroupExists(account_id, type, updated->group_name, "groupName", problems));
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  auto stored = store_.UpdateProperty(account_id, *updated, clock_.NowMs());
  Invalidate();
  return stored;
}

Status PropertyService::Archive(int64_t account_id, const ObjectTypeInfo& type,
                                const std::string& name) {
  if (!FindDefaultProperty(type.id, name)) {
    auto current = store_.GetProperty(account_id, type.id, name, false);
    if (!current.ok()) return std::move(current).error();
  }
  json::array inputs;
  inputs.push_back(json::object{{"name", name}});
  return BatchArchive(account_id, type, json::object{{"inputs", std::move(inputs)}});
}

Status PropertyService::BatchArchive(int64_t account_id, const ObjectTypeInfo& type,
                                     const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  FLOWD_ASSIGN_OR_RETURN(std::vector<std::string> names, BatchNames(*inputs));
  FLOWD_ASSIGN_OR_RETURN(std::shared_ptr<const PropertySet> set, PropertiesOf(account_id, type.id));
  std::vector<std::string> referenced;  // by the custom schema
  if (auto schema_id = CustomSchemaId(type)) {
    FLOWD_ASSIGN_OR_RETURN(store::ObjectSchemaRecord schema,
                           store_.GetSchema(account_id, *schema_id));
    referenced = schema.required_properties;
    referenced.push_back(schema.primary_display_property);
  }
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string in = "inputs[" + std::to_string(i) + "].name";
    const store::PropertyRecord* p = set->Find(names[i]);
    if (p && (p->hubspot_defined || p->read_only_definition)) {
      problems.push_back({"Property " + names[i] + " is defined by HubSpot and cannot be archived",
                          in,
                          std::string(internal::kCodeReadOnly),
                          {}});
    } else if (p && std::find(referenced.begin(), referenced.end(), names[i]) != referenced.end()) {
      problems.push_back({"Property " + names[i] +
                              " is the primary display property or a required property of its "
                              "object schema and cannot be archived",
                          in,
                          std::string(internal::kCodeReference),
                          {}});
    }
  }
  if (!problems.empty()) return InvalidInput(std::move(problems));
  auto archived = store_.ArchiveProperties(account_id, type.id, names, clock_.NowMs());
  Invalidate();
  if (!archived.ok()) return std::move(archived).error();
  return Status::Ok();
}

Result<PropertyBatchResult> PropertyService::BatchCreate(int64_t account_id,
                                                         const ObjectTypeInfo& type,
                                                         const json::value& body,
                                                         SensitiveAccess access) {
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  PropertyBatchResult out;
  std::vector<store::PropertyRecord> valid;
  std::set<std::string> names;
  auto fail = [&](size_t i, const std::string& name, Error e) {
    e.context[name.empty() ? "index" : "names"] = {name.empty() ? std::to_string(i) : name};
    out.errors.push_back(std::move(e));
  };
  for (size_t i = 0; i < inputs->size(); ++i) {
    std::vector<ErrorDetail> problems;
    auto parsed =
        ParsePropertyCreate((*inputs)[i], "inputs[" + std::to_string(i) + "].", nullptr, problems);
    if (!parsed) {
      const json::object* o = (*inputs)[i].if_object();
      const json::value* n = o ? o->if_contains("name") : nullptr;
      fail(i, n && n->is_string() ? std::string(n->get_string()) : "",
           InvalidInput(std::move(problems)));
      continue;
    }
    if (!names.insert(parsed->name).second) {
      fail(i, parsed->name,
           Error::Conflict("Property " + parsed->name + " appears more than once in the batch"));
      continue;
    }
    auto checked = CheckNew(account_id, type, {*parsed}, access);
    if (!checked.ok()) {
      fail(i, parsed->name, std::move(checked).error());
      continue;
    }
    // Names taken by stored properties (live or archived) fail this input alone.
    bool taken = false;
    for (bool archived : {false, true}) {
      auto held = store_.GetProperty(account_id, type.id, parsed->name, archived);
      if (held.ok()) {
        fail(i, parsed->name,
             Error::Conflict(archived ? "An archived property named " + parsed->name +
                                            " exists; archived property names cannot be reused"
                                      : "Property named " + parsed->name + " already exists"));
        taken = true;
        break;
      }
      if (held.error().code != ErrorCode::kNotFound) return std::move(held).error();
    }
    if (!taken) valid.push_back(std::move(checked->front()));
  }
  if (!valid.empty()) {
    auto created = store_.CreateProperties(account_id, valid, clock_.NowMs());
    Invalidate();
    if (!created.ok()) return std::move(created).error();
    out.results = std::move(*created);
  }
  return out;
}

Result<PropertyBatchResult> PropertyService::BatchRead(int64_t account_id,
                                                       const ObjectTypeInfo& type,
                                                       const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(const json::array* inputs, BatchInputs(body));
  FLOWD_ASSIGN_OR_RETURN(std::vector<std::string> names, BatchNames(*inputs));
  std::vector<ErrorDetail> problems;
  internal::FieldReader r(body.get_object(), "", problems);
  const bool archived = r.Bool("archived").value_or(false);
  auto sensitivity =
      r.Enum("dataSensitivity", false, {"non_sensitive", "sensitive", "highly_sensitive"});
  if (!problems.empty()) return InvalidInput(std::move(problems));
  PropertyBatchResult out;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) continue;
    auto p = Get(account_id, type, name, archived);
    if (p.ok() && (!sensitivity || p->data_sensitivity == *sensitivity)) {
      out.results.push_back(std::move(*p));
      continue;
    }
    if (!p.ok() && p.error().code != ErrorCode::kNotFound) return std::move(p).error();
    Error e = NotFoundFor(type, name);
    e.context["names"] = {name};
    out.errors.push_back(std::move(e));
  }
  return out;
}

// ---------------------------------------------------------------- groups

Result<std::vector<store::PropertyGroupRecord>> PropertyService::ListGroups(
    int64_t account_id, const ObjectTypeInfo& type) {
  std::vector<store::PropertyGroupRecord> out = DefaultGroups(type.id);
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::PropertyGroupRecord> stored,
                         store_.ListGroups(account_id, type.id));
  for (auto& g : stored) out.push_back(std::move(g));
  return out;
}

Result<store::PropertyGroupRecord> PropertyService::GetGroup(int64_t account_id,
                                                             const ObjectTypeInfo& type,
                                                             const std::string& name) {
  if (const auto* g = FindDefaultGroup(type.id, name)) return *g;
  return store_.GetGroup(account_id, type.id, name);
}

Result<store::PropertyGroupRecord> PropertyService::CreateGroup(int64_t account_id,
                                                                const ObjectTypeInfo& type,
                                                                const json::value& body) {
  std::vector<ErrorDetail> problems;
  auto group = ParseGroupCreate(body, problems);
  if (!group) return InvalidInput(std::move(problems));
  group->object_type_id = type.id;
  if (FindDefaultGroup(type.id, group->name)) {
    return Error::Conflict("Property group named " + group->name +
                           " already exists for object type " + type.id);
  }
  return store_.CreateGroup(account_id, *group, clock_.NowMs());
}

Result<store::PropertyGroupRecord> PropertyService::UpdateGroup(int64_t account_id,
                                                                const ObjectTypeInfo& type,
                                                                const std::string& name,
                                                                const json::value& body) {
  if (FindDefaultGroup(type.id, name)) return ReadOnlyDefinition("Property group", name);
  FLOWD_ASSIGN_OR_RETURN(store::PropertyGroupRecord current,
                         store_.GetGroup(account_id, type.id, name));
  if (current.hubspot_defined) return ReadOnlyDefinition("Property group", name);
  std::vector<ErrorDetail> problems;
  auto updated = ApplyGroupUpdate(current, body, problems);
  if (!updated) return InvalidInput(std::move(problems));
  return store_.UpdateGroup(account_id, *updated, clock_.NowMs());
}

Status PropertyService::DeleteGroup(int64_t account_id, const ObjectTypeInfo& type,
                                    const std::string& name) {
  if (FindDefaultGroup(type.id, name)) return ReadOnlyDefinition("Property group", name);
  FLOWD_ASSIGN_OR_RETURN(store::PropertyGroupRecord current,
                         store_.GetGroup(account_id, type.id, name));
  if (current.hubspot_defined) return ReadOnlyDefinition("Property group", name);
  Status deleted = store_.DeleteGroup(account_id, type.id, name);
  if (!deleted.ok() && deleted.error().code == ErrorCode::kConflict) {
    const std::string msg = deleted.error().message;
    return Error::Invalid(msg, {{msg, "groupName", std::string(internal::kCodeReference), {}}});
  }
  return deleted;
}

}  // namespace flowd::crm
