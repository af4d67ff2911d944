#include "crm/association_service.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

namespace flowd::crm {
namespace {

std::string TypePath(const std::string& in, size_t j, std::string_view field) {
  std::string out = in + "[" + std::to_string(j) + "]";
  if (!field.empty()) {
    out += '.';
    out += field;
  }
  return out;
}

Error Invalid(std::vector<ErrorDetail> problems) {
  std::string msg = problems.size() == 1
                        ? problems[0].message
                        : std::to_string(problems.size()) + " problems in the request";
  return Error::Invalid(msg, std::move(problems));
}

AssociationTypeInfo FromLabel(const store::AssociationLabel& l) {
  AssociationTypeInfo t;
  t.category = std::string(kUserDefined);
  t.type_id = l.type_id;
  t.from_type = l.from_type;
  t.to_type = l.to_type;
  t.inverse_type_id = l.inverse_type_id;
  t.label = l.label;
  t.name = l.name;
  return t;
}

// N of a custom type id "2-N".
std::optional<int64_t> SchemaIdOf(const ObjectTypeInfo& t) {
  if (!t.custom || !IsCustomObjectTypeId(t.id)) return std::nullopt;
  int64_t n = 0;
  const std::string_view digits = std::string_view(t.id).substr(2);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return n;
}

std::string Singular(const ObjectTypeInfo& t) { return t.singular.empty() ? t.name : t.singular; }

Error RecordNotFound(const ObjectTypeInfo& type, int64_t id) {
  return Error::NotFound("No " + Singular(type) + " with id " + std::to_string(id) + " exists");
}

// A label, inverse label or internal name: 1..kMaxLabelLength characters (bytes), not blank.
void CheckText(const std::string& value, std::string_view field, std::vector<ErrorDetail>& out) {
  const bool blank = std::all_of(value.begin(), value.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
  if (blank) {
    out.push_back({std::string(field) + " must not be empty", std::string(field), "REQUIRED", {}});
  } else if (value.size() > kMaxLabelLength) {
    out.push_back({std::string(field) + " must be at most " + std::to_string(kMaxLabelLength) +
                       " characters long",
                   std::string(field),
                   "TOO_LONG",
                   {}});
  }
}

}  // namespace

const AssociationTypeInfo* AssociationService::PairTypes::Find(std::string_view category,
                                                               int64_t type_id) const {
  for (const auto& t : all) {
    if (t.category == category && t.type_id == type_id) return &t;
  }
  return nullptr;
}

AssociationService::AssociationService(store::Store& store, ObjectTypeResolver& types,
                                       const Clock& clock)
    : store_(store.associations()), schemas_(store.properties()), types_(types), clock_(clock) {}

Result<AssociationPair> AssociationService::ResolvePair(int64_t account_id,
                                                        std::string_view from_type,
                                                        std::string_view to_type) {
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo from, types_.Resolve(account_id, from_type));
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo to, types_.Resolve(account_id, to_type));
  AssociationPair pair{std::move(from), std::move(to)};
  bool can = CanAssociate(pair.from, pair.to);
  if (can && InvolvesCustomObject(pair.from, pair.to)) {
    FLOWD_ASSIGN_OR_RETURN(std::vector<AssociationTypeInfo> defined, SchemaTypes(account_id, pair));
    can = !defined.empty();
  }
  if (!can) {
    std::string msg = "Records of " + pair.from.name + " cannot be associated with records of " +
                      pair.to.name + ": no association types are defined between them";
    if (InvolvesCustomObject(pair.from, pair.to)) {
      msg += " (add an association definition to the custom object's schema)";
    }
    return Error::Invalid(msg, {ErrorDetail{msg, "toObjectType", "INVALID_ASSOCIATION_PAIR", {}}});
  }
  return pair;
}

