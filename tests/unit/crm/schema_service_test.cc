// SchemaService: the ObjectTypeResolver, schema create/update/delete rules, association
// definitions.
#include "crm/schema_service.h"

#include <gtest/gtest.h>

#include "crm_test_util.h"

namespace flowd::crm {
namespace {

using testing::CodeOf;
using testing::Json;

class SchemaServiceTest : public testing::CrmStoreTest {
 protected:
  void SetUp() override {
    CrmStoreTest::SetUp();
    properties_ = std::make_unique<PropertyService>(store_->properties(), clock_);
    schemas_ = std::make_unique<SchemaService>(store_->properties(), *properties_, clock_);
  }

  Result<SchemaView> CreateCars(int64_t account) {
    return schemas_->Create(account, Json(kCars), {});
  }

  static constexpr std::string_view kCars = R"({
    "name": "cars",
    "labels": {"singular": "Car", "plural": "Cars"},
    "primaryDisplayProperty": "model",
    "requiredProperties": ["model"],
    "searchableProperties": ["model", "vin"],
    "secondaryDisplayProperties": ["year", "hs_object_id"],
    "properties": [
      {"name": "model", "label": "Model", "type": "string", "fieldType": "text"},
      {"name": "vin", "label": "VIN", "type": "string", "fieldType": "text", "hasUniqueValue": true},
      {"name": "year", "label": "Year", "type": "number", "fieldType": "number"},
      {"name": "condition", "label": "Condition", "type": "enumeration", "fieldType": "select",
       "options": [{"label": "New", "value": "new", "displayOrder": 0, "hidden": false},
                   {"label": "Used", "value": "used", "displayOrder": 1, "hidden": false}]}
    ],
    "associatedObjects": ["CONTACT", "0-3"],
    "metaType": "PORTAL_SPECIFIC"
  })";

  std::unique_ptr<PropertyService> properties_;
  std::unique_ptr<SchemaService> schemas_;
};

TEST_F(SchemaServiceTest, ResolvesStandardTypes) {
  for (const char* name : {"contacts", "contact", "CONTACT", "0-1"}) {
    CRM_ASSERT_OK_AND_ASSIGN(ObjectTypeInfo t, schemas_->Resolve(a_, name));
    EXPECT_EQ(t.id, "0-1") << name;
  }
  auto unknown = schemas_->Resolve(a_, "spaceships");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(schemas_->Resolve(a_, "2-100001")), ErrorCode::kInvalidArgument);
}

TEST_F(SchemaServiceTest, CreateStoresPropertiesGroupAndAssociations) {
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView view, CreateCars(a_));
  const std::string type = view.schema.object_type_id();
  EXPECT_TRUE(IsCustomObjectTypeId(type)) << type;
  EXPECT_EQ(view.schema.name, "cars");
  EXPECT_EQ(view.schema.singular_label, "Car");
  EXPECT_EQ(view.schema.primary_display_property, "model");
  std::set<std::string> names;
  for (const auto& p : view.properties) {
    names.insert(p.name);
    EXPECT_EQ(p.group_name, "cars_information") << p.name;
    EXPECT_EQ(p.object_type_id, type);
  }
  EXPECT_EQ(names, (std::set<std::string>{"condition", "createdate", "hs_object_id",
                                          "lastmodifieddate", "model", "vin", "year"}));
  ASSERT_EQ(view.schema.associations.size(), 2u);
  EXPECT_EQ(view.schema.associations[0].from_object_type_id, type);
  EXPECT_EQ(view.schema.associations[0].to_object_type_id, "0-1");
  EXPECT_EQ(view.schema.associations[0].name, "cars_to_contact");
  EXPECT_EQ(view.schema.associations[1].to_object_type_id, "0-3");
  EXPECT_EQ(view.schema.associations[0].inverse_id, view.schema.associations[0].id + 1);

  // The type now resolves by id, name (any case) and fully qualified name, in its account only.
  for (std::string name :
       {type, std::string("cars"), std::string("CARS"), "p" + std::to_string(a_) + "_cars"}) {
    CRM_ASSERT_OK_AND_ASSIGN(ObjectTypeInfo t, schemas_->Resolve(a_, name));
    EXPECT_EQ(t.id, type) << name;
    EXPECT_TRUE(t.custom);
    EXPECT_EQ(t.primary_display_property, "model");
    EXPECT_EQ(t.fully_qualified_name, "p" + std::to_string(a_) + "_cars");
  }
  EXPECT_EQ(CodeOf(schemas_->Resolve(b_, type)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(schemas_->Get(b_, type)), ErrorCode::kNotFound);

  // Its properties are in the catalog; the built-ins are read-only.
  CRM_ASSERT_OK_AND_ASSIGN(auto set, properties_->PropertiesOf(a_, type));
  ASSERT_NE(set->Find("vin"), nullptr);
  EXPECT_TRUE(set->Find("vin")->has_unique_value);
  EXPECT_TRUE(set->Find("hs_object_id")->read_only_value);
  CRM_ASSERT_OK_AND_ASSIGN(ObjectTypeInfo info, schemas_->Resolve(a_, type));
  EXPECT_EQ(CodeOf(properties_->Archive(a_, info, "createdate")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(properties_->Archive(a_, info, "model")), ErrorCode::kInvalidArgument)
      << "the primary display property stays";
  CRM_ASSERT_OK(properties_->Archive(a_, info, "year"));

  // Names are unique per account (any case); another account may reuse them.
  EXPECT_EQ(CodeOf(schemas_->Create(a_, Json(R"({"name":"Cars","labels":{"singular":"C",
    "plural":"Cs"}})"),
                                    {})),
            ErrorCode::kConflict);
  CRM_ASSERT_OK(CreateCars(b_));
}

