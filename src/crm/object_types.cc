#include "crm/object_types.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "common/text.h"

namespace flowd::crm {
namespace {

// Scope family `f` ("contacts") gives crm.objects.f.read etc., with HubSpot's `.v2` spellings of
// the sensitive scopes accepted as well.
void SetObjectScopes(ObjectTypeInfo& t, const std::string& f) {
  const std::string base = "crm.objects." + f;
  t.read_scopes = {base + ".read"};
  t.write_scopes = {base + ".write"};
  t.sensitive_read_scopes = {base + ".sensitive.read", base + ".sensitive.read.v2"};
  t.sensitive_write_scopes = {base + ".sensitive.write", base + ".sensitive.write.v2"};
  t.highly_sensitive_read_scopes = {base + ".highly_sensitive.read",
                                    base + ".highly_sensitive.read.v2"};
  t.highly_sensitive_write_scopes = {base + ".highly_sensitive.write",
                                     base + ".highly_sensitive.write.v2"};
}

ObjectTypeInfo Standard(std::string id, std::string name, std::string singular, std::string display,
                        const std::string& scope_family) {
  ObjectTypeInfo t;
  t.id = std::move(id);
  t.name = std::move(name);
  t.singular = std::move(singular);
  t.primary_display_property = std::move(display);
  SetObjectScopes(t, scope_family);
  return t;
}

std::vector<ObjectTypeInfo> BuildStandardTypes() {
  std::vector<ObjectTypeInfo> types;
  types.push_back(Standard("0-1", "contacts", "contact", "email", "contacts"));
  types.push_back(Standard("0-2", "companies", "company", "name", "companies"));
  types.push_back(Standard("0-3", "deals", "deal", "dealname", "deals"));
  // Tickets: HubSpot's `tickets` scope covers reads and writes; the object-style scopes are
  // accepted too.
  ObjectTypeInfo tickets = Standard("0-5", "tickets", "ticket", "subject", "tickets");
  tickets.read_scopes = {"tickets", "crm.objects.tickets.read"};
  tickets.write_scopes = {"tickets", "crm.objects.tickets.write"};
  tickets.sensitive_read_scopes = {"crm.objects.tickets.sensitive.read", "tickets.sensitive.v2"};
  tickets.sensitive_write_scopes = {"crm.objects.tickets.sensitive.write", "tickets.sensitive.v2"};
  tickets.highly_sensitive_read_scopes = {"crm.objects.tickets.highly_sensitive.read",
                                          "tickets.highly_sensitive.v2"};
  tickets.highly_sensitive_write_scopes = {"crm.objects.tickets.highly_sensitive.write",
                                           "tickets.highly_sensitive.v2"};
  types.push_back(std::move(tickets));
  // Tasks and notes are engagements: HubSpot's specs guard them with the contacts scopes.
  for (auto [id, name, singular, display, family] :
       {std::tuple{"0-27", "tasks", "task", "hs_task_subject", "tasks"},
        std::tuple{"0-46", "notes", "note", "hs_note_body", "notes"}}) {
    ObjectTypeInfo t = Standard(id, name, singular, display, "contacts");
    t.read_scopes.push_back("crm.objects." + std::string(family) + ".read");
    t.write_scopes.push_back("crm.objects." + std::string(family) + ".write");
    types.push_back(std::move(t));
  }
  return types;
}

}  // namespace

const std::vector<ObjectTypeInfo>& StandardObjectTypes() {
  static const std::vector<ObjectTypeInfo> kTypes = BuildStandardTypes();
  return kTypes;
}

std::optional<ObjectTypeInfo> FindStandardObjectType(std::string_view name_or_id) {
  const std::string key = AsciiLower(name_or_id);
  for (const auto& t : StandardObjectTypes()) {
    if (key == t.id || key == t.name || key == t.singular) return t;
  }
  return std::nullopt;
}

ObjectTypeInfo MakeCustomObjectType(std::string id, std::string name, std::string singular,
                                    std::string primary_display_property, int64_t account_id) {
  ObjectTypeInfo t;
  t.id = std::move(id);
  t.fully_qualified_name = "p" + std::to_string(account_id) + "_" + name;
  t.name = std::move(name);
  t.singular = std::move(singular);
  t.primary_display_property = std::move(primary_display_property);
  t.custom = true;
  SetObjectScopes(t, "custom");
  return t;
}

bool IsCustomObjectTypeId(std::string_view id) {
  return id.size() > 2 && id.substr(0, 2) == "2-" &&
         std::all_of(id.begin() + 2, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error ObjectTypeNotFound(std::string_view name_or_id) {
  std::string shown(name_or_id.substr(0, 100));
  return Error::Invalid(
      "Unable to infer object type from: " + shown,
      {ErrorDetail{"Unknown object type: " + shown, "objectType", "INVALID_OBJECT_TYPE", {}}});
}

}  // namespace flowd::crm
