// Small ASCII text helpers shared by every module (HubSpot's names, emails, ids are ASCII).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowd {

// `s` with A–Z lower-cased; other bytes (UTF-8 included) unchanged.
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

// `s` without leading and trailing ASCII white space.
std::string_view TrimAscii(std::string_view s);

// A decimal id made of digits only (leading zeros allowed): positive, or also 0 when
// `allow_zero`. nullopt for signs, spaces, other characters, overflow, or the empty string.
std::optional<int64_t> ParseDecimalId(std::string_view s, bool allow_zero = false);

}  // namespace flowd
