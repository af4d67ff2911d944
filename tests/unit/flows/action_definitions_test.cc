// Custom action definitions: decoding (every problem listed, defaults), rendering, type ids.
#include "flows/action_definitions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace flowd::flows {
namespace {

namespace json = boost::json;

json::value Egg() {
  return json::parse(R"({"actionUrl":"https://example.com/act","published":true,
    "labels":{"en":{"actionName":"Act"}},
    "inputFields":[{"typeDefinition":{"name":"a","type":"string"},"isRequired":true}],
    "outputFields":[{"typeDefinition":{"name":"n","type":"number"}}],
    "functions":[{"functionType":"PRE_ACTION_EXECUTION","functionSource":"src"}],
    "somethingElse":1})");
}

TEST(ActionDefinitions, DecodeDefaultsAndDropsUnknown) {
  auto d = DecodeDefinitionEgg(Egg());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(d->contains("somethingElse"));
  EXPECT_TRUE(d->at("objectTypes").as_array().empty());
  const json::object& in = d->at("inputFields").at(0).at("typeDefinition").as_object();
  EXPECT_TRUE(in.at("options").as_array().empty());
  EXPECT_FALSE(in.contains("useChirp"));
  const json::object& out = d->at("outputFields").at(0).at("typeDefinition").as_object();
  EXPECT_EQ(out.at("externalOptions").as_bool(), false);
  EXPECT_EQ(out.at("useChirp").as_bool(), false);
  EXPECT_EQ(out.at("schema").at("type").as_string(), "DOUBLE");
  EXPECT_EQ(d->at("functions").at(0).at("id").as_string(), "1");
}

TEST(ActionDefinitions, EveryProblemListed) {
  auto d = DecodeDefinitionEgg(json::parse(R"({"actionUrl":"mailto:x",
    "inputFields":[{"typeDefinition":{"name":"a","type":"string"},"isRequired":true},
                   {"typeDefinition":{"name":"a","type":"weird"}}],
    "functions":[{"functionType":"NOPE","functionSource":""}],
    "labels":{"en":{}}})"));
  ASSERT_FALSE(d.ok());
  std::vector<std::string> where;
  for (const auto& p : d.error().details) where.push_back(p.in);
  for (const char* in : {"published", "actionUrl", "inputFields[1].typeDefinition.name",
                         "inputFields[1].typeDefinition.type", "inputFields[1].isRequired",
                         "functions[0].functionType", "labels.en.actionName"}) {
    EXPECT_NE(std::find(where.begin(), where.end(), in), where.end()) << in;
  }
  EXPECT_FALSE(DecodeDefinitionEgg(json::parse("[]")).ok());
}

TEST(ActionDefinitions, Bounds) {
  json::value egg = Egg();
  json::array fields;
  for (size_t i = 0; i <= kMaxDefinitionFields; ++i) {
    fields.push_back(
        json::object{{"typeDefinition", {{"name", "f" + std::to_string(i)}, {"type", "string"}}},
                     {"isRequired", false}});
  }
  egg.as_object()["inputFields"] = fields;
  EXPECT_FALSE(DecodeDefinitionEgg(egg).ok());
  egg = Egg();
  egg.as_object()["functions"].as_array()[0].as_object()["functionSource"] =
      std::string(kMaxFunctionSourceBytes + 1, 'x');
  EXPECT_FALSE(DecodeDefinitionEgg(egg).ok());
  egg = Egg();
  egg.as_object()["actionUrl"] = "https://example.com/" + std::string(kMaxActionUrlLength, 'x');
  EXPECT_FALSE(DecodeDefinitionEgg(egg).ok());
}

TEST(ActionDefinitions, RenderShowsFunctionIdentifiersOnly) {
  auto d = DecodeDefinitionEgg(Egg());
  ASSERT_TRUE(d.ok());
  store::ActionDefinitionRecord r;
  r.id = 100001;
  r.revision_id = 4;
  r.archived_at_ms = 1700000000000;
  r.body_json = json::serialize(*d);
  json::object out = RenderDefinition(r);
  EXPECT_EQ(out.at("id").as_string(), "100001");
  EXPECT_EQ(out.at("revisionId").as_string(), "4");
  EXPECT_EQ(out.at("archivedAt").as_int64(), 1700000000000);
  const json::object& f = out.at("functions").at(0).as_object();
  EXPECT_EQ(f.at("functionType").as_string(), "PRE_ACTION_EXECUTION");
  EXPECT_FALSE(f.contains("functionSource"));
}

TEST(ActionDefinitions, AppActionTypeIds) {
  EXPECT_EQ(AppActionTypeId(100001), "1-100001");
  EXPECT_EQ(DefinitionIdOfActionType("1-100001"), std::optional<int64_t>(100001));
  EXPECT_FALSE(DefinitionIdOfActionType("0-5"));
  EXPECT_FALSE(DefinitionIdOfActionType("1-"));
  EXPECT_FALSE(DefinitionIdOfActionType("1-12a"));
  EXPECT_FALSE(DefinitionIdOfActionType("1-0"));
  EXPECT_FALSE(DefinitionIdOfActionType("1-123456789012345678901"));
}

}  // namespace
}  // namespace flowd::flows
