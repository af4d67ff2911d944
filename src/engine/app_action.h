// App (custom workflow) actions: the execution request HubSpot sends to a definition's actionUrl
// and the reading of the app's answer. Pure functions; the action (actions/app_action.cc) does
// the I/O through ActionEnv.
//
// Request body (HubSpot's custom action execution payload):
//   {"callbackId", "origin": {portalId, actionDefinitionId, actionDefinitionVersion,
//    extensionDefinitionId, extensionDefinitionVersionId}, "context": {source: "WORKFLOWS",
//    workflowId, actionId}, "object": {objectId, objectType, properties}, "inputFields": {…}}
// Answer: {"outputFields": {…, "hs_execution_state": SUCCESS | FAIL_CONTINUE | BLOCK,
//   "hs_expiration_duration": ISO-8601 duration (BLOCK only; default one week)}}.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flowd::engine {

inline constexpr int64_t kDefaultBlockMs = 7 * 86'400'000LL;  // HubSpot's default: one week
inline constexpr int64_t kMaxBlockMs = 365 * 86'400'000LL;
inline constexpr size_t kMaxAppOutputFields = 100;
inline constexpr size_t kMaxAppOutputString = 65'000;

struct AppActionCall {
  std::string callback_id;
  int64_t portal_id = 0;
  int64_t definition_id = 0;
  int64_t definition_version = 0;
  int64_t workflow_id = 0;
  int64_t action_id = 0;
  bool with_object = true;  // the definition's requiresObject
  int64_t object_id = 0;
  std::string object_type;                        // "CONTACT", "COMPANY", … or a type id
  std::map<std::string, std::string> properties;  // those objectRequestOptions asks for
  boost::json::object input_fields;
};

boost::json::value BuildAppActionPayload(const AppActionCall& call);

// "ap-<portalId>-<enrollmentId>-<actionId>-<executionIndex>" and back.
struct CallbackRef {
  int64_t portal_id = 0;
  int64_t enrollment_id = 0;
  std::string action_id;
  int64_t execution_index = 0;
};
std::string MakeCallbackId(const CallbackRef& ref);
std::optional<CallbackRef> ParseCallbackId(std::string_view id);

enum class AppExecutionState { kSuccess, kFailContinue, kBlock };

struct AppActionAnswer {
  AppExecutionState state = AppExecutionState::kSuccess;
  // Scalar output fields (at most kMaxAppOutputFields, strings up to kMaxAppOutputString; larger
  // or structured ones dropped), hs_execution_state set to the state's name.
  boost::json::object outputs;
  int64_t block_ms = kDefaultBlockMs;  // BLOCK: how long to wait for the callback
};

// Reads a 2xx answer's body (empty: SUCCESS without outputs) or a callback completion's
// `outputFields`. kInvalidArgument naming the problem: not JSON, an unknown
// hs_execution_state, a malformed hs_expiration_duration. `allow_block` is false for
// callback completions (an action cannot block twice).
Result<AppActionAnswer> ParseAppActionAnswer(std::string_view body);
Result<AppActionAnswer> ReadOutputFields(const boost::json::value& output_fields, bool allow_block);

// An ISO-8601 duration (PnW, PnYnMnDTnHnMnS; years 365 days, months 30), in ms. nullopt when
// malformed or longer than kMaxBlockMs.
std::optional<int64_t> ParseIsoDurationMs(std::string_view text);

std::string_view AppExecutionStateName(AppExecutionState s);

}  // namespace flowd::engine
