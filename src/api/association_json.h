// JSON in and out of the associations v4 API (HubSpot's shapes, spec
// crm/associations.v4.openapi.json and the associations schema API). Internal to api/.
//
// Parsers append every problem to `problems` (with its JSON path in `in`) instead of stopping at
// the first; callers answer 400 listing them all.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crm/association_service.h"

namespace flowd::api::assoc_json {

// "inputs[3].from.id"-style paths.
std::string At(std::string_view base, size_t i, std::string_view field = "");

// A record id given as a decimal string or a JSON integer (PublicObjectId.id); nullopt with a
// problem at `in` otherwise.
std::optional<int64_t> RecordId(const boost::json::value* v, const std::string& in,
                                std::vector<ErrorDetail>& problems);
// {"id": …} at `in`.
std::optional<int64_t> ObjectIdField(const boost::json::value* v, const std::string& in,
                                     std::vector<ErrorDetail>& problems);

// AssociationSpec[] ({associationCategory, associationTypeId}) at `in`.
std::vector<crm::AssociationTypeRef> TypeRefs(const boost::json::value* v, const std::string& in,
                                              std::vector<ErrorDetail>& problems);

// The `inputs` array of a batch body (at most `max` entries), or nullptr with a problem.
const boost::json::array* Inputs(const boost::json::value& body, size_t max,
                                 std::vector<ErrorDetail>& problems);

// A string field of an object (required or not); problems for wrong types and absent required
// ones.
std::optional<std::string> StringField(const boost::json::object& o, std::string_view field,
                                       bool required, std::vector<ErrorDetail>& problems);

Error Invalid(std::vector<ErrorDetail> problems);

// ---- rendering

// AssociationSpecWithLabel: {category, typeId, label?} (label omitted when the type has none).
boost::json::object TypeWithLabel(const crm::AssociationTypeInfo& t);
// MultiAssociatedObjectWithLabel.
boost::json::object AssociatedObject(const crm::AssociatedObject& o);
// StandardError of a batch response.
boost::json::object BatchError(std::string_view category, std::string message,
                               std::string_view context_key, const std::string& context_value);
// The batch envelope: status, results, errors (when any), startedAt, completedAt.
boost::json::object BatchEnvelope(boost::json::array results, boost::json::array errors,
                                  int64_t started_ms, int64_t completed_ms);
// The StandardError for a write that changed nothing (records missing, type deleted).
boost::json::object WriteError(const crm::AssociationPair& pair, const crm::WriteResult& r);

}  // namespace flowd::api::assoc_json
