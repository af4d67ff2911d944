// The backend-independent half of the secret stores: the naming rules (secret_store.h) and the
// error texts both backends return. Internal to the store module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::store::internal {

Error SecretNotFound(std::string_view name);

// The valid names among `names`, each once, in first-seen order.
std::vector<std::string> ValidSecretNames(const std::vector<std::string>& names);

}  // namespace flowd::store::internal
