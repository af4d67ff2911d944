// Time zones for the filter evaluator: the `zoneId` of time points and the account's zone.
//
// g++ 12's libstdc++ has the C++20 calendar types but not the time-zone database
// (std::chrono::locate_zone arrived in GCC 13), so flowd reads zones itself:
//   * "UTC", "Z", "GMT", "UT", "Etc/UTC", "Etc/GMT" — UTC;
//   * fixed offsets "+02:00", "-0530", "+3", "UTC+01:00", "GMT-8" (Java ZoneId forms) — up to ±18
//   h;
//   * IANA names ("America/New_York", "Europe/Paris", legacy "US/Eastern") — read from the system
//     tz database in TZif form ($TZDIR, else /usr/share/zoneinfo; Debian package `tzdata`),
//     including the POSIX rule in the file's footer for instants past its last transition.
// Anything else, or an IANA name when no tz database is installed, is kNotFound-free
// kInvalidArgument naming the zone. Loaded zones are cached for the process lifetime.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::crm::filter {

class TimeZone {
 public:
  // One span of constant offset: from `start_ms` (UTC) on, the offset is `offset_s`.
  struct Transition {
    int64_t start_ms = 0;
    int32_t offset_s = 0;
  };
  // A POSIX TZ rule (the TZif footer): std offset, and optionally DST with its two change rules.
  struct PosixRule {
    bool valid = false;
    int32_t std_offset_s = 0;  // seconds east of UTC
    bool has_dst = false;
    int32_t dst_offset_s = 0;
    // Each change: month 1-12, week 1-5 (5 = last), weekday 0-6 (Sunday = 0), or a Julian day
    // (kind 'J': 1-365 without Feb 29; kind 'n': 0-365 with it); local time of day in seconds.
    struct Change {
      char kind = 'M';
      int month = 0, week = 0, weekday = 0, day = 0;
      int32_t time_s = 7200;
    } start, end;
  };

  // A zone with one fixed offset.
  static std::shared_ptr<const TimeZone> Fixed(std::string name, int32_t offset_s);
  // Resolves a zone id as described above. Cached.
  static Result<std::shared_ptr<const TimeZone>> Find(std::string_view zone_id);
  // Parses TZif data (exposed for tests).
  static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string name, std::string_view data);
  // Parses a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0" (exposed for tests).
  static PosixRule ParsePosix(std::string_view tz);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at the UTC instant `utc_ms`.
  int32_t OffsetAt(int64_t utc_ms) const;
  // The UTC instant of a local wall-clock time (ms since the epoch as if local were UTC).
  // Ambiguous times (a DST fall-back overlap) take the earlier instant; times skipped by a
  // spring-forward gap move forward by the gap (java.time's rules, which HubSpot follows).
  int64_t LocalToUtc(int64_t local_ms) const;
  // The local wall-clock time of a UTC instant.
  int64_t UtcToLocal(int64_t utc_ms) const { return utc_ms + OffsetAt(utc_ms) * 1000LL; }

 private:
  std::string name_;
  int32_t initial_offset_s_ = 0;  // before the first transition
  std::vector<Transition> transitions_;
  PosixRule rule_;  // after the last transition (when valid)
};

}  // namespace flowd::crm::filter
