// Form definitions (HubSpot's forms v3 "hubspot" form type): validation of request bodies against
// the spec's schemas, the canonical stored form, and the fields a submission is checked against.
//
// Canonical form: only the spec's fields (unknown and read-only ones — id, createdAt, updatedAt,
// archived, archivedAt — dropped), JSON null read as absent, and every field the spec requires in
// a response filled with HubSpot's default when the request left it out (configuration,
// displayOptions and its style, legalConsentOptions, each field's label/required/hidden/
// dependentFields/validation/options…), so that a form read back always satisfies the spec.
//
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::crm {

enum class FormBodyKind {
  kCreate,   // POST: name required
  kReplace,  // PUT: the whole definition, name required
  kPatch,    // PATCH: only the fields given; no defaults
};

// The canonical definition of `body`: {name?, formType?, fieldGroups?, configuration?,
// displayOptions?, legalConsentOptions?, archived? (PATCH only)}. kInvalidArgument listing every
// problem with its JSON path in `in`. Checks the shape and the rules of the spec plus: a
// non-empty name of at most 1,024 bytes, field names unique within the form, objectTypeId a
// known type id ("0-1", "2-7"…), a redirect_url post-submit action an http(s) URL, dropdown-like
// fields' option values unique.
Result<boost::json::object> CanonicalFormBody(const boost::json::value& body, FormBodyKind kind);

// Fills HubSpot's defaults into a canonical (create/replace, or patched) definition.
void ApplyFormDefaults(boost::json::object& definition);

// One field a submission may carry (dependent fields included, flattened).
struct FormFieldSpec {
  std::string path;  // JSON path in the definition: "fieldGroups[0].fields[2]"
  std::string object_type_id;
  std::string name;
  std::string field_type;  // email | phone | … (the spec's fieldType)
  bool required = false;
  bool hidden = false;
  // Allowed values of dropdown, radio, multiple_checkboxes and payment_link_radio fields.
  std::vector<std::string> options;
  // email fields: domains whose addresses are refused (lower-case).
  std::vector<std::string> blocked_domains;
  // Required only when its parent field's condition holds: flowd does not evaluate conditions,
  // so a dependent field is never required.
  bool dependent = false;
};

// The fields of a canonical definition's fieldGroups, in order.
std::vector<FormFieldSpec> FormFields(const boost::json::object& definition);

}  // namespace flowd::crm
