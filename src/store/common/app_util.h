// The backend-independent half of the app stores (app_store.h): validation and the error texts
// both backends return. Internal to the store module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flowd::store::internal {

// 1..kMaxAppNameLength bytes, no control characters.
Status ValidateAppName(std::string_view name);
// 16..256 bytes of printable ASCII (never quoted in the message).
Status ValidateAppSecret(std::string_view secret);

Error AppNotFound(int64_t app_id);
Error DefinitionNotFound(int64_t definition_id);
Error ActionRevisionNotFound(int64_t definition_id, int64_t revision_id);
Error TooManyApps();
Error TooManyDefinitions();

// The enrollment data after completing the BLOCK of `action_id` named `callback_id` with
// `outputs_json`; kNotFound when the data holds no such block.
Result<std::string> CompleteBlockedData(std::string_view data_json, const std::string& action_id,
                                        const std::string& callback_id,
                                        std::string_view outputs_json);
Error CallbackNotFound(const std::string& callback_id);

}  // namespace flowd::store::internal
