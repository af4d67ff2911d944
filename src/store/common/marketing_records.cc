#include "store/common/marketing_records.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

namespace flowd::store::internal {

std::optional<int64_t> OwnerIdForUserId(int64_t user_id) {
  // Owner ids are int32, so valid user ids are below that minus the offset; anything else (and
  // anything that would overflow) matches no owner.
  if (user_id <= 0 || user_id > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return user_id + kOwnerUserIdOffset;
}

Error OwnerNotFound(int64_t owner_id) {
  return Error::NotFound("Owner " + std::to_string(owner_id) + " not found");
}

Error OwnerNotFoundByUserId(int64_t user_id) {
  return Error::NotFound("Owner with userId " + std::to_string(user_id) + " not found");
}

Error OwnerEmailTaken(const std::string& email) {
  return Error::Conflict("An owner with email " + email + " already exists");
}

Error FormNotFound(const std::string& form_id) {
  return Error::NotFound("Form " + form_id + " not found");
}

Error FormIdTaken(const std::string& form_id) {
  return Error::Conflict("Form id " + form_id + " is already taken");
}

Error MarketingEmailNotFound(int64_t email_id) {
  return Error::NotFound("Marketing email " + std::to_string(email_id) + " not found");
}

std::string TeamsToJson(const std::vector<OwnerTeam>& teams) {
  boost::json::array out;
  for (const OwnerTeam& t : teams) {
    out.push_back(boost::json::object{{"id", t.id}, {"name", t.name}, {"primary", t.primary}});
  }
  return boost::json::serialize(out);
}

std::vector<OwnerTeam> TeamsFromJson(std::string_view text) {
  std::vector<OwnerTeam> teams;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return teams;
  for (const auto& item : v.get_array()) {
    const auto* o = item.if_object();
    if (!o) continue;
    OwnerTeam t;
    if (const auto* id = o->if_contains("id"); id && id->is_string()) t.id = id->get_string();
    if (const auto* n = o->if_contains("name"); n && n->is_string()) t.name = n->get_string();
    if (const auto* p = o->if_contains("primary"); p && p->is_bool()) t.primary = p->get_bool();
    teams.push_back(std::move(t));
  }
  return teams;
}

}  // namespace flowd::store::internal
