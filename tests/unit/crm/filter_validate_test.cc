// Validation: what flowd refuses (data it does not hold, unknown properties, operators that do
// not fit), every problem listed with its JSON path; and the dependencies of a filter.
#include <gtest/gtest.h>

#include <algorithm>

#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

std::string Str(const std::string& property, const std::string& op = "IS_EQUAL_TO") {
  return PropertyFilter(property, R"({"operationType":"STRING","operator":")" + op +
                                      R"(","includeObjectsWithNoValueSet":false,"value":"x"})");
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override { AddContactProperties(ctx_); }
  // The single problem of `json` (fails unless there is exactly one).
  ErrorDetail One(const std::string& json) {
    auto p = Problems(ctx_, json);
    EXPECT_EQ(p.size(), 1u) << json;
    if (p.size() != 1) {
      for (const auto& e : p) ADD_FAILURE() << "  " << e.in << ": " << e.message;
    }
    return p.empty() ? ErrorDetail{} : p[0];
  }
  FakeContext ctx_;
};

TEST_F(ValidateTest, AcceptsTheSupportedModel) {
  EXPECT_TRUE(Problems(ctx_, Root(Str("firstname"))).empty());
  EXPECT_TRUE(Problems(ctx_, Root(R"({"filterType":"CONSTANT","shouldAccept":true})")).empty());
  EXPECT_TRUE(Problems(ctx_, Root(R"({"filterType":"IN_LIST","listId":"12","operator":"IN_LIST"})"))
                  .empty());
  EXPECT_TRUE(
      Problems(ctx_,
               Root(R"({"filterType":"FORM_SUBMISSION","operator":"FILLED_OUT","formId":"f"})"))
          .empty());
}

TEST_F(ValidateTest, RefusesEveryFilterTypeWhoseDataFlowdDoesNotHold) {
  const std::vector<std::pair<std::string, std::string>> kRefused = {
      {"PAGE_VIEW", R"("pageUrl":"https://x","operator":"HAS_PAGEVIEW_EQ")"},
      {"CTA", R"("ctaName":"c","operator":"HAS_CLICKED_CTA")"},
      {"EMAIL_EVENT", R"("appId":"1","emailId":"2","level":"x","operator":"OPENED")"},
      {"EMAIL_SUBSCRIPTION", R"("subscriptionIds":["1"],"acceptedStatuses":["x"])"},
      {"COMMUNICATION_SUBSCRIPTION",
       R"("subscriptionIds":["1"],"acceptedOptStates":["x"],"channel":"EMAIL","subscriptionType":"x")"},
      {"SURVEY_MONKEY", R"("surveyId":"1","operator":"HAS_RESPONDED_TO_SURVEY")"},
      {"SURVEY_MONKEY_VALUE",
       R"("surveyId":"1","surveyQuestion":"q","operator":"x","valueComparison":{})"},
      {"WEBINAR", R"("operator":"HAS_WEBINAR_REGISTRATION")"},
      {"PRIVACY", R"("privacyName":"p","operator":"PRIVACY_CONSENT_GRANTED")"},
      {"ADS_SEARCH",
       R"("adNetwork":"LINKEDIN","entityType":"AD","operator":"CONTAINS","searchTermType":"ID","searchTerms":["x"])"},
      {"ADS_TIME", R"("pruningRefineBy":{"type":"ALL_HISTORY"})"},
      {"INTEGRATION_EVENT", R"("eventTypeId":5,"filterLines":[])"},
      {"FORM_SUBMISSION_ON_PAGE", R"("operator":"FILLED_OUT","pageId":"1")"},
  };
  for (const auto& [type, fields] : kRefused) {
    const ErrorDetail e = One(Root(R"({"filterType":")" + type + "\"," + fields + "}"));
    EXPECT_EQ(e.code, "UNSUPPORTED_FILTER_TYPE") << type;
    EXPECT_NE(e.message.find(type), std::string::npos) << e.message;
    EXPECT_EQ(e.in, "filterBranch.filterBranches[0].filters[0].filterType");
  }
}

