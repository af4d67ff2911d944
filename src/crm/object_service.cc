#include "crm/object_service.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/text.h"

namespace flowd::crm {
namespace {

// HubSpot stores contact emails lower-cased and refuses ones that are not addresses.
bool LooksLikeEmail(std::string_view e) {
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size()) return false;
  if (e.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = e.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.')
    return false;
  return std::none_of(e.begin(), e.end(),
                      [](char ch) { return std::isspace(static_cast<unsigned char>(ch)); });
}

Error NotFoundError(const ObjectTypeInfo& t, std::string_view id) {
  return Error::NotFound("Object not found. objectId are usually numeric. (" + t.singular + " " +
                         std::string(id.substr(0, 100)) + ")");
}

Error InvalidId(std::string_view id, std::string in) {
  std::string shown(id.substr(0, 100));
  return Error::Invalid(
      "Invalid object id '" + shown + "': ids are positive integers",
      {ErrorDetail{"Not a valid object id: '" + shown + "'", std::move(in), "INVALID_ID", {}}});
}

}  // namespace

std::string StoredPropertyName(const std::string& name) {
  // Aliases HubSpot uses on non-contact types for the maintained dates.
  if (name == "hs_lastmodifieddate") return "lastmodifieddate";
  if (name == "hs_createdate") return "createdate";
  return name;
}

bool Caller::HasAny(const std::vector<std::string>& wanted) const {
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::find(scopes.begin(), scopes.end(), w) != scopes.end();
  });
}

ObjectService::ObjectService(store::Store& store, ObjectTypeResolver& types,
                             PropertyCatalog& properties, const Clock& clock)
    : store_(store), types_(types), properties_(properties), clock_(clock) {}

Result<ObjectTypeInfo> ObjectService::Type(int64_t account_id, std::string_view name_or_id) {
  return types_.Resolve(account_id, name_or_id);
}

