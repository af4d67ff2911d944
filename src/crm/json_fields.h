// Reading typed fields out of a request body while collecting every problem (HubSpot answers one
// 400 listing all of them). Internal to crm/: shared by the property and schema codecs.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::crm::internal {

inline constexpr std::string_view kCodeRequired = "REQUIRED_FIELD";
inline constexpr std::string_view kCodeType = "INVALID_TYPE";
inline constexpr std::string_view kCodeEnum = "INVALID_ENUM_VALUE";
inline constexpr std::string_view kCodeValue = "INVALID_VALUE";
inline constexpr std::string_view kCodeLimit = "LIMIT_EXCEEDED";
inline constexpr std::string_view kCodeDuplicate = "DUPLICATE_VALUE";
inline constexpr std::string_view kCodeReference = "INVALID_REFERENCE";
inline constexpr std::string_view kCodeUnsupported = "NOT_SUPPORTED";
inline constexpr std::string_view kCodeReadOnly = "READ_ONLY";

// Reads fields of one JSON object; `path` prefixes every `in` ("inputs[2]." or "").
class FieldReader {
 public:
  FieldReader(const boost::json::object& obj, std::string path, std::vector<ErrorDetail>& problems)
      : obj_(obj), path_(std::move(path)), problems_(problems) {}

  bool Has(std::string_view key) const { return obj_.contains(key); }
  const boost::json::value* Raw(std::string_view key) const { return obj_.if_contains(key); }

  // nullopt when absent (a problem when `required`) or of the wrong type (always a problem).
  // Strings longer than `max_len` bytes are a problem too.
  std::optional<std::string> String(std::string_view key, bool required, size_t max_len);
  std::optional<bool> Bool(std::string_view key);
  // An integer within int32 (HubSpot's format for displayOrder).
  std::optional<int64_t> Int32(std::string_view key);
  // An array of strings (each at most `max_len` bytes, at most `max_items`).
  std::optional<std::vector<std::string>> Strings(std::string_view key, bool required,
                                                  size_t max_items, size_t max_len);
  // A string that must be one of `allowed`.
  std::optional<std::string> Enum(std::string_view key, bool required,
                                  const std::vector<std::string_view>& allowed);

  std::string In(std::string_view key) const { return path_ + std::string(key); }
  void Problem(std::string_view key, std::string message, std::string_view code);

 private:
  const boost::json::object& obj_;
  std::string path_;
  std::vector<ErrorDetail>& problems_;
};

// "a, b or c" for messages.
std::string OneOf(const std::vector<std::string_view>& allowed);

// One 400 listing `problems` (the message names the only problem, or counts them).
Error InvalidInput(std::vector<ErrorDetail> problems);

}  // namespace flowd::crm::internal