TEST_F(ValidateTest, RefusesRestrictedBranchesAndEventTypesFlowdDoesNotRecord) {
  ErrorDetail e = One(
      R"({"filterBranchType":"RESTRICTED","filterBranchOperator":"AND","filters":[],"filterBranches":[]})");
  EXPECT_EQ(e.code, "UNSUPPORTED_FILTER_BRANCH_TYPE");
  EXPECT_NE(e.message.find("RESTRICTED"), std::string::npos);
  e = One(
      R"({"filterBranchType":"AND","filters":[],"filterBranches":[{"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":"4-666440","operator":"HAS_COMPLETED","filters":[],"filterBranches":[]}]})");
  EXPECT_EQ(e.code, "UNSUPPORTED_EVENT_TYPE");
  EXPECT_NE(e.message.find("4-666440"), std::string::npos);
  EXPECT_EQ(e.in, "filterBranch.filterBranches[0].eventTypeId");
  // flowd's internal bookkeeping events (archives, list membership changes) are not events a
  // filter can read.
  for (const char* internal : {"flowd.list_membership_changed", "flowd.object_archived"}) {
    e = One(
        R"({"filterBranchType":"AND","filters":[],"filterBranches":[{"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":")" +
        std::string(internal) +
        R"(","operator":"HAS_COMPLETED","filters":[],"filterBranches":[]}]})");
    EXPECT_EQ(e.code, "UNSUPPORTED_EVENT_TYPE") << internal;
    EXPECT_NE(e.message.find("internal"), std::string::npos) << e.message;
  }
  e = One(Root(
      R"({"filterType":"IN_LIST","listId":"3","operator":"IN_LIST","metadata":{"id":"9","inListType":"WORKFLOWS_ENROLLMENT"}})"));
  EXPECT_EQ(e.code, "UNSUPPORTED_FILTER");
  EXPECT_NE(e.message.find("WORKFLOWS_ENROLLMENT"), std::string::npos);
}

TEST_F(ValidateTest, ListsEveryProblemWithItsPath) {
  const std::string json = Root(
      Str("nope") + "," + R"({"filterType":"CTA","ctaName":"c","operator":"x"})" + "," +
      PropertyFilter(
          "age",
          R"({"operationType":"NUMBER","operator":"CONTAINS","includeObjectsWithNoValueSet":false,"value":1})") +
      "," +
      PropertyFilter(
          "firstname",
          R"({"operationType":"NUMBER","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":1})"));
  auto p = Problems(ctx_, json);
  ASSERT_EQ(p.size(), 4u);
  const std::string base = "filterBranch.filterBranches[0].filters";
  EXPECT_EQ(p[0].in, base + "[0].property");
  EXPECT_EQ(p[0].code, "UNKNOWN_PROPERTY");
  EXPECT_NE(p[0].message.find("0-1"), std::string::npos);
  EXPECT_EQ(p[1].in, base + "[1].filterType");
  EXPECT_EQ(p[2].in, base + "[2].operation.operator");
  EXPECT_EQ(p[2].code, "INVALID_OPERATOR");
  EXPECT_NE(p[2].message.find("IS_GREATER_THAN"), std::string::npos);  // lists the valid ones
  EXPECT_EQ(p[3].in, base + "[3].operation.operationType");
  EXPECT_EQ(p[3].code, "OPERATION_TYPE_MISMATCH");
  // The error as a whole.
  auto s = ValidateFilterBranch(Json(json), "0-1", *ctx_.Properties("0-1").value());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("4 problems"), std::string::npos);
}

TEST_F(ValidateTest, OperationTypesMustFitPropertyTypes) {
  struct C {
    std::string property, operation;
  };
  const std::vector<C> mismatches = {
      {"firstname",
       R"({"operationType":"BOOL","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":true})"},
      {"age",
       R"({"operationType":"STRING","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":"1"})"},
      {"stage",
       R"({"operationType":"MULTISTRING","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"values":["lead"]})"},
      {"firstname",
       R"({"operationType":"ENUMERATION","operator":"IS_ANY_OF","includeObjectsWithNoValueSet":false,"values":["x"]})"},
      {"lastseen",
       R"({"operationType":"NUMBER_RANGED","operator":"IS_BETWEEN","includeObjectsWithNoValueSet":false,"lowerBound":1,"upperBound":2})"},
      {"age",
       R"({"operationType":"DATETIME","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timestamp":1,"requiresTimeZoneConversion":false})"},
      {"firstname",
       R"({"operationType":"ROLLING_DATE_RANGE","operator":"IS_LESS_THAN_X_DAYS_AGO","includeObjectsWithNoValueSet":false,"numberOfDays":1,"requiresTimeZoneConversion":false})"},
      {"firstname",
       R"({"operationType":"CALENDAR_DATE","operator":"IN_THIS_TIME_UNIT","includeObjectsWithNoValueSet":false,"timeUnit":"DAY"})"},
      {"age",
       R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"NOW"}}})"},
  };
  for (const C& c : mismatches) {
    const ErrorDetail e = One(Root(PropertyFilter(c.property, c.operation)));
    EXPECT_EQ(e.code, "OPERATION_TYPE_MISMATCH") << c.operation;
    EXPECT_NE(e.message.find(c.property), std::string::npos);
  }
  // UPDATED_AT reads the update time, which every property has.
  EXPECT_TRUE(
      Problems(
          ctx_,
          Root(PropertyFilter(
              "age",
              R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"propertyParser":"UPDATED_AT","timePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"NOW"}}})")))
          .empty());
}

