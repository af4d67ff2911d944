// AssociationService: associations given when a record is created (POST /crm/v3/objects/{type}
// with `associations`). The body names only the to record and the types; the to object type
// follows from the type ids, as in HubSpot.
#include <algorithm>
#include <map>

#include "crm/association_service.h"

namespace flowd::crm {
namespace {

std::string Path(size_t i, std::string_view rest) {
  return "associations[" + std::to_string(i) + "]" + std::string(rest);
}

std::string TypePath(size_t i, size_t j) {
  return Path(i, ".types[" + std::to_string(j) + "].associationTypeId");
}

}  // namespace

Result<std::vector<std::pair<AssociationPair, std::vector<AssociationTypeInfo>>>>
AssociationService::ResolveNewRecordTypes(int64_t account_id, const ObjectTypeInfo& from_type,
                                          const std::vector<NewRecordAssociation>& inputs,
                                          std::vector<ErrorDetail>& problems) {
  std::vector<std::pair<AssociationPair, std::vector<AssociationTypeInfo>>> out;
  std::map<std::string, ObjectTypeInfo> resolved;  // to type id → info
  for (size_t i = 0; i < inputs.size(); ++i) {
    const NewRecordAssociation& in = inputs[i];
    std::optional<std::string> to_type;
    std::vector<std::pair<size_t, AssociationTypeRef>> refs;
    if (in.types.empty()) {
      problems.push_back(
          {"At least one association type is required", Path(i, ".types"), "REQUIRED", {}});
    }
    for (size_t j = 0; j < in.types.size(); ++j) {
      const AssociationTypeRef& ref = in.types[j];
      std::optional<std::string> target;  // the to type this type id leads to
      if (ref.category == kHubSpotDefined) {
        const AssociationTypeInfo* t = FindHubSpotDefinedType(ref.type_id);
        if (t != nullptr && t->from_type == from_type.id) target = t->to_type;
      } else if (ref.category == kUserDefined) {
        FLOWD_ASSIGN_OR_RETURN(std::optional<store::AssociationLabel> l,
                               store_.GetLabel(account_id, ref.type_id));
        if (l && l->from_type == from_type.id) target = l->to_type;
      }
      if (!target) {
        problems.push_back({"Association type " + std::to_string(ref.type_id) + " (" +
                                ref.category + ") is not defined from " + from_type.name,
                            TypePath(i, j),
                            "INVALID_ASSOCIATION_TYPE",
                            {}});
      } else if (to_type && *to_type != *target) {
        problems.push_back({"The types of one association must lead to one object type",
                            TypePath(i, j),
                            "MIXED_OBJECT_TYPES",
                            {}});
      } else {
        to_type = target;
        refs.emplace_back(j, ref);
      }
    }
    if (!to_type) continue;
    auto it = resolved.find(*to_type);
    if (it == resolved.end()) {
      auto info = types_.Resolve(account_id, *to_type);
      if (!info.ok()) {
        problems.push_back(
            {"Unknown object type " + *to_type, Path(i, ".types"), "INVALID_OBJECT_TYPE", {}});
        continue;
      }
      it = resolved.emplace(*to_type, std::move(info).value()).first;
    }
    AssociationPair pair{from_type, it->second};
    FLOWD_ASSIGN_OR_RETURN(PairTypes known, LoadPairTypes(account_id, pair));
    std::vector<AssociationTypeInfo> types;
    if (known.Default() != nullptr) types.push_back(*known.Default());
    for (const auto& [j, ref] : refs) {
      const AssociationTypeInfo* t = known.Find(ref.category, ref.type_id);
      if (t == nullptr) {
        problems.push_back({"Association type " + std::to_string(ref.type_id) + " is not defined",
                            TypePath(i, j),
                            "INVALID_ASSOCIATION_TYPE",
                            {}});
      } else if (std::none_of(types.begin(), types.end(), [&](const AssociationTypeInfo& x) {
                   return x.type_id == t->type_id && x.category == t->category;
                 })) {
        types.push_back(*t);
      }
    }
    out.emplace_back(std::move(pair), std::move(types));
  }
  return out;
}

Status AssociationService::ValidateForNewRecord(int64_t account_id, const ObjectTypeInfo& from_type,
                                                const std::vector<NewRecordAssociation>& inputs) {
  std::vector<ErrorDetail> problems;
  FLOWD_ASSIGN_OR_RETURN(auto resolved,
                         ResolveNewRecordTypes(account_id, from_type, inputs, problems));
  if (problems.empty()) {
    // Which to records exist (a listing with limit 0 reads existence only).
    for (size_t i = 0; i < inputs.size(); ++i) {
      const AssociationPair& pair = resolved[i].first;
      FLOWD_ASSIGN_OR_RETURN(
          std::vector<store::AssociationPage> pages,
          store_.ListAssociations(account_id, pair.to.id, {{inputs[i].to_id, std::nullopt}},
                                  pair.from.id, 0));
      if (!pages.front().from_exists) {
        problems.push_back(
            {"No " + pair.to.singular + " with id " + std::to_string(inputs[i].to_id) + " exists",
             Path(i, ".to.id"),
             "OBJECT_NOT_FOUND",
             {}});
      }
    }
  }
  if (problems.empty()) return Status::Ok();
  std::string msg = problems.size() == 1
                        ? problems[0].message
                        : std::to_string(problems.size()) + " problems with the associations";
  return Error::Invalid(msg, std::move(problems));
}

Status AssociationService::AssociateNewRecord(int64_t account_id, const ObjectTypeInfo& from_type,
                                              int64_t from_id,
                                              const std::vector<NewRecordAssociation>& inputs) {
  std::vector<ErrorDetail> problems;
  FLOWD_ASSIGN_OR_RETURN(auto resolved,
                         ResolveNewRecordTypes(account_id, from_type, inputs, problems));
  if (!problems.empty()) return Error::Invalid(problems[0].message, std::move(problems));
  std::vector<store::AssociationWrite> writes;
  writes.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    store::AssociationWrite w{from_type.id, from_id, resolved[i].first.to.id, inputs[i].to_id, {}};
    for (const auto& t : resolved[i].second) w.types.push_back(t.Write());
    writes.push_back(std::move(w));
  }
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::AssociateOutcome> outcomes,
                         store_.Associate(account_id, writes, clock_.NowMs()));
  for (size_t i = 0; i < outcomes.size(); ++i) {
    switch (outcomes[i]) {
      case store::AssociateOutcome::kDone:
        break;
      case store::AssociateOutcome::kFromMissing:
        return Error::NotFound("No " + from_type.singular + " with id " + std::to_string(from_id) +
                               " exists");
      case store::AssociateOutcome::kToMissing:
        problems.push_back({"No " + resolved[i].first.to.singular + " with id " +
                                std::to_string(inputs[i].to_id) + " exists",
                            Path(i, ".to.id"),
                            "OBJECT_NOT_FOUND",
                            {}});
        break;
      case store::AssociateOutcome::kTypeMissing:
        problems.push_back({"An association type of this association was deleted meanwhile",
                            Path(i, ".types"),
                            "INVALID_ASSOCIATION_TYPE",
                            {}});
        break;
    }
  }
  if (!problems.empty()) return Error::Invalid(problems[0].message, std::move(problems));
  return Status::Ok();
}

}  // namespace flowd::crm
