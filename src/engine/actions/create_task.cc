// 0-3: create a task (0-27): `task_type` (default TODO), `subject`, `body` (HTML), `priority`
// (default NONE), due `hs_timestamp` (an InputValue or epoch ms / ISO text; default now), owner
// `owner_id` (also read as `hubspot_owner_id`; an InputValue such as OBJECT_PROPERTY
// hubspot_owner_id works too), associated with the enrolled record (`associations[]` as for 0-14;
// by default with the type's default association). Subject and body may hold templates.
#include "crm/object_service.h"
#include "engine/actions/actions.h"
#include "engine/actions/records.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {
constexpr const char* kTaskType = "0-27";
}  // namespace

Result<ActionResult> RunCreateTask(Ctx& ctx) {
  FLOWD_ASSIGN_OR_RETURN(auto props, PropertiesOf(ctx, kTaskType));
  if (!props) return Failed(ctx.problem);
  const json::object& f = ctx.fields;

  std::vector<std::pair<std::string, std::string>> raw;  // property → value before checks
  raw.emplace_back("hs_task_type", TextField(f, "task_type").value_or("TODO"));
  raw.emplace_back("hs_task_priority", TextField(f, "priority").value_or("NONE"));
  raw.emplace_back("hs_task_status", "NOT_STARTED");
  for (auto [field, property, escaping] :
       {std::tuple{"subject", "hs_task_subject", crm::ValueEscaping::kNone},
        std::tuple{"body", "hs_task_body", crm::ValueEscaping::kHtml}}) {
    FLOWD_ASSIGN_OR_RETURN(std::string text,
                           RenderTemplate(ctx, TextField(f, field).value_or(""), escaping));
    raw.emplace_back(property, std::move(text));
  }
  std::string due = std::to_string(ctx.in.now_ms);
  if (const auto* v = f.if_contains("hs_timestamp"); v && !v->is_null()) {
    FLOWD_ASSIGN_OR_RETURN(auto resolved, ResolveInput(ctx, *v));
    if (!resolved) return Failed(ctx.problem);
    if (!resolved->empty()) due = *resolved;
  }
  raw.emplace_back("hs_timestamp", due);
  const json::value* owner = f.if_contains("owner_id");
  if (!owner) owner = f.if_contains("hubspot_owner_id");
  if (owner && !owner->is_null()) {
    FLOWD_ASSIGN_OR_RETURN(auto resolved, ResolveInput(ctx, *owner));
    if (!resolved) return Failed(ctx.problem);
    raw.emplace_back("hubspot_owner_id", *resolved);
  }

  store::ObjectCreateEffect effect;
  effect.account_id = ctx.account_id();
  effect.object_type_id = kTaskType;
  effect.options = crm::WriteOptionsFor(**props, ctx.Source());
  for (const auto& [name, value] : raw) {
    const store::PropertyRecord* p = props.value()->Find(name);
    if (!p) return Failed("tasks have no property " + name);
    auto stored = NormalizeValue(ctx, *p, value);
    if (!stored) return Failed(ctx.problem);
    if (!stored->empty()) effect.properties.push_back({name, *stored});
  }
  bool explicit_only = TextField(f, "use_explicit_associations") == "true";
  auto assocs = EnrolledAssociations(ctx, kTaskType, ArrayField(f, "associations"), explicit_only);
  if (!assocs) return Failed(ctx.problem);
  effect.associations = std::move(*assocs);
  ActionResult r = Continue(
      ctx.action, {{"objectTypeId", kTaskType}, {"associations", effect.associations.size()}});
  effect.output_action_id = ctx.action_id;  // its id becomes this action's output
  r.creates.push_back(std::move(effect));
  return r;
}

}  // namespace flowd::engine::actions
