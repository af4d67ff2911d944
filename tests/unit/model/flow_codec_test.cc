#include "model/flow_codec.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "test_util.h"

namespace flowd::model {
namespace {
namespace json = boost::json;
using testing::Create;
using testing::J;
using testing::MinimalCreate;
using testing::Put;

// Reference §8.1.
constexpr std::string_view kContactExample = R"({
  "type": "CONTACT_FLOW", "objectTypeId": "0-1", "flowType": "WORKFLOW", "isEnabled": false,
  "name": "Webinar form follow-up", "description": "Sends the follow-up email",
  "canEnrollFromSalesforce": false, "startActionId": "1",
  "actions": [
    { "type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "2" },
      "fields": { "delta": "1440", "time_unit": "MINUTES" } },
    { "type": "SINGLE_CONNECTION", "actionId": "2", "actionTypeId": "0-4", "actionTypeVersion": 0,
      "fields": { "content_id": "113782603056" } } ],
  "enrollmentCriteria": {
    "type": "EVENT_BASED", "shouldReEnroll": false,
    "eventFilterBranches": [ {
      "filterBranchType": "UNIFIED_EVENTS", "filterBranchOperator": "AND",
      "eventTypeId": "4-1639801", "operator": "HAS_COMPLETED", "filterBranches": [],
      "filters": [ { "filterType": "PROPERTY", "property": "hs_form_id",
        "operation": { "operationType": "ENUMERATION", "operator": "IS_ANY_OF",
                       "values": ["5f0c5a8e"], "includeObjectsWithNoValueSet": false } } ] } ],
    "listMembershipFilterBranches": [] },
  "timeWindows": [], "blockedDates": [], "customProperties": {}, "dataSources": [],
  "suppressionListIds": []
})";

// Reference §8.2.
constexpr std::string_view kPlatformExample = R"({
  "type": "PLATFORM_FLOW", "objectTypeId": "0-3", "flowType": "WORKFLOW", "isEnabled": false,
  "name": "Deal stage follow-up", "startActionId": "1",
  "actions": [
    { "type": "SINGLE_CONNECTION", "actionId": "1", "actionTypeId": "0-1", "actionTypeVersion": 0,
      "connection": { "edgeType": "STANDARD", "nextActionId": "2" },
      "fields": { "delta": "1440", "time_unit": "MINUTES" } },
    { "type": "SINGLE_CONNECTION", "actionId": "2", "actionTypeId": "0-9", "actionTypeVersion": 0,
      "fields": { "user_ids": ["2620022"], "delivery_method": "APP",
                  "subject": "Deal follow-up reminder", "body": "Time to follow up!" } } ],
  "enrollmentCriteria": {
    "type": "LIST_BASED", "shouldReEnroll": false, "unEnrollObjectsNotMeetingCriteria": false,
    "listFilterBranch": {
      "filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
      "filterBranches": [ {
        "filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [],
        "filters": [ { "filterType": "PROPERTY", "property": "dealstage",
          "operation": { "operationType": "ENUMERATION", "operator": "IS_ANY_OF",
                         "values": ["qualifiedtobuy"], "includeObjectsWithNoValueSet": false } } ] } ] },
    "reEnrollmentTriggersFilterBranches": [] },
  "timeWindows": [ { "day": "MONDAY", "startTime": { "hour": 9, "minute": 0 },
                     "endTime": { "hour": 17, "minute": 0 } } ],
  "blockedDates": [ { "month": "DECEMBER", "dayOfMonth": 25 } ],
  "customProperties": {}, "dataSources": []
})";

TEST(FlowCodec, DecodesContactExample) {
  auto r = Create(J(kContactExample));
  EXPECT_OK(r);
  const DecodedFlow& f = *r;
  EXPECT_EQ(f.type, "CONTACT_FLOW");
  EXPECT_EQ(f.object_type_id, "0-1");
  EXPECT_FALSE(f.is_enabled);
  EXPECT_EQ(f.name, "Webinar form follow-up");
  EXPECT_EQ(f.email_content_ids, std::vector<std::string>{"113782603056"});
  EXPECT_TRUE(f.referenced_properties.count("hs_form_id"));
  EXPECT_EQ(f.content.at("nextAvailableActionId"), "3");
  EXPECT_EQ(f.content.at("crmObjectCreationStatus"), "COMPLETE");
  EXPECT_EQ(f.content.at("suppressionListIds"), json::array());
  EXPECT_EQ(f.content.at("canEnrollFromSalesforce"), false);
  EXPECT_FALSE(f.content.contains("id"));
  EXPECT_FALSE(f.content.contains("revisionId"));
  EXPECT_EQ(f.content.at("actions").as_array().size(), 2u);
  EXPECT_EQ(f.content.at("actions").as_array()[0].at("fields").at("delta"), "1440");
}

