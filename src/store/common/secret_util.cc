#include "store/common/secret_util.h"

#include <algorithm>
#include <string>

#include "store/secret_store.h"

namespace flowd::store {

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status ValidateSecretName(std::string_view name) {
  if (name.empty()) return Error::Invalid("a secret name must not be empty");
  if (name.size() > kMaxSecretNameLength) {
    return Error::Invalid("secret name '" + std::string(name.substr(0, kMaxSecretNameLength)) +
                          "…' is longer than " + std::to_string(kMaxSecretNameLength) +
                          " characters");
  }
  if (!IsAsciiLetter(name.front())) {
    return Error::Invalid("secret name '" + std::string(name) + "' must start with a letter");
  }
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '_') {
      return Error::Invalid("secret name '" + std::string(name) +
                            "' may contain only letters, digits and underscores");
    }
  }
  return Status::Ok();
}

Status ValidateSecretValue(std::string_view value) {
  // The messages never quote the value.
  if (value.empty()) return Error::Invalid("a secret value must not be empty");
  if (value.size() > kMaxSecretValueBytes) {
    return Error::Invalid("a secret value may be at most " + std::to_string(kMaxSecretValueBytes) +
                          " bytes (got " + std::to_string(value.size()) + ")");
  }
  if (value.find('\0') != std::string_view::npos) {
    return Error::Invalid("a secret value must not contain a NUL byte");
  }
  return Status::Ok();
}

namespace internal {

Error SecretNotFound(std::string_view name) {
  return Error::NotFound("Secret " + std::string(name) + " not found");
}

std::vector<std::string> ValidSecretNames(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (!ValidateSecretName(n).ok()) continue;
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

}  // namespace internal
}  // namespace flowd::store
