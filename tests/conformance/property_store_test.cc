// The PropertyStore contract (src/store/property_store.h), written once and run against every
// backend (tests/conformance/backends.h). Each test gets a fresh, migrated store.
#include "store/property_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <set>
#include <thread>

#include "conformance.h"

namespace flowd::store {
namespace {

#define EXPECT_CODE(expr, expected) EXPECT_ERROR_CODE(expr, expected)

class PropertyConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = StoreConformanceTest::a_.id;
    b_ = StoreConformanceTest::b_.id;
  }

  // The ids of the fixture's two accounts (these tests pass ids, not Account rows).
  int64_t a_ = 0;
  int64_t b_ = 0;

  PropertyStore& props() { return store_->properties(); }

  static PropertyRecord Prop(std::string name, std::string type = "0-1") {
    PropertyRecord p;
    p.object_type_id = std::move(type);
    p.name = std::move(name);
    p.label = "Label of " + p.name;
    p.type = "string";
    p.field_type = "text";
    p.group_name = "contactinformation";
    return p;
  }

  static ObjectSchemaRecord Schema(std::string name) {
    ObjectSchemaRecord s;
    s.name = std::move(name);
    s.singular_label = "Car";
    s.plural_label = "Cars";
    s.primary_display_property = "model";
    s.required_properties = {"model"};
    s.searchable_properties = {"model", "vin"};
    s.secondary_display_properties = {"vin"};
    return s;
  }
};

// ---------------------------------------------------------------- properties

TEST_P(PropertyConformanceTest, PropertyDefinitionsRoundTrip) {
  PropertyRecord p = Prop("favorite");
  p.type = "enumeration";
  p.field_type = "checkbox";
  p.description = "Colours, \"quoted\" and ünïcödé";
  p.options = {{"Red", "red", "warm", 0, false}, {"Blue", "blue", "", 1, true}};
  p.display_order = 7;
  p.has_unique_value = true;
  p.hidden = true;
  p.form_field = true;
  p.data_sensitivity = "sensitive";
  p.referenced_object_type = "OWNER";
  p.external_options = true;
  p.number_display_hint = "currency";
  p.text_display_hint = "multi_line";
  p.show_currency_symbol = false;
  p.currency_property_name = "currency";
  ASSERT_OK_AND_ASSIGN(std::vector<PropertyRecord> created, props().CreateProperties(a_, {p}, kT0));
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].created_at_ms, kT0);
  EXPECT_EQ(created[0].updated_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(PropertyRecord got, props().GetProperty(a_, "0-1", "favorite", false));
  EXPECT_EQ(got.label, p.label);
  EXPECT_EQ(got.type, "enumeration");
  EXPECT_EQ(got.field_type, "checkbox");
  EXPECT_EQ(got.group_name, "contactinformation");
  EXPECT_EQ(got.description, p.description);
  ASSERT_EQ(got.options.size(), 2u);
  EXPECT_EQ(got.options[0].label, "Red");
  EXPECT_EQ(got.options[0].description, "warm");
  EXPECT_EQ(got.options[1].display_order, 1);
  EXPECT_TRUE(got.options[1].hidden);
  EXPECT_EQ(got.display_order, 7);
  EXPECT_TRUE(got.has_unique_value);
  EXPECT_TRUE(got.hidden);
  EXPECT_TRUE(got.form_field);
  EXPECT_EQ(got.data_sensitivity, "sensitive");
  EXPECT_EQ(got.referenced_object_type, "OWNER");
  EXPECT_TRUE(got.external_options);
  EXPECT_EQ(got.number_display_hint, "currency");
  EXPECT_EQ(got.text_display_hint, "multi_line");
  EXPECT_EQ(got.show_currency_symbol, std::optional<bool>(false));
  EXPECT_EQ(got.currency_property_name, "currency");
  EXPECT_FALSE(got.archived_at_ms.has_value());
  EXPECT_CODE(props().GetProperty(b_, "0-1", "favorite", false), ErrorCode::kNotFound);
  EXPECT_CODE(props().GetProperty(a_, "0-2", "favorite", false), ErrorCode::kNotFound);
  EXPECT_CODE(props().GetProperty(a_, "0-1", "favorite", true), ErrorCode::kNotFound);
}

