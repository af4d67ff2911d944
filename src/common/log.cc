#include "common/log.h"

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/time_format.h"

namespace flowd::log {
namespace {
std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_mu;

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}
}  // namespace

void SetMinLevel(Level level) { g_min_level = static_cast<int>(level); }

namespace {
// "YYYY-MM-DDTHH:MM:SS.mmmZ" for now. The part up to the seconds is formatted once per second per
// thread: snprintf per line was a measurable share of the access log's cost.
void AppendTimestamp(std::string& out) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached_prefix;  // "YYYY-MM-DDTHH:MM:SS."
  int64_t now_ms = SystemClock::Instance().NowMs();
  int64_t second = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
  if (second != cached_second) {
    std::string full = FormatIso8601Ms(second * 1000);
    cached_prefix = full.substr(0, full.size() - 4);  // drop "000Z"
    cached_second = second;
  }
  int ms = static_cast<int>(now_ms - second * 1000);
  out += cached_prefix;
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
}

template <typename T>
void AppendJson(std::string& out, const T& what) {
  boost::json::serializer sr;
  sr.reset(what);
  char buf[512];
  while (!sr.done()) out += sr.read(buf);
}
}  // namespace

void Write(Level level, std::string_view msg, const boost::json::object& fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  std::string text;
  if (fields.contains("ts") || fields.contains("level") || fields.contains("msg")) {
    // Rare: a field overrides a base key; merge so that the line has no duplicate keys.
    boost::json::object line;
    line["ts"] = FormatIso8601Ms(SystemClock::Instance().NowMs());
    line["level"] = LevelName(level);
    line["msg"] = msg;
    for (const auto& kv : fields) line[kv.key()] = kv.value();
    text = boost::json::serialize(line);
  } else {
    // Same output, built without copying the fields into a new object.
    text.reserve(256);
    text += "{\"ts\":\"";
    AppendTimestamp(text);
    text += "\",\"level\":\"";
    text += LevelName(level);
    text += "\",\"msg\":";
    AppendJson(text, boost::json::string_view(msg));
    if (fields.empty()) {
      text += '}';
    } else {
      text += ',';
      size_t open_brace = text.size();
      AppendJson(text, &fields);
      text.erase(open_brace, 1);  // fields' own '{'
    }
  }
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Info(std::string_view msg) { Write(Level::kInfo, msg, {}); }
void Warn(std::string_view msg) { Write(Level::kWarn, msg, {}); }
void Error(std::string_view msg) { Write(Level::kError, msg, {}); }

}  // namespace flowd::log
