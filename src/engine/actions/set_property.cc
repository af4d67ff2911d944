// 0-5: set `property_name` to `value` (any InputValue) on the enrolled record, or, with
// `association` {associationCategory, associationTypeId}, on every record associated with it by
// that type. The target records' type is the association type's other end for HUBSPOT_DEFINED
// types; USER_DEFINED types (labels) name it in `association.objectTypeId` /
// `fields.object_type_id` / `fields.targetObjectTypeId` (how HubSpot names it there is not
// documented). With `targetObject` "{{ action_outputs.action_output_<actionId>.hs_object_id }}"
// (or that token in an ACTION_OUTPUT_OBJECT_PROPERTY input value), it sets the property on the
// record an earlier create record / create task action made; "{{ enrolled_object }}" is the
// default (the list actions' field of the same name). The value is checked against the
// property's definition.
#include "crm/association_types.h"
#include "crm/object_service.h"
#include "engine/actions/actions.h"
#include "engine/actions/records.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

struct Targets {
  std::string object_type_id;
  std::vector<int64_t> ids;
  bool other_records = false;  // not the enrolled record: their values are read here
};

// `targetObject`: `created` is left empty for the enrolled record, set to the record an earlier
// action created. False records a problem. (Not a nested optional: NoValue would convert to an
// engaged outer one.)
bool CreatedTarget(Ctx& ctx, std::optional<OutputObject>& created) {
  const json::value* target = ctx.fields.if_contains("targetObject");
  if (!target || target->is_null()) return true;
  std::string token =
      target->is_object()
          ? TextField(target->get_object(), "actionOutputPropertyToken").value_or("")
          : ValueText(*target);
  if (auto t = ParseOutputToken(token)) {
    created = OutputObjectOf(ctx, t->action_id);
    if (!created) ctx.Problem("action " + t->action_id + " created no record for this enrollment");
    return created.has_value();
  }
  if (token.find("enrolled_object") != std::string::npos) return true;
  ctx.Problem("targetObject \"" + token +
              "\" names neither the enrolled object nor an action's created record");
  return false;
}

Result<std::optional<Targets>> FindTargets(Ctx& ctx) {
  std::optional<OutputObject> created;
  if (!CreatedTarget(ctx, created)) return NoValue{};
  if (created) return std::optional<Targets>(Targets{created->object_type_id, {created->id}, true});
  const json::object* assoc = ObjectField(ctx.fields, "association");
  if (!assoc) return std::optional<Targets>(Targets{ctx.object_type(), {ctx.object_id()}, false});
  std::string category = TextField(*assoc, "associationCategory").value_or("HUBSPOT_DEFINED");
  int64_t type_id = IntField(*assoc, "associationTypeId").value_or(0);
  std::optional<std::string> to_type = TextField(*assoc, "objectTypeId");
  if (!to_type) to_type = TextField(ctx.fields, "object_type_id");
  if (!to_type) to_type = TextField(ctx.fields, "targetObjectTypeId");
  if (!to_type && category == crm::kHubSpotDefined && type_id > 0) {
    if (const auto* t = crm::FindHubSpotDefinedType(type_id)) {
      if (t->from_type != ctx.object_type()) {
        return ctx.Problem("association type " + std::to_string(type_id) + " does not start at " +
                           ctx.object_type());
      }
      to_type = t->to_type;
    }
  }
  if (!to_type) {
    return ctx.Problem("cannot tell the associated records' object type of association " +
                       category + "/" + std::to_string(type_id) + " (set object_type_id)");
  }
  FLOWD_ASSIGN_OR_RETURN(auto ids, ctx.env.Associated(ctx.object_type(), ctx.object_id(), *to_type,
                                                      category, type_id));
  return std::optional<Targets>(Targets{*to_type, std::move(ids), true});
}

}  // namespace

Result<ActionResult> RunSetProperty(Ctx& ctx) {
  auto name = TextField(ctx.fields, "property_name");
  if (!name || name->empty()) return Failed("set property needs a property_name");
  const json::value* value = ctx.fields.if_contains("value");
  if (!value) return Failed("set property needs a value");
  FLOWD_ASSIGN_OR_RETURN(auto enrolled, ctx.RequireEnrolled());
  if (!enrolled) return Failed(ctx.problem);
  FLOWD_ASSIGN_OR_RETURN(auto targets, FindTargets(ctx));
  if (!targets) return Failed(ctx.problem);
  FLOWD_ASSIGN_OR_RETURN(auto props, PropertiesOf(ctx, targets->object_type_id));
  if (!props) return Failed(ctx.problem);
  const store::PropertyRecord* property =
      WritableProperty(ctx, **props, targets->object_type_id, *name);
  if (!property) return Failed(ctx.problem);

  store::ObjectUpdateEffect effect;
  effect.account_id = ctx.account_id();
  effect.object_type_id = targets->object_type_id;
  effect.options = crm::WriteOptionsFor(**props, ctx.Source());
  std::string last;
  for (int64_t id : targets->ids) {
    InputTarget target{property, ""};
    const Values* current = *enrolled;
    if (targets->other_records) {
      FLOWD_ASSIGN_OR_RETURN(auto values, ctx.env.Values(targets->object_type_id, id));
      if (!values) continue;  // archived since Associated answered
      auto it = values->find(*name);
      if (it != values->end()) target.current = it->second;
    } else if (auto it = current->find(*name); it != current->end()) {
      target.current = it->second;
    }
    FLOWD_ASSIGN_OR_RETURN(auto resolved, ResolveInput(ctx, *value, &target));
    if (!resolved) return Failed(ctx.problem);
    auto stored = NormalizeValue(ctx, *property, *resolved);
    if (!stored) return Failed(ctx.problem);
    effect.updates.push_back(store::ObjectUpdate{id, {store::PropertyWrite{*name, *stored}}});
    last = *stored;
  }
  json::object detail{{"property", *name},
                      {"objectTypeId", targets->object_type_id},
                      {"records", effect.updates.size()}};
  if (!targets->other_records && property->data_sensitivity == "non_sensitive") {
    detail["value"] = last;
  }
  ActionResult r = Continue(ctx.action, std::move(detail));
  if (!effect.updates.empty()) r.updates.push_back(std::move(effect));
  return r;
}

}  // namespace flowd::engine::actions
