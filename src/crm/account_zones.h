// The accounts' time zones (HubSpot's account setting, `flowd account set-time-zone`), read
// through a short-lived cache: every filter evaluation and every step asks, and a change made by
// the CLI (another process) is seen within `ttl`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "store/store.h"

namespace flowd::crm {

class AccountZones {
 public:
  explicit AccountZones(store::AccountStore& accounts,
                        std::chrono::milliseconds ttl = std::chrono::seconds(5))
      : accounts_(accounts), ttl_(ttl) {}

  // The account's IANA zone id; "UTC" when the account cannot be read (the caller's own
  // account check reports that).
  std::string ZoneOf(int64_t account_id);
  // Drops the account's cached zone: the next ZoneOf reads the store (the engine, before it
  // re-times an account's flows after a change of zone).
  void Forget(int64_t account_id);

 private:
  struct Entry {
    std::string zone;
    std::chrono::steady_clock::time_point read_at;
  };
  store::AccountStore& accounts_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::map<int64_t, Entry> cache_;
};

}  // namespace flowd::crm
