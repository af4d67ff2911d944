#include "contact_values.h"

#include <cstdio>

namespace flowd::bench {
namespace {

constexpr const char* kFirstNames[] = {
    "Ada",      "Grace", "Alan",  "Edsger", "Barbara", "Donald", "Frances", "John",
    "Margaret", "Ken",   "Radia", "Dennis", "Lynn",    "Tim",    "Hedy",    "Niklaus"};
constexpr const char* kLastNames[] = {
    "Lovelace", "Hopper",   "Turing",  "Dijkstra", "Liskov", "Knuth",       "Allen",  "Backus",
    "Hamilton", "Thompson", "Perlman", "Ritchie",  "Conway", "Berners-Lee", "Lamarr", "Wirth"};
constexpr const char* kStages[] = {"subscriber",         "lead",        "marketingqualifiedlead",
                                   "salesqualifiedlead", "opportunity", "customer"};

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

ContactValues ContactFor(uint64_t n) {
  const uint64_t h = Mix(n);
  char phone[32];
  std::snprintf(phone, sizeof(phone), "+1 555 %03u %04u", static_cast<unsigned>((h >> 16) % 1000),
                static_cast<unsigned>((h >> 32) % 10000));
  return ContactValues{kFirstNames[h % 16], kLastNames[(h >> 8) % 16], phone,
                       "Company " + std::to_string((h >> 40) % 5000), kStages[(h >> 52) % 6]};
}

}  // namespace flowd::bench
