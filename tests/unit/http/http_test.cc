#include "api/http.h"

#include <gtest/gtest.h>

namespace flowd::api {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseRequestTarget, DecodesPathAndQuery) {
  std::string path;
  Pairs query;
  ASSERT_TRUE(
      ParseRequestTarget("/a%20b/c%2Fd?x=1&x=2&name=j%C3%B6+doe&flag&empty=", &path, &query));
  EXPECT_EQ(path, "/a b/c/d");
  EXPECT_EQ(
      query,
      (Pairs{{"x", "1"}, {"x", "2"}, {"name", "j\xC3\xB6 doe"}, {"flag", ""}, {"empty", ""}}));
}

TEST(ParseRequestTarget, NoQuery) {
  std::string path = "stale";
  Pairs query{{"stale", "1"}};
  ASSERT_TRUE(ParseRequestTarget("/automation/v4/flows", &path, &query));
  EXPECT_EQ(path, "/automation/v4/flows");
  EXPECT_TRUE(query.empty());
}

TEST(ParseRequestTarget, SkipsEmptySegmentsAndKeepsEncodedDelimiters) {
  std::string path;
  Pairs query;
  ASSERT_TRUE(ParseRequestTarget("/?a=1&&b=x%26y%3Dz&", &path, &query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query, (Pairs{{"a", "1"}, {"b", "x&y=z"}}));
}

TEST(ParseRequestTarget, RejectsNonOriginFormAndBadEscapes) {
  std::string path;
  Pairs query;
  EXPECT_FALSE(ParseRequestTarget("http://example.com/x", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("*", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("relative/path", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("/a%zz", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("/a%2", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("/a?b=%G0", &path, &query));
  EXPECT_FALSE(ParseRequestTarget("/a b", &path, &query));
}

TEST(HttpRequest, HeaderAndQueryLookups) {
  HttpRequest req;
  req.headers = {{"authorization", "Bearer x"}, {"x-a", "1"}, {"x-a", "2"}};
  req.query = {{"flowId", "1"}, {"after", "abc"}, {"flowId", "2"}};
  EXPECT_EQ(req.Header("x-a"), "1");
  EXPECT_EQ(req.Header("missing"), "");
  ASSERT_NE(req.QueryParam("after"), nullptr);
  EXPECT_EQ(*req.QueryParam("after"), "abc");
  EXPECT_EQ(req.QueryParam("nope"), nullptr);
  EXPECT_EQ(req.QueryParams("flowId"), (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(req.QueryParams("nope").empty());
}

TEST(HttpResponse, Factories) {
  HttpResponse json = HttpResponse::Json(201, "{}");
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.body, "{}");
  EXPECT_EQ(json.content_type, "application/json;charset=utf-8");
  HttpResponse none = HttpResponse::NoContent();
  EXPECT_EQ(none.status, 204);
  EXPECT_TRUE(none.body.empty());
}

}  // namespace
}  // namespace flowd::api