TEST(FlowCodec, DecodesPlatformExampleWithoutContactFields) {
  auto r = Create(J(kPlatformExample));
  EXPECT_OK(r);
  EXPECT_EQ(r->type, "PLATFORM_FLOW");
  EXPECT_EQ(r->object_type_id, "0-3");
  EXPECT_FALSE(r->content.contains("suppressionListIds"));
  EXPECT_FALSE(r->content.contains("canEnrollFromSalesforce"));
  EXPECT_TRUE(r->referenced_properties.count("dealstage"));
  EXPECT_EQ(r->content.at("timeWindows").as_array().size(), 1u);
}

TEST(FlowCodec, MinimalBodyGetsDefaults) {
  auto r = Create(MinimalCreate(true));
  EXPECT_OK(r);
  const json::object& c = r->content;
  EXPECT_EQ(c.at("timeWindows"), json::array());
  EXPECT_EQ(c.at("blockedDates"), json::array());
  EXPECT_EQ(c.at("customProperties"), json::object());
  EXPECT_EQ(c.at("dataSources"), json::array());
  EXPECT_EQ(c.at("suppressionListIds"), json::array());
  EXPECT_EQ(c.at("canEnrollFromSalesforce"), false);
  EXPECT_EQ(c.at("nextAvailableActionId"), "1");
  EXPECT_FALSE(c.contains("startActionId"));

  auto p = Create(MinimalCreate(false));
  EXPECT_OK(p);
  EXPECT_FALSE(p->content.contains("suppressionListIds"));
  EXPECT_EQ(p->content.at("dataSources"), json::array());
}

