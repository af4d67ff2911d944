// The filter model of the spec (components.schemas `Public*`: filter branches, filters, property
// operations, refine-by, time points, index references), written as data. It is the same model
// as CRM Lists v3. Each union is decoded by its tag; two spec quirks need secondary rules:
//   * PublicRangedTimeOperation carries its tag in `type` (TIME_RANGED), its `operationType` is
//   free;
//   * PublicTimePointOperation (a refine-by variant too) carries its tag in `operationType`.
// Semantic ranges are added for PublicDatePoint (month 1-12, day 1-31, hour, minute, ...).
#include <string>

#include "model/flow_schema.h"

namespace flowd::model::internal {

using schema::kOptional;
using schema::kPropertyRef;
using schema::kRequired;

void DefineFilterSchemas(schema::Registry& b) {
  b.DefineUnion(
      "Filter", "filterType",
      {{"filterType", "PROPERTY", "PublicPropertyFilter"},
       {"filterType", "ASSOCIATION", "PublicAssociationInListFilter"},
       {"filterType", "PAGE_VIEW", "PublicPageViewAnalyticsFilter"},
       {"filterType", "CTA", "PublicCtaAnalyticsFilter"},
       {"filterType", "EVENT", "PublicEventAnalyticsFilter"},
       {"filterType", "FORM_SUBMISSION", "PublicFormSubmissionFilter"},
       {"filterType", "FORM_SUBMISSION_ON_PAGE", "PublicFormSubmissionOnPageFilter"},
       {"filterType", "INTEGRATION_EVENT", "PublicIntegrationEventFilter"},
       {"filterType", "EMAIL_SUBSCRIPTION", "PublicEmailSubscriptionFilter"},
       {"filterType", "COMMUNICATION_SUBSCRIPTION", "PublicCommunicationSubscriptionFilter"},
       {"filterType", "SURVEY_MONKEY", "PublicSurveyMonkeyFilter"},
       {"filterType", "SURVEY_MONKEY_VALUE", "PublicSurveyMonkeyValueFilter"},
       {"filterType", "WEBINAR", "PublicWebinarFilter"},
       {"filterType", "EMAIL_EVENT", "PublicEmailEventFilter"},
       {"filterType", "PRIVACY", "PublicPrivacyAnalyticsFilter"},
       {"filterType", "ADS_SEARCH", "PublicAdsSearchFilter"},
       {"filterType", "ADS_TIME", "PublicAdsTimeFilter"},
       {"filterType", "IN_LIST", "PublicInListFilter"},
       {"filterType", "UNIFIED_EVENTS", "PublicUnifiedEventsFilter"},
       {"filterType", "CONSTANT", "PublicConstantFilter"}});
  b.DefineUnion("FilterBranch", "filterBranchType",
                {{"filterBranchType", "OR", "PublicOrFilterBranch"},
                 {"filterBranchType", "AND", "PublicAndFilterBranch"},
                 {"filterBranchType", "NOT_ALL", "PublicNotAllFilterBranch"},
                 {"filterBranchType", "NOT_ANY", "PublicNotAnyFilterBranch"},
                 {"filterBranchType", "RESTRICTED", "PublicRestrictedFilterBranch"},
                 {"filterBranchType", "UNIFIED_EVENTS", "PublicUnifiedEventsFilterBranch"},
                 {"filterBranchType", "ASSOCIATION", "PublicAssociationFilterBranch"}});
  b.DefineUnion("IndexReference", "referenceType",
                {{"referenceType", "NOW", "PublicNowReference"},
                 {"referenceType", "TODAY", "PublicTodayReference"},
                 {"referenceType", "WEEK", "PublicWeekReference"},
                 {"referenceType", "FISCAL_QUARTER", "PublicFiscalQuarterReference"},
                 {"referenceType", "FISCAL_YEAR", "PublicFiscalYearReference"},
                 {"referenceType", "YEAR", "PublicYearReference"},
                 {"referenceType", "QUARTER", "PublicQuarterReference"},
                 {"referenceType", "MONTH", "PublicMonthReference"}});
  b.DefineUnion(
      "Operation", "operationType",
      {{"operationType", "BOOL", "PublicBoolPropertyOperation"},
       {"operationType", "NUMBER", "PublicNumberPropertyOperation"},
       {"operationType", "STRING", "PublicStringPropertyOperation"},
       {"operationType", "DATETIME", "PublicDateTimePropertyOperation"},
       {"operationType", "RANGED_DATE", "PublicRangedDatePropertyOperation"},
       {"operationType", "COMPARATIVE_PROPERTY_UPDATED",
        "PublicComparativePropertyUpdatedOperation"},
       {"operationType", "COMPARATIVE_DATE", "PublicComparativeDatePropertyOperation"},
       {"operationType", "ROLLING_DATE_RANGE", "PublicRollingDateRangePropertyOperation"},
       {"operationType", "ROLLING_PROPERTY_UPDATED", "PublicRollingPropertyUpdatedOperation"},
       {"operationType", "ENUMERATION", "PublicEnumerationPropertyOperation"},
       {"operationType", "ALL_PROPERTY", "PublicAllPropertyTypesOperation"},
       {"operationType", "NUMBER_RANGED", "PublicRangedNumberPropertyOperation"},
       {"operationType", "MULTISTRING", "PublicMultiStringPropertyOperation"},
       {"operationType", "DATE", "PublicDatePropertyOperation"},
       {"operationType", "CALENDAR_DATE", "PublicCalendarDatePropertyOperation"},
       {"operationType", "TIME_POINT", "PublicTimePointOperation"},
       {"operationType", "TIME_RANGED", "PublicRangedTimeOperation"},
       {"type", "TIME_RANGED", "PublicRangedTimeOperation"},
       {"operationType", "COMPARATIVE_STRING", "PublicComparativeStringPropertyOperation"}});
  b.DefineUnion("RefineBy", "type",
                {{"type", "NUM_OCCURRENCES", "PublicNumOccurrencesRefineBy"},
                 {"type", "SET_OCCURRENCES", "PublicSetOccurrencesRefineBy"},
                 {"type", "RELATIVE_COMPARATIVE", "PublicRelativeComparativeTimestampRefineBy"},
                 {"type", "RELATIVE_RANGED", "PublicRelativeRangedTimestampRefineBy"},
                 {"type", "ABSOLUTE_COMPARATIVE", "PublicAbsoluteComparativeTimestampRefineBy"},
                 {"type", "ABSOLUTE_RANGED", "PublicAbsoluteRangedTimestampRefineBy"},
                 {"type", "ALL_HISTORY", "PublicAllHistoryRefineBy"},
                 {"type", "TIME_POINT", "PublicTimePointOperation"},
                 {"operationType", "TIME_POINT", "PublicTimePointOperation"},
                 {"type", "TIME_RANGED", "PublicRangedTimeOperation"}});
  b.DefineUnion("TimePoint", "timeType",
                {{"timeType", "DATE", "PublicDatePoint"},
                 {"timeType", "INDEXED", "PublicIndexedTimePoint"},
                 {"timeType", "PROPERTY_REFERENCED", "PublicPropertyReferencedTime"}});
  b.Object("PublicAbsoluteComparativeTimestampRefineBy",
           {
               {"type", b.Enum({"ABSOLUTE_COMPARATIVE"}), kRequired},
               {"comparison", b.String(), kRequired},
               {"timestamp", b.Int64(), kRequired},
           });
  b.Object("PublicAbsoluteRangedTimestampRefineBy",
           {
               {"type", b.Enum({"ABSOLUTE_RANGED"}), kRequired},
               {"lowerTimestamp", b.Int64(), kRequired},
               {"rangeType", b.String(), kRequired},
               {"upperTimestamp", b.Int64(), kRequired},
           });
  b.Object("PublicAdsSearchFilter", {
                                        {"filterType", b.Enum({"ADS_SEARCH"}), kRequired},
                                        {"adNetwork", b.String(), kRequired},
                                        {"entityType", b.String(), kRequired},
                                        {"operator", b.String(), kRequired},
                                        {"searchTermType", b.String(), kRequired},
                                        {"searchTerms", b.Array(b.String()), kRequired},
                                    });
  b.Object("PublicAdsTimeFilter", {
                                      {"filterType", b.Enum({"ADS_TIME"}), kRequired},
                                      {"pruningRefineBy", b.Union("RefineBy"), kRequired},
                                  });
  b.Object("PublicAllHistoryRefineBy", {
                                           {"type", b.Enum({"ALL_HISTORY"}), kRequired},
                                       });
  b.Object("PublicAllPropertyTypesOperation",
           {
               {"operationType", b.Enum({"ALL_PROPERTY"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicAndFilterBranch",
           {
               {"filterBranchType", b.Enum({"AND"}), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
           });
  b.Object("PublicAssociationFilterBranch",
           {
               {"filterBranchType", b.Enum({"ASSOCIATION"}), kRequired},
               {"associationCategory", b.String(), kRequired},
               {"associationTypeId", b.Int32(), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
               {"objectTypeId", b.String(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicAssociationInListFilter",
           {
               {"filterType", b.Enum({"ASSOCIATION"}), kRequired},
               {"associationCategory", b.String(), kRequired},
               {"associationTypeId", b.Int32(), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kRequired},
               {"listId", b.String(), kRequired},
               {"operator", b.String(), kRequired},
               {"toObjectType", b.String(), kOptional},
               {"toObjectTypeId", b.String(), kOptional},
           });
  b.Object("PublicBoolPropertyOperation", {
                                              {"operationType", b.Enum({"BOOL"}), kRequired},
                                              {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
                                              {"operator", b.String(), kRequired},
                                              {"value", b.Bool(), kRequired},
                                          });
  b.Object("PublicCalendarDatePropertyOperation",
           {
               {"operationType", b.Enum({"CALENDAR_DATE"}), kRequired},
               {"fiscalYearStart",
                b.Enum({"APRIL", "AUGUST", "DECEMBER", "FEBRUARY", "JANUARY", "JULY", "JUNE",
                        "MARCH", "MAY", "NOVEMBER", "OCTOBER", "SEPTEMBER"}),
                kOptional},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"timeUnit", b.String(), kRequired},
               {"timeUnitCount", b.Int32(), kOptional},
               {"useFiscalYear", b.Bool(), kOptional},
           });
  b.Object("PublicCommunicationSubscriptionFilter",
           {
               {"filterType", b.Enum({"COMMUNICATION_SUBSCRIPTION"}), kRequired},
               {"acceptedOptStates", b.Array(b.String()), kRequired},
               {"businessUnitId", b.String(), kOptional},
               {"channel", b.String(), kRequired},
               {"subscriptionIds", b.Array(b.String()), kRequired},
               {"subscriptionType", b.String(), kRequired},
           });
  b.Object("PublicComparativeDatePropertyOperation",
           {
               {"operationType", b.Enum({"COMPARATIVE_DATE"}), kRequired},
               {"comparisonPropertyName", b.String(), kRequired, kPropertyRef},
               {"defaultComparisonValue", b.String(), kOptional},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicComparativePropertyUpdatedOperation",
           {
               {"operationType", b.Enum({"COMPARATIVE_PROPERTY_UPDATED"}), kRequired},
               {"comparisonPropertyName", b.String(), kRequired, kPropertyRef},
               {"defaultComparisonValue", b.String(), kOptional},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicComparativeStringPropertyOperation",
           {
               {"operationType", b.Enum({"COMPARATIVE_STRING"}), kRequired},
               {"comparisonPropertyName", b.String(), kRequired, kPropertyRef},
               {"defaultComparisonValue", b.String(), kOptional},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicConstantFilter", {
                                       {"filterType", b.Enum({"CONSTANT"}), kRequired},
                                       {"shouldAccept", b.Bool(), kRequired},
                                       {"source", b.String(), kOptional},
                                   });
  b.Object("PublicCtaAnalyticsFilter", {
                                           {"filterType", b.Enum({"CTA"}), kRequired},
                                           {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
                                           {"ctaName", b.String(), kRequired},
                                           {"operator", b.String(), kRequired},
                                           {"pruningRefineBy", b.Union("RefineBy"), kOptional},
                                       });
  b.Object("PublicDatePoint", {
                                  {"timeType", b.Enum({"DATE"}), kRequired},
                                  {"day", b.Int32(1, 31), kRequired},
                                  {"hour", b.Int32(0, 23), kOptional},
                                  {"millisecond", b.Int32(0, 999), kOptional},
                                  {"minute", b.Int32(0, 59), kOptional},
                                  {"month", b.Int32(1, 12), kRequired},
                                  {"second", b.Int32(0, 59), kOptional},
                                  {"timezoneSource", b.String(), kOptional},
                                  {"year", b.Int32(), kRequired},
                                  {"zoneId", b.String(), kRequired},
                              });
  b.Object("PublicDatePropertyOperation", {
                                              {"operationType", b.Enum({"DATE"}), kRequired},
                                              {"day", b.Int32(), kRequired},
                                              {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
                                              {"month", b.String(), kRequired},
                                              {"operator", b.String(), kRequired},
                                              {"year", b.Int32(), kRequired},
                                          });
  b.Object("PublicDateTimePropertyOperation",
           {
               {"operationType", b.Enum({"DATETIME"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"requiresTimeZoneConversion", b.Bool(), kRequired},
               {"timestamp", b.Int64(), kRequired},
           });
  b.Object("PublicEmailEventFilter",
           {
               {"filterType", b.Enum({"EMAIL_EVENT"}), kRequired},
               {"appId", b.String(), kRequired},
               {"clickUrl", b.String(), kOptional},
               {"emailId", b.String(), kRequired},
               {"level", b.String(), kRequired},
               {"operator",
                b.Enum({"BOUNCED", "LINK_CLICKED", "MARKED_SPAM", "OPENED",
                        "OPENED_BUT_LINK_NOT_CLICKED", "OPENED_BUT_NOT_REPLIED", "RECEIVED",
                        "RECEIVED_BUT_NOT_OPENED", "REPLIED", "SENT", "SENT_BUT_LINK_NOT_CLICKED",
                        "SENT_BUT_NOT_RECEIVED", "UNSUBSCRIBED"}),
                kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicEmailSubscriptionFilter",
           {
               {"filterType", b.Enum({"EMAIL_SUBSCRIPTION"}), kRequired},
               {"acceptedStatuses", b.Array(b.String()), kRequired},
               {"subscriptionIds", b.Array(b.String()), kRequired},
               {"subscriptionType", b.String(), kOptional},
           });
  b.Object("PublicEnumerationPropertyOperation",
           {
               {"operationType", b.Enum({"ENUMERATION"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"values", b.Array(b.String()), kRequired},
           });
  b.Object("PublicEventAnalyticsFilter", {
                                             {"filterType", b.Enum({"EVENT"}), kRequired},
                                             {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
                                             {"eventId", b.String(), kRequired},
                                             {"operator", b.String(), kRequired},
                                             {"pruningRefineBy", b.Union("RefineBy"), kOptional},
                                         });
  b.Object("PublicEventFilterMetadata", {
                                            {"operation", b.Union("Operation"), kRequired},
                                            {"property", b.String(), kRequired, kPropertyRef},
                                        });
  b.Object("PublicFiscalQuarterReference",
           {
               {"referenceType", b.Enum({"FISCAL_QUARTER"}), kRequired},
               {"day", b.Int32(), kRequired},
               {"hour", b.Int32(), kOptional},
               {"millisecond", b.Int32(), kOptional},
               {"minute", b.Int32(), kOptional},
               {"month", b.Int32(), kRequired},
               {"second", b.Int32(), kOptional},
           });
  b.Object("PublicFiscalYearReference", {
                                            {"referenceType", b.Enum({"FISCAL_YEAR"}), kRequired},
                                            {"day", b.Int32(), kRequired},
                                            {"hour", b.Int32(), kOptional},
                                            {"millisecond", b.Int32(), kOptional},
                                            {"minute", b.Int32(), kOptional},
                                            {"month", b.Int32(), kRequired},
                                            {"second", b.Int32(), kOptional},
                                        });
  b.Object("PublicFormSubmissionFilter",
           {
               {"filterType", b.Enum({"FORM_SUBMISSION"}), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
               {"formId", b.String(), kOptional},
               {"operator", b.Enum({"FILLED_OUT", "NOT_FILLED_OUT"}), kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicFormSubmissionOnPageFilter",
           {
               {"filterType", b.Enum({"FORM_SUBMISSION_ON_PAGE"}), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
               {"formId", b.String(), kOptional},
               {"operator", b.Enum({"FILLED_OUT", "NOT_FILLED_OUT"}), kRequired},
               {"pageId", b.String(), kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicInListFilter", {
                                     {"filterType", b.Enum({"IN_LIST"}), kRequired},
                                     {"listId", b.String(), kRequired},
                                     {"metadata", b.Ref("PublicInListFilterMetadata"), kOptional},
                                     {"operator", b.String(), kRequired},
                                 });
  b.Object("PublicInListFilterMetadata", {
                                             {"id", b.String(), kRequired},
                                             {"inListType", b.String(), kRequired},
                                         });
  b.Object("PublicIndexOffset", {
                                    {"days", b.Int32(), kOptional},
                                    {"hours", b.Int32(), kOptional},
                                    {"milliseconds", b.Int32(), kOptional},
                                    {"minutes", b.Int32(), kOptional},
                                    {"months", b.Int32(), kOptional},
                                    {"quarters", b.Int32(), kOptional},
                                    {"seconds", b.Int32(), kOptional},
                                    {"weeks", b.Int32(), kOptional},
                                    {"years", b.Int32(), kOptional},
                                });
  b.Object("PublicIndexedTimePoint", {
                                         {"timeType", b.Enum({"INDEXED"}), kRequired},
                                         {"indexReference", b.Union("IndexReference"), kRequired},
                                         {"offset", b.Ref("PublicIndexOffset"), kOptional},
                                         {"timezoneSource", b.String(), kOptional},
                                         {"zoneId", b.String(), kRequired},
                                     });
  b.Object("PublicIntegrationEventFilter",
           {
               {"filterType", b.Enum({"INTEGRATION_EVENT"}), kRequired},
               {"eventTypeId", b.Int32(), kRequired},
               {"filterLines", b.Array(b.Ref("PublicEventFilterMetadata")), kRequired},
           });
  b.Object("PublicMonthReference", {
                                       {"referenceType", b.Enum({"MONTH"}), kRequired},
                                       {"day", b.Int32(), kRequired},
                                       {"hour", b.Int32(), kOptional},
                                       {"millisecond", b.Int32(), kOptional},
                                       {"minute", b.Int32(), kOptional},
                                       {"second", b.Int32(), kOptional},
                                   });
  b.Object("PublicMultiStringPropertyOperation",
           {
               {"operationType", b.Enum({"MULTISTRING"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"values", b.Array(b.String()), kRequired},
           });
  b.Object("PublicNotAllFilterBranch",
           {
               {"filterBranchType", b.Enum({"NOT_ALL"}), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
           });
  b.Object("PublicNotAnyFilterBranch",
           {
               {"filterBranchType", b.Enum({"NOT_ANY"}), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
           });
  b.Object("PublicNowReference", {
                                     {"referenceType", b.Enum({"NOW"}), kRequired},
                                     {"hour", b.Int32(), kOptional},
                                     {"millisecond", b.Int32(), kOptional},
                                     {"minute", b.Int32(), kOptional},
                                     {"second", b.Int32(), kOptional},
                                 });
  b.Object("PublicNumOccurrencesRefineBy", {
                                               {"type", b.Enum({"NUM_OCCURRENCES"}), kRequired},
                                               {"maxOccurrences", b.Int32(), kOptional},
                                               {"minOccurrences", b.Int32(), kOptional},
                                           });
  b.Object("PublicNumberPropertyOperation",
           {
               {"operationType", b.Enum({"NUMBER"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"value", b.Number(), kRequired},
           });
  b.Object("PublicOrFilterBranch",
           {
               {"filterBranchType", b.Enum({"OR"}), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
           });
  b.Object("PublicPageViewAnalyticsFilter",
           {
               {"filterType", b.Enum({"PAGE_VIEW"}), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
               {"enableTracking", b.Bool(), kOptional},
               {"operator", b.String(), kRequired},
               {"pageUrl", b.String(), kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicPrivacyAnalyticsFilter", {
                                               {"filterType", b.Enum({"PRIVACY"}), kRequired},
                                               {"operator", b.String(), kRequired},
                                               {"privacyName", b.String(), kRequired},
                                           });
  b.Object("PublicPropertyFilter", {
                                       {"filterType", b.Enum({"PROPERTY"}), kRequired},
                                       {"operation", b.Union("Operation"), kRequired},
                                       {"property", b.String(), kRequired, kPropertyRef},
                                   });
  b.Object("PublicPropertyReferencedTime",
           {
               {"timeType", b.Enum({"PROPERTY_REFERENCED"}), kRequired},
               {"property", b.String(), kRequired, kPropertyRef},
               {"referenceType", b.String(), kRequired},
               {"timezoneSource", b.String(), kOptional},
               {"zoneId", b.String(), kRequired},
           });
  b.Object("PublicQuarterReference", {
                                         {"referenceType", b.Enum({"QUARTER"}), kRequired},
                                         {"day", b.Int32(), kRequired},
                                         {"hour", b.Int32(), kOptional},
                                         {"millisecond", b.Int32(), kOptional},
                                         {"minute", b.Int32(), kOptional},
                                         {"month", b.Int32(), kRequired},
                                         {"second", b.Int32(), kOptional},
                                     });
  b.Object("PublicRangedDatePropertyOperation",
           {
               {"operationType", b.Enum({"RANGED_DATE"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"lowerBound", b.Int64(), kRequired},
               {"operator", b.String(), kRequired},
               {"requiresTimeZoneConversion", b.Bool(), kRequired},
               {"upperBound", b.Int64(), kRequired},
           });
  b.Object("PublicRangedNumberPropertyOperation",
           {
               {"operationType", b.Enum({"NUMBER_RANGED"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"lowerBound", b.Int64(), kRequired},
               {"operator", b.String(), kRequired},
               {"upperBound", b.Int64(), kRequired},
           });
  b.Object("PublicRangedTimeOperation",
           {
               {"type", b.Enum({"TIME_RANGED"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"lowerBoundEndpointBehavior", b.String(), kOptional},
               {"lowerBoundTimePoint", b.Union("TimePoint"), kRequired},
               {"operationType", b.String(), kRequired},
               {"operator", b.String(), kRequired},
               {"propertyParser", b.String(), kOptional},
               {"upperBoundEndpointBehavior", b.String(), kOptional},
               {"upperBoundTimePoint", b.Union("TimePoint"), kRequired},
           });
  b.Object("PublicRelativeComparativeTimestampRefineBy",
           {
               {"type", b.Enum({"RELATIVE_COMPARATIVE"}), kRequired},
               {"comparison", b.String(), kRequired},
               {"timeOffset", b.Ref("PublicTimeOffset"), kRequired},
           });
  b.Object("PublicRelativeRangedTimestampRefineBy",
           {
               {"type", b.Enum({"RELATIVE_RANGED"}), kRequired},
               {"lowerBoundOffset", b.Ref("PublicTimeOffset"), kRequired},
               {"rangeType", b.String(), kRequired},
               {"upperBoundOffset", b.Ref("PublicTimeOffset"), kRequired},
           });
  b.Object("PublicRestrictedFilterBranch",
           {
               {"filterBranchType", b.Enum({"RESTRICTED"}), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
           });
  b.Object("PublicRollingDateRangePropertyOperation",
           {
               {"operationType", b.Enum({"ROLLING_DATE_RANGE"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"numberOfDays", b.Int32(), kRequired},
               {"operator", b.String(), kRequired},
               {"requiresTimeZoneConversion", b.Bool(), kRequired},
           });
  b.Object("PublicRollingPropertyUpdatedOperation",
           {
               {"operationType", b.Enum({"ROLLING_PROPERTY_UPDATED"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"numberOfDays", b.Int32(), kRequired},
               {"operator", b.String(), kRequired},
           });
  b.Object("PublicSetOccurrencesRefineBy", {
                                               {"type", b.Enum({"SET_OCCURRENCES"}), kRequired},
                                               {"setType", b.String(), kRequired},
                                           });
  b.Object("PublicStringPropertyOperation",
           {
               {"operationType", b.Enum({"STRING"}), kRequired},
               {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
               {"operator", b.String(), kRequired},
               {"value", b.String(), kRequired},
           });
  b.Object("PublicSurveyMonkeyFilter", {
                                           {"filterType", b.Enum({"SURVEY_MONKEY"}), kRequired},
                                           {"operator", b.String(), kRequired},
                                           {"surveyId", b.String(), kRequired},
                                       });
  b.Object("PublicSurveyMonkeyValueFilter",
           {
               {"filterType", b.Enum({"SURVEY_MONKEY_VALUE"}), kRequired},
               {"operator", b.String(), kRequired},
               {"surveyAnswerColId", b.String(), kOptional},
               {"surveyAnswerRowId", b.String(), kOptional},
               {"surveyId", b.String(), kRequired},
               {"surveyQuestion", b.String(), kRequired},
               {"valueComparison", b.Union("Operation"), kRequired},
           });
  b.Object("PublicTimeOffset", {
                                   {"amount", b.Int64(), kRequired},
                                   {"offsetDirection", b.String(), kRequired},
                                   {"timeUnit", b.String(), kRequired},
                               });
  b.Object("PublicTimePointOperation", {
                                           {"operationType", b.Enum({"TIME_POINT"}), kRequired},
                                           {"endpointBehavior", b.String(), kOptional},
                                           {"includeObjectsWithNoValueSet", b.Bool(), kRequired},
                                           {"operator", b.String(), kRequired},
                                           {"propertyParser", b.String(), kOptional},
                                           {"timePoint", b.Union("TimePoint"), kRequired},
                                           {"type", b.String(), kRequired},
                                       });
  b.Object("PublicTodayReference", {
                                       {"referenceType", b.Enum({"TODAY"}), kRequired},
                                       {"hour", b.Int32(), kOptional},
                                       {"millisecond", b.Int32(), kOptional},
                                       {"minute", b.Int32(), kOptional},
                                       {"second", b.Int32(), kOptional},
                                   });
  b.Object("PublicUnifiedEventsFilter",
           {
               {"filterType", b.Enum({"UNIFIED_EVENTS"}), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
               {"eventTypeId", b.String(), kOptional},
               {"filterLines", b.Array(b.Ref("PublicEventFilterMetadata")), kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicUnifiedEventsFilterBranch",
           {
               {"filterBranchType", b.Enum({"UNIFIED_EVENTS"}), kRequired},
               {"coalescingRefineBy", b.Union("RefineBy"), kOptional},
               {"eventTypeId", b.String(), kRequired},
               {"filterBranchOperator", b.String(), kRequired},
               {"filterBranches", b.Array(b.Union("FilterBranch")), kRequired},
               {"filters", b.Array(b.Union("Filter")), kRequired},
               {"operator", b.Enum({"HAS_COMPLETED", "HAS_NOT_COMPLETED"}), kRequired},
               {"pruningRefineBy", b.Union("RefineBy"), kOptional},
           });
  b.Object("PublicWebinarFilter", {
                                      {"filterType", b.Enum({"WEBINAR"}), kRequired},
                                      {"operator", b.String(), kRequired},
                                      {"webinarId", b.String(), kOptional},
                                  });
  b.Object(
      "PublicWeekReference",
      {
          {"referenceType", b.Enum({"WEEK"}), kRequired},
          {"dayOfWeek",
           b.Enum({"FRIDAY", "MONDAY", "SATURDAY", "SUNDAY", "THURSDAY", "TUESDAY", "WEDNESDAY"}),
           kRequired},
          {"hour", b.Int32(), kOptional},
          {"millisecond", b.Int32(), kOptional},
          {"minute", b.Int32(), kOptional},
          {"second", b.Int32(), kOptional},
      });
  b.Object("PublicYearReference", {
                                      {"referenceType", b.Enum({"YEAR"}), kRequired},
                                      {"day", b.Int32(), kRequired},
                                      {"hour", b.Int32(), kOptional},
                                      {"millisecond", b.Int32(), kOptional},
                                      {"minute", b.Int32(), kOptional},
                                      {"month", b.Int32(), kRequired},
                                      {"second", b.Int32(), kOptional},
                                  });
}

}  // namespace flowd::model::internal