TEST_F(ValidateTest, ValuesAndFields) {
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "stage",
              R"({"operationType":"ENUMERATION","operator":"IS_ANY_OF","includeObjectsWithNoValueSet":false,"values":["lead","bogus"]})")))
          .code,
      "INVALID_OPTION");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "stage",
              R"({"operationType":"ENUMERATION","operator":"IS_ANY_OF","includeObjectsWithNoValueSet":false,"values":[]})")))
          .in,
      "filterBranch.filterBranches[0].filters[0].operation.values");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "birthday",
              R"({"operationType":"DATE","operator":"EQUAL","includeObjectsWithNoValueSet":false,"year":2023,"month":"FEB","day":29})")))
          .code,
      "INVALID_VALUE");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "birthday",
              R"({"operationType":"DATE","operator":"EQUAL","includeObjectsWithNoValueSet":false,"year":2023,"month":"SMARCH","day":2})")))
          .in,
      "filterBranch.filterBranches[0].filters[0].operation.month");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "age",
              R"({"operationType":"NUMBER_RANGED","operator":"IS_BETWEEN","includeObjectsWithNoValueSet":false,"lowerBound":5,"upperBound":2})")))
          .code,
      "INVALID_VALUE");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "age",
              R"({"operationType":"NUMBER","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false})")))
          .code,
      "REQUIRED_FIELD");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "age",
              R"({"operationType":"NUMBER","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":"3"})")))
          .code,
      "INVALID_TYPE");
  EXPECT_EQ(
      One(Root(PropertyFilter("age", R"({"operationType":"PERCENT","operator":"IS_EQUAL_TO"})")))
          .in,
      "filterBranch.filterBranches[0].filters[0].operation.operationType");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "secret",
              R"({"operationType":"ALL_PROPERTY","operator":"IS_KNOWN","includeObjectsWithNoValueSet":false})")))
          .code,
      "HIGHLY_SENSITIVE_PROPERTY");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "lastseen",
              R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"INDEXED","zoneId":"Mars/Olympus","indexReference":{"referenceType":"NOW"}}})")))
          .in,
      "filterBranch.filterBranches[0].filters[0].operation.timePoint.zoneId");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "lastseen",
              R"({"operationType":"COMPARATIVE_DATE","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"comparisonPropertyName":"firstname"})")))
          .code,
      "OPERATION_TYPE_MISMATCH");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "lastseen",
              R"({"operationType":"COMPARATIVE_DATE","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"comparisonPropertyName":"ghost"})")))
          .code,
      "UNKNOWN_PROPERTY");
  EXPECT_EQ(
      One(Root(PropertyFilter(
              "lastseen",
              R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"PROPERTY_REFERENCED","zoneId":"UTC","property":"age","referenceType":"VALUE"}})")))
          .code,
      "OPERATION_TYPE_MISMATCH");
}