Result<std::vector<AssociationTypeInfo>> AssociationService::SchemaTypes(
    int64_t account_id, const AssociationPair& pair) {
  // The schema of the custom end lists every definition it takes part in, from its own side.
  const bool from_custom = pair.from.custom;
  const ObjectTypeInfo& custom = from_custom ? pair.from : pair.to;
  const ObjectTypeInfo& other = from_custom ? pair.to : pair.from;
  std::vector<AssociationTypeInfo> out;
  std::optional<int64_t> schema_id = SchemaIdOf(custom);
  if (!schema_id) return out;
  auto schema = schemas_.GetSchema(account_id, *schema_id);
  if (!schema.ok()) {
    if (schema.error().code == ErrorCode::kNotFound) return out;
    return std::move(schema).error();
  }
  for (const store::SchemaAssociationRecord& a : schema->associations) {
    if (a.to_object_type_id != other.id) continue;
    AssociationTypeInfo t;
    t.category = std::string(kUserDefined);
    t.type_id = from_custom ? a.id : a.inverse_id;
    t.inverse_type_id = from_custom ? a.inverse_id : a.id;
    t.from_type = pair.from.id;
    t.to_type = pair.to.id;
    t.name = a.name;
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const AssociationTypeInfo& a, const AssociationTypeInfo& b) {
    return a.type_id < b.type_id;
  });
  if (!out.empty()) out.front().is_default = true;
  return out;
}

Result<AssociationService::PairTypes> AssociationService::LoadPairTypes(
    int64_t account_id, const AssociationPair& pair) {
  PairTypes out;
  if (InvolvesCustomObject(pair.from, pair.to)) {
    FLOWD_ASSIGN_OR_RETURN(out.all, SchemaTypes(account_id, pair));
  } else {
    out.all = HubSpotDefinedTypesBetween(pair.from.id, pair.to.id);
  }
  if (SupportsLabels(pair.from) && SupportsLabels(pair.to)) {
    FLOWD_ASSIGN_OR_RETURN(std::vector<store::AssociationLabel> rows,
                           store_.ListLabels(account_id, pair.from.id, pair.to.id));
    for (const auto& r : rows) out.all.push_back(FromLabel(r));
  }
  return out;
}

