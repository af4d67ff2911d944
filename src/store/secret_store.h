// Stored secrets: named values an account's custom-code actions read as environment variables
// (HubSpot's `secretNames` on a CUSTOM_CODE action). Set by the operator (`flowd secret set`);
// listing shows names and times only. Values are kept as given (not encrypted at rest: protect the
// database as you protect the secrets) and must never be logged. Thread safety and errors as in
// store.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::store {

// HubSpot's rules for secret names: ASCII letters, digits and '_', starting with a letter.
inline constexpr size_t kMaxSecretNameLength = 64;
inline constexpr size_t kMaxSecretValueBytes = 4096;

// kInvalidArgument naming the rule broken (the message quotes the name, never a value).
Status ValidateSecretName(std::string_view name);
// Non-empty, at most kMaxSecretValueBytes, no NUL byte (it becomes an environment variable).
Status ValidateSecretValue(std::string_view value);

struct SecretInfo {
  std::string name;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // Creates or replaces the secret (created_at is kept on replace, updated_at = now). Returns its
  // name and times. kInvalidArgument for a bad name or value, kNotFound for an unknown account.
  virtual Result<SecretInfo> SetSecret(int64_t account_id, std::string_view name,
                                       std::string_view value, int64_t now_ms) = 0;
  // The values of those of `names` that the account has (name → value); names it does not have
  // are absent from the map, and so are names that break the naming rules.
  virtual Result<std::map<std::string, std::string>> GetSecrets(
      int64_t account_id, const std::vector<std::string>& names) = 0;
  // The account's secrets in name order, without values.
  virtual Result<std::vector<SecretInfo>> ListSecrets(int64_t account_id) = 0;
  // kNotFound when the account has no secret of that name.
  virtual Status DeleteSecret(int64_t account_id, std::string_view name) = 0;
};

}  // namespace flowd::store
