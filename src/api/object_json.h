// JSON in and out of the CRM objects API (/crm/v3/objects/…): request bodies and query
// parameters into the crm:: inputs, every problem listed with its path; records and batch results
// into HubSpot's shapes. Internal to api/.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "common/status.h"
#include "crm/association_service.h"
#include "crm/object_search.h"
#include "crm/object_service.h"

namespace flowd::api {

// `properties` of a body object into `out` (strings, numbers, booleans; null clears); problems
// are appended with `in` + "properties.<name>".
void ParseProperties(const boost::json::object& o, std::string_view in,
                     std::map<std::string, std::string>& out, std::vector<ErrorDetail>& problems,
                     bool required);
// Comma-separated values of a repeatable query parameter, flattened.
std::vector<std::string> SplitCsv(const std::vector<std::string>& params);
// `true`/`false` (absent or empty: false); 400 otherwise.
Result<bool> BoolParam(const HttpRequest& r, std::string_view name);
// `properties`, `propertiesWithHistory` and `archived` of a GET.
Result<crm::ReadOptions> ReadOptionsFromQuery(const HttpRequest& r);

// `inputs` of a batch body: an array of at most ObjectService::kMaxBatch elements.
Result<const boost::json::array*> BatchInputs(const boost::json::value& body);
// "inputs[i]." — the path prefix of a batch input's problems.
std::string InputPath(size_t i);
// An array of strings at `key` (absent or null: empty); a problem at `in` otherwise.
std::vector<std::string> StringArray(const boost::json::object& o, std::string_view key,
                                     std::string in, std::vector<ErrorDetail>& problems);
// A string (or an integer, as text) at `key`.
std::optional<std::string> StringField(const boost::json::object& o, std::string_view key);
// HubSpot's `associations` of a create body: [{to: {id}, types: [{associationCategory,
// associationTypeId}]}]; absent, null and [] mean none.
std::vector<crm::NewRecordAssociation> ParseNewAssociations(const boost::json::object& o,
                                                            const std::string& in,
                                                            std::vector<ErrorDetail>& problems);
// The inputs of batch update and upsert: {id, idProperty?, properties}.
Result<std::vector<crm::ObjectUpdateInput>> UpdateInputs(const boost::json::array& inputs);
// A search body (filterGroups, sorts, query, properties, limit, after); the search itself checks
// properties, operators and limits.
Result<crm::SearchRequest> ParseSearchRequest(const boost::json::object& o);

// A record as HubSpot's SimplePublicObject (propertiesWithHistory when there is history).
// `sp`: where the JSON lives (a page of records renders into one monotonic_resource: most of a
// render's cost was allocations).
boost::json::object RenderObject(const crm::ObjectView& v, boost::json::storage_ptr sp = {});
// HubSpot's batch envelope: `ok_status`, or 207 with StandardErrors when items failed; `upsert`
// adds each result's `new`.
HttpResponse BatchResponse(const crm::BatchResult& r, int64_t started_ms, int ok_status,
                           bool upsert = false);

}  // namespace flowd::api
