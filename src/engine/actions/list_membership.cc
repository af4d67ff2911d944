// Add to / remove from a static list: 0-63809083 (add) and 0-63863438 (remove) with `listId`,
// legacy 0-13 with `operation` ADD|REMOVE and `list_id`. The list must exist and hold records of
// the enrolled record's type; whether it is a static list is checked when the effect is
// committed.
#include "common/text.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

Result<ActionResult> RunListMembership(Ctx& ctx, const std::string& action_type_id) {
  bool add = action_type_id == "0-63809083";
  std::optional<std::string> list = TextField(ctx.fields, "listId");
  if (action_type_id == "0-13") {
    std::string op = TextField(ctx.fields, "operation").value_or("");
    if (op != "ADD" && op != "REMOVE") return Failed("list operation must be ADD or REMOVE");
    add = op == "ADD";
    list = TextField(ctx.fields, "list_id");
    if (!list) list = TextField(ctx.fields, "listId");
  }
  auto list_id = list ? ParseDecimalId(*list) : std::nullopt;
  if (!list_id) return Failed("list action needs a list id");
  FLOWD_ASSIGN_OR_RETURN(auto type, ctx.env.Filters().ListObjectType(std::to_string(*list_id)));
  if (!type) return Failed("list " + *list + " does not exist");
  if (*type != ctx.object_type()) {
    return Failed("list " + *list + " holds records of " + *type + ", not " + ctx.object_type());
  }
  store::ListMembershipEffect effect;
  effect.account_id = ctx.account_id();
  effect.list_id = *list_id;
  (add ? effect.add : effect.remove).push_back(ctx.object_id());
  ActionResult r = Continue(ctx.action, {{"listId", *list}, {"operation", add ? "ADD" : "REMOVE"}});
  r.memberships.push_back(std::move(effect));
  return r;
}

}  // namespace flowd::engine::actions
