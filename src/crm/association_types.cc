#include "crm/association_types.h"

#include <algorithm>
#include <unordered_map>

namespace flowd::crm {
namespace {

using Single = store::AssociationTypeWrite::Single;

constexpr const char* kContact = "0-1";
constexpr const char* kCompany = "0-2";
constexpr const char* kDeal = "0-3";
constexpr const char* kTicket = "0-5";
constexpr const char* kTask = "0-27";
constexpr const char* kNote = "0-46";

struct Pair {
  const char* from;
  const char* to;
  int64_t id;          // from → to
  int64_t inverse_id;  // to → from
  const char* name;    // of from → to
  const char* inverse_name;
  const char* label = nullptr;  // of from → to; nullptr = unlabeled
  const char* inverse_label = nullptr;
  // The "primary" rule seen from `from`: kFrom = the from record holds this type towards one
  // record only (a contact has one primary company).
  Single single = Single::kNone;
  bool is_default = false;
};

// One entry per pair of directions. Default (unlabeled) types first within a pair. Labels read
// from the from record's side: contact→company "Primary" means the company is the contact's
// primary company; company→company 14 (child→parent) means the to record is the parent.
const Pair kPairs[] = {
    {kContact, kCompany, 279, 280, "contact_to_company_unlabeled", "company_to_contact_unlabeled",
     nullptr, nullptr, Single::kNone, true},
    {kContact, kCompany, 1, 2, "contact_to_company", "company_to_contact", "Primary", "Primary",
     Single::kFrom},
    {kContact, kDeal, 4, 3, "contact_to_deal", "deal_to_contact", nullptr, nullptr, Single::kNone,
     true},
    {kContact, kTicket, 15, 16, "contact_to_ticket", "ticket_to_contact", nullptr, nullptr,
     Single::kNone, true},
    {kContact, kTask, 203, 204, "contact_to_task", "task_to_contact", nullptr, nullptr,
     Single::kNone, true},
    {kContact, kNote, 201, 202, "contact_to_note", "note_to_contact", nullptr, nullptr,
     Single::kNone, true},
    {kContact, kContact, 449, 449, "contact_to_contact", "contact_to_contact", nullptr, nullptr,
     Single::kNone, true},
    {kDeal, kCompany, 341, 342, "deal_to_company_unlabeled", "company_to_deal_unlabeled", nullptr,
     nullptr, Single::kNone, true},
    {kDeal, kCompany, 5, 6, "deal_to_company", "company_to_deal", "Primary", "Primary",
     Single::kFrom},
    {kTicket, kCompany, 339, 340, "ticket_to_company_unlabeled", "company_to_ticket_unlabeled",
     nullptr, nullptr, Single::kNone, true},
    {kTicket, kCompany, 26, 25, "ticket_to_company", "company_to_ticket", "Primary", "Primary",
     Single::kFrom},
    {kCompany, kTask, 191, 192, "company_to_task", "task_to_company", nullptr, nullptr,
     Single::kNone, true},
    {kCompany, kNote, 189, 190, "company_to_note", "note_to_company", nullptr, nullptr,
     Single::kNone, true},
    {kCompany, kCompany, 450, 450, "company_to_company", "company_to_company", nullptr, nullptr,
     Single::kNone, true},
    // A company has at most one parent: child→parent (14) is single on the child's side.
    {kCompany, kCompany, 14, 13, "child_to_parent_company", "parent_to_child_company",
     "Parent Company", "Child Company", Single::kFrom},
    {kDeal, kTicket, 27, 28, "deal_to_ticket", "ticket_to_deal", nullptr, nullptr, Single::kNone,
     true},
    {kDeal, kTask, 215, 216, "deal_to_task", "task_to_deal", nullptr, nullptr, Single::kNone, true},
    {kDeal, kNote, 213, 214, "deal_to_note", "note_to_deal", nullptr, nullptr, Single::kNone, true},
    {kDeal, kDeal, 451, 451, "deal_to_deal", "deal_to_deal", nullptr, nullptr, Single::kNone, true},
    {kTicket, kTask, 229, 230, "ticket_to_task", "task_to_ticket", nullptr, nullptr, Single::kNone,
     true},
    {kTicket, kNote, 227, 228, "ticket_to_note", "note_to_ticket", nullptr, nullptr, Single::kNone,
     true},
    {kTicket, kTicket, 452, 452, "ticket_to_ticket", "ticket_to_ticket", nullptr, nullptr,
     Single::kNone, true},
};

Single Flip(Single s) {
  if (s == Single::kFrom) return Single::kTo;
  if (s == Single::kTo) return Single::kFrom;
  return Single::kNone;
}

AssociationTypeInfo Make(const char* from, const char* to, int64_t id, int64_t inverse_id,
                         const char* name, const char* label, Single single, bool is_default) {
  AssociationTypeInfo t;
  t.category = std::string(kHubSpotDefined);
  t.type_id = id;
  t.from_type = from;
  t.to_type = to;
  t.inverse_type_id = inverse_id;
  if (label != nullptr) t.label = std::string(label);
  t.name = name;
  t.is_default = is_default;
  t.single = single;
  return t;
}

std::vector<AssociationTypeInfo> Build() {
  std::vector<AssociationTypeInfo> out;
  for (const Pair& p : kPairs) {
    out.push_back(Make(p.from, p.to, p.id, p.inverse_id, p.name, p.label, p.single, p.is_default));
    if (p.inverse_id == p.id) continue;  // symmetric: one type serves both directions
    out.push_back(Make(p.to, p.from, p.inverse_id, p.id, p.inverse_name, p.inverse_label,
                       Flip(p.single), p.is_default));
  }
  return out;
}

bool IsStandardId(std::string_view id) {
  return id == kContact || id == kCompany || id == kDeal || id == kTicket || id == kTask ||
         id == kNote;
}

}  // namespace

bool IsAssociationCategory(std::string_view category) {
  return category == kHubSpotDefined || category == kUserDefined ||
         category == kIntegratorDefined || category == "WORK";
}

const std::vector<AssociationTypeInfo>& HubSpotDefinedTypes() {
  static const std::vector<AssociationTypeInfo> kTypes = Build();
  return kTypes;
}

std::vector<AssociationTypeInfo> HubSpotDefinedTypesBetween(std::string_view from_type,
                                                            std::string_view to_type) {
  std::vector<AssociationTypeInfo> out;
  for (const auto& t : HubSpotDefinedTypes()) {
    if (t.from_type == from_type && t.to_type == to_type) out.push_back(t);
  }
  std::stable_partition(out.begin(), out.end(),
                        [](const AssociationTypeInfo& t) { return t.is_default; });
  return out;
}

const AssociationTypeInfo* FindHubSpotDefinedType(int64_t type_id) {
  static const std::unordered_map<int64_t, const AssociationTypeInfo*> kById = [] {
    std::unordered_map<int64_t, const AssociationTypeInfo*> m;
    for (const auto& t : HubSpotDefinedTypes()) m.emplace(t.type_id, &t);
    return m;
  }();
  auto it = kById.find(type_id);
  return it == kById.end() ? nullptr : it->second;
}

bool InvolvesCustomObject(const ObjectTypeInfo& from, const ObjectTypeInfo& to) {
  return from.custom || to.custom;
}

bool CanAssociate(const ObjectTypeInfo& from, const ObjectTypeInfo& to) {
  if (InvolvesCustomObject(from, to)) return true;
  if (!IsStandardId(from.id) || !IsStandardId(to.id)) return false;
  return !HubSpotDefinedTypesBetween(from.id, to.id).empty();
}

bool SupportsLabels(const ObjectTypeInfo& type) {
  return type.custom || type.id == kContact || type.id == kCompany || type.id == kDeal ||
         type.id == kTicket;
}

}  // namespace flowd::crm