TEST_F(ValidateTest, EventScopes) {
  // Only PROPERTY filters inside a UNIFIED_EVENTS branch, no nested event branches, no history.
  auto UE = [](const std::string& filters, const std::string& branches = "") {
    return R"({"filterBranchType":"AND","filters":[],"filterBranches":[{"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":"pe1_x","operator":"HAS_COMPLETED","filters":[)" +
           filters + R"(],"filterBranches":[)" + branches + "]}]}";
  };
  EXPECT_TRUE(Problems(ctx_, UE(Str("any_event_property"))).empty());
  EXPECT_EQ(One(UE(R"({"filterType":"IN_LIST","listId":"1","operator":"IN_LIST"})")).in,
            "filterBranch.filterBranches[0].filters[0].filterType");
  EXPECT_EQ(
      One(UE("",
             R"({"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":"pe1_y","operator":"HAS_COMPLETED","filters":[],"filterBranches":[]})"))
          .in,
      "filterBranch.filterBranches[0].filterBranches[0].filterBranchType");
  EXPECT_EQ(One(UE(Str("p", "HAS_EVER_BEEN_EQUAL_TO"))).code, "INVALID_VALUE");
  // UNIFIED_EVENTS filters need their event type.
  EXPECT_EQ(One(Root(R"({"filterType":"UNIFIED_EVENTS","filterLines":[]})")).in,
            "filterBranch.filterBranches[0].filters[0].eventTypeId");
  // Refine-bys.
  EXPECT_EQ(
      One(Root(
              R"({"filterType":"FORM_SUBMISSION","operator":"FILLED_OUT","coalescingRefineBy":{"type":"SET_OCCURRENCES","setType":"ALL"}})"))
          .code,
      "UNSUPPORTED_FILTER");
  EXPECT_EQ(
      One(Root(
              R"({"filterType":"ASSOCIATION","listId":"1","operator":"IN_LIST","associationTypeId":1,"associationCategory":"HUBSPOT_DEFINED","coalescingRefineBy":{"type":"ABSOLUTE_COMPARATIVE","comparison":"AFTER","timestamp":1}})"))
          .code,
      "UNSUPPORTED_FILTER");
  EXPECT_EQ(
      One(Root(
              R"({"filterType":"FORM_SUBMISSION","operator":"FILLED_OUT","coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":3,"maxOccurrences":2}})"))
          .code,
      "INVALID_VALUE");
  EXPECT_EQ(
      One(Root(
              R"({"filterType":"FORM_SUBMISSION","operator":"FILLED_OUT","pruningRefineBy":{"type":"RELATIVE_COMPARATIVE","comparison":"AFTER","timeOffset":{"amount":1,"offsetDirection":"SIDEWAYS","timeUnit":"DAYS"}}})"))
          .in,
      "filterBranch.filterBranches[0].filters[0].pruningRefineBy.timeOffset.offsetDirection");
}

TEST_F(ValidateTest, AssociationBranchesCheckTheTargetsProperties) {
  auto A = [](const std::string& type, const std::string& filters) {
    return R"({"filterBranchType":"AND","filters":[],"filterBranches":[{"filterBranchType":"ASSOCIATION","filterBranchOperator":"AND","objectTypeId":")" +
           type +
           R"(","associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filters":[)" +
           filters + R"(],"filterBranches":[]}]})";
  };
  EXPECT_TRUE(Problems(ctx_, A("0-2", Str("name"))).empty());
  const ErrorDetail e = One(A("0-2", Str("firstname")));
  EXPECT_EQ(e.code, "UNKNOWN_PROPERTY");
  EXPECT_NE(e.message.find("0-2"), std::string::npos);
  EXPECT_EQ(One(A("companies", Str("name"))).in, "filterBranch.filterBranches[0].objectTypeId");
}

TEST_F(ValidateTest, MalformedInputIsReportedNotCrashed) {
  for (
      const char* json :
      {"null", "[]", "3", R"({})", R"({"filterBranchType":7})", R"({"filterBranchType":"XOR"})",
       R"({"filterBranchType":"AND","filters":{},"filterBranches":3})",
       R"({"filterBranchType":"AND","filters":[1,"x",null],"filterBranches":[[]]})",
       R"({"filterBranchType":"AND","filters":[{"filterType":"PROPERTY"}]})",
       R"({"filterBranchType":"AND","filters":[{"filterType":"PROPERTY","property":"age","operation":[]}]})"}) {
    EXPECT_FALSE(Problems(ctx_, json).empty()) << json;
    auto r = Evaluate(Json(json), RecordRef{"0-1", 1}, ctx_);
    EXPECT_FALSE(r.ok()) << json;
  }
  // Nesting beyond the limit.
  std::string deep = R"({"filterBranchType":"AND","filters":[],"filterBranches":[]})";
  for (int i = 0; i < 20; ++i) {
    deep = R"({"filterBranchType":"AND","filters":[],"filterBranches":[)" + deep + "]}";
  }
  EXPECT_EQ(Problems(ctx_, deep).at(0).code, "LIMIT_EXCEEDED");
}

