// Strict JSON parsing for request bodies (Boost.JSON behind this header).
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "common/status.h"

namespace flowd {

struct JsonLimits {
  // Deepest nesting of arrays/objects accepted.
  size_t max_depth = 64;
};

// Parses `text` as one JSON document. Refuses (kInvalidArgument, with line/column) what a lenient
// parser would accept silently: duplicate object keys, invalid UTF-8, nesting deeper than
// `limits.max_depth`, comments, trailing commas, trailing garbage.
Result<boost::json::value> ParseJsonStrict(std::string_view text, const JsonLimits& limits = {});

}  // namespace flowd
