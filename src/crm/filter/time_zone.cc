#include "crm/filter/time_zone.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "common/text.h"

namespace flowd::crm::filter {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxTzifBytes = 1 << 20;

// "+hh[[:]mm[[:]ss]]" or "+h" → seconds east of UTC; nullopt when malformed or beyond ±18 h.
std::optional<int32_t> ParseOffset(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s.substr(1)) {
    if (c == ':') {
      parts.push_back(cur);
      cur.clear();
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      cur += c;
    } else {
      return std::nullopt;
    }
  }
  parts.push_back(cur);
  int h = 0, m = 0, sec = 0;
  if (parts.size() == 1) {
    const std::string& p = parts[0];
    if (p.size() == 1 || p.size() == 2) {
      h = std::stoi(p);
    } else if (p.size() == 4) {
      h = std::stoi(p.substr(0, 2));
      m = std::stoi(p.substr(2, 2));
    } else if (p.size() == 6) {
      h = std::stoi(p.substr(0, 2));
      m = std::stoi(p.substr(2, 2));
      sec = std::stoi(p.substr(4, 2));
    } else {
      return std::nullopt;
    }
  } else {
    if (parts.size() > 3) return std::nullopt;
    for (const auto& p : parts) {
      if (p.empty() || p.size() > 2) return std::nullopt;
    }
    if (parts[0].size() != 2) return std::nullopt;
    h = std::stoi(parts[0]);
    m = std::stoi(parts[1]);
    if (parts.size() == 3) sec = std::stoi(parts[2]);
    if (parts[1].size() != 2 || (parts.size() == 3 && parts[2].size() != 2)) return std::nullopt;
  }
  if (m > 59 || sec > 59) return std::nullopt;
  const int32_t total = h * 3600 + m * 60 + sec;
  if (total > 18 * 3600) return std::nullopt;
  return sign * total;
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year_month_day{year(y), month(m), day(d)}).time_since_epoch().count();
}

int YearOf(int64_t ms) {
  using namespace std::chrono;
  const auto d = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  return static_cast<int>(year_month_day(d).year());
}

bool IsLeap(int y) { return std::chrono::year(y).is_leap(); }

// UTC-as-local ms of a POSIX change in year `y`, at local time-of-day `c.time_s`.
int64_t ChangeLocalMs(const TimeZone::PosixRule::Change& c, int y) {
  int64_t day_number = 0;
  if (c.kind == 'J') {
    int n = c.day - 1;  // 0-based, Feb 29 never counted
    if (IsLeap(y) && c.day >= 60) ++n;
    day_number = DaysFromCivil(y, 1, 1) + n;
  } else if (c.kind == 'n') {
    day_number = DaysFromCivil(y, 1, 1) + c.day;
  } else {
    const int64_t first = DaysFromCivil(y, static_cast<unsigned>(c.month), 1);
    // 1970-01-01 was a Thursday (weekday 4).
    const int first_wd = static_cast<int>(((first % 7) + 7 + 4) % 7);
    int dom = 1 + (c.weekday - first_wd + 7) % 7 + (c.week - 1) * 7;
    using namespace std::chrono;
    const unsigned last = static_cast<unsigned>(
        year_month_day_last(year(y), month_day_last(month(static_cast<unsigned>(c.month)))).day());
    while (dom > static_cast<int>(last)) dom -= 7;
    day_number = first + dom - 1;
  }
  return day_number * kDayMs + static_cast<int64_t>(c.time_s) * 1000;
}

int32_t PosixOffsetAt(const TimeZone::PosixRule& r, int64_t utc_ms) {
  if (!r.has_dst) return r.std_offset_s;
  const int y = YearOf(utc_ms + r.std_offset_s * 1000LL);
  const int64_t start = ChangeLocalMs(r.start, y) - r.std_offset_s * 1000LL;
  const int64_t end = ChangeLocalMs(r.end, y) - r.dst_offset_s * 1000LL;
  bool dst;
  if (start < end) {
    dst = utc_ms >= start && utc_ms < end;
  } else {
    dst = !(utc_ms >= end && utc_ms < start);
  }
  return dst ? r.dst_offset_s : r.std_offset_s;
}

