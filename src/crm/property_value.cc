#include "crm/property_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/text.h"
#include "common/time_format.h"

namespace flowd::crm {
namespace {

constexpr int64_t kDayMs = 86400000;

ErrorDetail Bad(const store::PropertyRecord& p, std::string_view value, std::string what,
                std::string code) {
  std::string shown(value.substr(0, 100));
  return ErrorDetail{
      shown + " was not a valid " + what + " for property " + p.name, p.name, std::move(code), {}};
}

// JSON number grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?, plus a leading '+'-free plain
// integer like "007"? No: HubSpot rejects nothing of that kind, but we keep one strict grammar
// except that leading zeros are accepted ("007" is a number to a spreadsheet user).
bool IsNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
    if (frac == 0) return false;
    digits += frac;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  if (i != n) return false;
  double d = std::strtod(std::string(s).c_str(), nullptr);
  return std::isfinite(d);
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "YYYY-MM-DD" → epoch ms at UTC midnight.
std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto ms = ParseIso8601Ms(std::string(s) + "T00:00:00Z");
  if (!ms) return std::nullopt;
  // Reject dates that do not round-trip (2023-02-30).
  if (FormatIso8601Ms(*ms).substr(0, 10) != s) return std::nullopt;
  return ms;
}

// ISO 8601 forms HubSpot accepts for datetimes: a date, or a UTC date-time with optional
// fraction. Offsets other than Z are not accepted (documented).
std::optional<int64_t> ParseDateTime(std::string_view s) {
  if (auto ms = ParseInt64(s)) return ms;
  if (auto d = ParseDate(s)) return d;
  auto ms = ParseIso8601Ms(s);
  if (!ms) return std::nullopt;
  return ms;
}

bool HasOption(const store::PropertyRecord& p, std::string_view v) {
  return std::any_of(p.options.begin(), p.options.end(),
                     [&](const store::PropertyOption& o) { return o.value == v; });
}

}  // namespace

std::variant<std::string, ErrorDetail> NormalizePropertyValue(const store::PropertyRecord& p,
                                                              std::string_view value) {
  if (value.size() > kMaxPropertyValueBytes) {
    return ErrorDetail{"Value of property " + p.name + " is longer than " +
                           std::to_string(kMaxPropertyValueBytes) + " characters",
                       p.name,
                       "VALUE_TOO_LONG",
                       {}};
  }
  if (value.empty()) return std::string();
  if (p.type == "number") {
    if (!IsNumber(value)) return Bad(p, value, "number", "INVALID_INTEGER");
    return std::string(value);
  }
  if (p.type == "bool") {
    std::string l = AsciiLower(value);
    if (l != "true" && l != "false") return Bad(p, value, "boolean", "INVALID_BOOLEAN");
    return l;
  }
  if (p.type == "date") {
    if (ParseDate(value)) return std::string(value);
    auto ms = ParseInt64(value);
    if (!ms) return Bad(p, value, "date (YYYY-MM-DD or epoch milliseconds)", "INVALID_DATE");
    if (*ms % kDayMs != 0) {
      return ErrorDetail{std::string(value) +
                             " is not a midnight UTC timestamp, which is required "
                             "for date property " +
                             p.name,
                         p.name,
                         "INVALID_DATE",
                         {}};
    }
    return FormatIso8601Ms(*ms).substr(0, 10);
  }
  if (p.type == "datetime") {
    auto ms = ParseDateTime(value);
    if (!ms) {
      return Bad(p, value, "datetime (epoch milliseconds or ISO 8601 UTC)", "INVALID_DATETIME");
    }
    return FormatIso8601Ms(*ms);
  }
  if (p.type == "enumeration") {
    if (p.external_options) {
      // Options held outside the definition (referencedObjectType OWNER): any owner id, i.e. a
      // positive decimal id; whether that owner exists is not checked here.
      auto id = ParseInt64(value);
      if (!id || *id <= 0) return Bad(p, value, "owner id", "INVALID_OPTION");
      return std::to_string(*id);
    }
    if (p.field_type == "checkbox") {
      // Several options, ';'-separated; each must exist. Duplicates are kept out.
      std::string out;
      size_t i = 0;
      while (i <= value.size()) {
        size_t j = value.find(';', i);
        if (j == std::string_view::npos) j = value.size();
        std::string_view part = value.substr(i, j - i);
        if (!part.empty()) {
          if (!HasOption(p, part)) return Bad(p, part, "option", "INVALID_OPTION");
          out += (out.empty() ? "" : ";") + std::string(part);
        }
        i = j + 1;
      }
      return out;
    }
    if (!HasOption(p, value)) return Bad(p, value, "option", "INVALID_OPTION");
    return std::string(value);
  }
  return std::string(value);
}

std::optional<double> NumericValue(const store::PropertyRecord& p, std::string_view stored) {
  if (stored.empty()) return std::nullopt;
  if (p.type == "number") {
    if (!IsNumber(stored)) return std::nullopt;
    return std::strtod(std::string(stored).c_str(), nullptr);
  }
  if (p.type == "date" || p.type == "datetime") {
    auto ms = ParseDateTime(stored);
    if (!ms) return std::nullopt;
    return static_cast<double>(*ms);
  }
  return std::nullopt;
}

}  // namespace flowd::crm
