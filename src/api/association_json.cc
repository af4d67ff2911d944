#include "api/association_json.h"

#include <limits>

#include "common/time_format.h"
#include "flows/flow_service.h"

namespace flowd::api::assoc_json {

namespace json = boost::json;

std::string At(std::string_view base, size_t i, std::string_view field) {
  std::string out(base);
  out += '[';
  out += std::to_string(i);
  out += ']';
  if (!field.empty()) {
    out += '.';
    out += field;
  }
  return out;
}

std::optional<int64_t> RecordId(const json::value* v, const std::string& in,
                                std::vector<ErrorDetail>& problems) {
  if (v == nullptr || v->is_null()) {
    problems.push_back({"A record id is required", in, "REQUIRED", {}});
    return std::nullopt;
  }
  std::optional<int64_t> id;
  if (v->is_string()) {
    id = flows::ParseId(v->get_string());
  } else if (v->is_int64() && v->get_int64() >= 0) {
    id = v->get_int64();
  } else if (v->is_uint64() &&
             v->get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    id = static_cast<int64_t>(v->get_uint64());
  }
  if (!id) problems.push_back({"Not a valid record id", in, "INVALID_ID", {}});
  return id;
}

std::optional<int64_t> ObjectIdField(const json::value* v, const std::string& in,
                                     std::vector<ErrorDetail>& problems) {
  const json::object* o = v != nullptr ? v->if_object() : nullptr;
  if (o == nullptr) {
    problems.push_back({"Expected an object {\"id\": …}", in, "REQUIRED", {}});
    return std::nullopt;
  }
  return RecordId(o->if_contains("id"), in + ".id", problems);
}

std::vector<crm::AssociationTypeRef> TypeRefs(const json::value* v, const std::string& in,
                                              std::vector<ErrorDetail>& problems) {
  std::vector<crm::AssociationTypeRef> out;
  const json::array* arr = v != nullptr ? v->if_array() : nullptr;
  if (arr == nullptr) {
    problems.push_back(
        {"Expected an array of {associationCategory, associationTypeId}", in, "REQUIRED", {}});
    return out;
  }
  for (size_t j = 0; j < arr->size(); ++j) {
    const json::object* o = (*arr)[j].if_object();
    const std::string at = At(in, j);
    if (o == nullptr) {
      problems.push_back(
          {"Expected an object {associationCategory, associationTypeId}", at, "INVALID_TYPE", {}});
      continue;
    }
    crm::AssociationTypeRef ref;
    bool ok = true;
    const json::value* cat = o->if_contains("associationCategory");
    if (cat == nullptr || !cat->is_string() || !crm::IsAssociationCategory(cat->get_string())) {
      problems.push_back(
          {"associationCategory must be one of HUBSPOT_DEFINED, USER_DEFINED, "
           "INTEGRATOR_DEFINED, WORK",
           at + ".associationCategory",
           "INVALID_CATEGORY",
           {}});
      ok = false;
    } else {
      ref.category = std::string(cat->get_string());
    }
    const json::value* id = o->if_contains("associationTypeId");
    std::optional<int64_t> type_id;
    if (id != nullptr && id->is_int64()) type_id = id->get_int64();
    if (id != nullptr && id->is_uint64() && id->get_uint64() <= 2'147'483'647u) {
      type_id = static_cast<int64_t>(id->get_uint64());
    }
    if (!type_id || *type_id < 0 || *type_id > store::kMaxAssociationTypeId) {
      problems.push_back({"associationTypeId must be a non-negative 32-bit integer",
                          at + ".associationTypeId",
                          "INVALID_TYPE_ID",
                          {}});
      ok = false;
    } else {
      ref.type_id = *type_id;
    }
    if (ok) out.push_back(std::move(ref));
  }
  return out;
}

const json::array* Inputs(const json::value& body, size_t max, std::vector<ErrorDetail>& problems) {
  const json::object* obj = body.if_object();
  const json::value* inputs = obj != nullptr ? obj->if_contains("inputs") : nullptr;
  if (inputs == nullptr || !inputs->is_array()) {
    problems.push_back({"inputs is required and must be an array", "inputs", "REQUIRED", {}});
    return nullptr;
  }
  const json::array& arr = inputs->get_array();
  if (arr.size() > max) {
    problems.push_back(
        {"At most " + std::to_string(max) + " inputs per batch, got " + std::to_string(arr.size()),
         "inputs",
         "TOO_MANY_INPUTS",
         {}});
    return nullptr;
  }
  return &arr;
}

std::optional<std::string> StringField(const json::object& o, std::string_view field, bool required,
                                       std::vector<ErrorDetail>& problems) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    if (required) {
      problems.push_back({std::string(field) + " is required", std::string(field), "REQUIRED", {}});
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    problems.push_back(
        {std::string(field) + " must be a string", std::string(field), "INVALID_TYPE", {}});
    return std::nullopt;
  }
  return std::string(v->get_string());
}

Error Invalid(std::vector<ErrorDetail> problems) {
  std::string msg = problems.size() == 1
                        ? problems[0].message
                        : std::to_string(problems.size()) + " problems in the request";
  return Error::Invalid(msg, std::move(problems));
}

json::object TypeWithLabel(const crm::AssociationTypeInfo& t) {
  json::object o{{"category", t.category}, {"typeId", t.type_id}};
  if (t.label) o["label"] = *t.label;
  return o;
}

json::object AssociatedObject(const crm::AssociatedObject& o) {
  json::array types;
  for (const auto& t : o.types) types.push_back(TypeWithLabel(t));
  return json::object{{"toObjectId", std::to_string(o.to_id)},
                      {"associationTypes", std::move(types)}};
}

json::object BatchError(std::string_view category, std::string message,
                        std::string_view context_key, const std::string& context_value) {
  return json::object{
      {"status", "error"},
      {"category", category},
      {"message", std::move(message)},
      {"context", json::object{{context_key, json::array{json::string(context_value)}}}},
      {"errors", json::array()},
      {"links", json::object()}};
}

json::object BatchEnvelope(json::array results, json::array errors, int64_t started_ms,
                           int64_t completed_ms) {
  json::object out{{"status", "COMPLETE"}, {"results", std::move(results)}};
  if (!errors.empty()) {
    out["numErrors"] = errors.size();
    out["errors"] = std::move(errors);
  }
  out["startedAt"] = FormatIso8601Ms(started_ms);
  out["completedAt"] = FormatIso8601Ms(completed_ms);
  return out;
}

json::object WriteError(const crm::AssociationPair& pair, const crm::WriteResult& r) {
  auto singular = [](const crm::ObjectTypeInfo& t) {
    return t.singular.empty() ? t.name : t.singular;
  };
  switch (r.outcome) {
    case store::AssociateOutcome::kFromMissing:
      return BatchError(
          "OBJECT_NOT_FOUND",
          "No " + singular(pair.from) + " with id " + std::to_string(r.from_id) + " exists",
          "fromObjectId", std::to_string(r.from_id));
    case store::AssociateOutcome::kToMissing:
      return BatchError(
          "OBJECT_NOT_FOUND",
          "No " + singular(pair.to) + " with id " + std::to_string(r.to_id) + " exists",
          "toObjectId", std::to_string(r.to_id));
    case store::AssociateOutcome::kTypeMissing:
    case store::AssociateOutcome::kDone:
      break;
  }
  return BatchError("VALIDATION_ERROR",
                    "An association type of this input was deleted while it was written",
                    "fromObjectId", std::to_string(r.from_id));
}

}  // namespace flowd::api::assoc_json
