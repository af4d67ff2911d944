#include "engine/code_output.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include "common/text.h"
#include "common/time_format.h"

namespace flowd::engine {

namespace {

namespace json = boost::json;

constexpr int64_t kMsPerDay = 86'400'000;

const char* TypeName(OutputType t) {
  switch (t) {
    case OutputType::kString:
      return "STRING";
    case OutputType::kNumber:
      return "NUMBER";
    case OutputType::kBool:
      return "BOOL";
    case OutputType::kDate:
      return "DATE";
    case OutputType::kDateTime:
      return "DATETIME";
    case OutputType::kEnumeration:
      return "ENUMERATION";
    case OutputType::kPhoneNumber:
      return "PHONE_NUMBER";
  }
  return "STRING";
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Epoch ms of "YYYY-MM-DD" at UTC midnight; nullopt unless a real calendar date.
std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    if (ec != std::errc() || end != s.data() + pos + len) return std::nullopt;
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*d > kDays[*m - 1] + (*m == 2 && leap ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(*y, *m, *d) * kMsPerDay;
}

std::string FormatDate(int64_t ms) { return FormatIso8601Ms(ms).substr(0, 10); }

std::optional<double> ParseNumber(std::string_view s) {
  s = TrimAscii(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A time given as epoch ms (a JSON integer, an integral double or a decimal string of digits).
std::optional<int64_t> EpochMs(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.as_uint64());
  }
  if (v.is_double() && std::trunc(v.as_double()) == v.as_double() &&
      std::fabs(v.as_double()) < 9.0e15) {
    return static_cast<int64_t>(v.as_double());
  }
  if (v.is_string()) {
    std::string_view s = v.as_string();
    bool neg = !s.empty() && s.front() == '-';
    if (auto id = ParseDecimalId(neg ? s.substr(1) : s, /*allow_zero=*/true)) {
      return neg ? -*id : *id;
    }
  }
  return std::nullopt;
}

std::optional<int64_t> TimeMs(const json::value& v) {
  if (auto ms = EpochMs(v)) return ms;
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.as_string();
  if (auto date = ParseDate(s)) return date;
  return ParseIso8601Ms(s);
}

std::optional<std::string> AsText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
  if (v.is_number()) return json::serialize(v);
  return std::nullopt;
}

Error Mismatch(const OutputFieldSpec& spec, const json::value& v, std::string_view expected) {
  std::string shown = json::serialize(v);
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  return Error::Invalid("output field '" + spec.name + "' is " + TypeName(spec.type) +
                        ": expected " + std::string(expected) + ", got " + shown);
}

Result<json::value> Coerce(const OutputFieldSpec& spec, const json::value& v) {
  switch (spec.type) {
    case OutputType::kString:
    case OutputType::kPhoneNumber:
    case OutputType::kEnumeration: {
      std::optional<std::string> text = AsText(v);
      if (!text) return Mismatch(spec, v, "a string");
      if (text->size() > kMaxOutputStringLength) {
        return Error::Invalid("output field '" + spec.name + "' is longer than " +
                              std::to_string(kMaxOutputStringLength) + " characters");
      }
      if (spec.type == OutputType::kEnumeration && !spec.options.empty() &&
          std::find(spec.options.begin(), spec.options.end(), *text) == spec.options.end()) {
        std::string allowed;
        for (const std::string& o : spec.options) allowed += (allowed.empty() ? "" : ", ") + o;
        return Mismatch(spec, v, "one of " + allowed);
      }
      return json::value(*text);
    }
    case OutputType::kNumber: {
      if (v.is_int64() || v.is_uint64()) return v;
      if (v.is_double()) return v;
      if (v.is_string()) {
        std::string_view s = TrimAscii(v.as_string());
        if (auto id = ParseDecimalId(s, /*allow_zero=*/true)) return json::value(*id);
        if (auto d = ParseNumber(s)) return json::value(*d);
      }
      return Mismatch(spec, v, "a number");
    }
    case OutputType::kBool: {
      if (v.is_bool()) return v;
      if (v.is_string()) {
        std::string lower = AsciiLower(TrimAscii(v.as_string()));
        if (lower == "true") return json::value(true);
        if (lower == "false") return json::value(false);
      }
      return Mismatch(spec, v, "true or false");
    }
    case OutputType::kDate: {
      std::optional<int64_t> ms = TimeMs(v);
      if (!ms || *ms % kMsPerDay != 0) return Mismatch(spec, v, "a date (YYYY-MM-DD)");
      return json::value(FormatDate(*ms));
    }
    case OutputType::kDateTime: {
      std::optional<int64_t> ms = TimeMs(v);
      if (!ms) return Mismatch(spec, v, "a UTC date-time (ISO 8601) or epoch milliseconds");
      return json::value(FormatIso8601Ms(*ms));
    }
  }
  return Mismatch(spec, v, "a known type");
}

}  // namespace

Result<OutputType> ParseOutputType(std::string_view type) {
  if (type == "STRING") return OutputType::kString;
  if (type == "NUMBER") return OutputType::kNumber;
  if (type == "BOOL" || type == "BOOLEAN") return OutputType::kBool;
  if (type == "DATE") return OutputType::kDate;
  if (type == "DATETIME") return OutputType::kDateTime;
  if (type == "ENUMERATION") return OutputType::kEnumeration;
  if (type == "PHONE_NUMBER") return OutputType::kPhoneNumber;
  return Error::Invalid("unknown output field type '" + std::string(type) + "'");
}

Result<std::vector<OutputFieldSpec>> ParseOutputFieldSpecs(const json::value& fields) {
  if (!fields.is_array()) return Error::Invalid("outputFields must be an array");
  std::vector<OutputFieldSpec> specs;
  std::set<std::string> seen;
  const json::array& list = fields.as_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "outputFields[" + std::to_string(i) + "]";
    const json::object* f = list[i].if_object();
    if (f == nullptr) return Error::Invalid(where + " must be an object");
    const json::value* name = f->if_contains("name");
    const json::value* type = f->if_contains("type");
    if (name == nullptr || !name->is_string() || name->as_string().empty()) {
      return Error::Invalid(where + ".name must be a non-empty string");
    }
    if (type == nullptr || !type->is_string()) {
      return Error::Invalid(where + ".type must be a string");
    }
    OutputFieldSpec spec;
    spec.name = std::string(name->as_string());
    auto parsed = ParseOutputType(type->as_string());
    if (!parsed.ok()) return Error::Invalid(where + ": " + parsed.error().message);
    spec.type = *parsed;
    if (const json::value* options = f->if_contains("options"); options && options->is_array()) {
      for (const json::value& o : options->as_array()) {
        // Options are strings in the spec; the editor's {label, value} objects are accepted too.
        if (o.is_string()) {
          spec.options.emplace_back(o.as_string());
        } else if (const json::object* obj = o.if_object(); obj && obj->contains("value")) {
          if (auto text = AsText(obj->at("value"))) spec.options.push_back(*text);
        }
      }
    }
    if (!seen.insert(spec.name).second) {
      return Error::Invalid(where + ": output field '" + spec.name + "' is declared twice");
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

Result<json::object> CoerceOutputs(const json::value& outputs,
                                   const std::vector<OutputFieldSpec>& specs) {
  const json::object* given = outputs.if_object();
  if (given == nullptr) return Error::Invalid("outputFields must be an object");
  json::object out;
  for (const OutputFieldSpec& spec : specs) {
    const json::value* v = given->if_contains(spec.name);
    if (v == nullptr || v->is_null()) continue;
    FLOWD_ASSIGN_OR_RETURN(json::value coerced, Coerce(spec, *v));
    out[spec.name] = std::move(coerced);
  }
  return out;
}

}  // namespace flowd::engine
