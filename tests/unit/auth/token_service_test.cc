#include <gtest/gtest.h>

#include "auth/auth.h"
#include "common/crypto.h"

namespace flowd::auth {
namespace {

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    auto acct = store_->accounts().CreateAccount("test", 1);
    ASSERT_TRUE(acct.ok());
    account_ = acct->id;
  }
  std::unique_ptr<store::Store> store_;
  int64_t account_ = 0;
};

TEST_F(TokenServiceTest, IssuedTokenAuthenticatesAndIsStoredHashed) {
  TokenService svc(*store_);
  auto issued = svc.Issue(account_, "ci", {"automation", "automation"}, {}, 5);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  EXPECT_TRUE(issued->token.starts_with("pat-fd1-"));
  EXPECT_GE(issued->token.size(), 40u);
  EXPECT_EQ(issued->record.token_hash, Sha256Hex(issued->token));
  EXPECT_EQ(issued->record.scopes, std::vector<std::string>{"automation"});
  auto p = svc.Authenticate("Bearer " + issued->token);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->account_id, account_);
  EXPECT_TRUE(p->HasScope("automation"));
  EXPECT_FALSE(p->HasScope("crm.objects.contacts.read"));
  // The scheme is case-insensitive.
  EXPECT_TRUE(svc.Authenticate("bearer " + issued->token).ok());
}

TEST_F(TokenServiceTest, BadCredentialsAreUnauthenticatedAndNeverEchoed) {
  TokenService svc(*store_);
  auto issued = svc.Issue(account_, "ci", {"automation"}, {}, 5);
  ASSERT_TRUE(issued.ok());
  for (std::string header : {std::string(""), std::string("Basic abc"), std::string("Bearer "),
                             std::string("Bearer pat-fd1-unknown"), issued->token}) {
    auto p = svc.Authenticate(header);
    ASSERT_FALSE(p.ok()) << header;
    EXPECT_EQ(p.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(p.error().message.find(issued->token), std::string::npos);
  }
}

TEST_F(TokenServiceTest, RevokedTokensStopWorkingAtOnce) {
  TokenService svc(*store_);
  auto issued = svc.Issue(account_, "ci", {"automation"}, {}, 5);
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(store_->tokens().RevokeToken(issued->record.id, 6).ok());
  auto p = svc.Authenticate("Bearer " + issued->token);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(TokenServiceTest, IssueChecksAccountAndScopes) {
  TokenService svc(*store_);
  EXPECT_EQ(svc.Issue(account_ + 999, "x", {"automation"}, {}, 1).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(svc.Issue(account_, "x", {"Bad Scope"}, {}, 1).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc.Issue(account_, "x", {}, {}, 1).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TokenServiceTest, TokensAreUnique) {
  TokenService svc(*store_);
  auto a = svc.Issue(account_, "a", {"automation"}, {}, 1);
  auto b = svc.Issue(account_, "b", {"automation"}, {}, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->token, b->token);
}

}  // namespace
}  // namespace flowd::auth
