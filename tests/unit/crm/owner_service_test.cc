#include "crm/owner_service.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace flowd::crm {
namespace {

TEST(NormalizeEmail, AcceptsPlausibleAddressesLowerCased) {
  EXPECT_EQ(NormalizeEmail("Ada@Example.COM"), "ada@example.com");
  EXPECT_EQ(NormalizeEmail("a.b+c@mail.example.org"), "a.b+c@mail.example.org");
  for (const char* bad : {"", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com",
                          "a da@example.com", "ada@example.", "ada@.example"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@x.io").has_value());
}

class OwnerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = testing::MemoryStore(&account_); }
  FakeClock clock_{1'700'000'000'000};
  int64_t account_ = 0;
  std::unique_ptr<store::Store> store_;
  OwnerService Service() { return OwnerService(store_->owners(), clock_); }
};

TEST_F(OwnerServiceTest, CreateGetListArchive) {
  OwnerService owners = Service();
  auto ada = owners.Create(account_, {"Ada@Example.com", "Ada", "Lovelace", {{"7", "Math", true}}});
  ASSERT_TRUE(ada.ok()) << ada.error().message;
  EXPECT_EQ(ada->email, "ada@example.com");
  EXPECT_EQ(ada->created_at_ms, clock_.NowMs());
  EXPECT_GT(ada->id, 0);
  EXPECT_NE(ada->user_id, ada->id);

  auto by_id = owners.Get(account_, std::to_string(ada->id), "id", false);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->first_name, "Ada");
  ASSERT_EQ(by_id->teams.size(), 1u);
  EXPECT_EQ(by_id->teams[0].name, "Math");
  EXPECT_TRUE(by_id->teams[0].primary);
  auto by_user = owners.Get(account_, std::to_string(ada->user_id), "userId", false);
  ASSERT_TRUE(by_user.ok());
  EXPECT_EQ(by_user->id, ada->id);
  EXPECT_EQ(owners.Get(account_, std::to_string(ada->user_id), "id", false).error().code,
            ErrorCode::kNotFound);

  auto dup = owners.Create(account_, {"ADA@example.com", "", "", {}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  auto page = owners.List(account_, std::string("ADA@EXAMPLE.COM"), std::nullopt, 10, false);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->owners.size(), 1u);

  CRM_ASSERT_OK(owners.Archive(account_, ada->id));
  EXPECT_EQ(owners.Get(account_, std::to_string(ada->id), "id", false).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(owners.Get(account_, std::to_string(ada->id), "id", true).ok());
  EXPECT_EQ(owners.Archive(account_, ada->id).error().code, ErrorCode::kNotFound);
  // The email is free again.
  EXPECT_TRUE(owners.Create(account_, {"ada@example.com", "Ada", "II", {}}).ok());
}

TEST_F(OwnerServiceTest, BadInputIsAValidationError) {
  OwnerService owners = Service();
  auto bad = owners.Create(account_, {"nope", std::string(300, 'x'), "", {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(testing::Paths(bad.error()), (std::vector<std::string>{"email", "firstName"}));
  for (const char* id : {"", "abc", "-1", "0", "1.5", "99999999999999999999"}) {
    auto r = owners.Get(account_, id, "id", false);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << id;
  }
  auto prop = owners.Get(account_, "1", "email", false);
  ASSERT_FALSE(prop.ok());
  EXPECT_EQ(prop.error().details[0].in, "idProperty");
  EXPECT_EQ(owners.Get(account_, "99999999", "userId", false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(owners.Create(account_ + 1000, {"x@example.com", "", "", {}}).error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace flowd::crm
