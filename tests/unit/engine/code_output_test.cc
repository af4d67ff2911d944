#include "engine/code_output.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace flowd::engine {
namespace {

namespace json = boost::json;

std::string Coerced(OutputType type, const char* value_json,
                    std::vector<std::string> options = {}) {
  auto out = CoerceOutputs(json::parse(std::string(R"({"f":)") + value_json + "}"),
                           {{"f", type, std::move(options)}});
  if (!out.ok()) return "error: " + out.error().message;
  return out->contains("f") ? json::serialize(out->at("f")) : "absent";
}

TEST(CoerceOutputs, Strings) {
  EXPECT_EQ(Coerced(OutputType::kString, R"("abc")"), R"("abc")");
  EXPECT_EQ(Coerced(OutputType::kString, "12"), R"("12")");
  EXPECT_EQ(Coerced(OutputType::kString, "true"), R"("true")");
  EXPECT_EQ(Coerced(OutputType::kString, "null"), "absent");
  EXPECT_NE(Coerced(OutputType::kString, "[1]").find("'f' is STRING"), std::string::npos);
  EXPECT_NE(Coerced(OutputType::kString, "{}").find("error"), std::string::npos);
  std::string long_value = "\"" + std::string(kMaxOutputStringLength + 1, 'x') + "\"";
  EXPECT_NE(Coerced(OutputType::kString, long_value.c_str()).find("longer"), std::string::npos);
  EXPECT_EQ(Coerced(OutputType::kPhoneNumber, R"("+1 555 0100")"), R"("+1 555 0100")");
}

TEST(CoerceOutputs, NumbersAndBooleans) {
  EXPECT_EQ(Coerced(OutputType::kNumber, "5"), "5");
  EXPECT_EQ(Coerced(OutputType::kNumber, "-2.5"), "-2.5E0");
  EXPECT_EQ(Coerced(OutputType::kNumber, R"(" 17 ")"), "17");
  EXPECT_EQ(Coerced(OutputType::kNumber, R"("1e3")"), "1E3");
  EXPECT_NE(Coerced(OutputType::kNumber, R"("12abc")").find("expected a number"),
            std::string::npos);
  EXPECT_NE(Coerced(OutputType::kNumber, "true").find("error"), std::string::npos);
  EXPECT_EQ(Coerced(OutputType::kBool, "false"), "false");
  EXPECT_EQ(Coerced(OutputType::kBool, R"("True")"), "true");
  EXPECT_NE(Coerced(OutputType::kBool, R"("yes")").find("true or false"), std::string::npos);
  EXPECT_NE(Coerced(OutputType::kBool, "1").find("error"), std::string::npos);
}

TEST(CoerceOutputs, DatesAndTimes) {
  EXPECT_EQ(Coerced(OutputType::kDate, R"("2024-02-29")"), R"("2024-02-29")");
  EXPECT_EQ(Coerced(OutputType::kDate, "1717718400000"), R"("2024-06-07")");
  EXPECT_EQ(Coerced(OutputType::kDate, R"("2024-06-07T00:00:00Z")"), R"("2024-06-07")");
  EXPECT_NE(Coerced(OutputType::kDate, R"("2023-02-29")").find("error"), std::string::npos);
  EXPECT_NE(Coerced(OutputType::kDate, "1717781228101").find("error"), std::string::npos);
  EXPECT_NE(Coerced(OutputType::kDate, R"("tomorrow")").find("'f' is DATE"), std::string::npos);
  EXPECT_EQ(Coerced(OutputType::kDateTime, "1717781228101"), R"("2024-06-07T17:27:08.101Z")");
  EXPECT_EQ(Coerced(OutputType::kDateTime, R"("1717781228101")"), R"("2024-06-07T17:27:08.101Z")");
  EXPECT_EQ(Coerced(OutputType::kDateTime, R"("2024-06-07T17:27:08Z")"),
            R"("2024-06-07T17:27:08.000Z")");
  EXPECT_EQ(Coerced(OutputType::kDateTime, R"("2024-06-07")"), R"("2024-06-07T00:00:00.000Z")");
  EXPECT_NE(Coerced(OutputType::kDateTime, R"("June 7")").find("error"), std::string::npos);
}

TEST(CoerceOutputs, Enumerations) {
  EXPECT_EQ(Coerced(OutputType::kEnumeration, R"("gold")", {"gold", "silver"}), R"("gold")");
  EXPECT_NE(
      Coerced(OutputType::kEnumeration, R"("tin")", {"gold", "silver"}).find("one of gold, silver"),
      std::string::npos);
  EXPECT_EQ(Coerced(OutputType::kEnumeration, R"("any")"), R"("any")");
}

TEST(CoerceOutputs, UndeclaredDroppedAndNonObjectRefused) {
  auto out =
      CoerceOutputs(json::parse(R"({"a":"1","extra":"x"})"), {{"a", OutputType::kNumber, {}}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::serialize(*out), R"({"a":1})");
  EXPECT_FALSE(CoerceOutputs(json::parse("[]"), {}).ok());
}

TEST(ParseOutputFieldSpecs, SpecShapeAndEditorShape) {
  auto specs = ParseOutputFieldSpecs(json::parse(
      R"([{"type":"ENUMERATION","name":"tier","options":["gold","silver"]},
          {"name":"score","type":"NUMBER"},
          {"name":"flag","type":"BOOLEAN","options":[{"label":"Yes","value":"true"}]}])"));
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].type, OutputType::kEnumeration);
  EXPECT_EQ((*specs)[0].options, (std::vector<std::string>{"gold", "silver"}));
  EXPECT_EQ((*specs)[1].type, OutputType::kNumber);
  EXPECT_EQ((*specs)[2].type, OutputType::kBool);
  EXPECT_EQ((*specs)[2].options, (std::vector<std::string>{"true"}));

  auto unknown = ParseOutputFieldSpecs(json::parse(R"([{"name":"x","type":"BLOB"}])"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("outputFields[0]"), std::string::npos);
  EXPECT_FALSE(ParseOutputFieldSpecs(json::parse(R"([{"type":"STRING"}])")).ok());
  EXPECT_FALSE(ParseOutputFieldSpecs(
                   json::parse(R"([{"name":"a","type":"STRING"},{"name":"a","type":"NUMBER"}])"))
                   .ok());
  EXPECT_FALSE(ParseOutputFieldSpecs(json::parse("{}")).ok());
}

}  // namespace
}  // namespace flowd::engine
