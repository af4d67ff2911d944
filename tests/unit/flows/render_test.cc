#include "flows/render.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "flows/flow_service.h"

namespace flowd::flows {
namespace {

TEST(ParseIdTest, OnlyCanonicalDecimalIds) {
  EXPECT_EQ(ParseId("585051946").value(), 585051946);
  EXPECT_EQ(ParseId("0").value(), 0);
  EXPECT_EQ(ParseId("9223372036854775807").value(), INT64_MAX);
  for (const char* bad : {"", "-1", "+1", "01", " 1", "1 ", "1e3", "abc", "9223372036854775808",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseId(bad).has_value()) << bad;
  }
}

TEST(RenderFlowTest, SplicesServerFieldsIntoContent) {
  store::FlowRecord r;
  r.id = 585051946;
  r.revision_id = 7;
  r.created_at_ms = 1717781228101;
  r.updated_at_ms = 1717781228102;
  r.content_json = R"({"type":"CONTACT_FLOW","actions":[]})";
  auto v = boost::json::parse(RenderFlow(r));
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("id").as_string(), "585051946");
  EXPECT_EQ(o.at("revisionId").as_string(), "7");
  EXPECT_EQ(o.at("createdAt").as_string(), "2024-06-07T17:27:08.101Z");
  EXPECT_EQ(o.at("updatedAt").as_string(), "2024-06-07T17:27:08.102Z");
  EXPECT_EQ(o.at("type").as_string(), "CONTACT_FLOW");
  r.content_json = "{}";
  EXPECT_TRUE(boost::json::parse(RenderFlow(r)).is_object());
}

TEST(RenderListingTest, HasListingFieldsOnly) {
  store::FlowRecord r;
  r.id = 1;
  r.revision_id = 2;
  r.name = "n";
  r.flow_type = "WORKFLOW";
  r.object_type_id = "0-1";
  r.content_json = R"({"actions":[]})";
  auto o = RenderListing(r);
  EXPECT_FALSE(o.contains("actions"));
  EXPECT_FALSE(o.contains("uuid"));
  EXPECT_EQ(o.at("objectTypeId").as_string(), "0-1");
  EXPECT_EQ(o.at("isEnabled").as_bool(), false);
}

}  // namespace
}  // namespace flowd::flows
