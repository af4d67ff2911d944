// ObjectService, Search and DataSensitivity over an in-memory store with the real property
// catalog and type resolver.
#include "crm/object_service.h"

#include <gtest/gtest.h>

#include "crm/data_sensitivity.h"
#include "crm/object_search.h"
#include "crm/property_service.h"
#include "crm/schema_service.h"
#include "crm_test_util.h"

namespace flowd::crm {
namespace {

using testing::CodeOf;
using testing::Json;

class ObjectServiceTest : public testing::CrmStoreTest {
 protected:
  void SetUp() override {
    CrmStoreTest::SetUp();
    properties_ = std::make_unique<PropertyService>(store_->properties(), clock_);
    schemas_ = std::make_unique<SchemaService>(store_->properties(), *properties_, clock_);
    objects_ = std::make_unique<ObjectService>(*store_, *schemas_, *properties_, clock_);
    caller_.account_id = a_;
    caller_.scopes = base_scopes_;
    contacts_ = *FindStandardObjectType("contacts");
    deals_ = *FindStandardObjectType("deals");
  }

  void AddProperty(const std::string& name, const std::string& sensitivity,
                   const std::string& type = "string", const std::string& field = "text") {
    auto r = properties_->Create(
        a_, contacts_,
        Json(R"({"name":")" + name + R"(","label":"x","type":")" + type + R"(","fieldType":")" +
             field + R"(","groupName":"contactinformation","dataSensitivity":")" + sensitivity +
             R"("})"),
        SensitiveAccess{true, true});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  ObjectView MustCreate(const ObjectTypeInfo& t, std::map<std::string, std::string> props) {
    auto r = objects_->Create(caller_, t, ObjectInput{std::move(props)});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(r).value() : ObjectView{};
  }

  std::unique_ptr<PropertyService> properties_;
  std::unique_ptr<SchemaService> schemas_;
  std::unique_ptr<ObjectService> objects_;
  const std::vector<std::string> base_scopes_ = {"crm.objects.contacts.read",
                                                 "crm.objects.contacts.write"};
  Caller caller_;
  ObjectTypeInfo contacts_, deals_;
};

TEST_F(ObjectServiceTest, NormalizesAndValidatesEveryValue) {
  ObjectView v = MustCreate(contacts_, {{"email", "  Mixed@Case.IO "}, {"firstname", "Ann"}});
  EXPECT_EQ(v.properties.at("email"), "mixed@case.io");
  auto bad = objects_->Create(caller_, deals_,
                              ObjectInput{{{"amount", "12abc"},
                                           {"closedate", "2024-02-30"},
                                           {"dealstage", "nowhere"},
                                           {"unknown_prop", "1"},
                                           {"hs_object_id", "1"}}});
  ASSERT_EQ(CodeOf(bad), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().details.size(), 5u) << bad.error().message;
}

TEST_F(ObjectServiceTest, DefaultPropertiesAndAliases) {
  ObjectView d = MustCreate(deals_, {{"dealname", "D"}, {"amount", "5"}});
  auto got = objects_->Get(caller_, deals_, ObjectRef{std::to_string(d.record.id), ""}, {});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->properties.count("hs_lastmodifieddate"), 1u);
  EXPECT_EQ(got->properties.count("dealname"), 1u);
  EXPECT_EQ(got->properties.count("amount"), 1u);
}

TEST_F(ObjectServiceTest, IdPropertyMustBeUnique) {
  MustCreate(contacts_, {{"email", "a@x.io"}, {"firstname", "Ann"}});
  auto by_email = objects_->Get(caller_, contacts_, ObjectRef{"A@X.io", "email"}, {});
  ASSERT_TRUE(by_email.ok()) << by_email.error().message;
  auto by_name = objects_->Get(caller_, contacts_, ObjectRef{"Ann", "firstname"}, {});
  EXPECT_EQ(CodeOf(by_name), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(objects_->Get(caller_, contacts_, ObjectRef{"x1", ""}, {})),
            ErrorCode::kInvalidArgument);
}

TEST_F(ObjectServiceTest, UpsertCreatesOnceThenUpdates) {
  auto first = objects_->UpsertByUniqueValue(caller_, contacts_, "email", "u@x.io",
                                             ObjectInput{{{"firstname", "U"}}});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->second);
  auto second = objects_->UpsertByUniqueValue(caller_, contacts_, "email", "U@x.io",
                                              ObjectInput{{{"firstname", "V"}}});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->second);
  EXPECT_EQ(second->first.record.id, first->first.record.id);
  EXPECT_EQ(second->first.properties.at("firstname"), "V");
}

