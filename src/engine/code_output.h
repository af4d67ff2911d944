// The outputs of a CUSTOM_CODE action: the action's declared outputFields, and the checking and
// coercion of what the code returned against them. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::engine {

// HubSpot's output types. The spec lists only ENUMERATION for CUSTOM_CODE; the workflow editor
// (and third-party clients) also declare the others.
enum class OutputType { kString, kNumber, kBool, kDate, kDateTime, kEnumeration, kPhoneNumber };

struct OutputFieldSpec {
  std::string name;
  OutputType type = OutputType::kString;
  std::vector<std::string> options;  // ENUMERATION: the allowed values (empty: any)
};

// Longest string output accepted (HubSpot's limit for custom-code output strings).
inline constexpr size_t kMaxOutputStringLength = 65'000;

// "STRING", "NUMBER", "BOOL" (also "BOOLEAN"), "DATE", "DATETIME", "ENUMERATION", "PHONE_NUMBER";
// kInvalidArgument for anything else.
Result<OutputType> ParseOutputType(std::string_view type);

// An action's outputFields array ([{name, type, options?}, …]) as specs. kInvalidArgument (naming
// the entry) for a missing name or unknown type, or a name declared twice.
Result<std::vector<OutputFieldSpec>> ParseOutputFieldSpecs(const boost::json::value& fields);

// The code's `outputFields` object checked against `specs`: undeclared names are dropped, null or
// absent ones are left out, and each declared value is coerced to its type:
//   STRING, PHONE_NUMBER  string (numbers and booleans are written as text)
//   NUMBER                number (a decimal string is read as one)
//   BOOL                  true/false (also the strings "true"/"false", any case)
//   DATE                  "YYYY-MM-DD" (from that form, or a UTC-midnight ISO time / epoch ms)
//   DATETIME              "YYYY-MM-DDTHH:MM:SS.sssZ" (from ISO 8601 UTC, a date, or epoch ms)
//   ENUMERATION           a string among the options
// kInvalidArgument naming the field and the expected type when a value does not fit, and when
// `outputs` is not an object.
Result<boost::json::object> CoerceOutputs(const boost::json::value& outputs,
                                          const std::vector<OutputFieldSpec>& specs);

}  // namespace flowd::engine