std::vector<std::string> ObjectService::DefaultPropertyNames(const ObjectTypeInfo& t) {
  if (t.id == "0-1")
    return {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"};
  if (t.id == "0-2") return {"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"};
  if (t.id == "0-3")
    return {"amount",    "closedate",           "createdate",   "dealname",
            "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"};
  if (t.id == "0-5")
    return {"content",     "createdate",        "hs_lastmodifieddate", "hs_object_id",
            "hs_pipeline", "hs_pipeline_stage", "hs_ticket_category",  "hs_ticket_priority",
            "subject"};
  std::vector<std::string> out = {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"};
  if (!t.primary_display_property.empty()) out.push_back(t.primary_display_property);
  return out;
}

Result<std::shared_ptr<const PropertySet>> ObjectService::Properties(int64_t account_id,
                                                                     const ObjectTypeInfo& t) {
  return properties_.PropertiesOf(account_id, t.id);
}

Status ObjectService::CheckReadable(const Caller& c, const ObjectTypeInfo& t,
                                    const store::PropertyRecord& p) const {
  if (p.data_sensitivity == "sensitive" && !c.HasAny(t.sensitive_read_scopes)) {
    return Error::MissingScopes(t.sensitive_read_scopes);
  }
  if (p.data_sensitivity == "highly_sensitive" && !c.HasAny(t.highly_sensitive_read_scopes)) {
    return Error::MissingScopes(t.highly_sensitive_read_scopes);
  }
  return Status::Ok();
}

Result<std::vector<store::PropertyWrite>> ObjectService::PrepareWrites(
    const Caller& c, const ObjectTypeInfo& t, const PropertySet& props,
    const std::map<std::string, std::string>& in, std::string_view where) {
  std::vector<store::PropertyWrite> out;
  std::vector<ErrorDetail> problems;
  std::set<std::string> missing_scopes;
  const std::string prefix = where.empty() ? std::string() : std::string(where) + ".";
  for (const auto& [name, raw] : in) {
    const store::PropertyRecord* p = props.Find(name);
    if (p == nullptr) {
      problems.push_back(ErrorDetail{"Property \"" + name.substr(0, 100) + "\" does not exist",
                                     prefix + name,
                                     "PROPERTY_DOESNT_EXIST",
                                     {}});
      continue;
    }
    if (p->read_only_value || p->calculated) {
      problems.push_back(ErrorDetail{"Property \"" + name +
                                         "\" is read-only: its value is "
                                         "maintained by flowd",
                                     prefix + name,
                                     "READ_ONLY_VALUE",
                                     {}});
      continue;
    }
    if (p->data_sensitivity == "sensitive" && !c.HasAny(t.sensitive_write_scopes)) {
      missing_scopes.insert(t.sensitive_write_scopes.begin(), t.sensitive_write_scopes.end());
      continue;
    }
    if (p->data_sensitivity == "highly_sensitive" && !c.HasAny(t.highly_sensitive_write_scopes)) {
      missing_scopes.insert(t.highly_sensitive_write_scopes.begin(),
                            t.highly_sensitive_write_scopes.end());
      continue;
    }
    std::string value = raw;
    if (t.id == "0-1" && name == "email") {
      value = AsciiLower(TrimAscii(raw));
      if (!value.empty() && !LooksLikeEmail(value)) {
        problems.push_back(ErrorDetail{"Email address " + raw.substr(0, 200) + " is invalid",
                                       prefix + name,
                                       "INVALID_EMAIL",
                                       {}});
        continue;
      }
    }
    auto normalized = NormalizePropertyValue(*p, value);
    if (auto* err = std::get_if<ErrorDetail>(&normalized)) {
      err->in = prefix + name;
      problems.push_back(std::move(*err));
      continue;
    }
    out.push_back(store::PropertyWrite{name, std::get<std::string>(std::move(normalized))});
  }
  if (!missing_scopes.empty()) {
    return Error::MissingScopes({missing_scopes.begin(), missing_scopes.end()});
  }
  if (!problems.empty()) {
    std::string msg = "Property values were not valid: ";
    for (size_t i = 0; i < problems.size() && i < 5; ++i) {
      msg += (i ? "; " : "") + problems[i].message;
    }
    if (problems.size() > 5) msg += "; and " + std::to_string(problems.size() - 5) + " more";
    return Error::Invalid(std::move(msg), std::move(problems));
  }
  return out;
}

// Properties whose equality lookups the store indexes (ObjectWriteOptions::lookup_properties):
// low-cardinality values (enumerations, booleans, owner ids), whose index entries cluster, and
// the identifiers flowd itself looks records up by. Free text (names, phone numbers, notes) is
// found by a scan of that property's values: indexing it would cost a random index page per value
// on every write (docs/architecture.md, "CRM storage").
static bool IsLookupProperty(const store::PropertyRecord& p) {
  static constexpr std::string_view kIdentifiers[] = {"hubspotutk", "domain",
                                                      "hs_object_source_id"};
  if (p.type == "enumeration" || p.type == "bool" || !p.referenced_object_type.empty()) return true;
  return std::find(std::begin(kIdentifiers), std::end(kIdentifiers), p.name) !=
         std::end(kIdentifiers);
}

store::ObjectWriteOptions WriteOptionsFor(const PropertySet& props, store::ChangeSource source) {
  store::ObjectWriteOptions o;
  for (const auto& [name, p] : props.by_name) {
    if (p.has_unique_value) {
      o.unique_properties.push_back(name);
    } else if (IsLookupProperty(p)) {
      o.lookup_properties.push_back(name);
    }
  }
  o.source = std::move(source);
  return o;
}

store::ObjectWriteOptions ObjectService::WriteOptions(const Caller& c,
                                                      const PropertySet& props) const {
  return WriteOptionsFor(props, c.source);
}

Result<int64_t> ObjectService::ResolveRef(const ObjectTypeInfo& t, int64_t account_id,
                                          const PropertySet& props, const ObjectRef& ref) {
  if (ref.id_property.empty() || ref.id_property == "hs_object_id") {
    auto id = ParseDecimalId(ref.id);
    if (!id) return InvalidId(ref.id, "id");
    return *id;
  }
  const store::PropertyRecord* p = props.Find(ref.id_property);
  if (p == nullptr || !p->has_unique_value) {
    std::string msg = "idProperty '" + ref.id_property.substr(0, 100) +
                      "' is not a unique-value property of " + t.name;
    return Error::Invalid(msg, {ErrorDetail{msg, "idProperty", "INVALID_ID_PROPERTY", {}}});
  }
  std::string value = ref.id;
  if (t.id == "0-1" && ref.id_property == "email") value = AsciiLower(TrimAscii(value));
  FLOWD_ASSIGN_OR_RETURN(
      auto ids, store_.objects().FindByValues(account_id, t.id, ref.id_property, {value}, 1));
  if (ids.empty()) return NotFoundError(t, ref.id);
  return ids.front();
}

Result<std::vector<ObjectView>> ObjectService::Views(const Caller& c, const ObjectTypeInfo& t,
                                                     std::vector<store::ObjectRecord> records,
                                                     const ReadOptions& read) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  auto readable = [&](const std::string& name) {
    const store::PropertyRecord* p = props->Find(StoredPropertyName(name));
    return p == nullptr || CheckReadable(c, t, *p).ok();
  };
  // Each requested name is resolved once, not once per record: batch writes ask for every
  // input's names (600 for 100 contacts of 6 properties), mostly the same few.
  struct Shown {
    std::string name, stored;
  };
  std::vector<Shown> shown;
  {
    std::set<std::string> seen;
    for (const auto& name : read.properties.empty() ? DefaultPropertyNames(t) : read.properties) {
      if (seen.insert(name).second && readable(name))
        shown.push_back({name, StoredPropertyName(name)});
    }
  }
  std::vector<std::string> history_names;
  for (const auto& n : read.properties_with_history) {
    if (props->Find(n) && readable(n)) history_names.push_back(n);
  }
  store::ValueHistory history;
  if (!history_names.empty() && !records.empty()) {
    std::vector<int64_t> ids;
    for (const auto& r : records) ids.push_back(r.id);
    FLOWD_ASSIGN_OR_RETURN(history,
                           store_.objects().GetHistory(c.account_id, t.id, ids, history_names));
  }
  std::vector<ObjectView> out;
  out.reserve(records.size());
  for (auto& r : records) {
    ObjectView v;
    for (const auto& s : shown) {
      auto it = r.properties.find(s.stored);
      if (it != r.properties.end()) v.properties[s.name] = it->second;
    }
    if (auto h = history.find(r.id); h != history.end()) v.history = std::move(h->second);
    v.record = std::move(r);
    out.push_back(std::move(v));
  }
  return out;
}

Result<ObjectView> ObjectService::Create(const Caller& c, const ObjectTypeInfo& t,
                                         const ObjectInput& in) {
  FLOWD_ASSIGN_OR_RETURN(BatchResult r, BatchCreate(c, t, {in}));
  return std::move(r.results.front());
}

Result<BatchResult> ObjectService::BatchCreate(const Caller& c, const ObjectTypeInfo& t,
                                               const std::vector<ObjectInput>& inputs) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  std::vector<std::vector<store::PropertyWrite>> writes;
  writes.reserve(inputs.size());
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string where =
        inputs.size() == 1 ? "properties" : "inputs[" + std::to_string(i) + "].properties";
    auto w = PrepareWrites(c, t, *props, inputs[i].properties, where);
    if (!w.ok()) {
      if (w.error().code != ErrorCode::kInvalidArgument) return std::move(w).error();
      for (auto& d : std::move(w).error().details) problems.push_back(std::move(d));
      continue;
    }
    writes.push_back(std::move(w).value());
  }
  if (!problems.empty()) {
    return Error::InvalidList(std::move(problems));
  }
  FLOWD_ASSIGN_OR_RETURN(auto created,
                         store_.objects().CreateObjects(c.account_id, t.id, writes,
                                                        WriteOptions(c, *props), clock_.NowMs()));
  ReadOptions read;
  for (const auto& in : inputs) {
    for (const auto& [name, value] : in.properties) read.properties.push_back(name);
  }
  // HubSpot echoes the default properties plus the ones written.
  for (auto& n : DefaultPropertyNames(t)) read.properties.push_back(n);
  FLOWD_ASSIGN_OR_RETURN(auto views, Views(c, t, std::move(created), read));
  BatchResult out;
  out.results = std::move(views);
  return out;
}

