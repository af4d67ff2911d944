// Semantic checks run on the canonical (schema-walked) flow content. Internal to model/.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "model/flow_codec.h"
#include "model/schema.h"

namespace flowd::model::internal {

struct FlowFacts {
  FlowRequestKind kind = FlowRequestKind::kCreate;
  std::string object_type_id;  // empty when unknown
  bool is_enabled = false;
};

// The action graph: actionId format and uniqueness, startActionId, every nextActionId, no cycle
// through STANDARD edges, branch limits, AB test percentages. Returns max numeric actionId (0
// when none).
// `raw_actions` is the request's `actions` array as sent (nullptr when absent or not an array):
// ids of actions that failed to decode are still known from it, so edges to them are not
// reported as dangling while edges to ids that exist nowhere still are.
int64_t CheckActionGraph(const boost::json::object& content, const boost::json::array* raw_actions,
                         schema::Context& ctx);

// Built-in action types: required `fields` (enabled flows only), field shapes, object type
// applicability. Collects email content ids and referenced properties.
void CheckActionFields(const boost::json::object& content, const FlowFacts& facts,
                       schema::Context& ctx, std::vector<std::string>& email_content_ids);

// True for 1..9 ASCII digits without a leading zero.
bool IsActionId(std::string_view s);

}  // namespace flowd::model::internal
