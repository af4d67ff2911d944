#include "crm/marketing_email_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.h"

namespace flowd::crm {
namespace {

using testing::Json;

class MarketingEmailServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = testing::MemoryStore(&account_); }
  FakeClock clock_{1'700'000'000'000};
  int64_t account_ = 0;
  std::unique_ptr<store::Store> store_;
  MarketingEmailService Service() {
    return MarketingEmailService(store_->marketing_emails(), clock_);
  }
};

constexpr const char* kWelcome = R"({
  "name": "Welcome", "subject": "Hi {{ contact.firstname|default('there') }} & co",
  "from": {"fromName": "Team", "replyTo": "team@example.com"},
  "to": {"contactIlsLists": {"include": [5, "6"], "exclude": []}},
  "publishDate": "2024-06-07T17:27:08Z", "businessUnitId": 42, "language": "en",
  "content": {"plainTextVersion": "Hello {{ contact.firstname }}",
    "widgets": {
      "footer": {"order": 3, "body": {"html": "<p>Bye</p>"}},
      "main": {"order": 1, "body": {"html": "<p>Hello {{ contact.firstname }}</p>"}},
      "preview_text": {"order": 0, "body": {"value": "not html"}}}}})";

TEST_F(MarketingEmailServiceTest, CreateStoresTheCanonicalEmail) {
  auto svc = Service();
  auto email = svc.Create(account_, Json(kWelcome));
  ASSERT_TRUE(email.ok()) << email.error().message;
  auto out = MarketingEmailService::Render(*email);
  EXPECT_EQ(out.at("id"), boost::json::value(std::to_string(email->id)));
  EXPECT_EQ(out.at("name"), "Welcome");
  EXPECT_EQ(out.at("state"), "DRAFT");
  EXPECT_EQ(out.at("subcategory"), "batch");
  EXPECT_EQ(out.at("type"), "BATCH_EMAIL");
  EXPECT_EQ(out.at("isPublished"), false);
  EXPECT_EQ(out.at("archived"), false);
  EXPECT_EQ(out.at("publishDate"), "2024-06-07T17:27:08.000Z");
  EXPECT_EQ(out.at("businessUnitId"), "42");
  EXPECT_EQ(out.at("to").at("contactIlsLists").at("include"), Json(R"(["5","6"])"));
  EXPECT_EQ(MarketingEmailService::HtmlBody(*email),
            "<p>Hello {{ contact.firstname }}</p>\n<p>Bye</p>");
}

TEST_F(MarketingEmailServiceTest, PersonalizeRendersSubjectHtmlAndText) {
  auto svc = Service();
  auto email = svc.Create(account_, Json(kWelcome));
  ASSERT_TRUE(email.ok());
  auto p = MarketingEmailService::Personalize(*email, {{"contact.firstname", "<Ada>"}});
  EXPECT_EQ(p.subject, "Hi <Ada> & co");
  EXPECT_EQ(p.html, "<p>Hello &lt;Ada&gt;</p>\n<p>Bye</p>");
  EXPECT_EQ(p.text, "Hello <Ada>");
  EXPECT_EQ(p.from_name, "Team");
  EXPECT_EQ(p.reply_to, "team@example.com");
  EXPECT_EQ(MarketingEmailService::Personalize(*email, {}).subject, "Hi there & co");
}

TEST_F(MarketingEmailServiceTest, ValidationListsEveryProblem) {
  auto svc = Service();
  auto bad = svc.Create(account_, Json(R"({"subject": 5, "state": "SENT", "language": "xx",
      "publishDate": "yesterday", "testing": {"abStatus": "master"}, "rssData": {},
      "content": {"widgets": {"a": "not an object"}}, "to": {"contactIds": {"include": [{}]}}})"));
  ASSERT_FALSE(bad.ok());
  auto paths = testing::Paths(bad.error());
  for (const char* p : {"name", "subject", "state", "language", "publishDate", "testing", "rssData",
                        "content.widgets.a", "to.contactIds.include[0]"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end())
        << p << ": " << bad.error().message;
  }
  EXPECT_FALSE(svc.Create(account_, Json(R"({"name": ""})")).ok());
  EXPECT_FALSE(svc.Create(account_, Json(R"("name")")).ok());
}