Result<ObjectView> ObjectService::Get(const Caller& c, const ObjectTypeInfo& t,
                                      const ObjectRef& ref, const ReadOptions& read) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  int64_t id = 0;
  if (read.archived && !ref.id_property.empty() && ref.id_property != "hs_object_id") {
    // Unique claims are released on archive: archived records are found by id only.
    return NotFoundError(t, ref.id);
  }
  FLOWD_ASSIGN_OR_RETURN(id, ResolveRef(t, c.account_id, *props, ref));
  FLOWD_ASSIGN_OR_RETURN(auto found,
                         store_.objects().GetObjects(c.account_id, t.id, {id}, read.archived));
  if (found.empty()) return NotFoundError(t, ref.id);
  FLOWD_ASSIGN_OR_RETURN(auto views, Views(c, t, std::move(found), read));
  return std::move(views.front());
}

Result<ObjectView> ObjectService::Update(const Caller& c, const ObjectTypeInfo& t,
                                         const ObjectRef& ref, const ObjectInput& in) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  FLOWD_ASSIGN_OR_RETURN(int64_t id, ResolveRef(t, c.account_id, *props, ref));
  FLOWD_ASSIGN_OR_RETURN(auto writes, PrepareWrites(c, t, *props, in.properties, "properties"));
  auto updated = store_.objects().UpdateObjects(c.account_id, t.id, {{id, std::move(writes)}},
                                                WriteOptions(c, *props), clock_.NowMs());
  if (!updated.ok()) {
    if (updated.error().code == ErrorCode::kNotFound) return NotFoundError(t, ref.id);
    return std::move(updated).error();
  }
  ReadOptions read;
  for (const auto& [name, value] : in.properties) read.properties.push_back(name);
  for (auto& n : DefaultPropertyNames(t)) read.properties.push_back(n);
  FLOWD_ASSIGN_OR_RETURN(auto views, Views(c, t, std::move(updated).value(), read));
  return std::move(views.front());
}