TEST_F(ValidateTest, EvaluateRefusesWhatDoesNotValidate) {
  ctx_.Set("0-1", 1, "firstname", "x");
  auto r = Evaluate(Json(Root(R"({"filterType":"PAGE_VIEW","pageUrl":"u","operator":"x"})")),
                    RecordRef{"0-1", 1}, ctx_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("PAGE_VIEW"), std::string::npos);
}

TEST(DependenciesTest, ListsWhatAFilterReads) {
  const std::string json = R"({"filterBranchType":"OR","filters":[],"filterBranches":[
    {"filterBranchType":"AND","filters":[
      {"filterType":"PROPERTY","property":"email","operation":{"operationType":"ALL_PROPERTY","operator":"IS_KNOWN","includeObjectsWithNoValueSet":false}},
      {"filterType":"PROPERTY","property":"lastseen","operation":{"operationType":"COMPARATIVE_DATE","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"comparisonPropertyName":"createdate"}},
      {"filterType":"IN_LIST","listId":"12","operator":"NOT_IN_LIST"},
      {"filterType":"FORM_SUBMISSION","operator":"FILLED_OUT"},
      {"filterType":"ASSOCIATION","listId":"40","operator":"IN_LIST","associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","coalescingRefineBy":{"type":"ALL_HISTORY"},"toObjectTypeId":"0-2"}
    ],"filterBranches":[
      {"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":"pe1_click","operator":"HAS_COMPLETED","filters":[
        {"filterType":"PROPERTY","property":"button","operation":{"operationType":"STRING","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":"x"}}],"filterBranches":[]},
      {"filterBranchType":"ASSOCIATION","filterBranchOperator":"AND","objectTypeId":"0-3","associationTypeId":4,"associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filters":[
        {"filterType":"PROPERTY","property":"amount","operation":{"operationType":"NUMBER","operator":"IS_GREATER_THAN","includeObjectsWithNoValueSet":false,"value":5}}],"filterBranches":[]}
    ]}]})";
  auto deps = DependenciesOf(Json(json), "0-1");
  ASSERT_TRUE(deps.ok()) << deps.error().message;
  EXPECT_EQ(deps->properties, (std::set<std::string>{"email", "lastseen", "createdate"}));
  EXPECT_EQ(deps->list_ids, (std::set<std::string>{"12"}));
  EXPECT_EQ(deps->event_type_ids, (std::set<std::string>{"4-1639801", "pe1_click"}));
  ASSERT_EQ(deps->associations.size(), 2u);
  EXPECT_EQ(deps->associations[0].object_type_id, "0-2");
  EXPECT_EQ(deps->associations[0].reads.list_ids, (std::set<std::string>{"40"}));
  EXPECT_EQ(deps->associations[1].object_type_id, "0-3");
  EXPECT_EQ(deps->associations[1].type_id, 4);
  EXPECT_EQ(deps->associations[1].reads.properties, (std::set<std::string>{"amount"}));
  EXPECT_FALSE(deps->time_dependent);
}

TEST(DependenciesTest, TimeDependence) {
  auto dep = [](const std::string& operation) {
    return DependenciesOf(Json(Root(PropertyFilter("d", operation))), "0-1").value();
  };
  EXPECT_TRUE(
      dep(R"({"operationType":"ROLLING_DATE_RANGE","operator":"IS_LESS_THAN_X_DAYS_AGO","includeObjectsWithNoValueSet":false,"numberOfDays":3,"requiresTimeZoneConversion":false})")
          .time_dependent);
  EXPECT_TRUE(
      dep(R"({"operationType":"CALENDAR_DATE","operator":"IN_THIS_TIME_UNIT","includeObjectsWithNoValueSet":false,"timeUnit":"WEEK"})")
          .time_dependent);
  EXPECT_TRUE(
      dep(R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"TODAY"}}})")
          .time_dependent);
  EXPECT_FALSE(
      dep(R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"DATE","zoneId":"UTC","year":2024,"month":1,"day":1}})")
          .time_dependent);
  const auto referenced = dep(
      R"({"operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"PROPERTY_REFERENCED","zoneId":"UTC","property":"other","referenceType":"VALUE"}})");
  EXPECT_EQ(referenced.properties, (std::set<std::string>{"d", "other"}));
  EXPECT_FALSE(
      dep(R"({"operationType":"DATETIME","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timestamp":1,"requiresTimeZoneConversion":false})")
          .time_dependent);
}

}  // namespace
}  // namespace flowd::crm::filter::testing