// ---- POSIX TZ string parsing (RFC 8536 §3.3 / POSIX TZ)

struct PosixCursor {
  std::string_view s;
  size_t i = 0;
  bool ok = true;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
};

bool ParsePosixName(PosixCursor& c) {
  if (c.peek() == '<') {
    const size_t close = c.s.find('>', c.i);
    if (close == std::string_view::npos) return false;
    c.i = close + 1;
    return true;
  }
  const size_t begin = c.i;
  while (!c.done() && std::isalpha(static_cast<unsigned char>(c.peek()))) ++c.i;
  return c.i - begin >= 3;
}

// [+-]hh[:mm[:ss]] → seconds (as written; POSIX offsets are positive west of Greenwich).
std::optional<int32_t> ParsePosixTime(PosixCursor& c, int max_hours) {
  int sign = 1;
  if (c.peek() == '+' || c.peek() == '-') {
    if (c.peek() == '-') sign = -1;
    ++c.i;
  }
  int32_t total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (c.peek() != ':') break;
      ++c.i;
    }
    const size_t begin = c.i;
    int v = 0;
    while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek())) && c.i - begin < 3) {
      v = v * 10 + (c.peek() - '0');
      ++c.i;
    }
    if (c.i == begin) return std::nullopt;
    if (part == 0 && v > max_hours) return std::nullopt;
    if (part > 0 && v > 59) return std::nullopt;
    total += v * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  return sign * total;
}

std::optional<int> ParsePosixInt(PosixCursor& c) {
  const size_t begin = c.i;
  int v = 0;
  while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek())) && c.i - begin < 4) {
    v = v * 10 + (c.peek() - '0');
    ++c.i;
  }
  if (c.i == begin) return std::nullopt;
  return v;
}

std::optional<TimeZone::PosixRule::Change> ParsePosixChange(PosixCursor& c) {
  TimeZone::PosixRule::Change ch;
  if (c.peek() == 'M') {
    ++c.i;
    auto m = ParsePosixInt(c);
    if (!m || c.peek() != '.') return std::nullopt;
    ++c.i;
    auto w = ParsePosixInt(c);
    if (!w || c.peek() != '.') return std::nullopt;
    ++c.i;
    auto d = ParsePosixInt(c);
    if (!d || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *d > 6) return std::nullopt;
    ch.kind = 'M';
    ch.month = *m;
    ch.week = *w;
    ch.weekday = *d;
  } else if (c.peek() == 'J') {
    ++c.i;
    auto n = ParsePosixInt(c);
    if (!n || *n < 1 || *n > 365) return std::nullopt;
    ch.kind = 'J';
    ch.day = *n;
  } else {
    auto n = ParsePosixInt(c);
    if (!n || *n > 365) return std::nullopt;
    ch.kind = 'n';
    ch.day = *n;
  }
  if (c.peek() == '/') {
    ++c.i;
    auto t = ParsePosixTime(c, 167);
    if (!t) return std::nullopt;
    ch.time_s = *t;
  }
  return ch;
}

// ---- TZif reading