TEST_P(PropertyConformanceTest, CreateIsAllOrNothingAndNamesAreKeptWhenArchived) {
  ASSERT_OK(props().CreateProperties(a_, {Prop("one")}, kT0));
  EXPECT_CODE(props().CreateProperties(a_, {Prop("two"), Prop("one")}, kT0), ErrorCode::kConflict);
  EXPECT_CODE(props().GetProperty(a_, "0-1", "two", false), ErrorCode::kNotFound);
  // The same name in another account or type is another property.
  ASSERT_OK(props().CreateProperties(b_, {Prop("one")}, kT0));
  ASSERT_OK(props().CreateProperties(a_, {Prop("one", "0-3")}, kT0));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> archived,
                       props().ArchiveProperties(a_, "0-1", {"one", "missing", "one"}, kT0 + 5));
  EXPECT_EQ(archived, std::vector<std::string>{"one"});
  ASSERT_OK_AND_ASSIGN(PropertyRecord gone, props().GetProperty(a_, "0-1", "one", true));
  EXPECT_EQ(gone.archived_at_ms, std::optional<int64_t>(kT0 + 5));
  auto again = props().CreateProperties(a_, {Prop("one")}, kT0 + 6);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("archived"), std::string::npos) << again.error().message;
  ASSERT_OK_AND_ASSIGN(std::vector<PropertyRecord> live, props().ListProperties(a_, "0-1", false));
  EXPECT_TRUE(live.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<PropertyRecord> dead, props().ListProperties(a_, "0-1", true));
  ASSERT_EQ(dead.size(), 1u);
  // Still live elsewhere.
  ASSERT_OK(props().GetProperty(b_, "0-1", "one", false));
}

TEST_P(PropertyConformanceTest, ListIsByNameAndUpdateReplacesTheDefinition) {
  ASSERT_OK(props().CreateProperties(a_, {Prop("zeta"), Prop("alpha"), Prop("mid")}, kT0));
  ASSERT_OK_AND_ASSIGN(std::vector<PropertyRecord> list, props().ListProperties(a_, "0-1", false));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "alpha");
  EXPECT_EQ(list[2].name, "zeta");
  PropertyRecord changed = Prop("mid");
  changed.label = "Middle";
  changed.group_name = "other";
  changed.type = "number";
  changed.field_type = "number";
  ASSERT_OK_AND_ASSIGN(PropertyRecord updated, props().UpdateProperty(a_, changed, kT0 + 9));
  EXPECT_EQ(updated.created_at_ms, kT0);
  EXPECT_EQ(updated.updated_at_ms, kT0 + 9);
  ASSERT_OK_AND_ASSIGN(PropertyRecord got, props().GetProperty(a_, "0-1", "mid", false));
  EXPECT_EQ(got.label, "Middle");
  EXPECT_EQ(got.group_name, "other");
  EXPECT_EQ(got.type, "number");
  EXPECT_EQ(got.created_at_ms, kT0);
  EXPECT_CODE(props().UpdateProperty(b_, changed, kT0), ErrorCode::kNotFound);
  EXPECT_CODE(props().UpdateProperty(a_, Prop("nope"), kT0), ErrorCode::kNotFound);
  ASSERT_OK(props().ArchiveProperties(a_, "0-1", {"mid"}, kT0));
  EXPECT_CODE(props().UpdateProperty(a_, changed, kT0), ErrorCode::kNotFound);
}

