#include "crm/form_definition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "test_util.h"

namespace flowd::crm {
namespace {

using testing::Json;
using testing::Paths;

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(FormDefinition, MinimalBodyGetsEveryRequiredFieldByDefault) {
  auto def = CanonicalFormBody(Json(R"({"name":"Contact",
      "fieldGroups":[{"fields":[{"objectTypeId":"0-1","name":"email","fieldType":"email"},
                                {"objectTypeId":"0-1","name":"color","fieldType":"dropdown",
                                 "options":[{"value":"red"},{"value":"blue","label":"Blue"}]}]}]})"),
                               FormBodyKind::kCreate);
  ASSERT_TRUE(def.ok()) << def.error().message;
  ApplyFormDefaults(*def);
  const auto& d = *def;
  EXPECT_EQ(d.at("formType"), "hubspot");
  EXPECT_EQ(d.at("configuration").at("language"), "en");
  EXPECT_EQ(d.at("configuration").at("postSubmitAction").at("type"), "thank_you");
  EXPECT_EQ(d.at("displayOptions").at("style").at("submitAlignment"), "left");
  EXPECT_EQ(d.at("legalConsentOptions").at("type"), "none");
  const auto& group = d.at("fieldGroups").at(0);
  EXPECT_EQ(group.at("groupType"), "default_group");
  EXPECT_EQ(group.at("richTextType"), "text");
  const auto& email = group.at("fields").at(0);
  EXPECT_EQ(email.at("label"), "");
  EXPECT_EQ(email.at("required"), false);
  EXPECT_EQ(email.at("validation").at("useDefaultBlockList"), false);
  const auto& options = group.at("fields").at(1).at("options");
  EXPECT_EQ(options.at(0).at("label"), "red");
  EXPECT_EQ(options.at(0).at("displayOrder"), 0);
  EXPECT_EQ(options.at(1).at("label"), "Blue");
  EXPECT_EQ(options.at(1).at("displayOrder"), 1);
}

TEST(FormDefinition, GivenValuesWinOverDefaultsAndUnknownFieldsAreDropped) {
  auto def = CanonicalFormBody(Json(R"({"name":"x","id":"ignored","createdAt":"2020-01-01",
      "surprise":1,"configuration":{"language":"de","postSubmitAction":{"type":"redirect_url",
      "value":"https://example.com/thanks"}}})"),
                               FormBodyKind::kCreate);
  ASSERT_TRUE(def.ok()) << def.error().message;
  ApplyFormDefaults(*def);
  EXPECT_FALSE(def->contains("id"));
  EXPECT_FALSE(def->contains("createdAt"));
  EXPECT_FALSE(def->contains("surprise"));
  EXPECT_EQ(def->at("configuration").at("language"), "de");
  EXPECT_EQ(def->at("configuration").at("editable"), true);
  EXPECT_EQ(def->at("configuration").at("postSubmitAction").at("value"),
            "https://example.com/thanks");
}

TEST(FormDefinition, EveryProblemIsReportedWithItsPath) {
  auto def = CanonicalFormBody(Json(R"({"formType":"captured",
      "fieldGroups":[{"fields":[
         {"objectTypeId":"0-1","name":"email","fieldType":"email"},
         {"objectTypeId":"contacts","name":"email","fieldType":"single_line_text"},
         {"objectTypeId":"0-1","name":"x","fieldType":"signature"},
         {"objectTypeId":"0-1","fieldType":"number","required":"yes"},
         {"objectTypeId":"0-1","name":"c","fieldType":"radio","options":[{"value":"a"},{"value":"a"}]}]}],
      "configuration":{"language":"xx","postSubmitAction":{"type":"redirect_url","value":"ftp://x"}},
      "legalConsentOptions":{"type":"maybe"}})"),
                               FormBodyKind::kCreate);
  ASSERT_FALSE(def.ok());
  EXPECT_EQ(def.error().code, ErrorCode::kInvalidArgument);
  auto paths = Paths(def.error());
  for (const char* p :
       {"name", "formType", "fieldGroups[0].fields[1].name",
        "fieldGroups[0].fields[1].objectTypeId", "fieldGroups[0].fields[2].fieldType",
        "fieldGroups[0].fields[3].name", "fieldGroups[0].fields[3].required",
        "fieldGroups[0].fields[4].options[1].value", "configuration.language",
        "configuration.postSubmitAction.value", "legalConsentOptions.type"}) {
    EXPECT_TRUE(Has(paths, p)) << p << " missing from " << def.error().message;
  }
}

