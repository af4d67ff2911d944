// The application layer without a socket: routing, authentication order, scopes, rate limits.
#include "api/app.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "store/store.h"

namespace flowd::api {
namespace {

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    int64_t account = store_->accounts().CreateAccount("a", 1)->id;
    tokens_ = std::make_unique<auth::TokenService>(*store_);
    token_ = tokens_->Issue(account, "t", {"automation"}, {}, 1)->token;
    no_scope_ = tokens_->Issue(account, "n", {"crm.objects.contacts.read"}, {}, 1)->token;
    limited_ = tokens_->Issue(account, "l", {"automation"}, {2, 0}, 1)->token;
    limiter_ = std::make_unique<auth::RateLimiter>(clock_);
    flows_ = std::make_unique<flows::FlowService>(store_->flows(), clock_);
    app_ = std::make_unique<App>(AppServices{*tokens_, *limiter_, *flows_, clock_});
  }

  HttpResponse Call(std::string method, std::string path, std::string token = "",
                    std::string body = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.target = r.path;
    r.body = std::move(body);
    r.correlation_id = "00000000-0000-4000-8000-000000000000";
    r.headers.emplace_back("host", "flowd.test");
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    return app_->Handle(r);
  }

  static std::string Category(const HttpResponse& r) {
    return std::string(boost::json::parse(r.body).as_object().at("category").as_string());
  }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<auth::RateLimiter> limiter_;
  std::unique_ptr<flows::FlowService> flows_;
  std::unique_ptr<App> app_;
  std::string token_, no_scope_, limited_;
};

constexpr const char* kFlow =
    R"({"type":"CONTACT_FLOW","objectTypeId":"0-1","flowType":"WORKFLOW","isEnabled":false,"actions":[]})";

TEST_F(AppTest, HealthNeedsNoToken) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("POST", "/healthz").status, 405);
}

TEST_F(AppTest, UnknownRoutesAre404BeforeAuthentication) {
  HttpResponse r = Call("GET", "/automation/v4/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Category(r), "OBJECT_NOT_FOUND");
  EXPECT_EQ(Call("GET", "/crm/v9/nothing", token_).status, 404);
}

TEST_F(AppTest, AreasWithoutTheirServiceAnswer501) {
  // This App has no CRM services wired: their routes exist but say so.
  HttpResponse r = Call("GET", "/crm/v3/objects/contacts", token_);
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(Category(r), "NOT_IMPLEMENTED");
}

TEST_F(AppTest, WrongMethodIs405WithAllow) {
  HttpResponse r = Call("PATCH", "/automation/v4/flows/1", token_);
  EXPECT_EQ(r.status, 405);
  std::string allow;
  for (const auto& [k, v] : r.headers) {
    if (k == "Allow") allow = v;
  }
  EXPECT_EQ(allow, "GET, PUT, DELETE");
}

TEST_F(AppTest, LiteralRoutesWinOverFlowIds) {
  // "email-campaigns" and "batch" are never taken for a flowId.
  EXPECT_EQ(Call("GET", "/automation/v4/flows/email-campaigns", token_).status, 200);
  HttpResponse put = Call("PUT", "/automation/v4/flows/email-campaigns", token_, kFlow);
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(Call("GET", "/automation/v4/flows/batch/read", token_).status, 405);
}

TEST_F(AppTest, VersionSpecificRoutes) {
  EXPECT_EQ(Call("GET", "/automation/2026-09-beta/action-types", token_).status, 200);
  EXPECT_EQ(Call("GET", "/automation/v4/action-types", token_).status, 404);
  EXPECT_EQ(Call("GET", "/automation/2026-09-beta/flows/performance/1", token_).status, 404);
  EXPECT_EQ(Call("PUT", "/automation/2026-09-beta/1", token_, kFlow).status, 404);
}

TEST_F(AppTest, AuthenticationThenScopeThenHandler) {
  EXPECT_EQ(Call("GET", "/automation/v4/flows").status, 401);
  HttpResponse forbidden = Call("GET", "/automation/v4/flows", no_scope_);
  EXPECT_EQ(forbidden.status, 403);
  auto body = boost::json::parse(forbidden.body).as_object();
  EXPECT_EQ(body.at("category"), "MISSING_SCOPES");
  EXPECT_EQ(body.at("errors").as_array()[0].as_object().at("context").as_object().at(
                "requiredGranularScopes"),
            boost::json::array{"automation"});
  EXPECT_EQ(Call("GET", "/automation/v4/flows", token_).status, 200);
}

TEST_F(AppTest, CreateAnswers201WithLocation) {
  HttpResponse r = Call("POST", "/automation/v4/flows", token_, kFlow);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id(boost::json::parse(r.body).as_object().at("id").as_string());
  std::string location;
  for (const auto& [k, v] : r.headers) {
    if (k == "Location") location = v;
  }
  EXPECT_EQ(location, "http://flowd.test/automation/v4/flows/" + id);
  EXPECT_EQ(Call("DELETE", "/automation/v4/" + id, token_).status, 204);
  EXPECT_EQ(Call("GET", "/automation/v4/flows/" + id, token_).status, 404);
}

TEST_F(AppTest, RateLimitedTokensGetHeadersAnd429) {
  EXPECT_EQ(Call("GET", "/automation/v4/flows", limited_).status, 200);
  HttpResponse second = Call("GET", "/automation/v4/flows", limited_);
  EXPECT_EQ(second.status, 200);
  bool has_remaining = false;
  for (const auto& [k, v] : second.headers) {
    if (k == "X-HubSpot-RateLimit-Remaining") has_remaining = v == "0";
  }
  EXPECT_TRUE(has_remaining);
  // Flow creation is exempt from the ten-secondly limit.
  EXPECT_EQ(Call("POST", "/automation/v4/flows", limited_, kFlow).status, 201);
  HttpResponse refused = Call("GET", "/automation/v4/flows", limited_);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(Category(refused), "RATE_LIMITS");
  clock_.AdvanceMs(10'001);
  EXPECT_EQ(Call("GET", "/automation/v4/flows", limited_).status, 200);
}

}  // namespace
}  // namespace flowd::api
