#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "crm/form_service.h"
#include "crm/object_service.h"
#include "test_util.h"

namespace flowd::crm {
namespace {

using testing::Json;

constexpr const char* kForm = R"({"name":"Contact us","fieldGroups":[{"fields":[
    {"objectTypeId":"0-1","name":"email","fieldType":"email","required":true,
     "validation":{"blockedEmailDomains":["blocked.example"],"useDefaultBlockList":false}},
    {"objectTypeId":"0-1","name":"firstname","fieldType":"single_line_text"},
    {"objectTypeId":"0-1","name":"age","fieldType":"number"},
    {"objectTypeId":"0-1","name":"color","fieldType":"multiple_checkboxes",
     "options":[{"value":"red"},{"value":"blue"}]},
    {"objectTypeId":"0-2","name":"name","fieldType":"single_line_text"}]}],
  "configuration":{"postSubmitAction":{"type":"thank_you","value":"Merci!"}}})";

class FormSubmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::MemoryStore(&account_);
    objects_ = std::make_unique<ObjectService>(*store_, types_, catalog_, clock_);
    SubmissionLimits limits;
    limits.per_ip_per_minute = 20;
    forms_ =
        std::make_unique<FormService>(store_->forms(), clock_, &catalog_, objects_.get(), limits);
    auto form = forms_->Create(account_, Json(kForm));
    ASSERT_TRUE(form.ok()) << form.error().message;
    form_id_ = form->id;
  }

  Result<SubmissionResult> Submit(const std::string& body, const std::string& ip = "10.0.0.1") {
    return forms_->Submit({std::to_string(account_), form_id_, body, ip});
  }

  std::vector<store::CrmEvent> Events(int64_t contact) {
    auto e = store_->objects().ObjectEvents(account_, "0-1", contact, store::kEventFormSubmitted);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::vector<store::CrmEvent>{};
  }

  FakeClock clock_{1'700'000'000'000};
  int64_t account_ = 0;
  std::unique_ptr<store::Store> store_;
  testing::StandardTypes types_;
  testing::SmallCatalog catalog_;
  std::unique_ptr<ObjectService> objects_;
  std::unique_ptr<FormService> forms_;
  std::string form_id_;
};

TEST_F(FormSubmissionTest, CreatesThenUpdatesTheContactAndRecordsEvents) {
  auto first = Submit(R"({"fields":[
      {"objectTypeId":"0-1","name":"email","value":"Ada@Example.com"},
      {"objectTypeId":"0-1","name":"firstname","value":"Ada"},
      {"name":"age","value":36},
      {"objectTypeId":"0-1","name":"color","value":"red;blue"},
      {"objectTypeId":"0-2","name":"name","value":"Analytical Engines"}],
    "context":{"pageUri":"https://example.com/contact","pageName":"Contact","hutk":"abc123"},
    "submittedAt":"1700000000123"})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->inline_message, "Merci!");
  EXPECT_FALSE(first->redirect_uri.has_value());
  auto contact = store_->objects().GetObjects(account_, "0-1", {first->contact_id}, false);
  ASSERT_TRUE(contact.ok());
  ASSERT_EQ(contact->size(), 1u);
  const auto& props = contact->front().properties;
  EXPECT_EQ(props.at("email"), "ada@example.com");
  EXPECT_EQ(props.at("firstname"), "Ada");
  EXPECT_EQ(props.at("age"), "36");
  EXPECT_EQ(props.at("color"), "red;blue");
  EXPECT_EQ(props.at("hubspotutk"), "abc123");
  EXPECT_EQ(props.count("name"), 0u) << "company fields stay in the event";
  auto history = store_->objects().GetHistory(account_, "0-1", {first->contact_id}, {"firstname"});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->at(first->contact_id).at("firstname").front().source_type, "FORM");
  EXPECT_EQ(history->at(first->contact_id).at("firstname").front().source_id, form_id_);

  auto events = Events(first->contact_id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].occurred_at_ms, 1'700'000'000'123);
  EXPECT_EQ(events[0].properties.at("hs_form_id"), form_id_);
  EXPECT_EQ(events[0].properties.at("email"), "ada@example.com");
  EXPECT_EQ(events[0].properties.at("0-2.name"), "Analytical Engines");
  EXPECT_EQ(events[0].properties.at("hs_page_url"), "https://example.com/contact");
  EXPECT_EQ(events[0].properties.at("hs_ip_address"), "10.0.0.1");

  // Same email again: the same contact, updated; empty values do not clear.
  clock_.AdvanceMs(1000);
  auto second = Submit(R"({"fields":[{"name":"email","value":"ada@example.com"},
      {"name":"firstname","value":""},{"name":"age","value":"37"}]})");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->contact_id, first->contact_id);
  auto again = store_->objects().GetObjects(account_, "0-1", {first->contact_id}, false);
  EXPECT_EQ(again->front().properties.at("firstname"), "Ada");
  EXPECT_EQ(again->front().properties.at("age"), "37");
  ASSERT_EQ(Events(first->contact_id).size(), 2u);
  EXPECT_EQ(Events(first->contact_id)[1].occurred_at_ms, clock_.NowMs());

  // Where the email is not required, a known hutk names the contact; an unknown one cannot.
  auto optional_email = forms_->Create(account_, Json(R"({"name":"Newsletter","fieldGroups":[
      {"fields":[{"objectTypeId":"0-1","name":"email","fieldType":"email"},
                 {"objectTypeId":"0-1","name":"firstname","fieldType":"single_line_text"}]}]})"));
  ASSERT_TRUE(optional_email.ok());
  auto by_hutk = forms_->Submit({std::to_string(account_), optional_email->id,
                                 R"({"fields":[{"name":"firstname","value":"Augusta"}],
                                     "context":{"hutk":"abc123"}})",
                                 "10.0.0.1"});
  ASSERT_TRUE(by_hutk.ok()) << by_hutk.error().message;
  EXPECT_EQ(by_hutk->contact_id, first->contact_id);
  auto renamed = store_->objects().GetObjects(account_, "0-1", {first->contact_id}, false);
  EXPECT_EQ(renamed->front().properties.at("firstname"), "Augusta");
  auto unknown = forms_->Submit({std::to_string(account_), optional_email->id,
                                 R"({"fields":[{"name":"firstname","value":"X"}],
                                     "context":{"hutk":"zzz"}})",
                                 "10.0.0.1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().details[0].code, "MISSING_EMAIL");
}

