#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/json.h"
#include "common/time_format.h"

namespace flowd {
namespace {

TEST(JsonStrictTest, AcceptsOrdinaryDocuments) {
  auto v = ParseJsonStrict(R"({"a":[1,2,{"b":"c"}],"d":null})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->is_object());
}

TEST(JsonStrictTest, RefusesDuplicateKeysAtAnyDepth) {
  auto v = ParseJsonStrict(R"({"a":1,"b":{"x":1,"x":2}})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(v.error().message.find("duplicate key \"x\""), std::string::npos);
  // The same key in sibling objects is fine.
  EXPECT_TRUE(ParseJsonStrict(R"([{"x":1},{"x":2}])").ok());
}

TEST(JsonStrictTest, RefusesMalformedInputWithAPosition) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "// c\n{}", "nul"}) {
    auto v = ParseJsonStrict(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_NE(v.error().message.find("Invalid input JSON"), std::string::npos) << bad;
  }
  auto v = ParseJsonStrict("{\n  \"a\": ]");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("line 2"), std::string::npos) << v.error().message;
}

TEST(JsonStrictTest, RefusesInvalidUtf8) {
  EXPECT_FALSE(ParseJsonStrict("{\"a\":\"\xff\xfe\"}").ok());
  EXPECT_FALSE(ParseJsonStrict("{\"\xc3\x28\":1}").ok());
  EXPECT_TRUE(ParseJsonStrict("{\"a\":\"h\xc3\xa9\"}").ok());
}

TEST(JsonStrictTest, RefusesDeepNesting) {
  std::string deep(65, '[');
  deep += std::string(65, ']');
  auto v = ParseJsonStrict(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("nesting deeper than 64"), std::string::npos);
  std::string ok(64, '[');
  ok += std::string(64, ']');
  EXPECT_TRUE(ParseJsonStrict(ok).ok());
}

TEST(TimeFormatTest, RoundTrips) {
  EXPECT_EQ(FormatIso8601Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(1717781228101), "2024-06-07T17:27:08.101Z");
  EXPECT_EQ(FormatIso8601Ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601Ms(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601Ms(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(ParseIso8601Ms("2024-06-07T17:27:08.101Z").value(), 1717781228101);
  EXPECT_EQ(ParseIso8601Ms("2024-06-07T17:27:08Z").value(), 1717781228000);
  EXPECT_FALSE(ParseIso8601Ms("2024-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601Ms("2024-06-07 17:27:08Z").has_value());
}

TEST(CryptoTest, HashesAndIds) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string uuid = NewUuid();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(NewUuid(), uuid);
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
}

}  // namespace
}  // namespace flowd