TEST_F(ObjectServiceTest, SensitiveValuesNeedScopes) {
  AddProperty("ssn", "sensitive");
  Caller full = caller_;
  std::vector<std::string> full_scopes = base_scopes_;
  full_scopes.push_back("crm.objects.contacts.sensitive.write");
  full_scopes.push_back("crm.objects.contacts.sensitive.read");
  full.scopes = full_scopes;
  auto denied = objects_->Create(caller_, contacts_, ObjectInput{{{"ssn", "1"}}});
  EXPECT_EQ(CodeOf(denied), ErrorCode::kPermissionDenied);
  auto ok = objects_->Create(full, contacts_, ObjectInput{{{"ssn", "1"}, {"firstname", "S"}}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ReadOptions read;
  read.properties = {"ssn", "firstname"};
  read.properties_with_history = {"ssn"};
  auto hidden =
      objects_->Get(caller_, contacts_, ObjectRef{std::to_string(ok->record.id), ""}, read);
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(hidden->properties.count("ssn"), 0u);
  EXPECT_TRUE(hidden->history.empty());
  auto shown = objects_->Get(full, contacts_, ObjectRef{std::to_string(ok->record.id), ""}, read);
  EXPECT_EQ(shown->properties.at("ssn"), "1");
  EXPECT_EQ(shown->history.at("ssn").size(), 1u);
  SearchRequest req;
  req.groups = {{SearchFilter{"ssn", "EQ", "1", std::nullopt, {}}}};
  EXPECT_EQ(CodeOf(Search(*objects_, caller_, contacts_, req)), ErrorCode::kPermissionDenied);
  auto found = Search(*objects_, full, contacts_, req);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->total, 1);
}

TEST_F(ObjectServiceTest, SearchUsesIndexAndScanAlike) {
  for (int i = 0; i < 30; ++i) {
    MustCreate(contacts_, {{"email", "p" + std::to_string(i) + "@x.io"},
                           {"firstname", i % 3 == 0 ? "Fizz" : "Other"},
                           {"lifecyclestage", i % 2 ? "lead" : "customer"}});
  }
  SearchRequest indexed;
  indexed.groups = {{SearchFilter{"firstname", "EQ", "Fizz", std::nullopt, {}},
                     SearchFilter{"lifecyclestage", "EQ", "lead", std::nullopt, {}}}};
  SearchRequest scanned;  // NEQ has no index: the same answer through a scan
  scanned.groups = {{SearchFilter{"firstname", "CONTAINS_TOKEN", "fizz", std::nullopt, {}},
                     SearchFilter{"lifecyclestage", "NEQ", "customer", std::nullopt, {}}}};
  auto a = Search(*objects_, caller_, contacts_, indexed);
  auto b = Search(*objects_, caller_, contacts_, scanned);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->total, 5);
  EXPECT_EQ(b->total, 5);
  for (size_t i = 0; i < a->results.size(); ++i)
    EXPECT_EQ(a->results[i].record.id, b->results[i].record.id);
  SearchRequest page = indexed;
  page.limit = 2;
  page.after = 4;
  auto last = Search(*objects_, caller_, contacts_, page);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->results.size(), 1u);
  EXPECT_FALSE(last->next_after);
}

TEST_F(ObjectServiceTest, FlowSensitivityRules) {
  AddProperty("ssn", "sensitive");
  AddProperty("dna", "highly_sensitive");
  DataSensitivity guard(*schemas_, *properties_);
  const std::vector<std::string> none;
  const std::vector<std::string> write = {"crm.objects.contacts.sensitive.write"};
  EXPECT_TRUE(guard.CheckFlowWrite(a_, "0-1", {"firstname", "not_a_property"}, none).ok());
  EXPECT_EQ(CodeOf(guard.CheckFlowWrite(a_, "0-1", {"ssn"}, none)), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(guard.CheckFlowWrite(a_, "0-1", {"ssn"}, write).ok());
  EXPECT_EQ(CodeOf(guard.CheckFlowWrite(a_, "0-1", {"dna"}, write)), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(guard.CheckFlowRead(a_, "0-1", {"ssn"}, write)), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(
      guard.CheckFlowRead(a_, "0-1", {"ssn"}, {"crm.objects.contacts.sensitive.read.v2"}).ok());
  // Another account's properties are its own: "ssn" is nothing there.
  EXPECT_TRUE(guard.CheckFlowWrite(b_, "0-1", {"ssn"}, none).ok());
}

}  // namespace
}  // namespace flowd::crm
