#include "crm/form_service.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace flowd::crm {
namespace {

using testing::Json;

// A catalog with two contact properties and one read-only one.
class FakeCatalog : public PropertyCatalog {
 public:
  Result<std::shared_ptr<const PropertySet>> PropertiesOf(int64_t,
                                                          const std::string& type) override {
    auto set = std::make_shared<PropertySet>();
    if (type == "0-1") {
      for (const char* name : {"email", "firstname", "hs_object_id"}) {
        store::PropertyRecord p;
        p.object_type_id = type;
        p.name = name;
        p.type = "string";
        p.read_only_value = std::string_view(name) == "hs_object_id";
        set->by_name[name] = p;
      }
    }
    return std::shared_ptr<const PropertySet>(set);
  }
};

class FormServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = testing::MemoryStore(&account_); }
  FakeClock clock_{1'700'000'000'000};
  int64_t account_ = 0;
  std::unique_ptr<store::Store> store_;
};

constexpr const char* kForm = R"({"name":"Contact us","fieldGroups":[{"fields":[
    {"objectTypeId":"0-1","name":"email","fieldType":"email","required":true},
    {"objectTypeId":"0-1","name":"firstname","fieldType":"single_line_text"}]}]})";

TEST_F(FormServiceTest, CrudRoundTrip) {
  FormService forms(store_->forms(), clock_);
  auto created = forms.Create(account_, Json(kForm));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id.size(), 36u);
  auto rendered = FormService::Render(*created);
  EXPECT_EQ(rendered.at("name"), "Contact us");
  EXPECT_EQ(rendered.at("formType"), "hubspot");
  EXPECT_EQ(rendered.at("archived"), false);
  EXPECT_TRUE(rendered.contains("configuration"));

  // A GET body can be sent back as a PUT.
  clock_.AdvanceMs(10);
  auto replaced = forms.Replace(account_, created->id, rendered);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  auto again = FormService::Render(*replaced);
  EXPECT_EQ(again.at("fieldGroups"), rendered.at("fieldGroups"));
  EXPECT_EQ(again.at("createdAt"), rendered.at("createdAt"));
  EXPECT_NE(again.at("updatedAt"), rendered.at("updatedAt"));

  auto patched = forms.Patch(account_, created->id,
                             Json(R"({"name":"Renamed","configuration":{"language":"fr"}})"));
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  auto p = FormService::Render(*patched);
  EXPECT_EQ(p.at("name"), "Renamed");
  EXPECT_EQ(p.at("configuration").at("language"), "fr");
  EXPECT_EQ(p.at("configuration").at("editable"), true);
  EXPECT_EQ(p.at("fieldGroups"), rendered.at("fieldGroups"));

  CRM_ASSERT_OK(forms.Archive(account_, created->id));
  EXPECT_EQ(forms.Get(account_, created->id, false).error().code, ErrorCode::kNotFound);
  auto archived = forms.Get(account_, created->id, true);
  ASSERT_TRUE(archived.ok());
  EXPECT_TRUE(FormService::Render(*archived).contains("archivedAt"));
  EXPECT_EQ(forms.Replace(account_, created->id, rendered).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(forms.Archive(account_, created->id).error().code, ErrorCode::kNotFound);
  auto restored = forms.Patch(account_, created->id, Json(R"({"archived":false})"));
  ASSERT_TRUE(restored.ok());
  EXPECT_FALSE(restored->archived_at_ms.has_value());
}

TEST_F(FormServiceTest, ListFiltersByArchivedAndFormTypes) {
  FormService forms(store_->forms(), clock_);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(forms.Create(account_, Json(kForm))->id);
  CRM_ASSERT_OK(forms.Archive(account_, ids[1]));
  auto live = forms.List(account_, std::nullopt, 1, false, {});
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->forms.size(), 1u);
  EXPECT_EQ(live->forms[0].id, ids[0]);
  auto next = forms.List(account_, live->next_after, 10, false, {"hubspot"});
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->forms.size(), 1u);
  EXPECT_EQ(next->forms[0].id, ids[2]);
  EXPECT_EQ(forms.List(account_, std::nullopt, 10, true, {"all"})->forms.size(), 1u);
  EXPECT_TRUE(forms.List(account_, std::nullopt, 10, false, {"captured"})->forms.empty());
  EXPECT_EQ(forms.List(account_, std::nullopt, 10, false, {"bogus"}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(FormServiceTest, FieldsMustBeWritableProperties) {
  FakeCatalog catalog;
  FormService forms(store_->forms(), clock_, &catalog);
  EXPECT_TRUE(forms.Create(account_, Json(kForm)).ok());
  auto bad = forms.Create(account_, Json(R"({"name":"x","fieldGroups":[{"fields":[
      {"objectTypeId":"0-1","name":"nickname","fieldType":"single_line_text"},
      {"objectTypeId":"0-1","name":"hs_object_id","fieldType":"number"}]}]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(
      testing::Paths(bad.error()),
      (std::vector<std::string>{"fieldGroups[0].fields[0].name", "fieldGroups[0].fields[1].name"}));
}

TEST_F(FormServiceTest, AccountsAreWalls) {
  FormService forms(store_->forms(), clock_);
  auto created = forms.Create(account_, Json(kForm));
  ASSERT_TRUE(created.ok());
  auto other = store_->accounts().CreateAccount("B", 0);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(forms.Get(other->id, created->id, false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(forms.Patch(other->id, created->id, Json("{}")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(forms.Archive(other->id, created->id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(forms.List(other->id, std::nullopt, 10, false, {})->forms.empty());
}

}  // namespace
}  // namespace flowd::crm