Result<std::vector<AssociatedObject>> AssociationService::Views(
    int64_t account_id, const AssociationPair& pair, std::vector<store::AssociatedRecord> records) {
  std::vector<AssociatedObject> out;
  if (records.empty()) return out;
  FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
  out.reserve(records.size());
  for (auto& r : records) {
    AssociatedObject o;
    o.to_id = r.to_id;
    for (const auto& key : r.types) {
      if (const AssociationTypeInfo* t = known.Find(key.category, key.type_id)) {
        o.types.push_back(*t);
      } else {
        // A label deleted after the rows were read: shown without its label.
        AssociationTypeInfo bare;
        bare.category = key.category;
        bare.type_id = key.type_id;
        bare.from_type = pair.from.id;
        bare.to_type = pair.to.id;
        o.types.push_back(std::move(bare));
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

// ---------------------------------------------------------------- reads

Result<AssociatedPage> AssociationService::List(int64_t account_id, const AssociationPair& pair,
                                                int64_t from_id, std::optional<int64_t> after,
                                                size_t limit) {
  FLOWD_ASSIGN_OR_RETURN(std::vector<AssociatedBatchItem> items,
                         BatchRead(account_id, pair, {{from_id, after}}, limit));
  if (!items.front().from_exists) return RecordNotFound(pair.from, from_id);
  return std::move(items.front().page);
}

Result<std::vector<AssociatedBatchItem>> AssociationService::BatchRead(
    int64_t account_id, const AssociationPair& pair,
    const std::vector<store::AssociationPageRequest>& inputs, size_t limit) {
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<store::AssociationPage> pages,
      store_.ListAssociations(account_id, pair.from.id, inputs, pair.to.id, limit));
  std::vector<AssociatedBatchItem> out;
  out.reserve(pages.size());
  for (size_t i = 0; i < pages.size(); ++i) {
    AssociatedBatchItem item;
    item.from_id = inputs[i].from_id;
    item.from_exists = pages[i].from_exists;
    FLOWD_ASSIGN_OR_RETURN(item.page.results, Views(account_id, pair, std::move(pages[i].records)));
    item.page.next_after = pages[i].next_after;
    out.push_back(std::move(item));
  }
  return out;
}

Result<AssociatedPage> AssociationService::ListForRecord(
    int64_t account_id, const std::string& from_type_id, int64_t from_id,
    const std::string& to_type_id, std::optional<int64_t> after, size_t limit) {
  FLOWD_ASSIGN_OR_RETURN(AssociationPair pair, ResolvePair(account_id, from_type_id, to_type_id));
  return List(account_id, pair, from_id, after, limit);
}

// ---------------------------------------------------------------- writes

Result<std::vector<WriteResult>> AssociationService::Write(
    int64_t account_id, std::vector<store::AssociationWrite> writes,
    std::vector<std::vector<AssociationTypeInfo>> types) {
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::AssociateOutcome> outcomes,
                         store_.Associate(account_id, writes, clock_.NowMs()));
  std::vector<WriteResult> out;
  out.reserve(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    WriteResult r;
    r.outcome = outcomes[i];
    r.from_id = writes[i].from_id;
    r.to_id = writes[i].to_id;
    if (r.outcome == store::AssociateOutcome::kDone) r.types = std::move(types[i]);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<WriteResult>> AssociationService::CreateLabelled(
    int64_t account_id, const AssociationPair& pair, const std::vector<LabelledWrite>& writes) {
  FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
  std::vector<ErrorDetail> problems;
  std::vector<store::AssociationWrite> store_writes;
  std::vector<std::vector<AssociationTypeInfo>> requested;
  for (const LabelledWrite& w : writes) {
    store::AssociationWrite sw{pair.from.id, w.from_id, pair.to.id, w.to_id, {}};
    std::vector<AssociationTypeInfo> types;
    if (w.types.empty()) {
      problems.push_back({"At least one association type is required", w.in, "REQUIRED", {}});
    } else if (w.types.size() > kMaxTypesPerWrite) {
      problems.push_back(
          {"At most " + std::to_string(kMaxTypesPerWrite) + " association types per association",
           w.in,
           "TOO_MANY_TYPES",
           {}});
    }
    if (pair.from.id == pair.to.id && w.from_id == w.to_id) {
      problems.push_back(
          {"A record cannot be associated with itself", w.in, "SELF_ASSOCIATION", {}});
    }
    for (size_t j = 0; j < w.types.size() && j < kMaxTypesPerWrite; ++j) {
      const AssociationTypeRef& ref = w.types[j];
      const AssociationTypeInfo* t = known.Find(ref.category, ref.type_id);
      if (t == nullptr) {
        problems.push_back({"Association type " + std::to_string(ref.type_id) + " (" +
                                ref.category + ") is not defined from " + pair.from.name + " to " +
                                pair.to.name,
                            TypePath(w.in, j, "associationTypeId"),
                            "INVALID_ASSOCIATION_TYPE",
                            {}});
        continue;
      }
      if (std::none_of(types.begin(), types.end(),
                       [&](const AssociationTypeInfo& x) { return x.type_id == t->type_id; })) {
        types.push_back(*t);
        sw.types.push_back(t->Write());
      }
    }
    // Every association carries the pair's default type.
    if (known.Default() != nullptr &&
        std::none_of(sw.types.begin(), sw.types.end(),
                     [&](const auto& x) { return x.type_id == known.Default()->type_id; })) {
      sw.types.insert(sw.types.begin(), known.Default()->Write());
    }
    store_writes.push_back(std::move(sw));
    requested.push_back(std::move(types));
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  return Write(account_id, std::move(store_writes), std::move(requested));
}

Result<std::vector<WriteResult>> AssociationService::CreateDefault(
    int64_t account_id, const AssociationPair& pair, const std::vector<RecordPair>& pairs) {
  FLOWD_ASSIGN_OR_RETURN(AssociationTypeInfo def, DefaultType(account_id, pair));
  std::vector<ErrorDetail> problems;
  std::vector<store::AssociationWrite> writes;
  std::vector<std::vector<AssociationTypeInfo>> types;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pair.from.id == pair.to.id && pairs[i].from_id == pairs[i].to_id) {
      problems.push_back({"A record cannot be associated with itself",
                          "inputs[" + std::to_string(i) + "]",
                          "SELF_ASSOCIATION",
                          {}});
    }
    writes.push_back({pair.from.id, pairs[i].from_id, pair.to.id, pairs[i].to_id, {def.Write()}});
    types.push_back({def});
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  return Write(account_id, std::move(writes), std::move(types));
}

Status AssociationService::RemoveAll(int64_t account_id, const AssociationPair& pair,
                                     const std::vector<RecordPair>& pairs) {
  std::vector<store::AssociationRemoval> removals;
  removals.reserve(pairs.size());
  for (const RecordPair& p : pairs) {
    removals.push_back({pair.from.id, p.from_id, pair.to.id, p.to_id, {}});
  }
  return store_.Dissociate(account_id, removals, clock_.NowMs());
}

Status AssociationService::RemoveTypes(int64_t account_id, const AssociationPair& pair,
                                       const std::vector<LabelledWrite>& removals) {
  FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
  std::vector<ErrorDetail> problems;
  std::vector<store::AssociationRemoval> out;
  for (const LabelledWrite& r : removals) {
    store::AssociationRemoval removal{pair.from.id, r.from_id, pair.to.id, r.to_id, {}};
    bool all = false;
    if (r.types.empty()) {
      problems.push_back({"At least one association type is required", r.in, "REQUIRED", {}});
    }
    for (size_t j = 0; j < r.types.size(); ++j) {
      const AssociationTypeInfo* t = known.Find(r.types[j].category, r.types[j].type_id);
      if (t == nullptr) {
        problems.push_back({"Association type " + std::to_string(r.types[j].type_id) + " (" +
                                r.types[j].category + ") is not defined from " + pair.from.name +
                                " to " + pair.to.name,
                            TypePath(r.in, j, "associationTypeId"),
                            "INVALID_ASSOCIATION_TYPE",
                            {}});
        continue;
      }
      // Without its default type an association does not exist: everything goes.
      if (t->is_default) all = true;
      removal.types.push_back(t->Write());
    }
    if (all) removal.types.clear();
    out.push_back(std::move(removal));
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  return store_.Dissociate(account_id, out, clock_.NowMs());
}

Result<AssociationTypeInfo> AssociationService::DefaultType(int64_t account_id,
                                                            const AssociationPair& pair) {
  FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
  if (known.Default() == nullptr) {
    return Error::Internal("no default association type from " + pair.from.id + " to " +
                           pair.to.id);
  }
  return *known.Default();
}

// ---------------------------------------------------------------- labels

Result<std::vector<AssociationTypeInfo>> AssociationService::ListTypes(
    int64_t account_id, const AssociationPair& pair) {
  FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
  return std::move(known.all);
}

Result<std::vector<AssociationTypeInfo>> AssociationService::CreateLabel(
    int64_t account_id, const AssociationPair& pair, const std::string& name,
    const std::string& label, const std::optional<std::string>& inverse) {
  std::vector<ErrorDetail> problems;
  if (!SupportsLabels(pair.from) || !SupportsLabels(pair.to)) {
    std::string msg =
        "Association labels are not supported between " + pair.from.name + " and " + pair.to.name;
    problems.push_back({msg, "toObjectType", "LABELS_NOT_SUPPORTED", {}});
  }
  CheckText(name, "name", problems);
  CheckText(label, "label", problems);
  if (inverse) CheckText(*inverse, "inverseLabel", problems);
  if (!problems.empty()) return Invalid(std::move(problems));
  store::AssociationLabelDefinition def{pair.from.id, pair.to.id, name, label, inverse};
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::AssociationLabel> rows,
                         store_.CreateLabel(account_id, def, kMaxLabelsPerPair, clock_.NowMs()));
  std::vector<AssociationTypeInfo> out;
  for (const auto& r : rows) out.push_back(FromLabel(r));
  return out;
}

namespace {

Status CheckChangeable(int64_t type_id) {
  if (FindHubSpotDefinedType(type_id) != nullptr) {
    std::string msg = "Association type " + std::to_string(type_id) +
                      " is defined by HubSpot and cannot be changed";
    return Error::Invalid(msg, {ErrorDetail{msg, "associationTypeId", "READ_ONLY_TYPE", {}}});
  }
  return Status::Ok();
}

}  // namespace

Status AssociationService::UpdateLabel(int64_t account_id, const AssociationPair& pair,
                                       int64_t type_id, const std::string& label,
                                       const std::optional<std::string>& inverse) {
  FLOWD_TRY(CheckChangeable(type_id));
  std::vector<ErrorDetail> problems;
  CheckText(label, "label", problems);
  if (inverse) CheckText(*inverse, "inverseLabel", problems);
  if (!problems.empty()) return Invalid(std::move(problems));
  return store_.UpdateLabel(account_id, pair.from.id, pair.to.id, type_id, label, inverse);
}

Status AssociationService::DeleteLabel(int64_t account_id, const AssociationPair& pair,
                                       int64_t type_id) {
  FLOWD_TRY(CheckChangeable(type_id));
  return store_.DeleteLabel(account_id, pair.from.id, pair.to.id, type_id, clock_.NowMs());
}

}  // namespace flowd::crm