TEST_F(MarketingEmailServiceTest, UpdateMergesAndArchiveHidesTheEmail) {
  auto svc = Service();
  auto email = svc.Create(account_, Json(kWelcome));
  ASSERT_TRUE(email.ok());
  clock_.AdvanceMs(1000);
  auto updated = svc.Update(account_, email->id, Json(R"({"subject": "New",
      "from": {"fromName": "Other"}, "content": {"widgets": {"main": {"body": {"html": "<p>x</p>"}}}}})"));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto out = MarketingEmailService::Render(*updated);
  EXPECT_EQ(out.at("subject"), "New");
  EXPECT_EQ(out.at("name"), "Welcome");
  EXPECT_EQ(out.at("from").at("fromName"), "Other");
  EXPECT_EQ(out.at("from").at("replyTo"), "team@example.com");
  EXPECT_EQ(out.at("content").at("widgets").at("main").at("order"), 1);
  EXPECT_EQ(out.at("content").at("widgets").at("footer").at("body").at("html"), "<p>Bye</p>");
  EXPECT_EQ(updated->updated_at_ms, clock_.NowMs());
  EXPECT_EQ(updated->created_at_ms, email->created_at_ms);

  CRM_ASSERT_OK(svc.Archive(account_, email->id));
  EXPECT_EQ(svc.Get(account_, email->id, false).error().code, ErrorCode::kNotFound);
  auto archived = svc.Get(account_, email->id, true);
  ASSERT_TRUE(archived.ok());
  EXPECT_TRUE(MarketingEmailService::Render(*archived).contains("deletedAt"));
  EXPECT_EQ(svc.Update(account_, email->id, Json(R"({"subject":"x"})")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(svc.Archive(account_, email->id).error().code, ErrorCode::kNotFound);
}

TEST_F(MarketingEmailServiceTest, CloneCopiesIntoADraft) {
  auto svc = Service();
  auto email = svc.Create(account_, Json(R"({"name":"A","subject":"S","state":"AUTOMATED"})"));
  ASSERT_TRUE(email.ok());
  auto copy = svc.Clone(account_, Json(R"({"id":")" + std::to_string(email->id) + R"("})"));
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  auto out = MarketingEmailService::Render(*copy);
  EXPECT_EQ(out.at("name"), "A (clone)");
  EXPECT_EQ(out.at("subject"), "S");
  EXPECT_EQ(out.at("state"), "DRAFT");
  EXPECT_EQ(out.at("clonedFrom"), boost::json::value(std::to_string(email->id)));
  auto named = svc.Clone(account_, Json(R"({"id":")" + std::to_string(email->id) +
                                        R"(","cloneName":"B","language":"de"})"));
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->name, "B");
  EXPECT_EQ(svc.Clone(account_, Json(R"({"id":"123"})")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(svc.Clone(account_, Json(R"({})")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc.Clone(account_, Json(R"({"id":"1","language":"xx"})")).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(MarketingEmailServiceTest, ListPagesWithTotal) {
  auto svc = Service();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(svc.Create(account_, Json(R"({"name":"e)" + std::to_string(i) + R"("})")).ok());
  }
  auto first = svc.List(account_, std::nullopt, 2, false);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->total, 5);
  ASSERT_EQ(first->emails.size(), 2u);
  ASSERT_TRUE(first->next_after);
  auto rest = svc.List(account_, first->next_after, 10, false);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->emails.size(), 3u);
  EXPECT_FALSE(rest->next_after);
  CRM_ASSERT_OK(svc.Archive(account_, first->emails[0].id));
  EXPECT_EQ(svc.List(account_, std::nullopt, 10, false)->total, 4);
  EXPECT_EQ(svc.List(account_, std::nullopt, 10, true)->total, 1);
}

}  // namespace
}  // namespace flowd::crm
