// Built-in action types: required fields (drafts vs enabled flows) and field shapes.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "test_util.h"

namespace flowd::model {
namespace {
namespace json = boost::json;
using testing::Create;
using testing::J;
using testing::MinimalCreate;

json::object Flow(std::string type_id, std::string fields_json, bool enabled, bool contact = true) {
  json::object b = MinimalCreate(contact);
  b["isEnabled"] = enabled;
  b["startActionId"] = "1";
  json::object a{{"type", "SINGLE_CONNECTION"},
                 {"actionId", "1"},
                 {"actionTypeId", type_id},
                 {"actionTypeVersion", 0},
                 {"fields", J(fields_json)}};
  b["actions"] = json::array{a};
  return b;
}

TEST(ActionFields, DraftMayBeIncompleteEnabledMayNot) {
  EXPECT_OK(Create(Flow("0-1", "{}", false)));
  auto r = Create(Flow("0-1", "{}", true));
  EXPECT_DETAIL(r, "actions[0].fields.delta", "INCOMPLETE_ACTION");
  EXPECT_DETAIL(r, "actions[0].fields.time_unit", "INCOMPLETE_ACTION");
  EXPECT_EQ(r.error().details.size(), 2u) << testing::Dump(r.error());
  // Empty strings count as unset.
  EXPECT_DETAIL(Create(Flow("0-1", R"({"delta":"","time_unit":"DAYS"})", true)),
                "actions[0].fields.delta", "INCOMPLETE_ACTION");
}

TEST(ActionFields, EveryMissingFieldOfEveryActionListed) {
  json::object b = MinimalCreate(true);
  b["isEnabled"] = true;
  b["startActionId"] = "1";
  b["actions"] = J(R"([
    {"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-35","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"2"}},
    {"type":"SINGLE_CONNECTION","actionId":"2","actionTypeId":"0-3","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"3"}},
    {"type":"SINGLE_CONNECTION","actionId":"3","actionTypeId":"0-4","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"4"}},
    {"type":"SINGLE_CONNECTION","actionId":"4","actionTypeId":"0-5","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"5"}},
    {"type":"SINGLE_CONNECTION","actionId":"5","actionTypeId":"0-8","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"6"}},
    {"type":"SINGLE_CONNECTION","actionId":"6","actionTypeId":"0-9","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"7"}},
    {"type":"SINGLE_CONNECTION","actionId":"7","actionTypeId":"0-14","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"8"}},
    {"type":"SINGLE_CONNECTION","actionId":"8","actionTypeId":"0-63809083","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"9"}},
    {"type":"SINGLE_CONNECTION","actionId":"9","actionTypeId":"0-63863438","actionTypeVersion":0,"fields":{},
     "connection":{"edgeType":"STANDARD","nextActionId":"10"}},
    {"type":"SINGLE_CONNECTION","actionId":"10","actionTypeId":"0-13","actionTypeVersion":0,"fields":{}}])");
  auto r = Create(b);
  for (const char* p :
       {"actions[0].fields.date", "actions[1].fields.subject", "actions[2].fields.content_id",
        "actions[3].fields.property_name", "actions[3].fields.value", "actions[4].fields.user_ids",
        "actions[4].fields.subject", "actions[4].fields.body", "actions[5].fields.user_ids",
        "actions[5].fields.subject", "actions[5].fields.body", "actions[6].fields.object_type_id",
        "actions[7].fields.listId", "actions[8].fields.listId", "actions[9].fields.operation",
        "actions[9].fields.list_id"}) {
    EXPECT_DETAIL(r, p, "INCOMPLETE_ACTION");
  }
  EXPECT_EQ(r.error().details.size(), 16u) << testing::Dump(r.error());
  b["isEnabled"] = false;
  EXPECT_OK(Create(b));
}

TEST(ActionFields, ShapesCheckedEvenForDrafts) {
  auto r = Create(Flow("0-1", R"({"delta":"1.5","time_unit":"FORTNIGHTS"})", false));
  EXPECT_DETAIL(r, "actions[0].fields.delta", "INVALID_VALUE");
  EXPECT_DETAIL(r, "actions[0].fields.time_unit", "INVALID_ENUM_VALUE");
  EXPECT_OK(Create(Flow("0-1", R"({"delta":60,"time_unit":"SECONDS"})", true)));
  EXPECT_DETAIL(Create(Flow("0-1", R"({"delta":-5})", false)), "actions[0].fields.delta",
                "INVALID_VALUE");
  EXPECT_OK(Create(Flow("0-35",
                        R"({"date":{"type":"OBJECT_PROPERTY","propertyName":"closedate"},
                            "delta":"-1","time_unit":"DAYS","time_of_day":{"hour":9,"minute":30}})",
                        true)));
  EXPECT_DETAIL(Create(Flow("0-35", R"({"time_of_day":{"hour":25,"minute":0}})", false)),
                "actions[0].fields.time_of_day.hour", "OUT_OF_RANGE");
  EXPECT_DETAIL(Create(Flow("0-3", R"({"subject":"x","priority":"URGENT"})", true)),
                "actions[0].fields.priority", "INVALID_ENUM_VALUE");
  EXPECT_DETAIL(Create(Flow("0-9", R"({"user_ids":"1","subject":"s","body":"b"})", true)),
                "actions[0].fields.user_ids", "INVALID_TYPE");
  EXPECT_DETAIL(Create(Flow("0-14", R"({"object_type_id":"deals"})", true)),
                "actions[0].fields.object_type_id", "INVALID_VALUE");
  EXPECT_DETAIL(Create(Flow("0-13", R"({"operation":"TOGGLE","list_id":"178"})", true)),
                "actions[0].fields.operation", "INVALID_ENUM_VALUE");
}

TEST(ActionFields, ValidBuiltinsOfEveryType) {
  EXPECT_OK(Create(Flow("0-3",
                        R"({"task_type":"TODO","subject":"Call","body":"<p>x</p>","priority":"HIGH",
      "associations":[{"target":{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204},
                       "value":{"type":"ENROLLED_OBJECT"}}],"use_explicit_associations":"true"})",
                        true)));
  EXPECT_OK(Create(Flow("0-4", R"({"content_id":113782603056})", true)));
  EXPECT_OK(Create(Flow("0-8", R"({"user_ids":["1",2],"subject":"s","body":"b"})", true)));
  EXPECT_OK(Create(Flow("0-14", R"({"object_type_id":"0-3","properties":[
      {"targetProperty":"dealname","value":{"type":"STATIC_VALUE","staticValue":"New"}}]})",
                        true)));
  EXPECT_OK(Create(
      Flow("0-63809083", R"({"listId":"123","targetObject":"{{ enrolled_object }}"})", true)));
  EXPECT_OK(Create(Flow("0-63863438", R"({"listId":123})", true)));
  auto legacy = Create(Flow("0-13", R"({"operation":"ADD","list_id":"178"})", true));
  EXPECT_OK(legacy);
  EXPECT_EQ(legacy->content.at("actions").as_array()[0].at("actionTypeId"), "0-13");
}

TEST(ActionFields, UnknownActionTypesAreNotChecked) {
  EXPECT_OK(Create(Flow("1-179507819", R"({"anything":{"goes":[1,2,3]}})", true)));
  EXPECT_OK(Create(Flow("0-25", "{}", true)));
}

TEST(ActionFields, RotateToOwnerAndEnrollInFlow) {
  auto r = Create(Flow("0-11", "{}", true));
  EXPECT_DETAIL(r, "actions[0].fields.user_ids", "INCOMPLETE_ACTION");
  EXPECT_EQ(r.error().details.size(), 1u) << testing::Dump(r.error());
  EXPECT_DETAIL(Create(Flow("0-11", R"({"user_ids":[]})", true)), "actions[0].fields.user_ids",
                "INCOMPLETE_ACTION");
  EXPECT_OK(Create(Flow("0-11", "{}", false)));
  auto ok = Create(Flow(
      "0-11",
      R"({"user_ids":["11",12],"target_property":"backup_owner","overwrite_current_owner":"false"})",
      true));
  EXPECT_OK(ok);
  EXPECT_TRUE(ok->referenced_properties.count("backup_owner"));
  EXPECT_OK(Create(Flow("0-11", R"({"user_ids":["11"],"overwrite_current_owner":true})", true)));
  auto bad = Create(Flow("0-11", R"({"user_ids":["x"],"overwrite_current_owner":"maybe"})", false));
  EXPECT_DETAIL(bad, "actions[0].fields.user_ids", "INVALID_VALUE");
  EXPECT_DETAIL(bad, "actions[0].fields.overwrite_current_owner", "INVALID_TYPE");

  EXPECT_DETAIL(Create(Flow("0-15", "{}", true)), "actions[0].fields.flow_id", "INCOMPLETE_ACTION");
  EXPECT_OK(Create(Flow("0-15", R"({"flow_id":"585051946"})", true)));
  EXPECT_OK(Create(Flow("0-15", R"({"flow_id":585051946})", true)));
  EXPECT_DETAIL(Create(Flow("0-15", R"({"flow_id":"abc"})", false)), "actions[0].fields.flow_id",
                "INVALID_VALUE");
}

TEST(ActionFields, DelayUntilAnEventNeedsItsEventsWhenEnabled) {
  EXPECT_FALSE(Create(Flow("0-29", R"({"expiration_minutes":"60"})", true)).ok());
  EXPECT_OK(Create(Flow("0-29", R"({"expiration_minutes":"60"})", false)));
  EXPECT_OK(Create(Flow(
      "0-29",
      R"({"event_filter_branches":[{"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND",
      "eventTypeId":"4-655002","operator":"HAS_COMPLETED","filterBranches":[],"filters":[]}],
      "expiration_minutes":60})",
      true)));
}

