// 0-11: rotate record to owner. Assigns the enrolled record's owner property round-robin among
// the owners of `user_ids` (owner ids, or the user ids of owners: HubSpot's UI picks users; the
// property holds the owner id either way). `target_property` (default hubspot_owner_id) is the
// property set; with `overwrite_current_owner` "false" a record that already has a value there
// is left as it is (the step is SKIPPED and takes no turn). The turn itself is not decided here:
// the store takes the rotation's next slot in the step's transaction (store::RotationEffect), so
// the rotation is durable and two enrollments never share a turn.
#include "common/text.h"
#include "crm/object_service.h"
#include "engine/actions/actions.h"
#include "engine/actions/records.h"

namespace flowd::engine::actions {

namespace json = boost::json;

namespace {

// The owner id that `id` names: an owner's id, else an owner's user id. Archived owners are no
// candidates. nullopt records the problem.
Result<std::optional<std::string>> OwnerIdOf(Ctx& ctx, const json::value& id) {
  const std::string text = ValueText(id);
  auto n = ParseDecimalId(text);
  if (!n) return ctx.Problem("user id \"" + text + "\" is not a decimal id");
  FLOWD_ASSIGN_OR_RETURN(auto owner, ctx.env.Owner(*n));
  if (!owner || owner->archived_at_ms) {
    FLOWD_ASSIGN_OR_RETURN(owner, ctx.env.OwnerByUserId(*n));
  }
  if (!owner || owner->archived_at_ms) {
    return ctx.Problem("user id " + text + " is not an owner of this account");
  }
  return std::optional<std::string>(std::to_string(owner->id));
}

}  // namespace

Result<ActionResult> RunRotateToOwner(Ctx& ctx) {
  const json::array* ids = ArrayField(ctx.fields, "user_ids");
  if (!ids || ids->empty()) return Failed("rotate record to owner needs user_ids");
  std::string name = TextField(ctx.fields, "target_property").value_or("");
  if (name.empty()) name = "hubspot_owner_id";
  const json::value* overwrite_v = ctx.fields.if_contains("overwrite_current_owner");
  const bool overwrite =
      !overwrite_v || overwrite_v->is_null() || ValueText(*overwrite_v) != "false";

  FLOWD_ASSIGN_OR_RETURN(auto enrolled, ctx.RequireEnrolled());
  if (!enrolled) return Failed(ctx.problem);
  FLOWD_ASSIGN_OR_RETURN(auto props, PropertiesOf(ctx, ctx.object_type()));
  if (!props) return Failed(ctx.problem);
  const store::PropertyRecord* property = WritableProperty(ctx, **props, ctx.object_type(), name);
  if (!property) return Failed(ctx.problem);

  std::vector<std::string> values;
  for (const json::value& id : *ids) {
    FLOWD_ASSIGN_OR_RETURN(auto owner_id, OwnerIdOf(ctx, id));
    if (!owner_id) return Failed(ctx.problem);
    auto stored = NormalizeValue(ctx, *property, *owner_id);
    if (!stored) return Failed(ctx.problem);
    values.push_back(std::move(*stored));
  }

  json::object detail{{"property", name}, {"owners", values.size()}};
  if (!overwrite) {
    auto it = (*enrolled)->find(name);
    if (it != (*enrolled)->end() && !it->second.empty()) {
      detail["reason"] = "the record already has an owner and overwrite_current_owner is false";
      detail["currentValue"] = it->second;
      ActionResult skipped = Continue(ctx.action, std::move(detail));
      skipped.outcome = "SKIPPED";
      return skipped;
    }
  }
  store::RotationEffect effect;
  effect.account_id = ctx.account_id();
  effect.flow_id = ctx.enrollment().flow_id;
  effect.action_id = ctx.action_id;
  effect.values = std::move(values);
  effect.object_type_id = ctx.object_type();
  effect.object_id = ctx.object_id();
  effect.property = name;
  effect.options = crm::WriteOptionsFor(**props, ctx.Source());
  ActionResult r = Continue(ctx.action, std::move(detail));
  r.rotations.push_back(std::move(effect));
  return r;
}

}  // namespace flowd::engine::actions
