// 0-14: create a record of `object_type_id` with `properties[]` {targetProperty, value} (any
// InputValue; static values may hold `{{ enrolled_object.… }}` templates) and `associations[]`
// with the enrolled record (records.h). Unique and required values are checked when the effect
// is committed (the store's uniqueness check; HubSpot requires no property on create).
#include "crm/object_service.h"
#include "engine/actions/actions.h"
#include "engine/actions/records.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunCreateRecord(Ctx& ctx) {
  auto type = TextField(ctx.fields, "object_type_id");
  if (!type || type->empty()) return Failed("create record needs an object_type_id");
  FLOWD_ASSIGN_OR_RETURN(auto props, PropertiesOf(ctx, *type));
  if (!props) return Failed(ctx.problem);

  store::ObjectCreateEffect effect;
  effect.account_id = ctx.account_id();
  effect.object_type_id = *type;
  effect.options = crm::WriteOptionsFor(**props, ctx.Source());
  if (const auto* list = ArrayField(ctx.fields, "properties")) {
    for (const auto& entry : *list) {
      const json::object* o = entry.is_object() ? &entry.get_object() : nullptr;
      auto name = o ? TextField(*o, "targetProperty") : std::nullopt;
      const json::value* value = o ? o->if_contains("value") : nullptr;
      if (!name || !value) return Failed("each property needs a targetProperty and a value");
      const store::PropertyRecord* p = WritableProperty(ctx, **props, *type, *name);
      if (!p) return Failed(ctx.problem);
      InputTarget target{p, ""};
      FLOWD_ASSIGN_OR_RETURN(auto resolved, ResolveInput(ctx, *value, &target));
      if (!resolved) return Failed(ctx.problem);
      auto stored = NormalizeValue(ctx, *p, *resolved);
      if (!stored) return Failed(ctx.problem);
      if (!stored->empty()) effect.properties.push_back({*name, *stored});
    }
  }
  bool explicit_only = TextField(ctx.fields, "use_explicit_associations") == "true";
  auto assocs =
      EnrolledAssociations(ctx, *type, ArrayField(ctx.fields, "associations"), explicit_only);
  if (!assocs) return Failed(ctx.problem);
  effect.associations = std::move(*assocs);
  ActionResult r = Continue(ctx.action, {{"objectTypeId", *type},
                                         {"properties", effect.properties.size()},
                                         {"associations", effect.associations.size()}});
  effect.output_action_id = ctx.action_id;  // its id becomes this action's output
  r.creates.push_back(std::move(effect));
  return r;
}

}  // namespace flowd::engine::actions