Status ObjectService::Archive(const Caller& c, const ObjectTypeInfo& t,
                              const std::vector<int64_t>& ids) {
  FLOWD_ASSIGN_OR_RETURN(auto archived,
                         store_.objects().ArchiveObjects(c.account_id, t.id, ids, clock_.NowMs()));
  (void)archived;
  return Status::Ok();
}

Result<std::pair<std::vector<ObjectView>, std::optional<int64_t>>> ObjectService::List(
    const Caller& c, const ObjectTypeInfo& t, std::optional<int64_t> after, size_t limit,
    const ReadOptions& read) {
  FLOWD_ASSIGN_OR_RETURN(
      auto page, store_.objects().ListObjects(c.account_id, t.id, after, limit, read.archived));
  FLOWD_ASSIGN_OR_RETURN(auto views, Views(c, t, std::move(page.objects), read));
  return std::make_pair(std::move(views), page.next_after);
}

Result<BatchResult> ObjectService::BatchRead(const Caller& c, const ObjectTypeInfo& t,
                                             const std::vector<std::string>& ids,
                                             const std::string& id_property,
                                             const ReadOptions& read) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  std::vector<int64_t> wanted;
  std::vector<std::string> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto id = ResolveRef(t, c.account_id, *props, ObjectRef{ids[i], id_property});
    if (!id.ok()) {
      if (id.error().code == ErrorCode::kNotFound) {
        missing.push_back(ids[i]);
        continue;
      }
      Error e = std::move(id).error();
      for (auto& d : e.details) d.in = "inputs[" + std::to_string(i) + "].id";
      return e;
    }
    wanted.push_back(*id);
  }
  FLOWD_ASSIGN_OR_RETURN(auto found,
                         store_.objects().GetObjects(c.account_id, t.id, wanted, read.archived));
  std::unordered_set<int64_t> got;
  for (const auto& r : found) got.insert(r.id);
  for (int64_t id : wanted) {
    if (!got.count(id)) missing.push_back(std::to_string(id));
  }
  BatchResult out;
  FLOWD_ASSIGN_OR_RETURN(out.results, Views(c, t, std::move(found), read));
  if (!missing.empty()) {
    Error e = Error::NotFound("Could not get some " + t.singular +
                              " objects, they may be deleted or not exist.");
    out.errors.push_back(ItemError{std::move(e), missing});
  }
  return out;
}

