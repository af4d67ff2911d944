// Structured logging: one JSON object per line on stderr. Thread-safe.
// Never pass secrets (tokens, secret values) to these functions.
#pragma once

#include <string_view>

namespace boost::json {
class object;
}

namespace flowd::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetMinLevel(Level level);
// Writes {"ts":…,"level":…,"msg":…, …fields} as one line.
void Write(Level level, std::string_view msg, const boost::json::object& fields);
void Info(std::string_view msg);
void Warn(std::string_view msg);
void Error(std::string_view msg);

}  // namespace flowd::log
