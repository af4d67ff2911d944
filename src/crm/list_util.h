// Internal to the list service files: small parsing and error helpers.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/text.h"

namespace flowd::crm::list_internal {

inline ErrorDetail Detail(std::string message, std::string in, std::string code) {
  return ErrorDetail{std::move(message), std::move(in), std::move(code), {}};
}

// A positive decimal id (or 0 when allowed); nullopt otherwise.
inline std::optional<int64_t> ParseId(std::string_view s, bool allow_zero = false) {
  return ParseDecimalId(s, allow_zero);
}

}  // namespace flowd::crm::list_internal