TEST(ActionFields, MarketingEmailOnlyForContacts) {
  auto r = Create(Flow("0-4", R"({"content_id":"1"})", false, /*contact=*/false));
  EXPECT_DETAIL(r, "actions[0].actionTypeId", "INVALID_VALUE");
}

TEST(ActionFields, EmailContentIdsInOrderDeduplicated) {
  json::object b = MinimalCreate();
  b["startActionId"] = "1";
  b["actions"] = J(R"([
    {"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":"0-4","actionTypeVersion":0,
     "fields":{"content_id":"20"},"connection":{"edgeType":"STANDARD","nextActionId":"2"}},
    {"type":"SINGLE_CONNECTION","actionId":"2","actionTypeId":"0-4","actionTypeVersion":0,
     "fields":{"content_id":10},"connection":{"edgeType":"STANDARD","nextActionId":"3"}},
    {"type":"SINGLE_CONNECTION","actionId":"3","actionTypeId":"0-4","actionTypeVersion":0,
     "fields":{"content_id":"20"}}])");
  auto r = Create(b);
  EXPECT_OK(r);
  EXPECT_EQ(r->email_content_ids, (std::vector<std::string>{"20", "10"}));
}

TEST(ActionFields, ReferencedPropertiesFromFields) {
  auto r = Create(Flow("0-5", R"({"property_name":"lifecyclestage",
      "value":{"type":"OBJECT_PROPERTY","propertyName":"hs_lead_status"}})",
                       true));
  EXPECT_OK(r);
  EXPECT_TRUE(r->referenced_properties.count("lifecyclestage"));
  EXPECT_TRUE(r->referenced_properties.count("hs_lead_status"));
}

TEST(ActionFields, FieldsValuesAreAnyJson) {
  EXPECT_OK(Create(Flow("0-5", R"({"property_name":"x","value":"plain string","n":null,
                                  "arr":[1,{"a":true}]})",
                        true)));
  json::object b = Flow("0-5", "{}", false);
  b["actions"].as_array()[0].as_object()["fields"] = "not an object";
  EXPECT_DETAIL(Create(b), "actions[0].fields", "INVALID_TYPE");
}

}  // namespace
}  // namespace flowd::model