TEST_P(PropertyConformanceTest, ConcurrentCreatesOfOneNameLetExactlyOneWin) {
  constexpr int kThreads = 6;
  std::barrier start(kThreads);
  std::atomic<int> wins{0}, conflicts{0}, others{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto r = props().CreateProperties(a_, {Prop("contested")}, kT0);
      if (r.ok()) {
        ++wins;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++conflicts;
      } else {
        ++others;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(others.load(), 0);
}

// ---------------------------------------------------------------- groups

TEST_P(PropertyConformanceTest, Groups) {
  PropertyGroupRecord g{"0-1", "billing", "Billing", 3, false, 0, 0};
  ASSERT_OK_AND_ASSIGN(PropertyGroupRecord created, props().CreateGroup(a_, g, kT0));
  EXPECT_EQ(created.created_at_ms, kT0);
  EXPECT_CODE(props().CreateGroup(a_, g, kT0), ErrorCode::kConflict);
  ASSERT_OK(props().CreateGroup(b_, g, kT0));
  PropertyGroupRecord other_type = g;
  other_type.object_type_id = "0-2";
  ASSERT_OK(props().CreateGroup(a_, other_type, kT0));
  ASSERT_OK_AND_ASSIGN(PropertyGroupRecord got, props().GetGroup(a_, "0-1", "billing"));
  EXPECT_EQ(got.label, "Billing");
  EXPECT_EQ(got.display_order, 3);
  EXPECT_FALSE(got.hubspot_defined);
  g.label = "Payments";
  g.display_order = -1;
  ASSERT_OK_AND_ASSIGN(PropertyGroupRecord updated, props().UpdateGroup(a_, g, kT0 + 1));
  EXPECT_EQ(updated.label, "Payments");
  EXPECT_EQ(updated.display_order, -1);
  EXPECT_EQ(updated.created_at_ms, kT0);
  EXPECT_EQ(updated.updated_at_ms, kT0 + 1);
  PropertyRecord p = Prop("iban");
  p.group_name = "billing";
  ASSERT_OK(props().CreateProperties(a_, {p}, kT0));
  EXPECT_CODE(props().DeleteGroup(a_, "0-1", "billing"), ErrorCode::kConflict);
  ASSERT_OK(props().ArchiveProperties(a_, "0-1", {"iban"}, kT0));
  ASSERT_OK(props().DeleteGroup(a_, "0-1", "billing"));
  EXPECT_CODE(props().GetGroup(a_, "0-1", "billing"), ErrorCode::kNotFound);
  EXPECT_CODE(props().DeleteGroup(a_, "0-1", "billing"), ErrorCode::kNotFound);
  EXPECT_CODE(props().UpdateGroup(a_, g, kT0), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(std::vector<PropertyGroupRecord> left, props().ListGroups(b_, "0-1"));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "billing");
}

// ---------------------------------------------------------------- schemas

TEST_P(PropertyConformanceTest, SchemasWithTheirPropertiesGroupsAndAssociations) {
  ObjectSchemaRecord s = Schema("cars");
  s.description = "Vehicles";
  s.allows_sensitive_properties = true;
  s.associations = {{0, 0, "", "0-1", "cars_to_contact", 0, 0},
                    {0, 0, "", "", "cars_to_cars", 0, 0}};
  PropertyGroupRecord group{"", "cars_information", "Car information", 0, true, 0, 0};
  PropertyRecord model = Prop("model", "");
  model.group_name = "cars_information";
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord created,
                       props().CreateSchema(a_, s, {group}, {model}, kT0));
  EXPECT_GE(created.id, 100001);
  const std::string type = created.object_type_id();
  EXPECT_EQ(type, "2-" + std::to_string(created.id));
  EXPECT_EQ(created.created_at_ms, kT0);
  // Association ids: odd forward, inverse = id + 1; the self association is seen both ways.
  ASSERT_EQ(created.associations.size(), 3u);
  EXPECT_EQ(created.associations[0].from_object_type_id, type);
  EXPECT_EQ(created.associations[0].to_object_type_id, "0-1");
  EXPECT_EQ(created.associations[0].inverse_id, created.associations[0].id + 1);
  EXPECT_GE(created.associations[0].id, kFirstSchemaAssociationId);
  EXPECT_EQ(created.associations[1].to_object_type_id, type);
  EXPECT_GT(created.associations[1].id, created.associations[0].inverse_id);

  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord got, props().GetSchema(a_, created.id));
  EXPECT_EQ(got.name, "cars");
  EXPECT_EQ(got.singular_label, "Car");
  EXPECT_EQ(got.plural_label, "Cars");
  EXPECT_EQ(got.description, "Vehicles");
  EXPECT_EQ(got.primary_display_property, "model");
  EXPECT_EQ(got.required_properties, std::vector<std::string>{"model"});
  EXPECT_EQ(got.searchable_properties, (std::vector<std::string>{"model", "vin"}));
  EXPECT_EQ(got.secondary_display_properties, std::vector<std::string>{"vin"});
  EXPECT_TRUE(got.allows_sensitive_properties);
  EXPECT_EQ(got.associations.size(), 3u);
  ASSERT_OK_AND_ASSIGN(PropertyRecord stored, props().GetProperty(a_, type, "model", false));
  EXPECT_EQ(stored.group_name, "cars_information");
  ASSERT_OK_AND_ASSIGN(PropertyGroupRecord stored_group,
                       props().GetGroup(a_, type, "cars_information"));
  EXPECT_TRUE(stored_group.hubspot_defined);

  // Names: unique per account, case-insensitively; another account may reuse them.
  EXPECT_CODE(props().CreateSchema(a_, Schema("CARS"), {}, {}, kT0), ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord theirs,
                       props().CreateSchema(b_, Schema("cars"), {}, {}, kT0));
  EXPECT_GT(theirs.id, created.id);
  EXPECT_CODE(props().GetSchema(b_, created.id), ErrorCode::kNotFound);
  // A schema whose property clashes is not created at all.
  EXPECT_CODE(props().CreateSchema(a_, Schema("boats"), {}, {Prop("x", ""), Prop("x", "")}, kT0),
              ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(std::vector<ObjectSchemaRecord> live, props().ListSchemas(a_, false));
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, created.id);
}

