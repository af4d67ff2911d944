// Input values that read beyond the enrolled record: earlier actions' created records
// (ACTION_OUTPUT_OBJECT_PROPERTY, set property's targetObject), the flow's data sources
// (FETCHED_OBJECT_PROPERTY, fetched_objects templates), LIST and MAP.
#include "action_test_util.h"
#include "crm/association_types.h"

namespace flowd::engine::testing {
namespace {

class InputValueTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    env.crm.AddProperty("0-3", "dealname", "string");
    env.crm.AddProperty("0-3", "amount", "number", "number");
    env.crm.AddRecord("0-3", 90);
    env.crm.Set("0-3", 90, "dealname", "Big deal");
    // Action 4 created deal 90 (the store wrote its output with the step).
    data["4"] = boost::json::object{{"hs_object_id", "90"}, {"objectTypeId", "0-3"}};
  }
  ActionResult Set(const std::string& property, const std::string& value_json,
                   const std::string& more = "") {
    return Run(Single(
        "0-5", R"({"property_name":")" + property + R"(","value":)" + value_json + more + "}"));
  }
  // Company 10 and 11 associated with contact 1; a data source "company" over that type.
  void AddCompanies(const std::string& sort_json = "") {
    auto types = crm::HubSpotDefinedTypesBetween("0-1", "0-2");
    ASSERT_FALSE(types.empty());
    env.crm.AddRecord("0-2", 11);
    env.crm.AddRecord("0-2", 10);
    env.crm.Set("0-2", 10, "name", "Acme");
    env.crm.Set("0-2", 10, "employees", "5");
    env.crm.Set("0-2", 11, "name", "Globex");
    env.crm.Set("0-2", 11, "employees", "40");
    env.crm.Associate({"0-1", 1}, {"0-2", 11}, types[0].type_id);
    env.crm.Associate({"0-1", 1}, {"0-2", 10}, types[0].type_id);
    std::string source = R"({"type":"ASSOCIATION","name":"company","objectTypeId":"0-2",)"
                         R"("associationCategory":"HUBSPOT_DEFINED","associationTypeId":)" +
                         std::to_string(types[0].type_id) + sort_json + "}";
    flow["dataSources"] = boost::json::array{boost::json::parse(source)};
  }
};

TEST_F(InputValueTest, ActionOutputObjectProperty) {
  for (const char* token : {"action_outputs.action_output_4.dealname",
                            "{{ action_outputs.action_output_4.dealname }}", "4.dealname"}) {
    EXPECT_EQ(Written(Set("nickname", std::string(R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)") +
                                          R"("actionOutputPropertyToken":")" + token + R"("})")),
              "Big deal")
        << token;
  }
  EXPECT_EQ(
      Written(Set("nickname", R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                              R"("actionOutputPropertyToken":"action_output_4.hs_object_id"})")),
      "90");
  // Read when the action runs: a value written since shows.
  env.crm.Set("0-3", 90, "dealname", "Bigger deal");
  EXPECT_EQ(Written(Set("nickname", R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                                    R"("actionOutputPropertyToken":"4.dealname"})")),
            "Bigger deal");
  // Other outputs read as FIELD_DATA; missing ones are empty.
  data["5"] = boost::json::object{{"tier", "gold"}};
  EXPECT_EQ(Written(Set("nickname", R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                                    R"("actionOutputPropertyToken":"5.tier"})")),
            "gold");
  ActionResult r = Set("nickname", R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                                   R"("actionOutputPropertyToken":"6.tier"})");
  EXPECT_FALSE(r.failed);
  EXPECT_TRUE(Set("nickname", R"({"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                              R"("actionOutputPropertyToken":"nodot"})")
                  .failed);
}

TEST_F(InputValueTest, CreatedIdInTemplates) {
  EXPECT_EQ(Written(Set("nickname", R"("deal {{ action_outputs.action_output_4.hs_object_id }}")")),
            "deal 90");
}

TEST_F(InputValueTest, SetPropertyOnTheCreatedRecord) {
  ActionResult r = Set("amount", R"("250")",
                       R"(,"targetObject":"{{ action_outputs.action_output_4.hs_object_id }}")");
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.updates.size(), 1u);
  EXPECT_EQ(r.updates[0].object_type_id, "0-3");
  ASSERT_EQ(r.updates[0].updates.size(), 1u);
  EXPECT_EQ(r.updates[0].updates[0].id, 90);
  EXPECT_EQ(Written(r), "250");
  // The same target as an input value; the enrolled object as the default.
  r = Set("amount", R"("7")",
          R"(,"targetObject":{"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
          R"("actionOutputPropertyToken":"action_outputs.action_output_4.hs_object_id"})");
  EXPECT_EQ(r.updates.at(0).updates.at(0).id, 90);
  r = Set("nickname", R"("x")", R"(,"targetObject":"{{ enrolled_object }}")");
  EXPECT_EQ(r.updates.at(0).object_type_id, "0-1");
  // An action that created nothing (not run on this path) fails the step.
  r = Set("amount", R"("1")",
          R"(,"targetObject":"{{ action_outputs.action_output_9.hs_object_id }}")");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("action 9 created no record"), std::string::npos) << r.error;
}