TEST(FlowCodec, MissingTypeIsReportedLikeHubSpotAndOtherProblemsToo) {
  json::object b = MinimalCreate();
  b.erase("type");
  b["isEnabled"] = "yes";
  auto r = Create(b);
  EXPECT_DETAIL(r, "type", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "isEnabled", "INVALID_TYPE");
  EXPECT_EQ(testing::FindDetail(r.error(), "type")->message,
            "Some required fields were not set: [type]");
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(FlowCodec, UnknownTypeValue) {
  json::object b = MinimalCreate();
  b["type"] = "WORKFLOW";
  auto r = Create(b);
  EXPECT_DETAIL(r, "type", "INVALID_ENUM_VALUE");
}

TEST(FlowCodec, RequiredTopLevelFields) {
  auto r = Create(J(R"({"type":"CONTACT_FLOW"})"));
  EXPECT_DETAIL(r, "objectTypeId", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "flowType", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "isEnabled", "REQUIRED_FIELD");
  EXPECT_DETAIL(r, "actions", "REQUIRED_FIELD");
  EXPECT_EQ(r.error().details.size(), 4u) << testing::Dump(r.error());
  auto p = Put(J(R"({"type":"CONTACT_FLOW","isEnabled":false,"actions":[]})"), "0-1");
  EXPECT_DETAIL(p, "revisionId", "REQUIRED_FIELD");
  EXPECT_EQ(p.error().details.size(), 1u) << testing::Dump(p.error());
}

TEST(FlowCodec, TypeObjectTypeMismatch) {
  json::object b = MinimalCreate(false);
  b["objectTypeId"] = "0-1";
  auto r = Create(b);
  EXPECT_DETAIL(r, "objectTypeId", "INVALID_VALUE");
  EXPECT_EQ(r.error().message,
            "Expected an object type other than \"0-1\" objectType but got \"0-1\"");
  json::object c = MinimalCreate(true);
  c["objectTypeId"] = "0-3";
  EXPECT_DETAIL(Create(c), "objectTypeId", "INVALID_VALUE");
  json::object d = MinimalCreate(true);
  d["objectTypeId"] = "contacts";
  EXPECT_DETAIL(Create(d), "objectTypeId", "INVALID_VALUE");
  // PUT: the stored object type decides; the problem is in `type`.
  auto p =
      Put(J(R"({"type":"PLATFORM_FLOW","revisionId":"1","isEnabled":false,"actions":[]})"), "0-1");
  EXPECT_DETAIL(p, "type", "INVALID_VALUE");
}

TEST(FlowCodec, PutIgnoresReadOnlyFieldsSoAGetBodyCanBeSentBack) {
  auto created = Create(J(kContactExample));
  EXPECT_OK(created);
  json::object get = created->content;
  get["id"] = "585051946";
  get["revisionId"] = "7";
  get["createdAt"] = "2024-06-07T17:27:08.101Z";
  get["updatedAt"] = "2024-06-07T17:27:08.101Z";
  get["someFutureField"] = json::array{1, 2};
  auto r = Put(get, "0-1");
  EXPECT_OK(r);
  EXPECT_EQ(r->revision_id, "7");
  EXPECT_EQ(r->object_type_id, "0-1");
  for (const char* k : {"id", "revisionId", "createdAt", "updatedAt", "objectTypeId", "flowType",
                        "dataSources", "someFutureField"}) {
    EXPECT_FALSE(r->content.contains(k)) << k;
  }
  EXPECT_EQ(r->content.at("nextAvailableActionId"), "3");
  EXPECT_EQ(r->content.at("actions"), created->content.at("actions"));
}

TEST(FlowCodec, RevisionIdMustBeDecimalString) {
  auto r =
      Put(J(R"({"type":"CONTACT_FLOW","revisionId":7,"isEnabled":false,"actions":[]})"), "0-1");
  EXPECT_DETAIL(r, "revisionId", "INVALID_TYPE");
  auto s =
      Put(J(R"({"type":"CONTACT_FLOW","revisionId":"7a","isEnabled":false,"actions":[]})"), "0-1");
  EXPECT_DETAIL(s, "revisionId", "INVALID_VALUE");
}

TEST(FlowCodec, BodyMustBeObject) {
  auto r = Create(J("[1,2]"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].code, "INVALID_TYPE");
}

TEST(FlowCodec, UnknownFieldsDroppedEverywhere) {
  auto b = J(R"({"type":"PLATFORM_FLOW","objectTypeId":"0-3","flowType":"WORKFLOW",
    "isEnabled":false,"startActionId":"1","bogus":1,
    "actions":[{"type":"WEBHOOK","actionId":"1","method":"POST","webhookUrl":"https://x",
                "queryParams":[],"extra":{"a":1}}],
    "timeWindows":[{"day":"MONDAY","color":"red"}]})");
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_FALSE(r->content.contains("bogus"));
  EXPECT_FALSE(r->content.at("actions").as_array()[0].as_object().contains("extra"));
  EXPECT_FALSE(r->content.at("timeWindows").as_array()[0].as_object().contains("color"));
}

TEST(FlowCodec, NullOptionalFieldsCountAsAbsent) {
  json::object b = MinimalCreate();
  b["description"] = nullptr;
  b["enrollmentCriteria"] = nullptr;
  b["timeWindows"] = nullptr;
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_FALSE(r->content.contains("description"));
  EXPECT_EQ(r->content.at("timeWindows"), json::array());
}

TEST(FlowCodec, IntegerOverflowAndDecimalsAreErrors) {
  json::object b = MinimalCreate();
  b["suppressionListIds"] = J("[1, 2147483648, 1.5, -2147483649, 18446744073709551615, 1e300]");
  auto r = Create(b);
  EXPECT_DETAIL(r, "suppressionListIds[1]", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "suppressionListIds[2]", "INVALID_INTEGER");
  EXPECT_DETAIL(r, "suppressionListIds[3]", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "suppressionListIds[4]", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "suppressionListIds[5]", "OUT_OF_RANGE");
  EXPECT_EQ(r.error().details.size(), 5u) << testing::Dump(r.error());

  json::object c = MinimalCreate();
  c["enrollmentCriteria"] =
      J(R"({"type":"DATASET","shouldReEnroll":false,"datasetId":9223372036854775808})");
  EXPECT_DETAIL(Create(c), "enrollmentCriteria.datasetId", "OUT_OF_RANGE");
  c["enrollmentCriteria"] =
      J(R"({"type":"DATASET","shouldReEnroll":false,"datasetId":9223372036854775807})");
  EXPECT_OK(Create(c));
}

