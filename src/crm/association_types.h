// HubSpot's defined association types between the standard object types (HUBSPOT_DEFINED), the
// rules that decide which types a pair of object types has, and which types carry the
// "primary" rule (the from or to record may hold them towards one record only).
//
// Every association type is directed (contact→company 279, company→contact 280) and has an
// inverse; flowd stores both directions. Each pair of object types that can be associated has one
// default type: the unlabeled one that every association carries (HubSpot lists it with label
// null next to any labels). Pairs of standard types take theirs from HubSpot's catalogue below;
// pairs involving a custom object (2-N) take theirs from the custom object schema's association
// definitions (category USER_DEFINED; see AssociationService).
//
// Sources for the ids (HubSpot's own): the AssociationTypes enum shipped in the official
// @hubspot/api-client (lib/src/enums/AssociationTypes.js, 13.x) and the "association type id
// values" tables of the associations v4 guide (developers.hubspot.com/docs/api/crm/associations).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/object_types.h"
#include "store/association_store.h"

namespace flowd::crm {

inline constexpr std::string_view kHubSpotDefined = "HUBSPOT_DEFINED";
inline constexpr std::string_view kUserDefined = "USER_DEFINED";
inline constexpr std::string_view kIntegratorDefined = "INTEGRATOR_DEFINED";
// The categories the spec's AssociationSpec enum lists; flowd defines types in the first two
// only, so the others never name an existing type.
bool IsAssociationCategory(std::string_view category);

struct AssociationTypeInfo {
  std::string category;
  int64_t type_id = 0;
  std::string from_type;  // object type ids
  std::string to_type;
  int64_t inverse_type_id = 0;
  std::optional<std::string> label;  // "Primary"; nullopt for unlabeled types
  // HubSpot's internal name of a defined type ("contact_to_company_unlabeled", the v3 API's
  // association type name); a label's name, or a schema association definition's name
  // ("car_to_contact"), for USER_DEFINED types.
  std::string name;
  bool is_default = false;  // the pair's unlabeled default type
  store::AssociationTypeWrite::Single single = store::AssociationTypeWrite::Single::kNone;

  store::AssociationTypeWrite Write() const {
    return store::AssociationTypeWrite{category, type_id, inverse_type_id, single};
  }
};

// Every HUBSPOT_DEFINED type between standard object types.
const std::vector<AssociationTypeInfo>& HubSpotDefinedTypes();

// The HUBSPOT_DEFINED types from `from_type` to `to_type` (object type ids), default first.
std::vector<AssociationTypeInfo> HubSpotDefinedTypesBetween(std::string_view from_type,
                                                            std::string_view to_type);

// A HUBSPOT_DEFINED type by id (ids are unique across pairs), or nullptr.
const AssociationTypeInfo* FindHubSpotDefinedType(int64_t type_id);

// True when one of the two is a custom object: the pair's types come from its schema.
bool InvolvesCustomObject(const ObjectTypeInfo& from, const ObjectTypeInfo& to);

// False when records of the two standard types cannot be associated (tasks and notes with each
// other: HubSpot defines no types for them); true for pairs involving a custom object, whose
// schema decides (AssociationService).
bool CanAssociate(const ObjectTypeInfo& from, const ObjectTypeInfo& to);

// Association labels exist between contacts, companies, deals, tickets and custom objects
// (HubSpot's rule); not for tasks and notes.
bool SupportsLabels(const ObjectTypeInfo& type);

}  // namespace flowd::crm
