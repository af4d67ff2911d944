// The secret part of the Store contract (src/store/secret_store.h).
#include <map>
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

class SecretStoreTest : public StoreConformanceTest {
 protected:
  SecretStore& secrets() { return store_->secrets(); }
};

TEST_P(SecretStoreTest, SetGetListDelete) {
  ASSERT_OK_AND_ASSIGN(SecretInfo set, secrets().SetSecret(a_.id, "API_KEY", "s3cr3t", kT0));
  EXPECT_EQ(set.name, "API_KEY");
  EXPECT_EQ(set.created_at_ms, kT0);
  EXPECT_EQ(set.updated_at_ms, kT0);
  ASSERT_OK(secrets().SetSecret(a_.id, "Another_1", "x y\nz", kT0 + 1));

  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"API_KEY", "Another_1"}));
  EXPECT_EQ(values,
            (std::map<std::string, std::string>{{"API_KEY", "s3cr3t"}, {"Another_1", "x y\nz"}}));

  ASSERT_OK_AND_ASSIGN(std::vector<SecretInfo> list, secrets().ListSecrets(a_.id));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "API_KEY");  // byte order: upper case before lower case
  EXPECT_EQ(list[1].name, "Another_1");
  EXPECT_EQ(list[1].created_at_ms, kT0 + 1);

  ASSERT_OK(secrets().DeleteSecret(a_.id, "API_KEY"));
  EXPECT_ERROR_CODE(secrets().DeleteSecret(a_.id, "API_KEY"), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(list, secrets().ListSecrets(a_.id));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "Another_1");
}

TEST_P(SecretStoreTest, ReplacingKeepsCreatedAt) {
  ASSERT_OK(secrets().SetSecret(a_.id, "TOKEN", "one", kT0));
  ASSERT_OK_AND_ASSIGN(SecretInfo again, secrets().SetSecret(a_.id, "TOKEN", "two", kT0 + 500));
  EXPECT_EQ(again.created_at_ms, kT0);
  EXPECT_EQ(again.updated_at_ms, kT0 + 500);
  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"TOKEN"}));
  EXPECT_EQ(values["TOKEN"], "two");
  ASSERT_OK_AND_ASSIGN(auto list, secrets().ListSecrets(a_.id));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].created_at_ms, kT0);
  EXPECT_EQ(list[0].updated_at_ms, kT0 + 500);
}

TEST_P(SecretStoreTest, AccountsAreWalls) {
  ASSERT_OK(secrets().SetSecret(a_.id, "KEY", "a-value", kT0));
  ASSERT_OK(secrets().SetSecret(b_.id, "KEY", "b-value", kT0));
  ASSERT_OK_AND_ASSIGN(auto a_values, secrets().GetSecrets(a_.id, {"KEY"}));
  ASSERT_OK_AND_ASSIGN(auto b_values, secrets().GetSecrets(b_.id, {"KEY"}));
  EXPECT_EQ(a_values["KEY"], "a-value");
  EXPECT_EQ(b_values["KEY"], "b-value");
  ASSERT_OK(secrets().DeleteSecret(a_.id, "KEY"));
  ASSERT_OK_AND_ASSIGN(a_values, secrets().GetSecrets(a_.id, {"KEY"}));
  EXPECT_TRUE(a_values.empty());
  ASSERT_OK_AND_ASSIGN(b_values, secrets().GetSecrets(b_.id, {"KEY"}));
  EXPECT_EQ(b_values["KEY"], "b-value");
  ASSERT_OK_AND_ASSIGN(auto list, secrets().ListSecrets(a_.id));
  EXPECT_TRUE(list.empty());
}

TEST_P(SecretStoreTest, GetLeavesOutMissingDuplicateAndInvalidNames) {
  ASSERT_OK(secrets().SetSecret(a_.id, "ONE", "1", kT0));
  ASSERT_OK_AND_ASSIGN(
      auto values, secrets().GetSecrets(a_.id, {"ONE", "MISSING", "ONE", "bad-name", "", "1X"}));
  EXPECT_EQ(values, (std::map<std::string, std::string>{{"ONE", "1"}}));
  ASSERT_OK_AND_ASSIGN(values, secrets().GetSecrets(a_.id, {}));
  EXPECT_TRUE(values.empty());
}

TEST_P(SecretStoreTest, NamesAreCaseSensitive) {
  ASSERT_OK(secrets().SetSecret(a_.id, "key", "lower", kT0));
  ASSERT_OK(secrets().SetSecret(a_.id, "KEY", "upper", kT0));
  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"key", "KEY"}));
  EXPECT_EQ(values["key"], "lower");
  EXPECT_EQ(values["KEY"], "upper");
  EXPECT_ERROR_CODE(secrets().DeleteSecret(a_.id, "Key"), ErrorCode::kNotFound);
}

TEST_P(SecretStoreTest, RefusesBadNamesValuesAndAccounts) {
  for (const char* name : {"", "1ABC", "_ABC", "has-dash", "has space", "ÄBC", "a.b"}) {
    EXPECT_ERROR_CODE(secrets().SetSecret(a_.id, name, "v", kT0), ErrorCode::kInvalidArgument);
  }
  EXPECT_ERROR_CODE(
      secrets().SetSecret(a_.id, std::string(kMaxSecretNameLength + 1, 'A'), "v", kT0),
      ErrorCode::kInvalidArgument);
  ASSERT_OK(secrets().SetSecret(a_.id, std::string(kMaxSecretNameLength, 'A'), "v", kT0));
  EXPECT_ERROR_CODE(secrets().SetSecret(a_.id, "EMPTY", "", kT0), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(
      secrets().SetSecret(a_.id, "BIG", std::string(kMaxSecretValueBytes + 1, 'x'), kT0),
      ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(secrets().SetSecret(a_.id, "NUL", std::string("a\0b", 3), kT0),
                    ErrorCode::kInvalidArgument);
  ASSERT_OK(secrets().SetSecret(a_.id, "MAX", std::string(kMaxSecretValueBytes, 'x'), kT0));
  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"MAX"}));
  EXPECT_EQ(values["MAX"].size(), kMaxSecretValueBytes);
  EXPECT_ERROR_CODE(secrets().SetSecret(999, "KEY", "v", kT0), ErrorCode::kNotFound);
}

// A bad value's error message never contains the value.
TEST_P(SecretStoreTest, ErrorsDoNotQuoteValues) {
  const std::string value = "TOPSECRET" + std::string(kMaxSecretValueBytes, 'x');
  auto set = secrets().SetSecret(a_.id, "KEY", value, kT0);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message.find("TOPSECRET"), std::string::npos) << set.error().message;
}

TEST_P(SecretStoreTest, ValuesKeepEveryByte) {
  const std::string value = "quote' \"double\" back\\slash ünïcode 😀 $1 ?2 %s";
  ASSERT_OK(secrets().SetSecret(a_.id, "ODD", value, kT0));
  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"ODD"}));
  EXPECT_EQ(values["ODD"], value);
}

TEST_P(SecretStoreTest, PersistAcrossReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "in-memory backend";
  ASSERT_OK(secrets().SetSecret(a_.id, "KEPT", "value", kT0));
  store_.reset();
  Open();
  ASSERT_OK_AND_ASSIGN(auto values, secrets().GetSecrets(a_.id, {"KEPT"}));
  EXPECT_EQ(values["KEPT"], "value");
}

FLOWD_INSTANTIATE_CONFORMANCE(SecretStoreTest);

}  // namespace
}  // namespace flowd::store
