#include "auth/auth.h"

#include <algorithm>
#include <charconv>

#include "common/crypto.h"

namespace flowd::auth {

const std::vector<std::string>& KnownScopes() {
  static const std::vector<std::string> kScopes = {
      "automation",
      "crm.objects.contacts.read",
      "crm.objects.contacts.write",
      "crm.objects.companies.read",
      "crm.objects.companies.write",
      "crm.objects.deals.read",
      "crm.objects.deals.write",
      "crm.objects.custom.read",
      "crm.objects.custom.write",
      "crm.objects.contacts.sensitive.read",
      "crm.objects.contacts.sensitive.write",
      "crm.objects.companies.sensitive.read",
      "crm.objects.companies.sensitive.write",
      "crm.objects.deals.sensitive.read",
      "crm.objects.deals.sensitive.write",
      "crm.objects.custom.sensitive.read",
      "crm.objects.custom.sensitive.write",
      "crm.objects.tickets.sensitive.read",
      "crm.objects.tickets.sensitive.write",
      "crm.objects.contacts.highly_sensitive.read",
      "crm.objects.contacts.highly_sensitive.write",
      "crm.objects.companies.highly_sensitive.read",
      "crm.objects.companies.highly_sensitive.write",
      "crm.objects.deals.highly_sensitive.read",
      "crm.objects.deals.highly_sensitive.write",
      "crm.objects.custom.highly_sensitive.read",
      "crm.objects.custom.highly_sensitive.write",
      "crm.objects.tickets.highly_sensitive.read",
      "crm.objects.tickets.highly_sensitive.write",
      "crm.objects.tasks.read",
      "crm.objects.tasks.write",
      "crm.objects.notes.read",
      "crm.objects.notes.write",
      "tickets",
      "crm.objects.owners.read",
      "crm.schemas.contacts.read",
      "crm.schemas.contacts.write",
      "crm.schemas.companies.read",
      "crm.schemas.companies.write",
      "crm.schemas.deals.read",
      "crm.schemas.deals.write",
      "crm.schemas.tickets.read",
      "crm.schemas.tickets.write",
      "crm.schemas.custom.read",
      "crm.schemas.custom.write",
      "crm.lists.read",
      "crm.lists.write",
      "forms",
      "content",
      "marketing-email",
      "analytics.behavioral_events.send",
      "flowd.admin",
  };
  return kScopes;
}

bool IsValidScopeName(std::string_view scope) {
  if (scope.empty() || scope.size() > 128) return false;
  return std::all_of(scope.begin(), scope.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  });
}

namespace {

std::optional<int64_t> ParsePositive(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace

Result<RateLimits> ParseRateLimits(std::string_view text) {
  RateLimits limits;
  auto bad = [&] {
    return Error::Invalid("invalid --rate-limit '" + std::string(text) +
                          "': expected N/10s, M/day or N/10s,M/day with positive integers");
  };
  if (text.empty()) return bad();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t slash = part.find('/');
    if (slash == std::string_view::npos) return bad();
    auto n = ParsePositive(part.substr(0, slash));
    std::string_view unit = part.substr(slash + 1);
    if (!n) return bad();
    if (unit == "10s" && limits.ten_secondly == 0) {
      limits.ten_secondly = *n;
    } else if (unit == "day" && limits.daily == 0) {
      limits.daily = *n;
    } else {
      return bad();
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return limits;
}

bool Principal::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string HashToken(std::string_view token) { return Sha256Hex(token); }

Result<IssuedToken> TokenService::Issue(int64_t account_id, std::string_view name,
                                        const std::vector<std::string>& scopes, RateLimits limits,
                                        int64_t now_ms) {
  FLOWD_TRY(store_.accounts().GetAccount(account_id));
  std::vector<std::string> clean;
  for (const auto& s : scopes) {
    if (!IsValidScopeName(s)) return Error::Invalid("invalid scope name '" + s + "'");
    if (std::find(clean.begin(), clean.end(), s) == clean.end()) clean.push_back(s);
  }
  if (clean.empty()) return Error::Invalid("a token needs at least one scope");
  // 32 random bytes: 256 bits of entropy. The prefix mimics HubSpot's private-app tokens.
  std::string token = "pat-fd1-" + Base64Url(RandomBytes(32));
  store::TokenRecord rec;
  rec.account_id = account_id;
  rec.name = std::string(name);
  rec.token_hash = HashToken(token);
  rec.scopes = std::move(clean);
  rec.rate_limit_ten_secondly = limits.ten_secondly;
  rec.rate_limit_daily = limits.daily;
  rec.created_at_ms = now_ms;
  FLOWD_ASSIGN_OR_RETURN(store::TokenRecord stored, store_.tokens().CreateToken(rec));
  return IssuedToken{std::move(token), std::move(stored)};
}

Result<Principal> TokenService::Authenticate(std::string_view authorization) {
  auto unauthenticated = [](std::string msg) {
    return Error{ErrorCode::kUnauthenticated, std::move(msg), {}, {}, std::nullopt};
  };
  if (authorization.empty()) {
    return unauthenticated(
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
        "you can find more details at "
        "https://developers.hubspot.com/docs/methods/auth/oauth-overview");
  }
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return unauthenticated(
        "Authentication credentials not found: expected 'Authorization: Bearer <token>'");
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  auto rec = store_.tokens().FindTokenByHash(HashToken(token));
  if (!rec.ok()) {
    if (rec.error().code == ErrorCode::kNotFound) {
      return unauthenticated("The access token is not valid: it is unknown or has expired");
    }
    return std::move(rec).error();
  }
  if (rec->revoked_at_ms) return unauthenticated("The access token has been revoked");
  Principal p;
  p.account_id = rec->account_id;
  p.token_id = rec->id;
  p.scopes = std::move(rec->scopes);
  p.limits = RateLimits{rec->rate_limit_ten_secondly, rec->rate_limit_daily};
  return p;
}

}  // namespace flowd::auth