TEST_F(SchemaServiceTest, CreateListsEveryProblem) {
  auto r = schemas_->Create(a_, Json(R"({"name":"9lives","labels":{"singular":""},
    "primaryDisplayProperty":"nope","requiredProperties":["missing"],
    "properties":[{"name":"a","label":"A","type":"string","fieldType":"number"},
                  {"name":"createdate","label":"C","type":"string","fieldType":"text"}],
    "associatedObjects":["nosuchtype"]})"),
                            {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  std::set<std::string> ins;
  for (const auto& d : r.error().details) ins.insert(d.in);
  for (const char* in :
       {"name", "labels.singular", "labels.plural", "primaryDisplayProperty",
        "requiredProperties[0]", "properties[0].fieldType", "properties[1].name"}) {
    EXPECT_TRUE(ins.count(in)) << "no problem reported at " << in;
  }
  // Standard names and unknown associated types.
  EXPECT_EQ(CodeOf(schemas_->Create(a_, Json(R"({"name":"contacts","labels":{"singular":"C",
    "plural":"Cs"}})"),
                                    {})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(schemas_->Create(a_, Json(R"({"name":"boats","labels":{"singular":"B",
    "plural":"Bs"},"associatedObjects":["planes"]})"),
                                    {})),
            ErrorCode::kInvalidArgument);
  // Sensitive properties need allowsSensitiveProperties and the scope.
  constexpr std::string_view kSecret = R"({"name":"vaults","labels":{"singular":"V",
    "plural":"Vs"},"allowsSensitiveProperties":ALLOW,"properties":[{"name":"code","label":"Code",
    "type":"string","fieldType":"text","dataSensitivity":"sensitive"}]})";
  std::string no = std::string(kSecret).replace(kSecret.find("ALLOW"), 5, "false");
  std::string yes = std::string(kSecret).replace(kSecret.find("ALLOW"), 5, "true");
  EXPECT_EQ(CodeOf(schemas_->Create(a_, Json(no), {true, true})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(schemas_->Create(a_, Json(yes), {})), ErrorCode::kPermissionDenied);
  CRM_ASSERT_OK(schemas_->Create(a_, Json(yes), {true, false}));
}

