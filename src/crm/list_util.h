// Internal to the list service files: small parsing and error helpers.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flowd::crm::list_internal {

inline ErrorDetail Detail(std::string message, std::string in, std::string code) {
  return ErrorDetail{std::move(message), std::move(in), std::move(code), {}};
}

// A positive decimal id (or 0 when allowed); nullopt otherwise.
inline std::optional<int64_t> ParseId(std::string_view s, bool allow_zero = false) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0 ||
      (v == 0 && !allow_zero)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace flowd::crm::list_internal