TEST_P(PropertyConformanceTest, UpdateArchivePurge) {
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord cars,
                       props().CreateSchema(a_, Schema("cars"), {}, {}, kT0));
  ObjectSchemaRecord boats_in = Schema("boats");
  boats_in.associations = {{0, 0, "", cars.object_type_id(), "boats_to_cars", 0, 0}};
  PropertyRecord hull = Prop("hull", "");
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord boats,
                       props().CreateSchema(a_, boats_in, {}, {hull}, kT0));
  // The target end sees the definition turned around.
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord cars_view, props().GetSchema(a_, cars.id));
  ASSERT_EQ(cars_view.associations.size(), 1u);
  EXPECT_EQ(cars_view.associations[0].from_object_type_id, cars.object_type_id());
  EXPECT_EQ(cars_view.associations[0].to_object_type_id, boats.object_type_id());
  EXPECT_EQ(cars_view.associations[0].id, boats.associations[0].inverse_id);

  ObjectSchemaRecord changed = boats;
  changed.singular_label = "Vessel";
  changed.required_properties = {};
  changed.allows_sensitive_properties = true;
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord updated, props().UpdateSchema(a_, changed, kT0 + 3));
  EXPECT_EQ(updated.singular_label, "Vessel");
  EXPECT_TRUE(updated.required_properties.empty());
  EXPECT_EQ(updated.updated_at_ms, kT0 + 3);
  EXPECT_EQ(updated.created_at_ms, kT0);
  EXPECT_EQ(updated.name, "boats");
  EXPECT_CODE(props().UpdateSchema(b_, changed, kT0), ErrorCode::kNotFound);

  EXPECT_CODE(props().PurgeSchema(a_, boats.id), ErrorCode::kNotFound);  // live schemas stay
  EXPECT_CODE(props().ArchiveSchema(b_, boats.id, kT0), ErrorCode::kNotFound);
  ASSERT_OK(props().ArchiveSchema(a_, boats.id, kT0 + 4));
  EXPECT_CODE(props().ArchiveSchema(a_, boats.id, kT0 + 4), ErrorCode::kNotFound);
  EXPECT_CODE(props().UpdateSchema(a_, changed, kT0), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(std::vector<ObjectSchemaRecord> archived, props().ListSchemas(a_, true));
  ASSERT_EQ(archived.size(), 1u);
  EXPECT_EQ(archived[0].archived_at_ms, std::optional<int64_t>(kT0 + 4));
  EXPECT_CODE(props().CreateSchema(a_, Schema("boats"), {}, {}, kT0), ErrorCode::kConflict);

  ASSERT_OK(props().PurgeSchema(a_, boats.id));
  EXPECT_CODE(props().GetSchema(a_, boats.id), ErrorCode::kNotFound);
  EXPECT_CODE(props().GetProperty(a_, boats.object_type_id(), "hull", false), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(cars_view, props().GetSchema(a_, cars.id));
  EXPECT_TRUE(cars_view.associations.empty()) << "purging removes definitions at both ends";
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord again,
                       props().CreateSchema(a_, Schema("boats"), {}, {}, kT0));
  EXPECT_GT(again.id, boats.id) << "ids are never reused";
}

