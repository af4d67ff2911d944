// STATIC_BRANCH: `inputValue` (resolved like any input: OBJECT_PROPERTY, FIELD_DATA, …) compared
// as text with each staticBranches[i].branchValue; the first equal one wins, else defaultBranch.
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunStaticBranch(Ctx& ctx) {
  const json::value* input = ctx.action.if_contains("inputValue");
  if (!input) return Failed("static branch needs an inputValue");
  FLOWD_ASSIGN_OR_RETURN(auto value, ResolveInput(ctx, *input));
  if (!value) return Failed(ctx.problem);
  json::object detail{{"value", *value}};
  if (const auto* branches = ArrayField(ctx.action, "staticBranches")) {
    for (size_t i = 0; i < branches->size(); ++i) {
      const json::value& b = (*branches)[i];
      if (!b.is_object()) continue;
      if (TextField(b.get_object(), "branchValue") != *value) continue;
      detail["branch"] = i;
      detail["branchValue"] = *value;
      return Branched(ConnectionTarget(b.get_object().if_contains("connection")),
                      std::move(detail));
    }
  }
  return DefaultBranch(ctx.action, std::move(detail));
}

}  // namespace flowd::engine::actions
