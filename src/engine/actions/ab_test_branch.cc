// AB_TEST_BRANCH: testBranches by percentage. The bucket [0, 100) is a hash of the enrollment id
// and the action id, so one enrollment always takes the same branch; branches without a
// percentage share what the others leave; rounding leftovers go to the last branch.
#include "engine/actions/actions.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<ActionResult> RunAbTestBranch(Ctx& ctx) {
  const json::array* branches = ArrayField(ctx.action, "testBranches");
  if (!branches || branches->empty()) return Failed("A/B test branch needs testBranches");
  std::vector<double> share(branches->size(), -1);
  double given = 0;
  size_t unset = 0;
  for (size_t i = 0; i < branches->size(); ++i) {
    const json::value& b = (*branches)[i];
    const json::value* p = b.is_object() ? b.get_object().if_contains("percentage") : nullptr;
    auto n = p ? Number(*p) : std::nullopt;
    if (n && (*n < 0 || *n > 100)) return Failed("A/B test percentages must be 0-100");
    if (n) {
      share[i] = *n;
      given += *n;
    } else {
      ++unset;
    }
  }
  if (given > 100.0001) return Failed("A/B test percentages add up to more than 100");
  for (double& s : share) {
    if (s < 0) s = (100 - given) / static_cast<double>(unset);
  }
  std::string seed = std::to_string(ctx.enrollment().id) + ":" + ctx.action_id;
  auto bucket = static_cast<double>(StableHash(seed) % 10000) / 100.0;  // [0, 100)
  size_t chosen = branches->size() - 1;  // rounding leftovers go to the last branch
  double edge = 0;
  for (size_t i = 0; i < share.size(); ++i) {
    edge += share[i];
    if (bucket < edge) {
      chosen = i;
      break;
    }
  }
  const json::value& b = (*branches)[chosen];
  const json::value* conn = b.is_object() ? b.get_object().if_contains("connection") : nullptr;
  return Branched(ConnectionTarget(conn), {{"branch", chosen}, {"bucket", bucket}});
}

}  // namespace flowd::engine::actions