TEST_P(PropertyConformanceTest, SchemaAssociationDefinitions) {
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord cars,
                       props().CreateSchema(a_, Schema("cars"), {}, {}, kT0));
  SchemaAssociationRecord a{0, 0, "ignored", "0-3", "cars_to_deal", 0, 0};
  ASSERT_OK_AND_ASSIGN(SchemaAssociationRecord added,
                       props().AddSchemaAssociation(a_, cars.id, a, kT0 + 1));
  EXPECT_EQ(added.from_object_type_id, cars.object_type_id());
  EXPECT_EQ(added.inverse_id, added.id + 1);
  EXPECT_EQ(added.created_at_ms, kT0 + 1);
  ASSERT_OK_AND_ASSIGN(SchemaAssociationRecord second,
                       props().AddSchemaAssociation(a_, cars.id, a, kT0 + 1));
  EXPECT_GT(second.id, added.inverse_id);
  EXPECT_CODE(props().AddSchemaAssociation(b_, cars.id, a, kT0), ErrorCode::kNotFound);
  EXPECT_CODE(props().RemoveSchemaAssociation(b_, cars.id, added.id), ErrorCode::kNotFound);
  ASSERT_OK(props().RemoveSchemaAssociation(a_, cars.id, added.inverse_id));
  EXPECT_CODE(props().RemoveSchemaAssociation(a_, cars.id, added.id), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(ObjectSchemaRecord got, props().GetSchema(a_, cars.id));
  ASSERT_EQ(got.associations.size(), 1u);
  EXPECT_EQ(got.associations[0].id, second.id);
  ASSERT_OK(props().ArchiveSchema(a_, cars.id, kT0));
  EXPECT_CODE(props().AddSchemaAssociation(a_, cars.id, a, kT0), ErrorCode::kNotFound);
  EXPECT_CODE(props().RemoveSchemaAssociation(a_, cars.id, second.id), ErrorCode::kNotFound);
}

TEST_P(PropertyConformanceTest, ConcurrentSchemaCreatesOfOneNameLetExactlyOneWin) {
  constexpr int kThreads = 4;
  std::barrier start(kThreads);
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = props().CreateSchema(a_, Schema(i % 2 ? "Trucks" : "trucks"), {}, {}, kT0);
      if (r.ok()) {
        ++wins;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
}

FLOWD_INSTANTIATE_CONFORMANCE(PropertyConformanceTest);

}  // namespace
}  // namespace flowd::store
