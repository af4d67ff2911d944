// Accounts' access tokens: issuing (random, shown once, stored as SHA-256), authenticating
// bearer tokens, scope checks. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace flowd::auth {

// Scope names (HubSpot's).
inline constexpr std::string_view kScopeAutomation = "automation";

// Every scope flowd knows; `flowd token create --scopes all` and `make run` grant these.
const std::vector<std::string>& KnownScopes();

// A scope name is lower-case letters, digits, '.', '-', '_' (HubSpot's shape).
bool IsValidScopeName(std::string_view scope);

struct RateLimits {
  int64_t ten_secondly = 0;  // 0 = unlimited
  int64_t daily = 0;         // 0 = unlimited
};

// Parses "N/10s", "M/day" or "N/10s,M/day". kInvalidArgument on anything else.
Result<RateLimits> ParseRateLimits(std::string_view text);

// Who is calling: the result of authenticating a bearer token.
struct Principal {
  int64_t account_id = 0;
  int64_t token_id = 0;
  std::vector<std::string> scopes;
  RateLimits limits;

  bool HasScope(std::string_view scope) const;
};

struct IssuedToken {
  std::string token;  // the secret: shown once, never stored
  store::TokenRecord record;
};

class TokenService {
 public:
  explicit TokenService(store::Store& store) : store_(store) {}

  // kNotFound when the account does not exist; kInvalidArgument for a malformed scope name.
  Result<IssuedToken> Issue(int64_t account_id, std::string_view name,
                            const std::vector<std::string>& scopes, RateLimits limits,
                            int64_t now_ms);

  // `authorization` is the raw Authorization header value. kUnauthenticated when it is missing,
  // not "Bearer <token>", unknown or revoked. The message never contains the token.
  Result<Principal> Authenticate(std::string_view authorization);

 private:
  store::Store& store_;
};

// The token's stored form.
std::string HashToken(std::string_view token);

}  // namespace flowd::auth
