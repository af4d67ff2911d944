#include "model/action_catalog.h"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <set>

namespace flowd::model {
namespace {
namespace json = boost::json;

TEST(ActionCatalog, BuiltinsPresent) {
  for (const char* id : {"0-1", "0-35", "0-3", "0-4", "0-5", "0-8", "0-9", "0-14", "0-63809083",
                         "0-63863438", "0-13"}) {
    EXPECT_NE(FindBuiltinActionType(id), nullptr) << id;
  }
  EXPECT_EQ(FindBuiltinActionType("1-179507819"), nullptr);
  EXPECT_TRUE(FindBuiltinActionType("0-13")->legacy);
  EXPECT_FALSE(FindBuiltinActionType("0-63809083")->legacy);
}

// Every item must match the 2026-09-beta ApiActionTypeDefinition schema exactly.
TEST(ActionCatalog, DefinitionsMatchSpecShape) {
  json::array defs = ActionTypeDefinitions(std::nullopt);
  EXPECT_EQ(defs.size(), BuiltinActionTypes().size() - 1);  // legacy 0-13 hidden
  const std::set<std::string> top{"actionTypeId", "actionName", "groupId", "objectTypeIds",
                                  "inputFieldDefinitions"};
  const std::set<std::string> crm_types{
      "bool",   "currency_number",    "date",         "datetime", "enumeration", "json",
      "number", "object_coordinates", "phone_number", "string"};
  for (const json::value& d : defs) {
    const json::object& o = d.as_object();
    std::set<std::string> keys;
    for (const auto& kv : o) keys.insert(std::string(kv.key()));
    EXPECT_EQ(keys, top);
    EXPECT_TRUE(o.at("actionTypeId").is_string());
    EXPECT_NE(o.at("actionTypeId"), "0-13");
    EXPECT_TRUE(o.at("objectTypeIds").is_array());
    for (const json::value& f : o.at("inputFieldDefinitions").as_array()) {
      const json::object& fo = f.as_object();
      std::string kind(fo.at("fieldDefinitionType").as_string());
      std::set<std::string> allowed{"fieldDefinitionType", "isRequired", "name", "type", "label",
                                    "description"};
      if (kind == "ENUM") allowed.insert("options");
      ASSERT_TRUE(kind == "SIMPLE" || kind == "ENUM") << kind;
      for (const auto& kv : fo) EXPECT_TRUE(allowed.count(std::string(kv.key()))) << kv.key();
      EXPECT_TRUE(fo.at("isRequired").is_bool());
      EXPECT_TRUE(fo.at("name").is_string());
      EXPECT_TRUE(crm_types.count(std::string(fo.at("type").as_string())));
      if (kind == "ENUM") {
        ASSERT_FALSE(fo.at("options").as_array().empty());
        for (const json::value& opt : fo.at("options").as_array()) {
          std::set<std::string> ok;
          for (const auto& kv : opt.as_object()) ok.insert(std::string(kv.key()));
          EXPECT_EQ(ok, (std::set<std::string>{"description", "displayOrder", "doubleData",
                                               "hidden", "label", "readOnly", "value"}));
          EXPECT_TRUE(opt.at("displayOrder").is_int64());
          EXPECT_TRUE(opt.at("doubleData").is_double());
        }
      }
    }
  }
}

TEST(ActionCatalog, FilterByObjectType) {
  auto has = [](const json::array& defs, const char* id) {
    for (const auto& d : defs) {
      if (d.at("actionTypeId") == id) return true;
    }
    return false;
  };
  json::array deals = ActionTypeDefinitions(std::string("0-3"));
  EXPECT_FALSE(has(deals, "0-4"));
  EXPECT_TRUE(has(deals, "0-1"));
  json::array contacts = ActionTypeDefinitions(std::string("0-1"));
  EXPECT_TRUE(has(contacts, "0-4"));
  for (const auto& d : deals) EXPECT_EQ(d.at("objectTypeIds"), json::array{"0-3"});
}

TEST(ActionCatalog, DelayFields) {
  const ActionType* t = FindBuiltinActionType("0-1");
  ASSERT_EQ(t->fields.size(), 2u);
  EXPECT_EQ(t->fields[0].name, "delta");
  EXPECT_TRUE(t->fields[0].required);
  EXPECT_EQ(t->fields[1].name, "time_unit");
  EXPECT_FALSE(t->fields[1].options.empty());
}

}  // namespace
}  // namespace flowd::model

namespace flowd::model {
namespace {

TEST(ActionCatalogObjectTypesTest, UnfilteredListingNamesTheStandardObjectTypes) {
  for (const boost::json::value& d : ActionTypeDefinitions(std::nullopt)) {
    const auto& o = d.as_object();
    const auto& ots = o.at("objectTypeIds").as_array();
    EXPECT_FALSE(ots.empty()) << o.at("actionTypeId");
    if (o.at("actionTypeId") == "0-1") {
      EXPECT_EQ(ots, (boost::json::array{"0-1", "0-2", "0-3", "0-5"}));
    }
  }
  // A custom object type asked for is named as such.
  for (const boost::json::value& d : ActionTypeDefinitions(std::string("2-12345"))) {
    EXPECT_EQ(d.as_object().at("objectTypeIds"), boost::json::array{"2-12345"});
  }
}

}  // namespace
}  // namespace flowd::model