TEST_F(FormSubmissionTest, InvalidFieldsAreAllListed) {
  auto bad = Submit(R"({"fields":[
      {"objectTypeId":"0-1","name":"email","value":"not-an-email"},
      {"objectTypeId":"0-1","name":"nickname","value":"x"},
      {"objectTypeId":"0-1","name":"age","value":"old"},
      {"objectTypeId":"0-1","name":"color","value":"red;purple"},
      {"objectTypeId":"0-2","name":"firstname","value":"wrong type"},
      {"name":"firstname","value":{"nested":true}}],
    "submittedAt":"yesterday","context":"nope"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto paths = testing::Paths(bad.error());
  for (const char* p : {"fields[5].value", "context", "submittedAt", "fields.email",
                        "fields[1].name", "fields.age", "fields.color", "fields[4].name"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end())
        << p << " missing: " << bad.error().message;
  }
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "fields.email"), 1) << "one problem per field";
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "fields.color"), 1);
  auto missing = Submit(R"({"fields":[{"name":"firstname","value":"Ada"}]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details[0].code, "REQUIRED_FIELD");
  EXPECT_EQ(missing.error().details[0].in, "fields.email");
  auto blocked = Submit(R"({"fields":[{"name":"email","value":"x@Blocked.example"}]})");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().details[0].code, "BLOCKED_EMAIL");
  auto dup =
      Submit(R"({"fields":[{"name":"email","value":"a@b.io"},{"name":"email","value":"c@d.io"}]})");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().details[0].code, "DUPLICATE_FIELD");
  EXPECT_EQ(Submit("not json").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Submit("[]").error().code, ErrorCode::kInvalidArgument);
  // Nothing was written.
  auto count = store_->objects().CountObjects(account_, "0-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST_F(FormSubmissionTest, UnknownPortalOrFormIsNotFound) {
  EXPECT_EQ(forms_->Submit({"abc", form_id_, "{}", "1.1.1.1"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(forms_->Submit({"999999", form_id_, "{}", "1.1.1.1"}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(forms_->Submit({std::to_string(account_), "nope", "{}", "1.1.1.1"}).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(forms_->Archive(account_, form_id_).ok());
  EXPECT_EQ(Submit(R"({"fields":[{"name":"email","value":"a@b.io"}]})").error().code,
            ErrorCode::kNotFound);
}

TEST_F(FormSubmissionTest, SizeAndRateLimits) {
  std::string big =
      R"({"fields":[{"name":"firstname","value":")" + std::string(70'000, 'x') + R"("}]})";
  EXPECT_EQ(Submit(big, "10.9.9.9").error().code, ErrorCode::kPayloadTooLarge);
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(Submit(R"({"fields":[{"name":"email","value":"r@x.io"}]})", "10.0.0.7").ok());
  }
  auto limited = Submit(R"({"fields":[{"name":"email","value":"r@x.io"}]})", "10.0.0.7");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().context.at("retryAfterSeconds").front(), "60");
  // Limited requests are refused before anything else, even for unknown forms.
  EXPECT_EQ(forms_->Submit({"1", "x", "{}", "10.0.0.7"}).error().code, ErrorCode::kRateLimited);
  clock_.AdvanceMs(60'000);
  EXPECT_TRUE(Submit(R"({"fields":[{"name":"email","value":"r@x.io"}]})", "10.0.0.7").ok());
}

TEST_F(FormSubmissionTest, RedirectActionAnswersRedirectUri) {
  auto patched = forms_->Patch(account_, form_id_, Json(R"({"configuration":{"postSubmitAction":
      {"type":"redirect_url","value":"https://example.com/thanks"}}})"));
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  auto r = Submit(R"({"fields":[{"name":"email","value":"z@x.io"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->redirect_uri, "https://example.com/thanks");
  EXPECT_FALSE(r->inline_message.has_value());
}

TEST_F(FormSubmissionTest, WithoutAnObjectServiceSubmissionsAreNotImplemented) {
  FormService bare(store_->forms(), clock_);
  EXPECT_EQ(bare.Submit({std::to_string(account_), form_id_, "{}", "1.2.3.4"}).error().code,
            ErrorCode::kNotImplemented);
}

}  // namespace
}  // namespace flowd::crm
