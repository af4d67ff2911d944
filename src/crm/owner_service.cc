#include "crm/owner_service.h"

#include <algorithm>
#include <charconv>

namespace flowd::crm {

std::optional<std::string> NormalizeEmail(std::string_view email) {
  if (email.empty() || email.size() > 254) return std::nullopt;
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view domain = email.substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return std::nullopt;
  std::string out;
  out.reserve(email.size());
  for (char c : email) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Result<store::OwnerRecord> OwnerService::Create(int64_t account_id, const OwnerInput& input) {
  std::vector<ErrorDetail> problems;
  std::optional<std::string> email = NormalizeEmail(input.email);
  if (!email) {
    problems.push_back({"'" + input.email.substr(0, 64) + "' is not a valid email address",
                        "email",
                        "INVALID_EMAIL",
                        {}});
  }
  if (input.first_name.size() > kOwnerNameMaxLength) {
    problems.push_back({"firstName is longer than 256 bytes", "firstName", "VALUE_TOO_LONG", {}});
  }
  if (input.last_name.size() > kOwnerNameMaxLength) {
    problems.push_back({"lastName is longer than 256 bytes", "lastName", "VALUE_TOO_LONG", {}});
  }
  if (!problems.empty()) {
    std::string msg = problems.size() == 1 ? problems[0].message
                                           : std::to_string(problems.size()) + " invalid fields";
    return Error::Invalid(msg, std::move(problems));
  }
  store::OwnerWrite w;
  w.email = *email;
  w.first_name = input.first_name;
  w.last_name = input.last_name;
  w.teams = input.teams;
  return store_.CreateOwner(account_id, w, clock_.NowMs());
}

Result<store::OwnerRecord> OwnerService::Get(int64_t account_id, std::string_view id_text,
                                             std::string_view id_property, bool archived) {
  if (id_property != "id" && id_property != "userId") {
    std::string msg =
        "idProperty must be 'id' or 'userId', got '" + std::string(id_property.substr(0, 64)) + "'";
    return Error::Invalid(msg, {{msg, "idProperty", "INVALID_ENUM_VALUE", {}}});
  }
  int64_t id = 0;
  auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || p != id_text.data() + id_text.size() || id <= 0) {
    std::string msg =
        "ownerId must be a positive integer, got '" + std::string(id_text.substr(0, 64)) + "'";
    return Error::Invalid(msg, {{msg, "ownerId", "INVALID_ID", {}}});
  }
  auto owner = id_property == "userId" ? store_.GetOwnerByUserId(account_id, id)
                                       : store_.GetOwner(account_id, id);
  if (!owner.ok()) return owner;
  if (owner->archived_at_ms.has_value() != archived) {
    return Error::NotFound(std::string(archived ? "Archived owner " : "Owner ") +
                           std::string(id_text) + " not found");
  }
  return owner;
}

Result<store::OwnerPage> OwnerService::List(int64_t account_id,
                                            const std::optional<std::string>& email,
                                            std::optional<int64_t> after_id, size_t limit,
                                            bool archived) {
  std::optional<std::string> lower;
  if (email) {
    lower = *email;
    std::transform(lower->begin(), lower->end(), lower->begin(), [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
  }
  return store_.ListOwners(account_id, lower, after_id, limit, archived);
}

Status OwnerService::Archive(int64_t account_id, int64_t owner_id) {
  return store_.ArchiveOwner(account_id, owner_id, clock_.NowMs());
}

}  // namespace flowd::crm
