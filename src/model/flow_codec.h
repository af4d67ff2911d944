// Decoding and validation of flow request bodies (ApiFlowCreateRequest / ApiFlowPutRequest).
//
// Every tagged union of the spec is decoded by its tag; every problem found is reported at once
// (one ErrorDetail each, `in` = JSON path such as "actions[3].fields.delta"). Pure functions:
// no storage, no HTTP, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::model {

enum class FlowRequestKind { kCreate, kPut };

// Explicit limits; exceeding one is a 400 with a clear message.
struct FlowLimits {
  size_t max_actions = 1000;
  size_t max_list_branches = 20;
  size_t max_static_branches = 250;
  size_t max_filter_depth = 10;      // nesting of filter branches
  size_t max_string_length = 65536;  // any string value (sourceCode included)
  size_t max_name_length = 256;      // flow name
  size_t max_array_items = 1000;     // any other array
};

struct DecodedFlow {
  // The flow as stored and returned, minus the server fields (id, revisionId, createdAt,
  // updatedAt): only fields of the spec's schemas (unknown and read-only fields dropped),
  // spec-required collections defaulted (timeWindows, blockedDates, customProperties, dataSources,
  // suppressionListIds, canEnrollFromSalesforce), `GO-TO` normalised to `GOTO`, legacy list
  // action `0-13` kept as sent, `nextAvailableActionId` recomputed (max numeric actionId + 1),
  // `crmObjectCreationStatus` = "COMPLETE".
  // For kPut the read-only fields `objectTypeId`, `flowType`, `dataSources` are NOT present;
  // the caller copies them from the stored flow.
  boost::json::object content;

  std::string type;            // CONTACT_FLOW | PLATFORM_FLOW
  std::string object_type_id;  // kCreate: from the body; kPut: the existing one passed in
  bool is_enabled = false;
  std::optional<std::string> name;
  std::optional<std::string> uuid;
  std::optional<std::string> revision_id;  // kPut only (required there)
  // content_id of every send-email action (actionTypeId 0-4), in action order, de-duplicated.
  std::vector<std::string> email_content_ids;
  // Every CRM property name the flow references (triggers, filters, branches, action fields,
  // input values); used later for the sensitive-data scope rules.
  std::set<std::string> referenced_properties;
};

// `existing_object_type_id` must be set for kPut (the stored flow's objectTypeId, used for the
// type ⇄ objectTypeId check); it is ignored for kCreate.
// Errors: kInvalidArgument with one ErrorDetail per problem. Enabled flows (isEnabled: true) must
// be complete: every required field of every built-in action type of the catalogue present.
// Disabled flows may be saved incomplete (drafts), but structural problems (wrong JSON types,
// unknown tags, bad enum values, broken graph, limits) are refused for drafts too.
Result<DecodedFlow> DecodeFlowRequest(const boost::json::value& body, FlowRequestKind kind,
                                      const std::optional<std::string>& existing_object_type_id,
                                      const FlowLimits& limits = {});

}  // namespace flowd::model
