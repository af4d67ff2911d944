#include "common/log.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "common/clock.h"
#include "common/time_format.h"

namespace flowd::log {
namespace {
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_mu;

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}
}  // namespace

void SetMinLevel(Level level) { g_min_level = static_cast<int>(level); }

void Write(Level level, std::string_view msg, const boost::json::object& fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  boost::json::object line;
  line["ts"] = FormatIso8601Ms(SystemClock::Instance().NowMs());
  line["level"] = LevelName(level);
  line["msg"] = msg;
  for (const auto& kv : fields) line[kv.key()] = kv.value();
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Info(std::string_view msg) { Write(Level::kInfo, msg, {}); }
void Warn(std::string_view msg) { Write(Level::kWarn, msg, {}); }
void Error(std::string_view msg) { Write(Level::kError, msg, {}); }

}  // namespace flowd::log