TEST(FlowCodec, SemanticRanges) {
  json::object b = MinimalCreate();
  b["timeWindows"] = J(R"([{"day":"MONDAY","startTime":{"hour":24,"minute":60}}])");
  b["blockedDates"] = J(R"([{"month":"MAY","dayOfMonth":0}])");
  b["enrollmentSchedule"] = J(
      R"({"type":"MONTHLY_SPECIFIC_DAYS","daysOfMonth":[1,32],"timeOfDay":{"hour":1,"minute":0}})");
  auto r = Create(b);
  EXPECT_DETAIL(r, "timeWindows[0].startTime.hour", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "timeWindows[0].startTime.minute", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "blockedDates[0].dayOfMonth", "OUT_OF_RANGE");
  EXPECT_DETAIL(r, "enrollmentSchedule.daysOfMonth[1]", "OUT_OF_RANGE");
}

TEST(FlowCodec, EnumValuesChecked) {
  json::object b = MinimalCreate();
  b["flowType"] = "FLOW";
  b["timeWindows"] = J(R"([{"day":"FUNDAY"}])");
  auto r = Create(b);
  EXPECT_DETAIL(r, "flowType", "INVALID_ENUM_VALUE");
  EXPECT_DETAIL(r, "timeWindows[0].day", "INVALID_ENUM_VALUE");
  const ErrorDetail* d = testing::FindDetail(r.error(), "flowType");
  ASSERT_TRUE(d->context.count("allowedValues"));
  EXPECT_EQ(d->context.at("allowedValues").size(), 3u);
}

TEST(FlowCodec, LimitsAreExplicit) {
  FlowLimits lim;
  lim.max_string_length = 10;
  lim.max_name_length = 5;
  json::object b = MinimalCreate();
  b["name"] = "a long name";
  b["description"] = "a description longer than ten";
  auto r = Create(b, lim);
  EXPECT_DETAIL(r, "name", "LIMIT_EXCEEDED");
  EXPECT_DETAIL(r, "description", "LIMIT_EXCEEDED");

  FlowLimits few;
  few.max_actions = 2;
  json::object c = MinimalCreate();
  c["actions"] = J(R"([{},{},{}])");
  auto rc = Create(c, few);
  EXPECT_DETAIL(rc, "actions", "LIMIT_EXCEEDED");
  EXPECT_EQ(rc.error().details.size(), 1u) << testing::Dump(rc.error());
}

TEST(FlowCodec, ManyErrorsAtOnceAreCapped) {
  json::object b = MinimalCreate();
  json::array ids;
  for (int i = 0; i < 500; ++i) ids.push_back("x");
  b["suppressionListIds"] = std::move(ids);
  auto r = Create(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details.size(), 101u);
  EXPECT_EQ(r.error().details.back().code, "LIMIT_EXCEEDED");
}

TEST(FlowCodec, ContactOnlyFieldsOnPlatformFlowAreDropped) {
  json::object b = MinimalCreate(false);
  b["suppressionListIds"] = J("[1]");
  b["canEnrollFromSalesforce"] = true;
  b["goalFilterBranch"] = J(R"({"filterBranchType":"OR"})");
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_FALSE(r->content.contains("suppressionListIds"));
  EXPECT_FALSE(r->content.contains("goalFilterBranch"));
}

}  // namespace
}  // namespace flowd::model

