// RFC 3339 timestamps as HubSpot writes them: "2024-06-07T17:27:08.101Z".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowd {

std::string FormatIso8601Ms(int64_t epoch_ms);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC only). nullopt when malformed.
std::optional<int64_t> ParseIso8601Ms(std::string_view text);

}  // namespace flowd
