// 0-5, 0-14, 0-3 and the input value types.
#include "action_test_util.h"
#include "crm/association_types.h"

namespace flowd::engine::testing {
namespace {

class SetPropertyTest : public ActionTest {
 protected:
  ActionResult Set(const std::string& property, const std::string& value_json) {
    return Run(
        Single("0-5", R"({"property_name":")" + property + R"(","value":)" + value_json + "}"));
  }
};

TEST_F(SetPropertyTest, StaticValue) {
  ActionResult r = Set("stage", R"({"type":"STATIC_VALUE","staticValue":"customer"})");
  EXPECT_EQ(Written(r), "customer");
  ASSERT_EQ(r.updates.size(), 1u);
  EXPECT_EQ(r.updates[0].account_id, 1);
  EXPECT_EQ(r.updates[0].object_type_id, "0-1");
  EXPECT_EQ(r.updates[0].updates[0].id, 1);
  EXPECT_EQ(r.updates[0].options.source.type, "WORKFLOW");
  EXPECT_EQ(r.updates[0].options.source.id, "500");
  EXPECT_EQ(r.next_action_id, "2");
  EXPECT_EQ(r.outcome, "SUCCEEDED");
}

TEST_F(SetPropertyTest, StaticValueWithTemplate) {
  EXPECT_EQ(
      Written(Set("nickname",
                  R"({"type":"STATIC_VALUE","staticValue":"Dr {{ enrolled_object.firstname }}"})")),
      "Dr Ada");
}

TEST_F(SetPropertyTest, ObjectPropertyCopies) {
  EXPECT_EQ(Written(Set("nickname", R"({"type":"OBJECT_PROPERTY","propertyName":"firstname"})")),
            "Ada");
}

TEST_F(SetPropertyTest, Increment) {
  EXPECT_EQ(Written(Set("age", R"({"type":"INCREMENT","incrementAmount":3})")), "3");
  env.crm.Set("0-1", 1, "age", "40");
  EXPECT_EQ(Written(Set("age", R"({"type":"INCREMENT","incrementAmount":2.5})")), "42.5");
  EXPECT_EQ(Written(Set("age", R"({"type":"INCREMENT","incrementAmount":-41})")), "-1");
  env.crm.Set("0-1", 1, "nickname", "x");
  EXPECT_TRUE(Set("nickname", R"({"type":"INCREMENT","incrementAmount":1})").failed);
}

TEST_F(SetPropertyTest, TimestampTakesThePropertyFormat) {
  EXPECT_EQ(Written(Set("lastseen", R"({"type":"TIMESTAMP","timestampType":"EXECUTION_TIME"})")),
            "2024-03-15T12:00:00.000Z");
  EXPECT_EQ(Written(Set("birthday", R"({"type":"TIMESTAMP","timestampType":"EXECUTION_TIME"})")),
            "2024-03-15");
  // The date is the account's: at 12:00 UTC it is already the 16th in Tokyo.
  env.crm.zone = "Asia/Tokyo";
  now = Ms("2024-03-15T20:00:00Z");
  EXPECT_EQ(Written(Set("birthday", R"({"type":"TIMESTAMP","timestampType":"EXECUTION_TIME"})")),
            "2024-03-16");
}

TEST_F(SetPropertyTest, AppendWithoutDuplicates) {
  env.crm.Set("0-1", 1, "tags", "a;b");
  EXPECT_EQ(Written(Set("tags", R"({"type":"STATIC_APPEND_VALUE","staticAppendValue":"b;c"})")),
            "a;b;c");
  env.crm.Set("0-1", 1, "nickname", "c");
  EXPECT_EQ(
      Written(Set("tags", R"({"type":"APPEND_OBJECT_PROPERTY","appendPropertyName":"nickname"})")),
      "a;b;c");
  EXPECT_TRUE(Set("tags", R"({"type":"STATIC_APPEND_VALUE","staticAppendValue":"zzz"})").failed);
}

TEST_F(SetPropertyTest, FieldDataFromAnEarlierAction) {
  data["3"] = boost::json::object{{"tier", "gold"}, {"score", 17}};
  EXPECT_EQ(Written(Set("nickname", R"({"type":"FIELD_DATA","actionId":"3","dataKey":"tier"})")),
            "gold");
  EXPECT_EQ(Written(Set("age", R"({"type":"FIELD_DATA","actionId":"3","dataKey":"score"})")), "17");
}

TEST_F(SetPropertyTest, RelativeDatetime) {
  EXPECT_EQ(
      Written(Set(
          "lastseen",
          R"({"type":"RELATIVE_DATETIME","timeDelay":{"delta":2,"timeUnit":"DAYS","daysOfWeek":[]}})")),
      "2024-03-17T12:00:00.000Z");
  EXPECT_EQ(
      Written(Set(
          "lastseen",
          R"({"type":"RELATIVE_DATETIME","timeDelay":{"delta":1,"timeUnit":"DAYS","daysOfWeek":["MONDAY"],"timeOfDay":{"hour":9,"minute":0},"timeZoneStrategy":{"type":"STATIC_TIME_ZONE","timeZoneId":"America/New_York"}}})")),
      "2024-03-18T13:00:00.000Z");
}

TEST_F(SetPropertyTest, EnrollmentEventProperty) {
  data["enrollment"] = boost::json::object{{"eventProperties", {{"hs_form_id", "f-1"}}}};
  EXPECT_EQ(
      Written(Set(
          "nickname",
          R"({"type":"ENROLLMENT_EVENT_PROPERTY","enrollmentEventPropertyToken":"hs_form_id"})")),
      "f-1");
}

TEST_F(SetPropertyTest, ProblemsFail) {
  ActionResult r = Set("nope", R"({"type":"STATIC_VALUE","staticValue":"x"})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("property nope does not exist"), std::string::npos) << r.error;
  r = Set("stage", R"({"type":"STATIC_VALUE","staticValue":"wizard"})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("INVALID_OPTION"), std::string::npos) << r.error;
  EXPECT_TRUE(Set("age", R"({"type":"STATIC_VALUE","staticValue":"many"})").failed);
  EXPECT_TRUE(Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY","propertyToken":"x"})").failed);
  EXPECT_TRUE(Set("nickname", R"({"staticValue":"x"})").failed);
  EXPECT_TRUE(r.updates.empty());
}

TEST_F(SetPropertyTest, GoneRecordFails) {
  env.crm.records.clear();
  ActionResult r = Set("nickname", R"({"type":"STATIC_VALUE","staticValue":"x"})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("no longer exists"), std::string::npos);
}

TEST_F(SetPropertyTest, OnAssociatedRecords) {
  auto types = crm::HubSpotDefinedTypesBetween("0-1", "0-2");
  ASSERT_FALSE(types.empty());
  env.crm.AddRecord("0-2", 10);
  env.crm.AddRecord("0-2", 11);
  env.crm.Set("0-2", 11, "employees", "5");
  env.crm.Associate({"0-1", 1}, {"0-2", 10}, types[0].type_id);
  env.crm.Associate({"0-1", 1}, {"0-2", 11}, types[0].type_id);
  ActionResult r = Run(Single(
      "0-5", R"({"property_name":"employees","value":{"type":"INCREMENT","incrementAmount":1},)"
             R"("association":{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":)" +
                 std::to_string(types[0].type_id) + "}}"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.updates.size(), 1u);
  EXPECT_EQ(r.updates[0].object_type_id, "0-2");
  ASSERT_EQ(r.updates[0].updates.size(), 2u);
  EXPECT_EQ(r.updates[0].updates[0].id, 10);
  EXPECT_EQ(Written(r, 0), "1");
  EXPECT_EQ(Written(r, 1), "6");
}

TEST_F(SetPropertyTest, AssociationTargetTypeFromField) {
  env.crm.AddRecord("0-2", 10);
  env.crm.Associate({"0-1", 1}, {"0-2", 10}, 10001, "USER_DEFINED");
  ActionResult r = Run(Single(
      "0-5", R"({"property_name":"name","value":"Acme","object_type_id":"0-2",)"
             R"("association":{"associationCategory":"USER_DEFINED","associationTypeId":10001}})"));
  EXPECT_EQ(Written(r), "Acme");
  r = Run(Single(
      "0-5", R"({"property_name":"name","value":"Acme",)"
             R"("association":{"associationCategory":"USER_DEFINED","associationTypeId":10001}})"));
  EXPECT_TRUE(r.failed);
}

TEST_F(ActionTest, CreateRecordWithTemplatesAndEnrolledAssociation) {
  env.crm.AddProperty("0-3", "dealname", "string");
  env.crm.AddProperty("0-3", "amount", "number", "number");
  auto types = crm::HubSpotDefinedTypesBetween("0-3", "0-1");
  ASSERT_FALSE(types.empty());
  ActionResult r = Run(Single("0-14", R"({"object_type_id":"0-3","use_explicit_associations":"true",
        "properties":[{"targetProperty":"dealname","value":{"type":"STATIC_VALUE","staticValue":"Deal for {{ enrolled_object.firstname }}"}},
                      {"targetProperty":"amount","value":{"type":"STATIC_VALUE","staticValue":"100"}}],
        "associations":[{"target":{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":)" +
                                          std::to_string(types[0].type_id) +
                                          R"(},"value":{"type":"ENROLLED_OBJECT"}}]})"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.creates.size(), 1u);
  const auto& c = r.creates[0];
  EXPECT_EQ(c.object_type_id, "0-3");
  EXPECT_EQ(c.account_id, 1);
  EXPECT_EQ(c.options.source.type, "WORKFLOW");
  ASSERT_EQ(c.properties.size(), 2u);
  EXPECT_EQ(c.properties[0].value, "Deal for Ada");
  ASSERT_EQ(c.associations.size(), 1u);
  EXPECT_EQ(c.associations[0].to_type, "0-1");
  EXPECT_EQ(c.associations[0].to_id, 1);
  EXPECT_EQ(c.associations[0].types[0].inverse_type_id, types[0].inverse_type_id);
  EXPECT_EQ(r.next_action_id, "2");
}

TEST_F(ActionTest, CreateRecordProblems) {
  EXPECT_TRUE(Run(Single("0-14", R"({"object_type_id":"2-999"})")).failed);
  env.crm.AddProperty("0-3", "dealname", "string");
  EXPECT_TRUE(
      Run(Single(
              "0-14",
              R"({"object_type_id":"0-3","properties":[{"targetProperty":"nope","value":"x"}]})"))
          .failed);
  ActionResult r = Run(Single(
      "0-14",
      R"({"object_type_id":"0-3","associations":[{"target":{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279},"value":{"type":"ENROLLED_OBJECT"}}]})"));
  EXPECT_TRUE(r.failed);  // 279 is contact → company, not deal → contact
  r = Run(Single(
      "0-14",
      R"({"object_type_id":"0-3","associations":[{"target":{"associationTypeId":3},"value":{"type":"COPY_ASSOCIATION"}}]})"));
  EXPECT_TRUE(r.failed);
}

TEST_F(ActionTest, CreateTask) {
  crm::filter::testing::AddContactProperties(env.crm);
  for (auto [name, type] : {std::pair{"hs_task_subject", "string"},
                            {"hs_task_body", "string"},
                            {"hs_timestamp", "datetime"},
                            {"hubspot_owner_id", "enumeration"}}) {
    env.crm.AddProperty("0-27", name, type);
  }
  env.crm.props["0-27"]->by_name["hubspot_owner_id"].external_options = true;
  env.crm.AddProperty("0-27", "hs_task_type", "enumeration", "select", {"TODO", "CALL"});
  env.crm.AddProperty("0-27", "hs_task_priority", "enumeration", "select", {"NONE", "HIGH"});
  env.crm.AddProperty("0-27", "hs_task_status", "enumeration", "select", {"NOT_STARTED"});
  ActionResult r =
      Run(Single("0-3", R"({"task_type":"CALL","subject":"Call {{ contact.firstname }}",
      "body":"<p>{{ enrolled_object.firstname }}</p>","priority":"HIGH","owner_id":"42"})"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.creates.size(), 1u);
  std::map<std::string, std::string> props;
  for (const auto& p : r.creates[0].properties) props[p.name] = p.value;
  EXPECT_EQ(props["hs_task_type"], "CALL");
  EXPECT_EQ(props["hs_task_subject"], "Call Ada");
  EXPECT_EQ(props["hs_task_body"], "<p>Ada</p>");
  EXPECT_EQ(props["hs_task_priority"], "HIGH");
  EXPECT_EQ(props["hs_task_status"], "NOT_STARTED");
  EXPECT_EQ(props["hs_timestamp"], "2024-03-15T12:00:00.000Z");
  EXPECT_EQ(props["hubspot_owner_id"], "42");
  ASSERT_EQ(r.creates[0].associations.size(), 1u);  // the default task → contact type
  EXPECT_EQ(r.creates[0].associations[0].to_id, 1);
  EXPECT_TRUE(Run(Single("0-3", R"({"task_type":"FAX"})")).failed);
}

}  // namespace
}  // namespace flowd::engine::testing