uint32_t Be32(std::string_view d, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(d[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(d[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(d[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(d[at + 3]));
}

int64_t Be64(std::string_view d, size_t at) {
  return static_cast<int64_t>((static_cast<uint64_t>(Be32(d, at)) << 32) | Be32(d, at + 4));
}

struct TzifCounts {
  uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  size_t BlockSize(size_t time_bytes) const {
    return size_t{time} * time_bytes + time + size_t{type} * 6 + chars +
           size_t{leap} * (time_bytes + 4) + isstd + isut;
  }
};

std::optional<TzifCounts> ReadHeader(std::string_view d, size_t at) {
  if (d.size() < at + 44 || d.substr(at, 4) != "TZif") return std::nullopt;
  TzifCounts c;
  c.isut = Be32(d, at + 20);
  c.isstd = Be32(d, at + 24);
  c.leap = Be32(d, at + 28);
  c.time = Be32(d, at + 32);
  c.type = Be32(d, at + 36);
  c.chars = Be32(d, at + 40);
  if (c.type == 0 || c.type > 256 || c.time > 100000 || c.leap > 100000 || c.chars > 100000 ||
      c.isut > 256 || c.isstd > 256) {
    return std::nullopt;
  }
  return c;
}

bool SafeIanaName(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '/' || id.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
           ch == '+';
  });
}

}  // namespace

TimeZone::PosixRule TimeZone::ParsePosix(std::string_view tz) {
  PosixRule r;
  PosixCursor c{tz};
  if (!ParsePosixName(c)) return r;
  auto std_off = ParsePosixTime(c, 24);
  if (!std_off) return r;
  r.std_offset_s = -*std_off;
  if (c.done()) {
    r.valid = true;
    return r;
  }
  if (!ParsePosixName(c)) return r;
  r.has_dst = true;
  r.dst_offset_s = r.std_offset_s + 3600;
  if (!c.done() && c.peek() != ',') {
    auto dst_off = ParsePosixTime(c, 24);
    if (!dst_off) return r;
    r.dst_offset_s = -*dst_off;
  }
  if (c.done()) {
    // No rules given: the POSIX default of US rules.
    r.start = {'M', 3, 2, 0, 0, 7200};
    r.end = {'M', 11, 1, 0, 0, 7200};
    r.valid = true;
    return r;
  }
  if (c.peek() != ',') return r;
  ++c.i;
  auto start = ParsePosixChange(c);
  if (!start || c.peek() != ',') return r;
  ++c.i;
  auto end = ParsePosixChange(c);
  if (!end || !c.done()) return r;
  r.start = *start;
  r.end = *end;
  r.valid = true;
  return r;
}

std::shared_ptr<const TimeZone> TimeZone::Fixed(std::string name, int32_t offset_s) {
  auto z = std::make_shared<TimeZone>();
  z->name_ = std::move(name);
  z->initial_offset_s_ = offset_s;
  return z;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string name, std::string_view d) {
  auto bad = [&name] { return Error::Invalid("Time zone data for " + name + " is malformed"); };
  auto h1 = ReadHeader(d, 0);
  if (!h1) return bad();
  const char version = d[4];
  size_t at = 44;
  size_t time_bytes = 4;
  TzifCounts c = *h1;
  if (version >= '2') {
    at += h1->BlockSize(4);
    auto h2 = ReadHeader(d, at);
    if (!h2) return bad();
    c = *h2;
    at += 44;
    time_bytes = 8;
  }
  if (d.size() < at + c.BlockSize(time_bytes)) return bad();
  const size_t times_at = at;
  const size_t idx_at = times_at + c.time * time_bytes;
  const size_t types_at = idx_at + c.time;
  std::vector<int32_t> type_offsets;
  for (uint32_t i = 0; i < c.type; ++i) {
    type_offsets.push_back(static_cast<int32_t>(Be32(d, types_at + size_t{i} * 6)));
  }
  auto z = std::make_shared<TimeZone>();
  z->name_ = std::move(name);
  z->initial_offset_s_ = type_offsets[0];
  for (uint32_t i = 0; i < c.time; ++i) {
    const int64_t t = time_bytes == 8 ? Be64(d, times_at + size_t{i} * 8)
                                      : static_cast<int32_t>(Be32(d, times_at + size_t{i} * 4));
    const auto idx = static_cast<unsigned char>(d[idx_at + i]);
    if (idx >= type_offsets.size()) return bad();
    // Clamp the far past/future so that the ms arithmetic cannot overflow.
    const int64_t clamped = std::clamp<int64_t>(t, -(int64_t{1} << 40), int64_t{1} << 40);
    z->transitions_.push_back({clamped * 1000, type_offsets[idx]});
  }
  if (!std::is_sorted(
          z->transitions_.begin(), z->transitions_.end(),
          [](const Transition& a, const Transition& b) { return a.start_ms < b.start_ms; })) {
    return bad();
  }
  if (time_bytes == 8) {
    const size_t footer_at = at + c.BlockSize(8);
    if (footer_at < d.size() && d[footer_at] == '\n') {
      const size_t end = d.find('\n', footer_at + 1);
      if (end != std::string_view::npos && end > footer_at + 1) {
        z->rule_ = ParsePosix(d.substr(footer_at + 1, end - footer_at - 1));
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(z));
}

int32_t TimeZone::OffsetAt(int64_t utc_ms) const {
  if (transitions_.empty()) {
    return rule_.valid ? PosixOffsetAt(rule_, utc_ms) : initial_offset_s_;
  }
  if (utc_ms < transitions_.front().start_ms) return initial_offset_s_;
  if (utc_ms >= transitions_.back().start_ms && rule_.valid) return PosixOffsetAt(rule_, utc_ms);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_ms,
                             [](int64_t t, const Transition& tr) { return t < tr.start_ms; });
  return std::prev(it)->offset_s;
}

int64_t TimeZone::LocalToUtc(int64_t local_ms) const {
  // Offsets valid just before and just after: a transition lies between them when they differ.
  const int32_t before = OffsetAt(local_ms - kDayMs);
  const int32_t after = OffsetAt(local_ms + kDayMs);
  const int64_t t1 = local_ms - before * 1000LL;
  const int64_t t2 = local_ms - after * 1000LL;
  const bool ok1 = OffsetAt(t1) == before;
  const bool ok2 = OffsetAt(t2) == after;
  if (ok1 && ok2) return std::min(t1, t2);  // overlap: the earlier instant
  if (ok1) return t1;
  if (ok2) return t2;
  return t1;  // gap: read with the offset before it, which lands past the gap
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Find(std::string_view zone_id) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(zone_id);
    if (it != cache.end()) return it->second;
  }
  const std::string id(zone_id);
  const std::string up = AsciiUpper(id);
  std::shared_ptr<const TimeZone> zone;
  if (up == "UTC" || up == "Z" || up == "GMT" || up == "UT" || up == "ETC/UTC" || up == "ETC/GMT" ||
      up == "UCT" || up == "ETC/UCT" || up == "ZULU" || up == "ETC/ZULU") {
    zone = Fixed(id, 0);
  } else if (!id.empty() && (id[0] == '+' || id[0] == '-')) {
    if (auto off = ParseOffset(id)) zone = Fixed(id, *off);
  } else if (up.rfind("UTC", 0) == 0 || up.rfind("GMT", 0) == 0) {
    if (auto off = ParseOffset(std::string_view(id).substr(3))) zone = Fixed(id, *off);
  } else if (up.rfind("UT", 0) == 0) {
    if (auto off = ParseOffset(std::string_view(id).substr(2))) zone = Fixed(id, *off);
  } else if (SafeIanaName(id)) {
    const char* dir = std::getenv("TZDIR");
    const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + id;
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream buf;
      buf << in.rdbuf();
      std::string data = buf.str();
      if (data.size() <= kMaxTzifBytes) {
        auto parsed = FromTzif(id, data);
        if (parsed.ok()) zone = std::move(parsed).value();
      }
    }
  }
  if (!zone) {
    return Error::Invalid("Unknown time zone: " + id.substr(0, 100),
                          {ErrorDetail{"Unknown time zone " + id.substr(0, 100) +
                                           " (use UTC, a fixed offset such as +02:00, or an "
                                           "IANA name such as America/New_York)",
                                       "zoneId",
                                       "INVALID_TIME_ZONE",
                                       {}}});
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() < 4096) cache.emplace(id, zone);
  return zone;
}

}  // namespace flowd::crm::filter