TEST_F(InputValueTest, CreateRecordNamesItsOutput) {
  ActionResult r = Run(Single("0-14", R"({"object_type_id":"0-3","use_explicit_associations":"true",
      "properties":[{"targetProperty":"dealname","value":"x"}]})"));
  ASSERT_FALSE(r.failed) << r.error;
  ASSERT_EQ(r.creates.size(), 1u);
  EXPECT_EQ(r.creates[0].output_action_id, "1");
}

TEST_F(InputValueTest, FetchedObjectProperty) {
  AddCompanies();
  // Without sortBy: the lowest id.
  EXPECT_EQ(Written(Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY",)"
                                    R"("propertyToken":"fetched_objects.company.name"})")),
            "Acme");
  EXPECT_EQ(Written(Set("nickname", R"("at {{ fetched_objects.company.name }}")")), "at Acme");
  // A property the record lacks is empty.
  EXPECT_EQ(Written(Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY",)"
                                    R"("propertyToken":"{{ fetched_objects.company.city }}"})")),
            "");
  // Unknown sources and source types flowd cannot read fail the step.
  ActionResult r = Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY",)"
                                   R"("propertyToken":"fetched_objects.nope.name"})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("no data source named \"nope\""), std::string::npos) << r.error;
  flow["dataSources"].as_array().push_back(boost::json::parse(
      R"({"type":"STATIC_PROPERTY_FILTER","name":"s","propertyName":"x","staticValue":"y"})"));
  r = Set("nickname",
          R"({"type":"FETCHED_OBJECT_PROPERTY","propertyToken":"fetched_objects.s.x"})");
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.error.find("STATIC_PROPERTY_FILTER is not supported"), std::string::npos) << r.error;
}

TEST_F(InputValueTest, FetchedObjectSortedAsNumbers) {
  AddCompanies(R"(,"sortBy":{"property":"employees","order":"DESC"})");
  EXPECT_EQ(Written(Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY",)"
                                    R"("propertyToken":"fetched_objects.company.name"})")),
            "Globex");  // 40 > 5 (as text "5" > "40")
}

TEST_F(InputValueTest, FetchedObjectWithoutAssociatedRecords) {
  AddCompanies();
  env.crm.assocs.clear();
  EXPECT_EQ(Written(Set("nickname", R"({"type":"FETCHED_OBJECT_PROPERTY",)"
                                    R"("propertyToken":"fetched_objects.company.name"})")),
            "");
}

TEST_F(InputValueTest, ListJoinsItsValues) {
  env.crm.Set("0-1", 1, "nickname", "b");
  EXPECT_EQ(
      Written(Set("tags", R"({"type":"LIST","values":[{"type":"STATIC_VALUE","staticValue":"a"},)"
                          R"({"type":"OBJECT_PROPERTY","propertyName":"nickname"},)"
                          R"({"type":"OBJECT_PROPERTY","propertyName":"city"}]})")),
      "a;b");
  EXPECT_TRUE(Set("tags", R"({"type":"LIST","values":{}})").failed);
  EXPECT_TRUE(Set("tags", R"({"type":"LIST","values":[{"type":"NOPE"}]})").failed);
}

TEST_F(InputValueTest, MapResolvesEachValue) {
  ActionResult r =
      Set("nickname", R"({"type":"MAP","values":{)"
                      R"("name":{"type":"OBJECT_PROPERTY","propertyName":"firstname"},)"
                      R"("greeting":"Hi {{ enrolled_object.firstname }}",)"
                      R"("vip":true,"deal":{"type":"ACTION_OUTPUT_OBJECT_PROPERTY",)"
                      R"("actionOutputPropertyToken":"4.dealname"}}})");
  EXPECT_EQ(
      boost::json::parse(Written(r)),
      boost::json::parse(R"({"name":"Ada","greeting":"Hi Ada","vip":true,"deal":"Big deal"})"));
  EXPECT_TRUE(Set("nickname", R"({"type":"MAP","values":[]})").failed);
}

TEST_F(InputValueTest, DataFlowdDoesNotHoldFails) {
  for (const char* value :
       {R"({"type":"ENROLLMENT_DATASET_COLUMN","enrollmentDatasetColumnToken":"c"})",
        R"({"type":"SINGLE_OBJECT_COORDINATES","coordinatesToken":"c"})"}) {
    ActionResult r = Set("nickname", value);
    EXPECT_TRUE(r.failed) << value;
    EXPECT_NE(r.error.find("not supported by flowd"), std::string::npos) << r.error;
  }
}

}  // namespace
}  // namespace flowd::engine::testing