TEST(FormDefinition, PatchNeedsNoNameButChecksWhatIsGiven) {
  auto ok = CanonicalFormBody(Json(R"({"archived":true})"), FormBodyKind::kPatch);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at("archived"), true);
  auto bad = CanonicalFormBody(Json(R"({"name":""})"), FormBodyKind::kPatch);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(Paths(bad.error()), std::vector<std::string>{"name"});
  auto archived_on_create =
      CanonicalFormBody(Json(R"({"name":"n","archived":true})"), FormBodyKind::kCreate);
  ASSERT_TRUE(archived_on_create.ok());
  EXPECT_FALSE(archived_on_create->contains("archived"));
  EXPECT_FALSE(CanonicalFormBody(Json("[]"), FormBodyKind::kCreate).ok());
  EXPECT_FALSE(
      CanonicalFormBody(Json(R"({"name":"x","fieldGroups":{}})"), FormBodyKind::kReplace).ok());
}

TEST(FormDefinition, LegalConsentVariantsGetTheirDefaults) {
  auto def = CanonicalFormBody(
      Json(R"({"name":"x","legalConsentOptions":{"type":"explicit_consent_to_process",
          "communicationsCheckboxes":[{"subscriptionTypeId":7}]}})"),
      FormBodyKind::kCreate);
  ASSERT_TRUE(def.ok()) << def.error().message;
  ApplyFormDefaults(*def);
  const auto& consent = def->at("legalConsentOptions");
  EXPECT_EQ(consent.at("privacyText"), "");
  EXPECT_EQ(consent.at("communicationsCheckboxes").at(0).at("required"), false);
  EXPECT_EQ(consent.at("communicationsCheckboxes").at(0).at("label"), "");
}

TEST(FormDefinition, FieldsAreFlattenedWithDependentsNeverRequired) {
  auto def = CanonicalFormBody(Json(R"({"name":"x","fieldGroups":[
      {"fields":[{"objectTypeId":"0-1","name":"email","fieldType":"email","required":true,
                  "validation":{"blockedEmailDomains":["Spam.example"],"useDefaultBlockList":false},
                  "dependentFields":[{"dependentCondition":{"operator":"is_not_empty"},
                    "dependentField":{"objectTypeId":"0-1","name":"phone","fieldType":"phone","required":true}}]}]},
      {"fields":[{"objectTypeId":"0-2","name":"industry","fieldType":"dropdown","hidden":true,
                  "options":[{"value":"a"},{"value":"b"}]}]}]})"),
                               FormBodyKind::kCreate);
  ASSERT_TRUE(def.ok()) << def.error().message;
  ApplyFormDefaults(*def);
  auto fields = FormFields(*def);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "email");
  EXPECT_TRUE(fields[0].required);
  EXPECT_EQ(fields[0].blocked_domains, std::vector<std::string>{"spam.example"});
  EXPECT_EQ(fields[1].name, "phone");
  EXPECT_TRUE(fields[1].dependent);
  EXPECT_FALSE(fields[1].required);
  EXPECT_EQ(fields[1].path, "fieldGroups[0].fields[0].dependentFields[0].dependentField");
  EXPECT_EQ(fields[2].object_type_id, "0-2");
  EXPECT_TRUE(fields[2].hidden);
  EXPECT_EQ(fields[2].options, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(fields[2].path, "fieldGroups[1].fields[0]");
}

TEST(FormDefinition, LimitsAreEnforced) {
  std::string many = R"({"name":"x","fieldGroups":[{"fields":[)";
  for (int i = 0; i < 1001; ++i) {
    if (i) many += ',';
    many += R"({"objectTypeId":"0-1","name":"f)" + std::to_string(i) +
            R"(","fieldType":"single_line_text"})";
  }
  many += "]}]}";
  auto def = CanonicalFormBody(Json(many), FormBodyKind::kCreate);
  ASSERT_FALSE(def.ok());
  EXPECT_EQ(def.error().details[0].code, "LIMIT_EXCEEDED");
  auto long_name = CanonicalFormBody(Json(R"({"name":")" + std::string(1025, 'n') + R"("})"),
                                     FormBodyKind::kCreate);
  ASSERT_FALSE(long_name.ok());
  EXPECT_EQ(long_name.error().details[0].code, "VALUE_TOO_LONG");
}

}  // namespace
}  // namespace flowd::crm