Result<BatchResult> ObjectService::BatchUpdate(const Caller& c, const ObjectTypeInfo& t,
                                               const std::vector<ObjectUpdateInput>& inputs) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  std::vector<store::ObjectUpdate> updates;
  std::vector<std::string> missing;
  std::vector<ErrorDetail> problems;
  std::set<int64_t> seen;
  ReadOptions read;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = "inputs[" + std::to_string(i) + "]";
    auto id = ResolveRef(t, c.account_id, *props, inputs[i].ref);
    if (!id.ok()) {
      if (id.error().code == ErrorCode::kNotFound) {
        missing.push_back(inputs[i].ref.id);
        continue;
      }
      for (auto d : id.error().details) {
        d.in = where + ".id";
        problems.push_back(std::move(d));
      }
      continue;
    }
    if (!seen.insert(*id).second) {
      problems.push_back(ErrorDetail{"Duplicate IDs found in batch input: " + inputs[i].ref.id,
                                     where + ".id",
                                     "DUPLICATE_ID",
                                     {}});
      continue;
    }
    auto w = PrepareWrites(c, t, *props, inputs[i].properties, where + ".properties");
    if (!w.ok()) {
      if (w.error().code != ErrorCode::kInvalidArgument) return std::move(w).error();
      for (auto& d : std::move(w).error().details) problems.push_back(std::move(d));
      continue;
    }
    for (const auto& [name, value] : inputs[i].properties) read.properties.push_back(name);
    updates.push_back(store::ObjectUpdate{*id, std::move(w).value()});
  }
  if (!problems.empty()) {
    return Error::InvalidList(std::move(problems));
  }
  BatchResult out;
  if (!updates.empty()) {
    auto updated = store_.objects().UpdateObjects(c.account_id, t.id, updates,
                                                  WriteOptions(c, *props), clock_.NowMs());
    if (!updated.ok() && updated.error().code == ErrorCode::kNotFound) {
      // Archived between resolve and write: report it with the others.
      return NotFoundError(t, "");
    }
    if (!updated.ok()) return std::move(updated).error();
    for (auto& n : DefaultPropertyNames(t)) read.properties.push_back(n);
    FLOWD_ASSIGN_OR_RETURN(out.results, Views(c, t, std::move(updated).value(), read));
  }
  if (!missing.empty()) {
    out.errors.push_back(ItemError{Error::NotFound("Could not update some " + t.singular +
                                                   " objects, they may be deleted or not exist."),
                                   missing});
  }
  return out;
}

Result<std::pair<ObjectView, bool>> ObjectService::UpsertByUniqueValue(const Caller& c,
                                                                       const ObjectTypeInfo& t,
                                                                       const std::string& property,
                                                                       const std::string& value,
                                                                       const ObjectInput& in) {
  FLOWD_ASSIGN_OR_RETURN(BatchResult r,
                         BatchUpsert(c, t, {ObjectUpdateInput{{value, property}, in.properties}}));
  if (!r.errors.empty()) return std::move(r.errors.front().error);
  const bool created = r.is_new.front();
  return std::make_pair(std::move(r.results.front()), created);
}

Result<BatchResult> ObjectService::BatchUpsert(const Caller& c, const ObjectTypeInfo& t,
                                               const std::vector<ObjectUpdateInput>& inputs) {
  FLOWD_ASSIGN_OR_RETURN(auto props, Properties(c.account_id, t));
  std::vector<ObjectUpdateInput> updates;
  std::vector<ObjectInput> creates;
  std::vector<ErrorDetail> problems;
  BatchResult out;
  std::vector<std::string> missing;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ObjectUpdateInput& in = inputs[i];
    auto id = ResolveRef(t, c.account_id, *props, in.ref);
    if (id.ok()) {
      updates.push_back(ObjectUpdateInput{{std::to_string(*id), ""}, in.properties});
      continue;
    }
    if (id.error().code != ErrorCode::kNotFound) {
      for (auto d : id.error().details) {
        d.in = "inputs[" + std::to_string(i) + "]." + d.in;
        problems.push_back(std::move(d));
      }
      continue;
    }
    if (in.ref.id_property.empty() || in.ref.id_property == "hs_object_id") {
      missing.push_back(in.ref.id);  // a record id that does not exist cannot be created
      continue;
    }
    ObjectInput create{in.properties};
    create.properties[in.ref.id_property] = in.ref.id;
    creates.push_back(std::move(create));
  }
  if (!problems.empty()) {
    return Error::InvalidList(std::move(problems));
  }
  if (!updates.empty()) {
    FLOWD_ASSIGN_OR_RETURN(BatchResult u, BatchUpdate(c, t, updates));
    for (auto& v : u.results) {
      out.results.push_back(std::move(v));
      out.is_new.push_back(false);
    }
    for (auto& e : u.errors) out.errors.push_back(std::move(e));
  }
  if (!creates.empty()) {
    FLOWD_ASSIGN_OR_RETURN(BatchResult cr, BatchCreate(c, t, creates));
    for (auto& v : cr.results) {
      out.results.push_back(std::move(v));
      out.is_new.push_back(true);
    }
  }
  if (!missing.empty()) {
    out.errors.push_back(ItemError{
        Error::NotFound("Could not upsert some " + t.singular +
                        " objects: no record has these ids, and record ids cannot be chosen"),
        missing});
  }
  return out;
}

}  // namespace flowd::crm
