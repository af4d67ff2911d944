// Flow, action, input-value, enrollment, schedule and data-source schemas of the spec
// (automation-v4-flows, components.schemas `Api*`), written as data. Field names, `required`
// lists and enums follow the spec; flowd's deviations are marked:
//   * spec-required collections of the flow bodies are kDefaulted (DESIGN.md §4);
//   * edgeType accepts "GO-TO" and stores "GOTO";
//   * CUSTOM_CODE outputFields accept simple {name, type} variants besides ENUMERATION;
//   * semantic integer ranges (hour 0-23, minute 0-59, dayOfMonth 1-31, percentage 0-100);
//   * SINGLE_CONNECTION `fields` values are any JSON (reference §15 item 17).
// Read-only fields (id, createdAt, updatedAt, nextAvailableActionId, crmObjectCreationStatus;
// on PUT also objectTypeId, flowType, dataSources) are simply not listed, so they are dropped.
#include "model/flow_schema.h"

#include <string>

namespace flowd::model {
namespace internal {

using schema::ArrayLimit;
using schema::kDefaulted;
using schema::kOptional;
using schema::kPropertyRef;
using schema::kRequired;

void DefineFlowSchemas(schema::Registry& b) {
  b.DefineUnion("Action", "type",
                {{"type", "STATIC_BRANCH", "ApiStaticBranchAction"},
                 {"type", "LIST_BRANCH", "ApiListBranchAction"},
                 {"type", "AB_TEST_BRANCH", "ApiABTestBranchAction"},
                 {"type", "CUSTOM_CODE", "ApiCustomCodeAction"},
                 {"type", "WEBHOOK", "ApiWebhookAction"},
                 {"type", "SINGLE_CONNECTION", "ApiSingleConnectionAction"}});
  b.DefineUnion(
      "DataSource", "type",
      {{"type", "ASSOCIATION", "ApiAssociationDataSource"},
       {"type", "ASSOCIATION_TIMESTAMP", "ApiAssociationTimestampDataSource"},
       {"type", "STATIC_PROPERTY_FILTER", "ApiStaticPropertyFilterDataSource"},
       {"type", "ENROLLED_RECORD_PROPERTY_FILTER", "ApiEnrolledRecordPropertyFilterDataSource"},
       {"type", "DATASET_FIELD_PROPERTY_FILTER", "ApiDatasetFieldPropertyFilterDataSource"},
       {"type", "ENROLLED_ARGUMENT_PROPERTY_FILTER",
        "ApiEnrolledArgumentPropertyFilterDataSource"}});
  b.DefineUnion("EnrollmentCriteria", "type",
                {{"type", "LIST_BASED", "ApiListBasedEnrollmentCriteria"},
                 {"type", "EVENT_BASED", "ApiEventBasedEnrollmentCriteria"},
                 {"type", "MANUAL", "ApiManualEnrollmentCriteria"},
                 {"type", "DATASET", "ApiDatasetBasedEnrollmentCriteria"}});
  b.DefineUnion("EnrollmentSchedule", "type",
                {{"type", "DAILY", "ApiDailyEnrollmentSchedule"},
                 {"type", "WEEKLY", "ApiWeeklyEnrollmentSchedule"},
                 {"type", "MONTHLY_SPECIFIC_DAYS", "ApiMonthlySpecificDaysEnrollmentSchedule"},
                 {"type", "MONTHLY_RELATIVE_DAYS", "ApiMonthlyRelativeDaysEnrollmentSchedule"},
                 {"type", "YEARLY", "ApiYearlyEnrollmentSchedule"},
                 {"type", "PROPERTY_BASED", "ApiPropertyBasedEnrollmentSchedule"}});
  b.DefineUnion("EventAnchor", "type",
                {{"type", "CONTACT_PROPERTY_ANCHOR", "ApiContactPropertyAnchor"},
                 {"type", "STATIC_DATE_ANCHOR", "ApiStaticDateAnchor"}});
  b.DefineUnion("InputValue", "type",
                {{"type", "FIELD_DATA", "ApiActionDataValue"},
                 {"type", "OBJECT_PROPERTY", "ApiObjectPropertyValue"},
                 {"type", "STATIC_VALUE", "ApiStaticValue"},
                 {"type", "RELATIVE_DATETIME", "ApiRelativeDateTimeValue"},
                 {"type", "TIMESTAMP", "ApiTimestampValue"},
                 {"type", "INCREMENT", "ApiIncrementValue"},
                 {"type", "FETCHED_OBJECT_PROPERTY", "ApiFetchedObjectPropertyValue"},
                 {"type", "APPEND_OBJECT_PROPERTY", "ApiAppendObjectPropertyValue"},
                 {"type", "STATIC_APPEND_VALUE", "ApiStaticAppendValue"},
                 {"type", "ENROLLMENT_EVENT_PROPERTY", "ApiEnrollmentEventPropertyValue"},
                 {"type", "ENROLLMENT_DATASET_COLUMN", "ApiEnrollmentDatasetColumnValue"},
                 {"type", "ACTION_OUTPUT_OBJECT_PROPERTY", "ApiActionOutputObjectPropertyValue"},
                 {"type", "SINGLE_OBJECT_COORDINATES", "ApiSingleObjectCoordinatesValue"},
                 {"type", "LIST", "ApiListInputValue"},
                 {"type", "MAP", "ApiMapInputValue"}});
  // The spec declares only ENUMERATION; third-party clients send simple {name, type} outputs
  // (reference §15 item 10), accepted too.
  b.DefineUnion("OutputField", "type",
                {{"type", "ENUMERATION", "ApiEnumerationOutputField"},
                 {"type", "STRING", "ApiSimpleOutputField"},
                 {"type", "NUMBER", "ApiSimpleOutputField"},
                 {"type", "BOOL", "ApiSimpleOutputField"},
                 {"type", "DATE", "ApiSimpleOutputField"},
                 {"type", "DATETIME", "ApiSimpleOutputField"}});
  b.DefineUnion("TimeZoneStrategy", "type",
                {{"type", "STATIC_TIME_ZONE", "ApiStaticTimeZoneStrategy"}});
  b.DefineUnion("WebhookAuthSettings", "type",
                {{"type", "AUTH_KEY", "ApiAuthKeyWebhookAuthSettings"},
                 {"type", "SIGNATURE", "ApiSignatureWebhookAuthSettings"}});
  b.Object("ApiABTestBranch", {
                                  {"connection", b.Ref("ApiConnection"), kRequired},
                                  {"percentage", b.Int32(0, 100), kOptional},
                              });
  b.Object("ApiABTestBranchAction",
           {
               {"type", b.Enum({"AB_TEST_BRANCH"}), kRequired},
               {"actionId", b.String(), kRequired},
               {"testBranches", b.Array(b.Ref("ApiABTestBranch")), kRequired},
           });
  b.Object("ApiActionDataValue", {
                                     {"type", b.Enum({"FIELD_DATA"}), kRequired},
                                     {"actionId", b.String(), kRequired},
                                     {"dataKey", b.String(), kRequired},
                                 });
  b.Object("ApiActionOutputObjectPropertyValue",
           {
               {"type", b.Enum({"ACTION_OUTPUT_OBJECT_PROPERTY"}), kRequired},
               {"actionOutputPropertyToken", b.String(), kRequired},
           });
  b.Object("ApiAppendObjectPropertyValue",
           {
               {"type", b.Enum({"APPEND_OBJECT_PROPERTY"}), kRequired},
               {"appendPropertyName", b.String(), kRequired, kPropertyRef},
           });
  b.Object(
      "ApiAssociationDataSource",
      {
          {"type", b.Enum({"ASSOCIATION"}), kRequired},
          {"associationCategory",
           b.Enum({"HUBSPOT_DEFINED", "INTEGRATOR_DEFINED", "USER_DEFINED", "WORK"}), kRequired},
          {"associationTypeId", b.Int32(), kRequired},
          {"name", b.String(), kRequired},
          {"objectTypeId", b.String(), kRequired},
          {"sortBy", b.Ref("ApiSort"), kOptional},
      });
  b.Object(
      "ApiAssociationTimestampDataSource",
      {
          {"type", b.Enum({"ASSOCIATION_TIMESTAMP"}), kRequired},
          {"associationCategory",
           b.Enum({"HUBSPOT_DEFINED", "INTEGRATOR_DEFINED", "USER_DEFINED", "WORK"}), kRequired},
          {"associationTypeId", b.Int32(), kRequired},
          {"name", b.String(), kRequired},
          {"objectTypeId", b.String(), kRequired},
      });
  b.Object("ApiAuthKeyWebhookAuthSettings",
           {
               {"type", b.Enum({"AUTH_KEY"}), kRequired},
               {"location", b.Enum({"HEADER", "QUERY_PARAM"}), kRequired},
               {"name", b.String(), kRequired},
               {"secretName", b.String(), kRequired},
           });
  b.Object("ApiBlockedDate",
           {
               {"dayOfMonth", b.Int32(1, 31), kRequired},
               {"month",
                b.Enum({"APRIL", "AUGUST", "DECEMBER", "FEBRUARY", "JANUARY", "JULY", "JUNE",
                        "MARCH", "MAY", "NOVEMBER", "OCTOBER", "SEPTEMBER"}),
                kRequired},
               {"year", b.Int32(), kOptional},
           });
  b.Object("ApiConnection",
           {
               {"edgeType", b.Enum({"GOTO", "STANDARD"}, {{"GO-TO", "GOTO"}}), kRequired},
               {"nextActionId", b.String(), kRequired},
           });
  b.Object("ApiContactFlowCreateRequest",
           {
               {"type", b.Enum({"CONTACT_FLOW"}), kRequired},
               {"objectTypeId", b.String(), kRequired},
               {"flowType", b.Enum({"ACTION_SET", "UNKNOWN", "WORKFLOW"}), kRequired},
               {"isEnabled", b.Bool(), kRequired},
               {"name", b.String(), kOptional},
               {"description", b.String(), kOptional},
               {"uuid", b.String(), kOptional},
               {"startActionId", b.String(), kOptional},
               {"actions", b.Array(b.Union("Action"), ArrayLimit::kActions), kRequired},
               {"enrollmentCriteria", b.Union("EnrollmentCriteria"), kOptional},
               {"enrollmentSchedule", b.Union("EnrollmentSchedule"), kOptional},
               {"timeWindows", b.Array(b.Ref("ApiTimeWindow")), kDefaulted},
               {"blockedDates", b.Array(b.Ref("ApiBlockedDate")), kDefaulted},
               {"customProperties", b.Map(b.String()), kDefaulted},
               {"dataSources", b.Array(b.Union("DataSource")), kDefaulted},
               {"suppressionListIds", b.Array(b.Int32()), kDefaulted},
               {"canEnrollFromSalesforce", b.Bool(), kDefaulted},
               {"goalFilterBranch", b.Union("FilterBranch"), kOptional},
               {"eventAnchor", b.Union("EventAnchor"), kOptional},
               {"unEnrollmentSetting", b.Ref("ApiUnEnrollmentSetting"), kOptional},
           });
  b.Object("ApiContactFlowPutRequest",
           {
               {"type", b.Enum({"CONTACT_FLOW"}), kRequired},
               {"revisionId", b.String(), kRequired},
               {"isEnabled", b.Bool(), kRequired},
               {"name", b.String(), kOptional},
               {"description", b.String(), kOptional},
               {"uuid", b.String(), kOptional},
               {"startActionId", b.String(), kOptional},
               {"actions", b.Array(b.Union("Action"), ArrayLimit::kActions), kRequired},
               {"enrollmentCriteria", b.Union("EnrollmentCriteria"), kOptional},
               {"enrollmentSchedule", b.Union("EnrollmentSchedule"), kOptional},
               {"timeWindows", b.Array(b.Ref("ApiTimeWindow")), kDefaulted},
               {"blockedDates", b.Array(b.Ref("ApiBlockedDate")), kDefaulted},
               {"customProperties", b.Map(b.String()), kDefaulted},
               {"suppressionListIds", b.Array(b.Int32()), kDefaulted},
               {"canEnrollFromSalesforce", b.Bool(), kDefaulted},
               {"goalFilterBranch", b.Union("FilterBranch"), kOptional},
               {"eventAnchor", b.Union("EventAnchor"), kOptional},
               {"unEnrollmentSetting", b.Ref("ApiUnEnrollmentSetting"), kOptional},
           });
  b.Object("ApiContactPropertyAnchor", {
                                           {"type", b.Enum({"CONTACT_PROPERTY_ANCHOR"}), kRequired},
                                           {"contactProperty", b.String(), kRequired, kPropertyRef},
                                       });
  b.Object("ApiCustomCodeAction",
           {
               {"type", b.Enum({"CUSTOM_CODE"}), kRequired},
               {"actionId", b.String(), kRequired},
               {"connection", b.Ref("ApiConnection"), kOptional},
               {"inputFields", b.Array(b.Ref("ApiInputVariable")), kRequired},
               {"outputFields", b.Array(b.Union("OutputField")), kRequired},
               {"runtime", b.String(), kRequired},
               {"secretNames", b.Array(b.String()), kRequired},
               {"sourceCode", b.String(), kRequired},
           });
  b.Object("ApiDailyEnrollmentSchedule", {
                                             {"type", b.Enum({"DAILY"}), kRequired},
                                             {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
                                         });
  b.Object("ApiDatasetBasedEnrollmentCriteria", {
                                                    {"type", b.Enum({"DATASET"}), kRequired},
                                                    {"datasetId", b.Int64(), kRequired},
                                                    {"shouldReEnroll", b.Bool(), kRequired},
                                                    {"subviewId", b.String(), kOptional},
                                                });
  b.Object("ApiDatasetFieldPropertyFilterDataSource",
           {
               {"type", b.Enum({"DATASET_FIELD_PROPERTY_FILTER"}), kRequired},
               {"datasetFieldName", b.String(), kRequired},
               {"name", b.String(), kRequired},
               {"propertyName", b.String(), kRequired, kPropertyRef},
               {"sortBy", b.Ref("ApiSort"), kOptional},
           });
  b.Object("ApiEnrolledArgumentPropertyFilterDataSource",
           {
               {"type", b.Enum({"ENROLLED_ARGUMENT_PROPERTY_FILTER"}), kRequired},
               {"argumentName", b.String(), kRequired},
               {"name", b.String(), kRequired},
               {"propertyName", b.String(), kRequired, kPropertyRef},
               {"sortBy", b.Ref("ApiSort"), kOptional},
           });
  b.Object("ApiEnrolledRecordPropertyFilterDataSource",
           {
               {"type", b.Enum({"ENROLLED_RECORD_PROPERTY_FILTER"}), kRequired},
               {"name", b.String(), kRequired},
               {"propertyName", b.String(), kRequired, kPropertyRef},
               {"recordFieldName", b.String(), kRequired},
               {"sortBy", b.Ref("ApiSort"), kOptional},
           });
  b.Object("ApiEnrollmentDatasetColumnValue",
           {
               {"type", b.Enum({"ENROLLMENT_DATASET_COLUMN"}), kRequired},
               {"enrollmentDatasetColumnToken", b.String(), kRequired},
           });
  b.Object("ApiEnrollmentEventPropertyValue",
           {
               {"type", b.Enum({"ENROLLMENT_EVENT_PROPERTY"}), kRequired},
               {"enrollmentEventPropertyToken", b.String(), kRequired},
           });
  b.Object("ApiEnumerationOutputField", {
                                            {"type", b.Enum({"ENUMERATION"}), kRequired},
                                            {"name", b.String(), kRequired},
                                            {"options", b.Array(b.String()), kRequired},
                                        });
  b.Object(
      "ApiEventBasedEnrollmentCriteria",
      {
          {"type", b.Enum({"EVENT_BASED"}), kRequired},
          {"eventFilterBranches", b.Array(b.Ref("PublicUnifiedEventsFilterBranch")), kRequired},
          {"listMembershipFilterBranches", b.Array(b.Union("FilterBranch")), kRequired},
          {"refinementCriteria", b.Union("FilterBranch"), kOptional},
          {"shouldReEnroll", b.Bool(), kRequired},
      });
  b.Object("ApiFetchedObjectPropertyValue",
           {
               {"type", b.Enum({"FETCHED_OBJECT_PROPERTY"}), kRequired},
               {"propertyToken", b.String(), kRequired},
           });
  b.Object("ApiIncrementValue", {
                                    {"type", b.Enum({"INCREMENT"}), kRequired},
                                    {"incrementAmount", b.Number(), kRequired},
                                });
  b.Object("ApiInputVariable", {
                                   {"name", b.String(), kRequired},
                                   {"value", b.Union("InputValue"), kRequired},
                               });
  b.Object("ApiListBasedEnrollmentCriteria",
           {
               {"type", b.Enum({"LIST_BASED"}), kRequired},
               {"listFilterBranch", b.Union("FilterBranch"), kRequired},
               {"reEnrollmentTriggersFilterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"shouldReEnroll", b.Bool(), kRequired},
               {"unEnrollObjectsNotMeetingCriteria", b.Bool(), kRequired},
           });
  b.Object("ApiListBranch", {
                                {"branchName", b.String(), kOptional},
                                {"connection", b.Ref("ApiConnection"), kOptional},
                                {"filterBranch", b.Union("FilterBranch"), kOptional},
                            });
  b.Object("ApiListBranchAction", {
                                      {"type", b.Enum({"LIST_BRANCH"}), kRequired},
                                      {"actionId", b.String(), kRequired},
                                      {"defaultBranch", b.Ref("ApiConnection"), kOptional},
                                      {"defaultBranchName", b.String(), kOptional},
                                      {"listBranches", b.Array(b.Ref("ApiListBranch")), kRequired},
                                  });
  b.Object("ApiListInputValue", {
                                    {"type", b.Enum({"LIST"}), kRequired},
                                    {"values", b.Array(b.Union("InputValue")), kRequired},
                                });
  b.Object("ApiManualEnrollmentCriteria", {
                                              {"type", b.Enum({"MANUAL"}), kRequired},
                                              {"shouldReEnroll", b.Bool(), kRequired},
                                          });
  b.Object("ApiMapInputValue", {
                                   {"type", b.Enum({"MAP"}), kRequired},
                                   {"values", b.Map(b.Any()), kRequired},
                               });
  b.Object("ApiMonthlyRelativeDaysEnrollmentSchedule",
           {
               {"type", b.Enum({"MONTHLY_RELATIVE_DAYS"}), kRequired},
               {"monthlyRelativeDays", b.Enum({"FIRST_MONDAY_OF_MONTH", "LAST_DAY_OF_MONTH"}),
                kRequired},
               {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
           });
  b.Object("ApiMonthlySpecificDaysEnrollmentSchedule",
           {
               {"type", b.Enum({"MONTHLY_SPECIFIC_DAYS"}), kRequired},
               {"daysOfMonth", b.Array(b.Int32(1, 31)), kRequired},
               {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
           });
  b.Object("ApiObjectPropertyValue", {
                                         {"type", b.Enum({"OBJECT_PROPERTY"}), kRequired},
                                         {"propertyName", b.String(), kRequired, kPropertyRef},
                                     });
  b.Object("ApiPlatformFlowCreateRequest",
           {
               {"type", b.Enum({"PLATFORM_FLOW"}), kRequired},
               {"objectTypeId", b.String(), kRequired},
               {"flowType", b.Enum({"ACTION_SET", "UNKNOWN", "WORKFLOW"}), kRequired},
               {"isEnabled", b.Bool(), kRequired},
               {"name", b.String(), kOptional},
               {"description", b.String(), kOptional},
               {"uuid", b.String(), kOptional},
               {"startActionId", b.String(), kOptional},
               {"actions", b.Array(b.Union("Action"), ArrayLimit::kActions), kRequired},
               {"enrollmentCriteria", b.Union("EnrollmentCriteria"), kOptional},
               {"enrollmentSchedule", b.Union("EnrollmentSchedule"), kOptional},
               {"timeWindows", b.Array(b.Ref("ApiTimeWindow")), kDefaulted},
               {"blockedDates", b.Array(b.Ref("ApiBlockedDate")), kDefaulted},
               {"customProperties", b.Map(b.String()), kDefaulted},
               {"dataSources", b.Array(b.Union("DataSource")), kDefaulted},
               {"suppressionFilterBranch", b.Union("FilterBranch"), kOptional},
           });
  b.Object("ApiPlatformFlowPutRequest",
           {
               {"type", b.Enum({"PLATFORM_FLOW"}), kRequired},
               {"revisionId", b.String(), kRequired},
               {"isEnabled", b.Bool(), kRequired},
               {"name", b.String(), kOptional},
               {"description", b.String(), kOptional},
               {"uuid", b.String(), kOptional},
               {"startActionId", b.String(), kOptional},
               {"actions", b.Array(b.Union("Action"), ArrayLimit::kActions), kRequired},
               {"enrollmentCriteria", b.Union("EnrollmentCriteria"), kOptional},
               {"enrollmentSchedule", b.Union("EnrollmentSchedule"), kOptional},
               {"timeWindows", b.Array(b.Ref("ApiTimeWindow")), kDefaulted},
               {"blockedDates", b.Array(b.Ref("ApiBlockedDate")), kDefaulted},
               {"customProperties", b.Map(b.String()), kDefaulted},
               {"suppressionFilterBranch", b.Union("FilterBranch"), kOptional},
           });
  b.Object("ApiPropertyBasedEnrollmentSchedule",
           {
               {"type", b.Enum({"PROPERTY_BASED"}), kRequired},
               {"dateProperty", b.String(), kRequired, kPropertyRef},
               {"daysDelta", b.Int32(), kRequired},
               {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
               {"yearly", b.Bool(), kRequired},
           });
  b.Object("ApiRelativeDateTimeValue", {
                                           {"type", b.Enum({"RELATIVE_DATETIME"}), kRequired},
                                           {"timeDelay", b.Ref("ApiTimeDelay"), kRequired},
                                       });
  b.Object("ApiSignatureWebhookAuthSettings", {
                                                  {"type", b.Enum({"SIGNATURE"}), kRequired},
                                                  {"appId", b.Int32(), kRequired},
                                              });
  b.Object("ApiSingleConnectionAction", {
                                            {"type", b.Enum({"SINGLE_CONNECTION"}), kRequired},
                                            {"actionId", b.String(), kRequired},
                                            {"actionTypeId", b.String(), kRequired},
                                            {"actionTypeVersion", b.Int32(), kRequired},
                                            {"connection", b.Ref("ApiConnection"), kOptional},
                                            {"fields", b.Map(b.Any()), kRequired},
                                        });
  b.Object("ApiSingleObjectCoordinatesValue",
           {
               {"type", b.Enum({"SINGLE_OBJECT_COORDINATES"}), kRequired},
               {"coordinatesToken", b.String(), kRequired},
           });
  b.Object("ApiSort", {
                          {"missing", b.String(), kOptional},
                          {"order", b.Enum({"ASC", "DESC"}), kRequired},
                          {"property", b.String(), kRequired, kPropertyRef},
                      });
  b.Object("ApiStaticAppendValue", {
                                       {"type", b.Enum({"STATIC_APPEND_VALUE"}), kRequired},
                                       {"staticAppendValue", b.String(), kRequired},
                                   });
  b.Object("ApiStaticBranch", {
                                  {"branchValue", b.String(), kRequired},
                                  {"connection", b.Ref("ApiConnection"), kOptional},
                              });
  b.Object("ApiStaticBranchAction",
           {
               {"type", b.Enum({"STATIC_BRANCH"}), kRequired},
               {"actionId", b.String(), kRequired},
               {"defaultBranch", b.Ref("ApiConnection"), kOptional},
               {"defaultBranchName", b.String(), kOptional},
               {"inputValue", b.Union("InputValue"), kRequired},
               {"staticBranches", b.Array(b.Ref("ApiStaticBranch")), kRequired},
           });
  b.Object("ApiStaticDateAnchor",
           {
               {"type", b.Enum({"STATIC_DATE_ANCHOR"}), kRequired},
               {"dayOfMonth", b.Int32(1, 31), kRequired},
               {"month",
                b.Enum({"APRIL", "AUGUST", "DECEMBER", "FEBRUARY", "JANUARY", "JULY", "JUNE",
                        "MARCH", "MAY", "NOVEMBER", "OCTOBER", "SEPTEMBER"}),
                kRequired},
               {"year", b.Int32(), kOptional},
           });
  b.Object("ApiStaticPropertyFilterDataSource",
           {
               {"type", b.Enum({"STATIC_PROPERTY_FILTER"}), kRequired},
               {"name", b.String(), kRequired},
               {"propertyName", b.String(), kRequired, kPropertyRef},
               {"sortBy", b.Ref("ApiSort"), kOptional},
               {"staticValue", b.String(), kRequired},
           });
  b.Object("ApiStaticTimeZoneStrategy", {
                                            {"type", b.Enum({"STATIC_TIME_ZONE"}), kRequired},
                                            {"timeZoneId", b.String(), kRequired},
                                        });
  b.Object("ApiStaticValue", {
                                 {"type", b.Enum({"STATIC_VALUE"}), kRequired},
                                 {"staticValue", b.String(), kRequired},
                             });
  b.Object("ApiTimeDelay", {
                               {"daysOfWeek",
                                b.Array(b.Enum({"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
                                                "FRIDAY", "SATURDAY", "SUNDAY"})),
                                kRequired},
                               {"delta", b.Int32(), kRequired},
                               {"timeOfDay", b.Ref("ApiTimeOfDay"), kOptional},
                               {"timeUnit",
                                b.Enum({"CENTURIES", "DAYS", "DECADES", "ERAS", "FOREVER",
                                        "HALF_DAYS", "HOURS", "MICROS", "MILLENNIA", "MILLIS",
                                        "MINUTES", "MONTHS", "NANOS", "SECONDS", "WEEKS", "YEARS"}),
                                kRequired},
                               {"timeZoneStrategy", b.Union("TimeZoneStrategy"), kOptional},
                           });
  b.Object("ApiTimeOfDay", {
                               {"hour", b.Int32(0, 23), kRequired},
                               {"minute", b.Int32(0, 59), kRequired},
                           });
  b.Object(
      "ApiTimeWindow",
      {
          {"day",
           b.Enum({"FRIDAY", "MONDAY", "SATURDAY", "SUNDAY", "THURSDAY", "TUESDAY", "WEDNESDAY"}),
           kRequired},
          {"endTime", b.Ref("ApiTimeOfDay"), kOptional},
          {"startTime", b.Ref("ApiTimeOfDay"), kOptional},
      });
  b.Object("ApiTimestampValue", {
                                    {"type", b.Enum({"TIMESTAMP"}), kRequired},
                                    {"timestampType", b.Enum({"EXECUTION_TIME"}), kRequired},
                                });
  b.Object("ApiUnEnrollmentSetting", {
                                         {"flowIds", b.Array(b.String()), kRequired},
                                         {"type", b.Enum({"ALL", "SELECTIVE"}), kRequired},
                                     });
  b.Object(
      "ApiWebhookAction",
      {
          {"type", b.Enum({"WEBHOOK"}), kRequired},
          {"actionId", b.String(), kRequired},
          {"authSettings", b.Union("WebhookAuthSettings"), kOptional},
          {"connection", b.Ref("ApiConnection"), kOptional},
          {"method",
           b.Enum({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}),
           kRequired},
          {"queryParams", b.Array(b.Ref("ApiInputVariable")), kRequired},
          {"webhookUrl", b.String(), kRequired},
      });
  b.Object("ApiWeeklyEnrollmentSchedule",
           {
               {"type", b.Enum({"WEEKLY"}), kRequired},
               {"daysOfWeek",
                b.Array(b.Enum({"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY",
                                "SUNDAY"})),
                kRequired},
               {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
           });
  b.Object("ApiYearlyEnrollmentSchedule",
           {
               {"type", b.Enum({"YEARLY"}), kRequired},
               {"dayOfMonth", b.Int32(1, 31), kRequired},
               {"month",
                b.Enum({"APRIL", "AUGUST", "DECEMBER", "FEBRUARY", "JANUARY", "JULY", "JUNE",
                        "MARCH", "MAY", "NOVEMBER", "OCTOBER", "SEPTEMBER"}),
                kRequired},
               {"timeOfDay", b.Ref("ApiTimeOfDay"), kRequired},
           });
  b.Object("ApiSimpleOutputField",
           {
               {"type", b.Enum({"STRING", "NUMBER", "BOOL", "DATE", "DATETIME"}), kRequired},
               {"name", b.String(), kRequired},
           });
}

}  // namespace internal

const FlowSchemas& GetFlowSchemas() {
  static const FlowSchemas* schemas = [] {
    // Intentionally immortal (used until exit, never destroyed during static destruction).
    auto* registry = new schema::Registry();  // NOLINT(cppcoreguidelines-owning-memory)
    internal::DefineFilterSchemas(*registry);
    internal::DefineFlowSchemas(*registry);
    registry->CountFilterDepth("FilterBranch");
    auto* s = new FlowSchemas();  // NOLINT(cppcoreguidelines-owning-memory)
    s->contact_create = registry->FindObject("ApiContactFlowCreateRequest");
    s->platform_create = registry->FindObject("ApiPlatformFlowCreateRequest");
    s->contact_put = registry->FindObject("ApiContactFlowPutRequest");
    s->platform_put = registry->FindObject("ApiPlatformFlowPutRequest");
    s->registry = registry;
    return s;
  }();
  return *schemas;
}

}  // namespace flowd::model
