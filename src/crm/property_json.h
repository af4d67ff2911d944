// Property definitions and groups as HubSpot's JSON (Property, PropertyCreate, PropertyUpdate,
// PropertyGroup…), and the rules a definition must follow. Pure functions: the checks that need
// storage (group exists, name free, scopes) are PropertyService's.
//
// Rules (HubSpot's, with flowd's decisions marked *):
//   name        required; [a-z][a-z0-9_]*, at most 100 characters; not starting with "hs_"
//   label       required, non-empty, at most 255 characters; description at most 2,000
//   type        bool | date | datetime | enumeration | number | phone_number | string
//   fieldType   must suit the type:
//                 string       text, textarea, html, file, phonenumber
//                 number       number
//                 enumeration  select, radio, checkbox, booleancheckbox
//                 bool         booleancheckbox
//                 date, datetime  date
//                 phone_number phonenumber
//               * calculation_equation (and calculationFormula) is refused: flowd does not
//                 evaluate calculated properties.
//   options     enumeration: at least one (unless externalOptions/referencedObjectType OWNER),
//               values non-empty, unique, without ';' (the multi-value separator), at most
//               1,000 options; bool: exactly the values "true" and "false" (default Yes/No when
//               absent); other types: none.
//   hasUniqueValue  only for string properties with fieldType text, and number properties.
//   referencedObjectType  * only "OWNER" (enumeration; implies externalOptions).
//   dataSensitivity non_sensitive | sensitive | highly_sensitive.
// Unknown fields are ignored (HubSpot's own examples send fields the spec does not list).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/property_store.h"

namespace flowd::crm {

inline constexpr size_t kMaxPropertyNameLength = 100;
inline constexpr size_t kMaxPropertyLabelLength = 255;
inline constexpr size_t kMaxPropertyDescriptionLength = 2000;
inline constexpr size_t kMaxPropertyOptions = 1000;
inline constexpr size_t kMaxOptionLength = 1000;

// True for [a-z][a-z0-9_]* of at most kMaxPropertyNameLength characters (also group names).
bool IsValidPropertyName(std::string_view name);

// Parses a PropertyCreate (or a schema's ObjectTypePropertyCreate when `default_group` is set:
// groupName may then be absent). Every problem is appended (`in` prefixed with `path`); the
// record is returned only when there were none. object_type_id is left empty.
std::optional<store::PropertyRecord> ParsePropertyCreate(const boost::json::value& body,
                                                         const std::string& path,
                                                         const std::string* default_group,
                                                         std::vector<ErrorDetail>& problems);

// Applies a PropertyUpdate to `current` (a stored, non-built-in definition). name,
// dataSensitivity and hasUniqueValue cannot change (a different value is a problem).
std::optional<store::PropertyRecord> ApplyPropertyUpdate(const store::PropertyRecord& current,
                                                         const boost::json::value& body,
                                                         std::vector<ErrorDetail>& problems);

// Parses a PropertyGroupCreate; object_type_id is left empty.
std::optional<store::PropertyGroupRecord> ParseGroupCreate(const boost::json::value& body,
                                                           std::vector<ErrorDetail>& problems);
// Applies a PropertyGroupUpdate (label, displayOrder).
std::optional<store::PropertyGroupRecord> ApplyGroupUpdate(
    const store::PropertyGroupRecord& current, const boost::json::value& body,
    std::vector<ErrorDetail>& problems);

// HubSpot's Property (createdAt/updatedAt only when known, archivedAt only when archived).
boost::json::object RenderProperty(const store::PropertyRecord& p);
// HubSpot's PropertyGroup.
boost::json::object RenderGroup(const store::PropertyGroupRecord& g);

}  // namespace flowd::crm