namespace flowd::model {
namespace {

TEST(FlowCodecMore, PutShapesPerType) {
  auto contact = Put(J(R"({"type":"CONTACT_FLOW","revisionId":"3","isEnabled":false,"actions":[],
                          "objectTypeId":"0-1","flowType":"WORKFLOW","dataSources":[]})"),
                     "0-1");
  EXPECT_OK(contact);
  EXPECT_EQ(contact->content.at("suppressionListIds"), boost::json::array());
  EXPECT_EQ(contact->content.at("canEnrollFromSalesforce"), false);
  EXPECT_FALSE(contact->content.contains("dataSources"));
  EXPECT_FALSE(contact->content.contains("objectTypeId"));
  auto platform = Put(J(R"({"type":"PLATFORM_FLOW","revisionId":"3","isEnabled":true,"actions":[],
      "suppressionFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR",
                                 "filterBranches":[],"filters":[]}})"),
                      "2-1234");
  EXPECT_OK(platform);
  EXPECT_TRUE(platform->is_enabled);
  EXPECT_EQ(platform->object_type_id, "2-1234");
  EXPECT_FALSE(platform->content.contains("suppressionListIds"));
  EXPECT_TRUE(platform->content.contains("suppressionFilterBranch"));
  EXPECT_EQ(platform->content.at("blockedDates"), boost::json::array());
}

TEST(FlowCodecMore, ReferencedPropertiesEverywhere) {
  boost::json::object b = MinimalCreate();
  b["dataSources"] = J(R"([{"type":"STATIC_PROPERTY_FILTER","name":"n","propertyName":"ds_prop",
                            "staticValue":"v","sortBy":{"property":"sort_prop","order":"ASC"}}])");
  b["enrollmentSchedule"] = J(R"({"type":"PROPERTY_BASED","dateProperty":"date_prop","daysDelta":0,
                                  "yearly":false,"timeOfDay":{"hour":0,"minute":0}})");
  b["eventAnchor"] = J(R"({"type":"CONTACT_PROPERTY_ANCHOR","contactProperty":"anchor_prop"})");
  b["goalFilterBranch"] = J(R"({"filterBranchType":"AND","filterBranchOperator":"AND",
    "filterBranches":[],"filters":[{"filterType":"PROPERTY","property":"filter_prop","operation":{
      "operationType":"COMPARATIVE_DATE","operator":"IS_AFTER","comparisonPropertyName":"cmp_prop",
      "includeObjectsWithNoValueSet":false}}]})");
  auto r = Create(b);
  EXPECT_OK(r);
  for (const char* p :
       {"ds_prop", "sort_prop", "date_prop", "anchor_prop", "filter_prop", "cmp_prop"}) {
    EXPECT_TRUE(r->referenced_properties.count(p)) << p;
  }
}

TEST(FlowCodecMore, OutputFieldVariants) {
  boost::json::object b = MinimalCreate();
  b["startActionId"] = "1";
  b["actions"] = J(R"([{"type":"CUSTOM_CODE","actionId":"1","runtime":"PYTHON39","sourceCode":"x",
    "secretNames":[],"inputFields":[],"outputFields":[{"type":"BOOL","name":"a"},
    {"type":"DATETIME","name":"b"},{"type":"OBJECT","name":"c"},{"type":"ENUMERATION","name":"d"}]}])");
  auto r = Create(b);
  EXPECT_DETAIL(r, "actions[0].outputFields[2].type", "UNKNOWN_TYPE");
  EXPECT_DETAIL(r, "actions[0].outputFields[3].options", "REQUIRED_FIELD");
  EXPECT_EQ(r.error().details.size(), 2u) << testing::Dump(r.error());
}

TEST(FlowCodecMore, HandBuiltDeepValueIsRefusedNotCrashing) {
  boost::json::value v = J(R"({"type":"STATIC_VALUE","staticValue":"x"})");
  for (int i = 0; i < 5000; ++i) {
    boost::json::object o;
    o["type"] = "LIST";
    o["values"] = boost::json::array{std::move(v)};
    v = std::move(o);
  }
  boost::json::object b = MinimalCreate();
  b["startActionId"] = "1";
  b["actions"] = boost::json::array{boost::json::object{{"type", "STATIC_BRANCH"},
                                                        {"actionId", "1"},
                                                        {"inputValue", std::move(v)},
                                                        {"staticBranches", boost::json::array()}}};
  auto r = Create(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details[0].code, "LIMIT_EXCEEDED");
}

TEST(FlowCodecMore, CustomPropertiesAreStringMap) {
  boost::json::object b = MinimalCreate();
  b["customProperties"] = J(R"({"a":"1","b":2})");
  auto r = Create(b);
  EXPECT_DETAIL(r, "customProperties.b", "INVALID_TYPE");
  EXPECT_EQ(r.error().details.size(), 1u);
}

}  // namespace
}  // namespace flowd::model