TEST_F(SchemaServiceTest, UpdateChecksPropertyNames) {
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView view, CreateCars(a_));
  const std::string type = view.schema.object_type_id();
  clock_.AdvanceMs(10);
  CRM_ASSERT_OK_AND_ASSIGN(store::ObjectSchemaRecord updated,
                           schemas_->Update(a_, "cars", Json(R"({"labels":{"singular":"Auto"},
        "primaryDisplayProperty":"vin","requiredProperties":["model","vin"],
        "description":"Vehicles"})")));
  EXPECT_EQ(updated.singular_label, "Auto");
  EXPECT_EQ(updated.plural_label, "Cars");
  EXPECT_EQ(updated.primary_display_property, "vin");
  EXPECT_EQ(updated.description, "Vehicles");
  EXPECT_EQ(updated.updated_at_ms, clock_.NowMs());
  CRM_ASSERT_OK_AND_ASSIGN(ObjectTypeInfo info, schemas_->Resolve(a_, type));
  EXPECT_EQ(info.primary_display_property, "vin") << "the resolver sees the change";
  auto bad = schemas_->Update(a_, type, Json(R"({"requiredProperties":["nope","hs_object_id"],
    "restorable":true})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.size(), 1u) << "restorable is refused before names are checked";
  bad = schemas_->Update(a_, type, Json(R"({"requiredProperties":["nope","hs_object_id"]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.size(), 2u);
  CRM_ASSERT_OK_AND_ASSIGN(updated,
                           schemas_->Update(a_, type, Json(R"({"clearDescription":true})")));
  EXPECT_EQ(updated.description, "");
  EXPECT_EQ(CodeOf(schemas_->Update(a_, "contacts", Json("{}"))), ErrorCode::kNotFound);
}

TEST_F(SchemaServiceTest, DeleteArchivesThenPurges) {
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView view, CreateCars(a_));
  const std::string type = view.schema.object_type_id();
  EXPECT_EQ(CodeOf(schemas_->Delete(a_, type, true)), ErrorCode::kInvalidArgument)
      << "purging needs an archived schema";
  CRM_ASSERT_OK(schemas_->Delete(a_, type, false));
  EXPECT_EQ(CodeOf(schemas_->Resolve(a_, type)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(schemas_->Get(a_, type)), ErrorCode::kNotFound);
  CRM_ASSERT_OK_AND_ASSIGN(auto archived, schemas_->List(a_, true));
  ASSERT_EQ(archived.size(), 1u);
  EXPECT_EQ(CodeOf(CreateCars(a_)), ErrorCode::kConflict) << "the name is kept until purged";
  CRM_ASSERT_OK(schemas_->Delete(a_, "cars", true));
  CRM_ASSERT_OK_AND_ASSIGN(archived, schemas_->List(a_, true));
  EXPECT_TRUE(archived.empty());
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView again, CreateCars(a_));
  EXPECT_NE(again.schema.object_type_id(), type) << "type ids are never reused";
  CRM_ASSERT_OK_AND_ASSIGN(auto props, properties_->PropertiesOf(a_, type));
  EXPECT_TRUE(props->by_name.empty()) << "purging removed the old type's properties";
}

TEST_F(SchemaServiceTest, AssociationDefinitions) {
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView cars, CreateCars(a_));
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView boats, schemas_->Create(a_, Json(R"({"name":"boats",
                             "labels":{"singular":"Boat","plural":"Boats"}})"),
                                                              {}));
  const std::string car = cars.schema.object_type_id();
  const std::string boat = boats.schema.object_type_id();
  CRM_ASSERT_OK_AND_ASSIGN(
      store::SchemaAssociationRecord a,
      schemas_->CreateAssociation(
          a_, car, Json(R"({"fromObjectTypeId":")" + car + R"(","toObjectTypeId":"boats"})")));
  EXPECT_EQ(a.to_object_type_id, boat);
  EXPECT_EQ(a.name, "cars_to_boats");
  EXPECT_EQ(CodeOf(schemas_->CreateAssociation(a_, car,
                                               Json(R"({"fromObjectTypeId":")" + car +
                                                    R"(","toObjectTypeId":")" + boat + R"("})"))),
            ErrorCode::kConflict);
  EXPECT_EQ(CodeOf(schemas_->CreateAssociation(
                a_, car, Json(R"({"fromObjectTypeId":"0-1","toObjectTypeId":"0-2"})"))),
            ErrorCode::kInvalidArgument);
  // The other end sees the definition turned around, with the inverse id.
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView boat_view, schemas_->Get(a_, boat));
  ASSERT_EQ(boat_view.schema.associations.size(), 1u);
  EXPECT_EQ(boat_view.schema.associations[0].id, a.inverse_id);
  EXPECT_EQ(boat_view.schema.associations[0].to_object_type_id, car);
  CRM_ASSERT_OK(schemas_->DeleteAssociation(a_, boat, std::to_string(a.inverse_id)));
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView car_view, schemas_->Get(a_, car));
  EXPECT_EQ(car_view.schema.associations.size(), 2u);
  EXPECT_EQ(CodeOf(schemas_->DeleteAssociation(a_, car, std::to_string(a.id))),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(schemas_->DeleteAssociation(a_, car, "abc")), ErrorCode::kNotFound);
}

TEST_F(SchemaServiceTest, BatchRead) {
  CRM_ASSERT_OK_AND_ASSIGN(SchemaView cars, CreateCars(a_));
  CRM_ASSERT_OK_AND_ASSIGN(auto views,
                           schemas_->BatchRead(a_, Json(R"({"inputs":["cars","nope",")" +
                                                        cars.schema.object_type_id() + R"("]})")));
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(CodeOf(schemas_->BatchRead(a_, Json(R"({"inputs":[1]})"))),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace flowd::crm
