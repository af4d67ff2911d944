// LIST_BRANCH: listBranches[i].filterBranch evaluated for the enrolled record with the shared
// filter evaluator, in order; the first match wins, else defaultBranch. A filter that does not
// compile (unknown property, …) fails the action.
#include "crm/filter/filter_eval.h"
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunListBranch(Ctx& ctx) {
  crm::filter::RecordRef record{ctx.object_type(), ctx.object_id()};
  if (const auto* branches = ArrayField(ctx.action, "listBranches")) {
    for (size_t i = 0; i < branches->size(); ++i) {
      const json::value& b = (*branches)[i];
      const json::value* filter =
          b.is_object() ? b.get_object().if_contains("filterBranch") : nullptr;
      if (!filter || filter->is_null()) continue;  // a branch without criteria matches nothing
      auto match = crm::filter::Evaluate(*filter, record, ctx.env.Filters());
      if (!match.ok()) {
        if (match.error().code != ErrorCode::kInvalidArgument) return std::move(match).error();
        return Failed("list branch " + std::to_string(i) + ": " + match.error().message);
      }
      if (!*match) continue;
      json::object detail{{"branch", i}};
      if (auto name = TextField(b.get_object(), "branchName")) detail["branchName"] = *name;
      return Branched(ConnectionTarget(b.get_object().if_contains("connection")),
                      std::move(detail));
    }
  }
  return DefaultBranch(ctx.action, {});
}

}  // namespace flowd::engine::actions
