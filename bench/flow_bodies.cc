#include "flow_bodies.h"

#include <string>

namespace flowd::bench {
namespace {

// The enrollment criteria of §8.1, shared by every body below.
constexpr std::string_view kEnrollment = R"("enrollmentCriteria": {
    "type": "EVENT_BASED",
    "shouldReEnroll": false,
    "eventFilterBranches": [ {
      "filterBranchType": "UNIFIED_EVENTS", "filterBranchOperator": "AND",
      "eventTypeId": "4-1639801", "operator": "HAS_COMPLETED",
      "filterBranches": [],
      "filters": [ { "filterType": "PROPERTY", "property": "hs_form_id",
        "operation": { "operationType": "ENUMERATION", "operator": "IS_ANY_OF",
                       "values": ["5f0c5a8e-1111-2222-3333-444455556666"],
                       "includeObjectsWithNoValueSet": false } } ] } ],
    "listMembershipFilterBranches": []
  })";

constexpr std::string_view kFourActions = R"("actions": [
    { "type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "2" },
      "fields": { "delta": "1440", "time_unit": "MINUTES" } },
    { "type": "SINGLE_CONNECTION", "actionId": "2", "actionTypeId": "0-5", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "3" },
      "fields": { "property_name": "lifecyclestage",
                  "value": { "type": "STATIC_VALUE", "staticValue": "marketingqualifiedlead" } } },
    { "type": "SINGLE_CONNECTION", "actionId": "3", "actionTypeId": "0-3", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "4" },
      "fields": { "task_type": "CALL", "subject": "Call the webinar attendee",
                  "body": "<p>They came to the webinar yesterday.</p>", "priority": "MEDIUM",
                  "associations": [ { "target": { "associationCategory": "HUBSPOT_DEFINED",
                                                  "associationTypeId": 204 },
                                      "value": { "type": "ENROLLED_OBJECT" } } ],
                  "use_explicit_associations": "true" } },
    { "type": "SINGLE_CONNECTION", "actionId": "4", "actionTypeId": "0-4", "actionTypeVersion": 0,
      "fields": { "content_id": "113782603056" } }
  ])";

std::string JsonEscaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Id(size_t n) { return std::to_string(n); }

// One action of the large flow; `next` is empty for the last one.
std::string LargeFlowAction(size_t id, size_t last) {
  const std::string next = id < last ? Id(id + 1) : "";
  const std::string connection =
      next.empty()
          ? ""
          : R"("connection": { "edgeType": "STANDARD", "nextActionId": ")" + next + R"(" }, )";
  const std::string head = R"({ "type": "SINGLE_CONNECTION", "actionId": ")" + Id(id) +
                           R"(", "actionTypeVersion": 0, )" + connection;
  if (id % 10 == 0 && !next.empty()) {
    return R"({ "type": "LIST_BRANCH", "actionId": ")" + Id(id) + R"(",
      "listBranches": [ { "branchName": "Has email",
        "filterBranch": { "filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
          "filterBranches": [ { "filterBranchType": "AND", "filterBranchOperator": "AND",
            "filterBranches": [],
            "filters": [ { "filterType": "PROPERTY", "property": "email",
              "operation": { "operationType": "ALL_PROPERTY", "operator": "IS_KNOWN",
                             "includeObjectsWithNoValueSet": false } } ] } ] },
        "connection": { "edgeType": "STANDARD", "nextActionId": ")" +
           next + R"(" } } ],
      "defaultBranchName": "None matched",
      "defaultBranch": { "edgeType": "GOTO", "nextActionId": ")" +
           next + R"(" } })";
  }
  switch (id % 4) {
    case 1:
      return head + R"("actionTypeId": "0-1", "fields": { "delta": ")" + Id(60 * (id % 7 + 1)) +
             R"(", "time_unit": "MINUTES" } })";
    case 2:
      return head + R"("actionTypeId": "0-5", "fields": { "property_name": "hs_lead_status",
        "value": { "type": "STATIC_VALUE", "staticValue": "IN_PROGRESS" } } })";
    case 3:
      return head + R"("actionTypeId": "0-3", "fields": { "task_type": "TODO",
        "subject": "Follow up, step )" +
             Id(id) + R"(", "priority": "LOW" } })";
    default:
      return head + R"("actionTypeId": "0-4", "fields": { "content_id": ")" +
             Id(113782603000 + id) + R"(" } })";
  }
}

}  // namespace

std::string Section81CreateBody() {
  return std::string(R"({
  "type": "CONTACT_FLOW",
  "objectTypeId": "0-1",
  "flowType": "WORKFLOW",
  "isEnabled": false,
  "name": "Webinar form follow-up",
  "description": "Sends the follow-up email one day after the webinar form is submitted",
  "canEnrollFromSalesforce": false,
  "startActionId": "1",
  "actions": [
    { "type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "2" },
      "fields": { "delta": "1440", "time_unit": "MINUTES" } },
    { "type": "SINGLE_CONNECTION", "actionId": "2", "actionTypeId": "0-4", "actionTypeVersion": 0,
      "fields": { "content_id": "113782603056" } }
  ],
  )") + std::string(kEnrollment) +
         R"(,
  "timeWindows": [],
  "blockedDates": [],
  "customProperties": {},
  "dataSources": [],
  "suppressionListIds": []
})";
}

std::string ContactFlowCreateBody(std::string_view name) {
  return R"({"type": "CONTACT_FLOW", "objectTypeId": "0-1", "flowType": "WORKFLOW",
  "isEnabled": false, "name": ")" +
         JsonEscaped(name) +
         R"(",
  "description": "Sends the follow-up email one day after the webinar form is submitted",
  "canEnrollFromSalesforce": false, "startActionId": "1",
  )" + std::string(kFourActions) +
         ",\n  " + std::string(kEnrollment) + R"(,
  "timeWindows": [], "blockedDates": [], "customProperties": {}, "dataSources": [],
  "suppressionListIds": []})";
}

std::string_view PutBodyHead() { return R"({"revisionId": ")"; }

std::string PutBodyTail(std::string_view name) {
  return R"(", "type": "CONTACT_FLOW", "isEnabled": false, "name": ")" + JsonEscaped(name) +
         R"(",
  "description": "Sends the follow-up email one day after the webinar form is submitted",
  "canEnrollFromSalesforce": false, "startActionId": "1",
  )" + std::string(kFourActions) +
         ",\n  " + std::string(kEnrollment) + R"(,
  "timeWindows": [], "blockedDates": [], "customProperties": {}, "suppressionListIds": []})";
}

std::string LargeFlowCreateBody(size_t actions) {
  if (actions < 2) actions = 2;
  std::string body = R"json({"type": "CONTACT_FLOW", "objectTypeId": "0-1", "flowType": "WORKFLOW",
  "isEnabled": false, "name": "Large generated flow ()json" +
                     Id(actions) + R"json( actions)",
  "canEnrollFromSalesforce": false, "startActionId": "1",
  "actions": [
    )json";
  for (size_t id = 1; id <= actions; ++id) {
    if (id > 1) body += ",\n    ";
    body += LargeFlowAction(id, actions);
  }
  body += "\n  ],\n  " + std::string(kEnrollment) + R"(,
  "timeWindows": [], "blockedDates": [], "customProperties": {}, "dataSources": [],
  "suppressionListIds": []})";
  return body;
}

}  // namespace flowd::bench
