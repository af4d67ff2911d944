#include "crm/account_zones.h"

namespace flowd::crm {

std::string AccountZones::ZoneOf(int64_t account_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(account_id);
    if (it != cache_.end() && now - it->second.read_at < ttl_) return it->second.zone;
  }
  auto account = accounts_.GetAccount(account_id);
  std::string zone = account.ok() && !account->time_zone.empty() ? account->time_zone : "UTC";
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= 65536) cache_.clear();  // bounded; entries are re-read on demand
  cache_[account_id] = Entry{zone, now};
  return zone;
}

void AccountZones::Forget(int64_t account_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(account_id);
}

}  // namespace flowd::crm
