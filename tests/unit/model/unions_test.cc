// Every tagged union of the spec decodes by its tag: a minimal instance of every variant is
// generated from the schema data and must pass unchanged; hand-written bodies of the reference
// examples cover the real shapes.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "model/flow_schema.h"
#include "model/schema.h"
#include "test_util.h"

namespace flowd::model {
namespace {
namespace json = boost::json;
using schema::Kind;
using testing::Create;
using testing::J;
using testing::MinimalCreate;

json::value Minimal(const schema::Type& t, int depth);

json::object MinimalObject(const schema::ObjectSchema& s, int depth) {
  json::object o;
  for (const schema::Field& f : s.fields) {
    if (f.presence == schema::kRequired) o[f.name] = Minimal(*f.type, depth + 1);
  }
  return o;
}

json::object MinimalVariant(const schema::UnionRule& r, int depth) {
  json::object o = MinimalObject(*r.schema, depth);
  o[r.field] = r.value;
  return o;
}

json::value Minimal(const schema::Type& t, int depth) {
  switch (t.kind) {
    case Kind::kString:
      return "x";
    case Kind::kBool:
      return true;
    case Kind::kInt32:
    case Kind::kInt64:
      return t.min > 0 ? t.min : 1;
    case Kind::kNumber:
      return 1.5;
    case Kind::kEnum:
      return json::value(t.values.front());
    case Kind::kObject:
      return MinimalObject(*t.object, depth);
    case Kind::kUnion:
      return MinimalVariant(t.union_schema->rules.front(), depth);
    case Kind::kArray:
      return json::array();
    case Kind::kMap:
      return json::object();
    case Kind::kAny:
    case Kind::kAnyObject:
      return json::object{{"any", 1}};
  }
  return nullptr;
}

TEST(Unions, RegistryIsComplete) {
  const auto& reg = *GetFlowSchemas().registry;
  EXPECT_TRUE(reg.Undefined().empty()) << reg.Undefined().front();
  std::vector<std::string> names;
  for (const auto* u : reg.Unions()) names.push_back(u->name);
  for (const char* n :
       {"Action", "InputValue", "FilterBranch", "Filter", "Operation", "TimePoint",
        "IndexReference", "RefineBy", "EnrollmentCriteria", "EnrollmentSchedule", "DataSource",
        "EventAnchor", "WebhookAuthSettings", "OutputField", "TimeZoneStrategy"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

TEST(Unions, EveryVariantOfEveryUnionDecodesByItsTag) {
  const auto& reg = *GetFlowSchemas().registry;
  int variants = 0;
  for (const auto* u : reg.Unions()) {
    schema::Type t;
    t.kind = Kind::kUnion;
    t.union_schema = u;
    for (const auto& rule : u->rules) {
      json::value in = MinimalVariant(rule, 0);
      FlowLimits lim;
      schema::Context ctx(lim);
      schema::Path path;
      json::value out = schema::Walk(t, in, path, ctx);
      EXPECT_TRUE(ctx.errors().empty()) << u->name << "/" << rule.value << ": "
                                        << ctx.errors()[0].in << " " << ctx.errors()[0].message;
      EXPECT_EQ(out, in) << u->name << "/" << rule.value;
      ++variants;
    }
  }
  EXPECT_GT(variants, 100);
}

TEST(Unions, UnknownTagAndMissingTag) {
  json::object b = MinimalCreate();
  b["enrollmentCriteria"] = J(R"({"type":"PROPERTY_BASED","shouldReEnroll":false})");
  b["enrollmentSchedule"] = J(R"({"timeOfDay":{"hour":1,"minute":1}})");
  b["eventAnchor"] = J(R"({"type":7})");
  b["goalFilterBranch"] = J(R"({"filterBranchType":"OR","filterBranchOperator":"OR",
    "filterBranches":[],"filters":[{"filterType":"CAMPAIGN_INFLUENCED"}]})");
  auto r = Create(b);
  EXPECT_DETAIL(r, "enrollmentCriteria.type", "UNKNOWN_TYPE");
  EXPECT_DETAIL(r, "enrollmentSchedule.type", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "eventAnchor.type", "INVALID_TYPE");
  EXPECT_DETAIL(r, "goalFilterBranch.filters[0].filterType", "UNKNOWN_TYPE");
  const ErrorDetail* d = testing::FindDetail(r.error(), "enrollmentCriteria.type");
  EXPECT_EQ(d->context.at("allowedValues"),
            (std::vector<std::string>{"LIST_BASED", "EVENT_BASED", "MANUAL", "DATASET"}));
}

TEST(Unions, RequiredFieldsOfAVariant) {
  json::object b = MinimalCreate();
  b["goalFilterBranch"] = J(R"({"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND",
    "filterBranches":[],"filters":[{"filterType":"PROPERTY","property":"email"}]})");
  auto r = Create(b);
  EXPECT_DETAIL(r, "goalFilterBranch.eventTypeId", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "goalFilterBranch.operator", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "goalFilterBranch.filters[0].operation", "REQUIRED_FIELD");
}

TEST(Unions, TimeRangedOperationUsesTypeTag) {
  json::object b = MinimalCreate();
  b["goalFilterBranch"] = J(R"({"filterBranchType":"AND","filterBranchOperator":"AND",
    "filterBranches":[],"filters":[
     {"filterType":"PROPERTY","property":"createdate","operation":{
       "operationType":"TIME_RANGED","type":"TIME_RANGED","operator":"IS_BETWEEN",
       "includeObjectsWithNoValueSet":false,"lowerBoundEndpointBehavior":"INCLUSIVE",
       "lowerBoundTimePoint":{"timeType":"INDEXED","zoneId":"UTC",
          "indexReference":{"referenceType":"TODAY"},"offset":{"days":-7}},
       "upperBoundTimePoint":{"timeType":"PROPERTY_REFERENCED","zoneId":"UTC",
          "property":"closedate","referenceType":"VALUE"}}},
     {"filterType":"PROPERTY","property":"closedate","operation":{
       "operationType":"TIME_POINT","type":"TIME_POINT","operator":"IS_AFTER",
       "includeObjectsWithNoValueSet":false,
       "timePoint":{"timeType":"DATE","zoneId":"UTC","year":2024,"month":13,"day":1}}},
     {"filterType":"PAGE_VIEW","pageUrl":"https://x","operator":"HAS_PAGEVIEW_EQ",
      "coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":2},
      "pruningRefineBy":{"type":"RELATIVE_RANGED","rangeType":"BETWEEN",
        "lowerBoundOffset":{"amount":1,"offsetDirection":"PAST","timeUnit":"DAYS"},
        "upperBoundOffset":{"amount":0,"offsetDirection":"PAST","timeUnit":"DAYS"}}}]})");
  auto r = Create(b);
  EXPECT_DETAIL(r, "goalFilterBranch.filters[1].operation.timePoint.month", "OUT_OF_RANGE");
  EXPECT_EQ(r.error().details.size(), 1u) << testing::Dump(r.error());
  EXPECT_FALSE(testing::FindDetail(r.error(), "goalFilterBranch.filters[0].operation"));
}

// Reference §4.7 shapes, all in one flow.
TEST(Unions, ReferenceActionExamples) {
  json::object b = MinimalCreate();
  b["startActionId"] = "1";
  b["actions"] = J(R"([
  { "type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
    "connection": { "edgeType": "STANDARD", "nextActionId": "2" },
    "fields": { "delta": "1440", "time_unit": "MINUTES" } },
  { "type": "LIST_BRANCH", "actionId": "2",
    "listBranches": [ {
      "branchName": "Has email",
      "filterBranch": { "filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
        "filterBranches": [ { "filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [],
          "filters": [ { "filterType": "PROPERTY", "property": "email",
            "operation": { "operationType": "ALL_PROPERTY", "operator": "IS_KNOWN",
                           "includeObjectsWithNoValueSet": false } } ] } ] },
      "connection": { "edgeType": "STANDARD", "nextActionId": "3" } } ],
    "defaultBranchName": "None matched",
    "defaultBranch": { "edgeType": "GOTO", "nextActionId": "4" } },
  { "type": "STATIC_BRANCH", "actionId": "3",
    "inputValue": { "type": "FIELD_DATA", "actionId": "2", "dataKey": "hs_execution_state" },
    "staticBranches": [
      { "branchValue": "SUCCESS", "connection": { "edgeType": "STANDARD", "nextActionId": "4" } },
      { "branchValue": "FAILURE", "connection": { "edgeType": "STANDARD", "nextActionId": "5" } } ],
    "defaultBranchName": "Other",
    "defaultBranch": { "edgeType": "STANDARD", "nextActionId": "6" } },
  { "type": "AB_TEST_BRANCH", "actionId": "4",
    "testBranches": [ { "percentage": 50, "connection": { "edgeType": "STANDARD", "nextActionId": "5" } },
                      { "percentage": 50, "connection": { "edgeType": "STANDARD", "nextActionId": "6" } } ] },
  { "type": "CUSTOM_CODE", "actionId": "5", "runtime": "NODE20X",
    "sourceCode": "exports.main = async (event, callback) => { callback({ outputFields: { tier: 'gold' } }); };",
    "secretNames": [],
    "inputFields": [ { "name": "email", "value": { "type": "OBJECT_PROPERTY", "propertyName": "email" } } ],
    "outputFields": [ { "type": "ENUMERATION", "name": "tier", "options": ["gold", "silver"] },
                      { "type": "STRING", "name": "note" } ],
    "connection": { "edgeType": "STANDARD", "nextActionId": "6" } },
  { "type": "WEBHOOK", "actionId": "6", "method": "POST", "webhookUrl": "https://example.com/hook",
    "queryParams": [ { "name": "id", "value": { "type": "OBJECT_PROPERTY", "propertyName": "hs_object_id" } },
                     { "name": "when", "value": { "type": "RELATIVE_DATETIME", "timeDelay": {
                        "delta": 1, "timeUnit": "DAYS", "daysOfWeek": ["MONDAY"],
                        "timeOfDay": {"hour": 9, "minute": 0},
                        "timeZoneStrategy": {"type": "STATIC_TIME_ZONE", "timeZoneId": "Europe/Paris"}}}},
                     { "name": "list", "value": { "type": "LIST", "values": [
                        {"type": "STATIC_VALUE", "staticValue": "a"}, {"type": "INCREMENT", "incrementAmount": 2.5},
                        {"type": "MAP", "values": {"k": {"type": "TIMESTAMP", "timestampType": "EXECUTION_TIME"}}}]}} ],
    "authSettings": { "type": "AUTH_KEY", "location": "HEADER", "name": "X-Api-Key", "secretName": "MY_SECRET" } }
  ])");
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_TRUE(r->referenced_properties.count("email"));
  EXPECT_TRUE(r->referenced_properties.count("hs_object_id"));
  EXPECT_EQ(r->content.at("nextAvailableActionId"), "7");
  EXPECT_EQ(r->content.at("actions").as_array()[4].at("outputFields").as_array().size(), 2u);
}

