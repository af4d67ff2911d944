// Property values of generated contacts, shared by flowd_load's CRM scenarios and
// flowd_store_bench, so that both write the same shapes. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace flowd::bench {

// The five non-email properties a generated contact carries; all derive from `n` (spread by a
// hash, so consecutive contacts differ). lifecyclestage is one of HubSpot's built-in options.
struct ContactValues {
  std::string firstname, lastname, phone, company, lifecyclestage;
};

ContactValues ContactFor(uint64_t n);

}  // namespace flowd::bench
