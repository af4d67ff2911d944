#include "store/common/app_util.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "store/app_store.h"

namespace flowd::store::internal {

Status ValidateAppName(std::string_view name) {
  if (name.empty()) return Error::Invalid("an app name must not be empty");
  if (name.size() > kMaxAppNameLength) {
    return Error::Invalid("an app name may be at most " + std::to_string(kMaxAppNameLength) +
                          " bytes long");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Error::Invalid("an app name must not contain control characters");
    }
  }
  return Status::Ok();
}

Status ValidateAppSecret(std::string_view secret) {
  if (secret.size() < 16 || secret.size() > 256) {
    return Error::Invalid("an app client secret must be 16 to 256 characters long");
  }
  for (char c : secret) {
    if (c < 0x21 || c > 0x7e) {
      return Error::Invalid("an app client secret must be printable ASCII without spaces");
    }
  }
  return Status::Ok();
}

Error AppNotFound(int64_t app_id) {
  return Error::NotFound("App " + std::to_string(app_id) + " does not exist in this account");
}

Error DefinitionNotFound(int64_t definition_id) {
  return Error::NotFound("Action definition " + std::to_string(definition_id) + " does not exist");
}

Error ActionRevisionNotFound(int64_t definition_id, int64_t revision_id) {
  return Error::NotFound("Revision " + std::to_string(revision_id) + " of action definition " +
                         std::to_string(definition_id) + " does not exist");
}

Error TooManyApps() {
  return Error::Invalid("an account may have at most " + std::to_string(kMaxAppsPerAccount) +
                        " apps");
}

Error TooManyDefinitions() {
  return Error::Invalid("an app may have at most " + std::to_string(kMaxDefinitionsPerApp) +
                        " action definitions (archived ones included)");
}

Error CallbackNotFound(const std::string& callback_id) {
  return Error::NotFound("No app action is waiting for callback " + callback_id.substr(0, 100) +
                         " (unknown, already completed, expired or ended)");
}

Result<std::string> CompleteBlockedData(std::string_view data_json, const std::string& action_id,
                                        const std::string& callback_id,
                                        std::string_view outputs_json) {
  boost::system::error_code ec;
  boost::json::value data = boost::json::parse(data_json, ec);
  if (ec || !data.is_object()) return CallbackNotFound(callback_id);
  boost::json::value* earlier = data.get_object().if_contains(action_id);
  const boost::json::object* e = earlier ? earlier->if_object() : nullptr;
  const boost::json::value* id = e ? e->if_contains("hs_callback_id") : nullptr;
  const boost::json::value* state = e ? e->if_contains("hs_execution_state") : nullptr;
  if (!id || !id->is_string() || id->get_string() != callback_id || !state || !state->is_string() ||
      state->get_string() != "BLOCK") {
    return CallbackNotFound(callback_id);
  }
  boost::json::value outputs = boost::json::parse(outputs_json, ec);
  if (ec || !outputs.is_object()) return Error::Internal("callback outputs are not an object");
  outputs.get_object()["hs_callback_id"] = callback_id;
  *earlier = std::move(outputs);
  return boost::json::serialize(data);
}

}  // namespace flowd::store::internal
