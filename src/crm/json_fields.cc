#include "crm/json_fields.h"

#include <limits>

namespace flowd::crm::internal {

void FieldReader::Problem(std::string_view key, std::string message, std::string_view code) {
  problems_.push_back(ErrorDetail{std::move(message), In(key), std::string(code), {}});
}

std::optional<std::string> FieldReader::String(std::string_view key, bool required,
                                               size_t max_len) {
  const boost::json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Problem(key, In(key) + " is required", kCodeRequired);
    return std::nullopt;
  }
  if (!v->is_string()) {
    Problem(key, In(key) + " must be a string", kCodeType);
    return std::nullopt;
  }
  const auto& s = v->get_string();
  if (s.size() > max_len) {
    Problem(key, In(key) + " is longer than " + std::to_string(max_len) + " characters",
            kCodeLimit);
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<bool> FieldReader::Bool(std::string_view key) {
  const boost::json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) {
    Problem(key, In(key) + " must be a boolean", kCodeType);
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<int64_t> FieldReader::Int32(std::string_view key) {
  const boost::json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (v->is_int64() && v->get_int64() >= kMin && v->get_int64() <= kMax) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(kMax)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  Problem(key, In(key) + " must be an integer between -2147483648 and 2147483647", kCodeType);
  return std::nullopt;
}

std::optional<std::vector<std::string>> FieldReader::Strings(std::string_view key, bool required,
                                                             size_t max_items, size_t max_len) {
  const boost::json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Problem(key, In(key) + " is required", kCodeRequired);
    return std::nullopt;
  }
  if (!v->is_array()) {
    Problem(key, In(key) + " must be an array of strings", kCodeType);
    return std::nullopt;
  }
  const auto& arr = v->get_array();
  if (arr.size() > max_items) {
    Problem(key, In(key) + " has more than " + std::to_string(max_items) + " items", kCodeLimit);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
    if (!arr[i].is_string()) {
      Problem(at, In(at) + " must be a string", kCodeType);
      ok = false;
    } else if (arr[i].get_string().size() > max_len) {
      Problem(at, In(at) + " is longer than " + std::to_string(max_len) + " characters",
              kCodeLimit);
      ok = false;
    } else {
      out.emplace_back(arr[i].get_string());
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> FieldReader::Enum(std::string_view key, bool required,
                                             const std::vector<std::string_view>& allowed) {
  std::optional<std::string> s = String(key, required, 256);
  if (!s) return std::nullopt;
  for (std::string_view a : allowed) {
    if (*s == a) return s;
  }
  Problem(key, In(key) + " must be one of " + OneOf(allowed) + ", got '" + s->substr(0, 64) + "'",
          kCodeEnum);
  return std::nullopt;
}

std::string OneOf(const std::vector<std::string_view>& allowed) {
  std::string out;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) out += i + 1 == allowed.size() ? " or " : ", ";
    out += allowed[i];
  }
  return out;
}

Error InvalidInput(std::vector<ErrorDetail> problems) {
  return Error::InvalidList(std::move(problems));
}

}  // namespace flowd::crm::internal