TEST(Unions, EnrollmentAndSchedulesAndAnchorsAndDataSources) {
  json::object b = MinimalCreate();
  b["enrollmentCriteria"] = J(R"({"type":"MANUAL","shouldReEnroll":true})");
  b["enrollmentSchedule"] = J(R"({"type":"PROPERTY_BASED","dateProperty":"renewal_date",
    "daysDelta":-3,"yearly":true,"timeOfDay":{"hour":8,"minute":15}})");
  b["eventAnchor"] = J(R"({"type":"CONTACT_PROPERTY_ANCHOR","contactProperty":"birthday"})");
  b["unEnrollmentSetting"] = J(R"({"type":"SELECTIVE","flowIds":["12"]})");
  b["dataSources"] = J(R"([
    {"type":"ASSOCIATION","name":"deals","objectTypeId":"0-3","associationCategory":"HUBSPOT_DEFINED",
     "associationTypeId":4,"sortBy":{"property":"amount","order":"DESC"}},
    {"type":"STATIC_PROPERTY_FILTER","name":"p","propertyName":"x","staticValue":"y"}])");
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_TRUE(r->referenced_properties.count("renewal_date"));
  EXPECT_TRUE(r->referenced_properties.count("birthday"));
  EXPECT_EQ(r->content.at("dataSources").as_array().size(), 2u);

  b["eventAnchor"] = J(R"({"type":"STATIC_DATE_ANCHOR","month":"FEBRUARY","dayOfMonth":32})");
  b["enrollmentSchedule"] = J(R"({"type":"WEEKLY","daysOfWeek":["MONDAY","SOMEDAY"],
    "timeOfDay":{"hour":8,"minute":15}})");
  auto e = Create(b);
  EXPECT_DETAIL(e, "eventAnchor.dayOfMonth", "OUT_OF_RANGE");
  EXPECT_DETAIL(e, "enrollmentSchedule.daysOfWeek[1]", "INVALID_ENUM_VALUE");
}

TEST(Unions, FilterNestingDepthLimited) {
  std::string branch = R"({"filterBranchType":"AND","filterBranchOperator":"AND","filters":[],
                           "filterBranches":[]})";
  for (int i = 0; i < 12; ++i) {
    branch = R"({"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
                 "filterBranches":[)" +
             branch + "]}";
  }
  json::object b = MinimalCreate();
  b["goalFilterBranch"] = J(branch);
  auto r = Create(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.size(), 1u) << testing::Dump(r.error());
  EXPECT_EQ(r.error().details[0].code, "LIMIT_EXCEEDED");
  EXPECT_NE(r.error().details[0].in.find("goalFilterBranch.filterBranches[0]"), std::string::npos);
}

}  // namespace
}  // namespace flowd::model
