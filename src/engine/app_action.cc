#include "engine/app_action.h"

#include <boost/json/parse.hpp>
#include <vector>

#include "common/text.h"

namespace flowd::engine {

namespace json = boost::json;

boost::json::value BuildAppActionPayload(const AppActionCall& call) {
  json::object origin{{"portalId", call.portal_id},
                      {"actionDefinitionId", call.definition_id},
                      {"actionDefinitionVersion", call.definition_version},
                      {"extensionDefinitionId", call.definition_id},
                      {"extensionDefinitionVersionId", call.definition_version}};
  json::object context{
      {"source", "WORKFLOWS"}, {"workflowId", call.workflow_id}, {"actionId", call.action_id}};
  json::object body{{"callbackId", call.callback_id},
                    {"origin", std::move(origin)},
                    {"context", std::move(context)},
                    {"inputFields", call.input_fields}};
  if (call.with_object) {
    json::object properties;
    for (const auto& [k, v] : call.properties) properties[k] = v;
    body["object"] = json::object{{"objectId", call.object_id},
                                  {"objectType", call.object_type},
                                  {"properties", std::move(properties)}};
  }
  return body;
}

std::string MakeCallbackId(const CallbackRef& ref) {
  return "ap-" + std::to_string(ref.portal_id) + "-" + std::to_string(ref.enrollment_id) + "-" +
         ref.action_id + "-" + std::to_string(ref.execution_index);
}

std::optional<CallbackRef> ParseCallbackId(std::string_view id) {
  if (!id.starts_with("ap-") || id.size() > 100) return std::nullopt;
  id.remove_prefix(3);
  std::vector<std::string_view> parts;
  while (true) {
    size_t dash = id.find('-');
    parts.push_back(id.substr(0, dash));
    if (dash == std::string_view::npos) break;
    id.remove_prefix(dash + 1);
  }
  if (parts.size() != 4) return std::nullopt;
  auto portal = ParseDecimalId(parts[0]);
  auto enrollment = ParseDecimalId(parts[1]);
  auto action = ParseDecimalId(parts[2], true);
  auto index = ParseDecimalId(parts[3], true);
  if (!portal || !enrollment || !action || !index) return std::nullopt;
  return CallbackRef{*portal, *enrollment, std::string(parts[2]), *index};
}

std::string_view AppExecutionStateName(AppExecutionState s) {
  switch (s) {
    case AppExecutionState::kSuccess:
      return "SUCCESS";
    case AppExecutionState::kFailContinue:
      return "FAIL_CONTINUE";
    case AppExecutionState::kBlock:
      return "BLOCK";
  }
  return "SUCCESS";
}

std::optional<int64_t> ParseIsoDurationMs(std::string_view t) {
  if (t.size() < 3 || t.size() > 64 || t[0] != 'P') return std::nullopt;
  t.remove_prefix(1);
  bool in_time = false;
  bool any = false;
  double total = 0;
  while (!t.empty()) {
    if (t[0] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      t.remove_prefix(1);
      continue;
    }
    size_t n = 0;
    while (n < t.size() && ((t[n] >= '0' && t[n] <= '9') || t[n] == '.')) ++n;
    if (n == 0 || n == t.size() || n > 12) return std::nullopt;
    double v = 0;
    try {
      v = std::stod(std::string(t.substr(0, n)));
    } catch (...) {
      return std::nullopt;
    }
    const char unit = t[n];
    double ms = 0;
    if (!in_time) {
      if (unit == 'Y')
        ms = 365 * 86'400'000.0;
      else if (unit == 'M')
        ms = 30 * 86'400'000.0;
      else if (unit == 'W')
        ms = 7 * 86'400'000.0;
      else if (unit == 'D')
        ms = 86'400'000.0;
      else
        return std::nullopt;
    } else {
      if (unit == 'H')
        ms = 3'600'000.0;
      else if (unit == 'M')
        ms = 60'000.0;
      else if (unit == 'S')
        ms = 1000.0;
      else
        return std::nullopt;
    }
    total += v * ms;
    any = true;
    t.remove_prefix(n + 1);
  }
  if (!any || total > static_cast<double>(kMaxBlockMs)) return std::nullopt;
  return static_cast<int64_t>(total);
}

Result<AppActionAnswer> ReadOutputFields(const boost::json::value& output_fields,
                                         bool allow_block) {
  AppActionAnswer a;
  if (!output_fields.is_null() && !output_fields.is_object()) {
    return Error::Invalid("outputFields must be an object");
  }
  if (output_fields.is_object()) {
    const json::object& o = output_fields.get_object();
    if (const json::value* s = o.if_contains("hs_execution_state")) {
      std::string_view state = s->is_string() ? std::string_view(s->get_string()) : "";
      if (state == "SUCCESS") {
        a.state = AppExecutionState::kSuccess;
      } else if (state == "FAIL_CONTINUE") {
        a.state = AppExecutionState::kFailContinue;
      } else if (state == "BLOCK" && allow_block) {
        a.state = AppExecutionState::kBlock;
      } else {
        return Error::Invalid(std::string("hs_execution_state must be SUCCESS, FAIL_CONTINUE") +
                              (allow_block ? " or BLOCK" : "") + " (got " +
                              std::string(state.substr(0, 40)) + ")");
      }
    }
    if (const json::value* d = o.if_contains("hs_expiration_duration");
        d && a.state == AppExecutionState::kBlock) {
      auto ms = d->is_string() ? ParseIsoDurationMs(d->get_string()) : std::nullopt;
      if (!ms) {
        return Error::Invalid(
            "hs_expiration_duration must be an ISO-8601 duration such as P1D "
            "or PT30M, at most one year");
      }
      a.block_ms = *ms;
    }
    for (const auto& [k, v] : o) {
      if (a.outputs.size() == kMaxAppOutputFields) break;
      if (k == "hs_execution_state" || k == "hs_expiration_duration") continue;
      if (v.is_object() || v.is_array()) continue;
      if (v.is_string() && v.get_string().size() > kMaxAppOutputString) continue;
      a.outputs[k] = v;
    }
  }
  a.outputs["hs_execution_state"] = AppExecutionStateName(a.state);
  return a;
}

Result<AppActionAnswer> ParseAppActionAnswer(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return ReadOutputFields(json::value(), true);
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::Invalid("the answer is not a JSON object");
  const json::value* out = v.get_object().if_contains("outputFields");
  return ReadOutputFields(out ? *out : json::value(), true);
}

}  // namespace flowd::engine
