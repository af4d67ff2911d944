// Helpers shared by the property and schema handlers: query parameters HubSpot's CRM APIs use,
// scope checks by list, and HubSpot's StandardError (an error inside a 207 batch answer).
// Internal to api/.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handler_context.h"
#include "api/http.h"
#include "common/status.h"

namespace flowd::api {

// Whether the caller holds any of `scopes`.
bool HasAnyScope(const HandlerContext& c, const std::vector<std::string>& scopes);

// A boolean query parameter ("true"/"false", any case); `def` when absent; 400 otherwise.
Result<bool> BoolParam(const HttpRequest& request, std::string_view name, bool def);
// `dataSensitivity`: non_sensitive | sensitive | highly_sensitive, or nullopt when absent.
Result<std::optional<std::string>> SensitivityParam(const HttpRequest& request);
// A list parameter: every occurrence, each split at commas, empty items dropped.
std::vector<std::string> ListParam(const HttpRequest& request, std::string_view name);

// HubSpot's StandardError: {status, category, message, context, errors, links}.
boost::json::object StandardError(const Error& error);

}  // namespace flowd::api
