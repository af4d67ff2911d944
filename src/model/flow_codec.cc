// DecodeFlowRequest: choose the request schema by `type` and kind, walk it (validation +
// canonical output), then run the semantic checks on the canonical content.
#include "model/flow_codec.h"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "model/flow_checks.h"
#include "model/flow_schema.h"
#include "model/schema.h"

namespace flowd::model {
namespace json = boost::json;

namespace {

constexpr std::string_view kContactObjectType = "0-1";

bool IsObjectTypeId(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dash && (s[i] < '0' || s[i] > '9')) return false;
  }
  return s.size() <= 32;
}

bool IsDecimalId(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::string> OptString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

void CheckTypeAndObjectType(const std::string& type, const std::string& object_type_id,
                            FlowRequestKind kind, schema::Context& ctx) {
  // On PUT the object type is the stored one; the mismatch is then in `type`.
  std::string in = kind == FlowRequestKind::kCreate ? "objectTypeId" : "type";
  if (type == "PLATFORM_FLOW" && object_type_id == kContactObjectType) {
    ctx.Add(in, "Expected an object type other than \"0-1\" objectType but got \"0-1\"",
            schema::kCodeValue);
  } else if (type == "CONTACT_FLOW" && object_type_id != kContactObjectType) {
    ctx.Add(in,
            "Expected object type \"0-1\" for a CONTACT_FLOW but got \"" +
                object_type_id.substr(0, 32) + "\"; flows of other object types are PLATFORM_FLOW",
            schema::kCodeValue);
  }
}

std::string SummaryMessage(const std::vector<ErrorDetail>& errors) {
  if (errors.size() == 1) return errors[0].message;
  std::string first = errors[0].message;
  if (!errors[0].in.empty()) first += " (at " + errors[0].in + ")";
  return "The flow is invalid: " + std::to_string(errors.size()) +
         " problems found; first: " + first;
}

}  // namespace

Result<DecodedFlow> DecodeFlowRequest(const json::value& body, FlowRequestKind kind,
                                      const std::optional<std::string>& existing_object_type_id,
                                      const FlowLimits& limits) {
  if (!body.is_object()) {
    std::string msg =
        "The request body must be a JSON object, got " + std::string(schema::JsonKindName(body));
    return Error::Invalid(msg, {ErrorDetail{msg, "", std::string(schema::kCodeType), {}}});
  }
  const json::object& in = body.get_object();
  const FlowSchemas& schemas = GetFlowSchemas();
  schema::Context ctx(limits);

  // Select the variant by `type`. When it is missing or unknown, report that and still walk the
  // rest of the body (as a platform flow) so every other problem is reported too.
  std::string type;
  const json::value* type_v = in.if_contains("type");
  if (!type_v || type_v->is_null()) {
    ctx.Add("type", "Some required fields were not set: [type]", schema::kCodeRequired);
  } else if (!type_v->is_string()) {
    ctx.Add("type", "Expected a string but got " + std::string(schema::JsonKindName(*type_v)),
            schema::kCodeType);
  } else if (type_v->get_string() != "CONTACT_FLOW" && type_v->get_string() != "PLATFORM_FLOW") {
    ErrorContext ec;
    ec["allowedValues"] = {"CONTACT_FLOW", "PLATFORM_FLOW"};
    ctx.Add("type",
            "Invalid value \"" + std::string(type_v->get_string()).substr(0, 32) +
                "\"; expected one of [CONTACT_FLOW, PLATFORM_FLOW]",
            schema::kCodeEnum, std::move(ec));
  } else {
    type = type_v->get_string();
  }
  const bool contact = type == "CONTACT_FLOW";
  const schema::ObjectSchema* s = kind == FlowRequestKind::kCreate
                                      ? (contact ? schemas.contact_create : schemas.platform_create)
                                      : (contact ? schemas.contact_put : schemas.platform_put);

  json::object content;
  schema::Path path;
  if (type.empty()) {
    json::object patched = in;
    patched["type"] = "PLATFORM_FLOW";
    content = schema::WalkObject(*s, patched, path, ctx);
  } else {
    content = schema::WalkObject(*s, in, path, ctx);
  }

  DecodedFlow out;
  out.type = type;
  out.is_enabled = content.if_contains("isEnabled") && content.at("isEnabled").is_bool() &&
                   content.at("isEnabled").get_bool();
  out.name = OptString(content, "name");
  out.uuid = OptString(content, "uuid");

  if (kind == FlowRequestKind::kCreate) {
    std::optional<std::string> oti = OptString(content, "objectTypeId");
    if (oti && !IsObjectTypeId(*oti)) {
      ctx.Add("objectTypeId",
              "Expected an object type id such as \"0-1\" or \"2-123456\", got \"" +
                  oti->substr(0, 32) + "\"",
              schema::kCodeValue);
      oti.reset();
    }
    if (oti) out.object_type_id = *oti;
  } else {
    if (existing_object_type_id) out.object_type_id = *existing_object_type_id;
    out.revision_id = OptString(content, "revisionId");
    if (out.revision_id && !IsDecimalId(*out.revision_id)) {
      ctx.Add("revisionId", "revisionId must be a string of decimal digits", schema::kCodeValue);
    }
    content.erase("revisionId");
  }
  if (!type.empty() && !out.object_type_id.empty()) {
    CheckTypeAndObjectType(type, out.object_type_id, kind, ctx);
  }
  if (out.name && out.name->size() > limits.max_name_length) {
    ctx.Add("name",
            "name is too long: " + std::to_string(out.name->size()) + " bytes (limit " +
                std::to_string(limits.max_name_length) + ")",
            schema::kCodeLimit);
  }

  const json::value* raw_actions = in.if_contains("actions");
  int64_t max_action_id = internal::CheckActionGraph(
      content, raw_actions && raw_actions->is_array() ? &raw_actions->get_array() : nullptr, ctx);
  internal::FlowFacts facts{kind, out.object_type_id, out.is_enabled};
  internal::CheckActionFields(content, facts, ctx, out.email_content_ids);

  if (!ctx.errors().empty()) {
    std::vector<ErrorDetail> errors = ctx.TakeErrors();
    std::string msg = SummaryMessage(errors);
    return Error::Invalid(std::move(msg), std::move(errors));
  }

  content["nextAvailableActionId"] = std::to_string(max_action_id + 1);
  content["crmObjectCreationStatus"] = "COMPLETE";
  // A PROPERTY_BASED enrollmentSchedule reads its dateProperty (data-sensitivity rules).
  if (const json::value* schedule = content.if_contains("enrollmentSchedule");
      schedule && schedule->is_object()) {
    const json::value* type = schedule->as_object().if_contains("type");
    const json::value* date = schedule->as_object().if_contains("dateProperty");
    if (type && type->is_string() && type->as_string() == "PROPERTY_BASED" && date &&
        date->is_string()) {
      ctx.properties().insert(std::string(date->as_string()));
    }
  }
  out.referenced_properties = std::move(ctx.properties());
  out.content = std::move(content);
  return out;
}

}  // namespace flowd::model
