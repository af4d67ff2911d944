// The owner, form and marketing-email parts of the Store contract (src/store/owner_store.h,
// form_store.h, marketing_email_store.h).
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

class MarketingStoreTest : public StoreConformanceTest {
 protected:
  OwnerStore& owners() { return store_->owners(); }
  FormStore& forms() { return store_->forms(); }
  MarketingEmailStore& emails() { return store_->marketing_emails(); }

  static OwnerWrite Owner(std::string email, std::vector<OwnerTeam> teams = {}) {
    OwnerWrite w;
    w.email = std::move(email);
    w.first_name = "Ada";
    w.last_name = "Lovelace";
    w.teams = std::move(teams);
    return w;
  }
  static FormWrite Form(std::string name) {
    FormWrite w;
    w.name = std::move(name);
    w.content_json = R"({"fieldGroups":[]})";
    return w;
  }
  static MarketingEmailWrite Email(std::string name) {
    MarketingEmailWrite w;
    w.name = std::move(name);
    w.content_json = R"({"subject":"Hi"})";
    return w;
  }
};

// ---------------------------------------------------------------- owners

TEST_P(MarketingStoreTest, OwnersCreateGetAndUserIds) {
  ASSERT_OK_AND_ASSIGN(OwnerRecord ada,
                       owners().CreateOwner(a_.id, Owner("ada@x.io", {{"1", "Sales", true}}), kT0));
  EXPECT_GT(ada.id, 0);
  EXPECT_LE(ada.id, int64_t{2147483647});
  EXPECT_GT(ada.user_id, 0);
  EXPECT_NE(ada.user_id, ada.id);
  EXPECT_EQ(ada.created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(OwnerRecord got, owners().GetOwner(a_.id, ada.id));
  EXPECT_EQ(got.email, "ada@x.io");
  EXPECT_EQ(got.first_name, "Ada");
  EXPECT_EQ(got.last_name, "Lovelace");
  EXPECT_EQ(got.type, "PERSON");
  EXPECT_EQ(got.user_id, ada.user_id);
  ASSERT_EQ(got.teams.size(), 1u);
  EXPECT_EQ(got.teams[0].id, "1");
  EXPECT_EQ(got.teams[0].name, "Sales");
  EXPECT_TRUE(got.teams[0].primary);
  EXPECT_FALSE(got.archived_at_ms.has_value());
  ASSERT_OK_AND_ASSIGN(OwnerRecord by_user, owners().GetOwnerByUserId(a_.id, ada.user_id));
  EXPECT_EQ(by_user.id, ada.id);
  EXPECT_ERROR_CODE(owners().GetOwnerByUserId(a_.id, ada.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(owners().GetOwnerByUserId(a_.id, -5), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(owners().GetOwnerByUserId(a_.id, std::numeric_limits<int64_t>::max()),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(owners().GetOwner(a_.id, 1), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(owners().CreateOwner(999'999'999, Owner("x@x.io"), kT0), ErrorCode::kNotFound);
}

TEST_P(MarketingStoreTest, OwnerEmailsAreUniqueAmongLiveOwnersOfAnAccount) {
  ASSERT_OK_AND_ASSIGN(OwnerRecord ada, owners().CreateOwner(a_.id, Owner("ada@x.io"), kT0));
  EXPECT_ERROR_CODE(owners().CreateOwner(a_.id, Owner("ada@x.io"), kT0), ErrorCode::kConflict);
  // Another account may use the same address.
  ASSERT_OK(owners().CreateOwner(b_.id, Owner("ada@x.io"), kT0));
  ASSERT_OK(owners().ArchiveOwner(a_.id, ada.id, kT0 + 5));
  EXPECT_ERROR_CODE(owners().ArchiveOwner(a_.id, ada.id, kT0 + 6), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(OwnerRecord archived, owners().GetOwner(a_.id, ada.id));
  EXPECT_EQ(archived.archived_at_ms, kT0 + 5);
  EXPECT_EQ(archived.updated_at_ms, kT0 + 5);
  ASSERT_OK(owners().CreateOwner(a_.id, Owner("ada@x.io"), kT0 + 7));
}

TEST_P(MarketingStoreTest, OwnerListingPagesFiltersAndIsolatesAccounts) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(
        OwnerRecord o, owners().CreateOwner(a_.id, Owner("o" + std::to_string(i) + "@x.io"), kT0));
    ids.push_back(o.id);
  }
  ASSERT_OK(owners().CreateOwner(b_.id, Owner("other@x.io"), kT0));
  ASSERT_OK(owners().ArchiveOwner(a_.id, ids[4], kT0));

  ASSERT_OK_AND_ASSIGN(OwnerPage first,
                       owners().ListOwners(a_.id, std::nullopt, std::nullopt, 2, false));
  ASSERT_EQ(first.owners.size(), 2u);
  EXPECT_EQ(first.owners[0].id, ids[0]);
  ASSERT_TRUE(first.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(OwnerPage rest,
                       owners().ListOwners(a_.id, std::nullopt, first.next_after, 10, false));
  ASSERT_EQ(rest.owners.size(), 2u);
  EXPECT_EQ(rest.owners[1].id, ids[3]);
  EXPECT_FALSE(rest.next_after.has_value());

  ASSERT_OK_AND_ASSIGN(OwnerPage archived,
                       owners().ListOwners(a_.id, std::nullopt, std::nullopt, 10, true));
  ASSERT_EQ(archived.owners.size(), 1u);
  EXPECT_EQ(archived.owners[0].id, ids[4]);
  ASSERT_OK_AND_ASSIGN(OwnerPage by_email,
                       owners().ListOwners(a_.id, std::string("o2@x.io"), std::nullopt, 10, false));
  ASSERT_EQ(by_email.owners.size(), 1u);
  EXPECT_EQ(by_email.owners[0].id, ids[2]);
  ASSERT_OK_AND_ASSIGN(OwnerPage none, owners().ListOwners(a_.id, std::string("other@x.io"),
                                                           std::nullopt, 10, false));
  EXPECT_TRUE(none.owners.empty());
  ASSERT_OK_AND_ASSIGN(OwnerPage empty,
                       owners().ListOwners(a_.id, std::nullopt, std::nullopt, 0, false));
  EXPECT_TRUE(empty.owners.empty());
  EXPECT_ERROR_CODE(owners().GetOwner(b_.id, ids[0]), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(owners().ArchiveOwner(b_.id, ids[0], kT0), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------- forms

TEST_P(MarketingStoreTest, FormsCreateGetUpdateArchive) {
  const std::string id = "5b4f3a2e-0c1d-4e8f-9a7b-6c5d4e3f2a1b";
  ASSERT_OK_AND_ASSIGN(FormRecord created, forms().CreateForm(a_.id, id, Form("Contact"), kT0));
  EXPECT_EQ(created.id, id);
  EXPECT_GT(created.seq, 0);
  EXPECT_EQ(created.form_type, "hubspot");
  EXPECT_ERROR_CODE(forms().CreateForm(b_.id, id, Form("Clash"), kT0), ErrorCode::kConflict);

  ASSERT_OK_AND_ASSIGN(FormRecord got, forms().GetForm(a_.id, id));
  EXPECT_EQ(got.name, "Contact");
  EXPECT_EQ(got.content_json, R"({"fieldGroups":[]})");
  EXPECT_EQ(got.created_at_ms, kT0);
  EXPECT_ERROR_CODE(forms().GetForm(b_.id, id), ErrorCode::kNotFound);

  FormWrite w = Form("Renamed");
  w.content_json = R"({"fieldGroups":[{"fields":[]}]})";
  ASSERT_OK_AND_ASSIGN(FormRecord updated, forms().UpdateForm(a_.id, id, w, false, kT0 + 10));
  EXPECT_EQ(updated.name, "Renamed");
  EXPECT_EQ(updated.content_json, w.content_json);
  EXPECT_EQ(updated.created_at_ms, kT0);
  EXPECT_EQ(updated.updated_at_ms, kT0 + 10);
  EXPECT_EQ(updated.seq, created.seq);
  EXPECT_ERROR_CODE(forms().UpdateForm(b_.id, id, w, false, kT0), ErrorCode::kNotFound);

  ASSERT_OK(forms().ArchiveForm(a_.id, id, kT0 + 20));
  EXPECT_ERROR_CODE(forms().ArchiveForm(a_.id, id, kT0 + 21), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(FormRecord archived, forms().GetForm(a_.id, id));
  EXPECT_EQ(archived.archived_at_ms, kT0 + 20);
  // Updating an archived form keeps it archived with its first archivedAt; restoring clears it.
  ASSERT_OK_AND_ASSIGN(FormRecord still, forms().UpdateForm(a_.id, id, w, true, kT0 + 30));
  EXPECT_EQ(still.archived_at_ms, kT0 + 20);
  ASSERT_OK_AND_ASSIGN(FormRecord restored, forms().UpdateForm(a_.id, id, w, false, kT0 + 40));
  EXPECT_FALSE(restored.archived_at_ms.has_value());
  ASSERT_OK_AND_ASSIGN(FormRecord rearchived, forms().UpdateForm(a_.id, id, w, true, kT0 + 50));
  EXPECT_EQ(rearchived.archived_at_ms, kT0 + 50);
}

TEST_P(MarketingStoreTest, FormListingPagesBySeqPerArchivedState) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    std::string id = "form-" + std::to_string(i);
    ASSERT_OK(forms().CreateForm(a_.id, id, Form(id), kT0));
    ids.push_back(id);
  }
  ASSERT_OK(forms().CreateForm(b_.id, "form-b", Form("b"), kT0));
  ASSERT_OK(forms().ArchiveForm(a_.id, ids[1], kT0));
  ASSERT_OK_AND_ASSIGN(FormPage first, forms().ListForms(a_.id, std::nullopt, 2, false));
  ASSERT_EQ(first.forms.size(), 2u);
  EXPECT_EQ(first.forms[0].id, ids[0]);
  EXPECT_EQ(first.forms[1].id, ids[2]);
  ASSERT_TRUE(first.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(FormPage rest, forms().ListForms(a_.id, first.next_after, 2, false));
  ASSERT_EQ(rest.forms.size(), 1u);
  EXPECT_EQ(rest.forms[0].id, ids[3]);
  EXPECT_FALSE(rest.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(FormPage archived, forms().ListForms(a_.id, std::nullopt, 10, true));
  ASSERT_EQ(archived.forms.size(), 1u);
  EXPECT_EQ(archived.forms[0].id, ids[1]);
  ASSERT_OK_AND_ASSIGN(FormPage b_forms, forms().ListForms(b_.id, std::nullopt, 10, false));
  ASSERT_EQ(b_forms.forms.size(), 1u);
}

// ---------------------------------------------------------------- marketing emails

TEST_P(MarketingStoreTest, EmailsCreateGetUpdateArchive) {
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord e, emails().CreateEmail(a_.id, Email("Welcome"), kT0));
  EXPECT_GT(e.id, 0);
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord got, emails().GetEmail(a_.id, e.id));
  EXPECT_EQ(got.name, "Welcome");
  EXPECT_EQ(got.content_json, R"({"subject":"Hi"})");
  EXPECT_EQ(got.created_at_ms, kT0);
  EXPECT_ERROR_CODE(emails().GetEmail(b_.id, e.id), ErrorCode::kNotFound);

  MarketingEmailWrite w = Email("Welcome 2");
  w.content_json = R"({"subject":"Hello"})";
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord updated, emails().UpdateEmail(a_.id, e.id, w, kT0 + 1));
  EXPECT_EQ(updated.name, "Welcome 2");
  EXPECT_EQ(updated.content_json, w.content_json);
  EXPECT_EQ(updated.updated_at_ms, kT0 + 1);
  EXPECT_EQ(updated.created_at_ms, kT0);
  EXPECT_ERROR_CODE(emails().UpdateEmail(b_.id, e.id, w, kT0), ErrorCode::kNotFound);

  EXPECT_ERROR_CODE(emails().ArchiveEmail(b_.id, e.id, kT0), ErrorCode::kNotFound);
  ASSERT_OK(emails().ArchiveEmail(a_.id, e.id, kT0 + 2));
  EXPECT_ERROR_CODE(emails().ArchiveEmail(a_.id, e.id, kT0 + 3), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(emails().UpdateEmail(a_.id, e.id, w, kT0 + 3), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord archived, emails().GetEmail(a_.id, e.id));
  EXPECT_EQ(archived.archived_at_ms, kT0 + 2);
}

TEST_P(MarketingStoreTest, EmailListingCountsAndPages) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(MarketingEmailRecord e,
                         emails().CreateEmail(a_.id, Email("e" + std::to_string(i)), kT0));
    ids.push_back(e.id);
  }
  ASSERT_OK(emails().CreateEmail(b_.id, Email("other"), kT0));
  ASSERT_OK(emails().ArchiveEmail(a_.id, ids[0], kT0));
  ASSERT_OK_AND_ASSIGN(MarketingEmailPage first,
                       emails().ListEmails(a_.id, std::nullopt, 3, false));
  EXPECT_EQ(first.total, 4);
  ASSERT_EQ(first.emails.size(), 3u);
  EXPECT_EQ(first.emails[0].id, ids[1]);
  ASSERT_TRUE(first.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(MarketingEmailPage rest,
                       emails().ListEmails(a_.id, first.next_after, 3, false));
  EXPECT_EQ(rest.total, 4);
  ASSERT_EQ(rest.emails.size(), 1u);
  EXPECT_EQ(rest.emails[0].id, ids[4]);
  EXPECT_FALSE(rest.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(MarketingEmailPage archived,
                       emails().ListEmails(a_.id, std::nullopt, 10, true));
  EXPECT_EQ(archived.total, 1);
  ASSERT_EQ(archived.emails.size(), 1u);
  ASSERT_OK_AND_ASSIGN(MarketingEmailPage counted,
                       emails().ListEmails(a_.id, std::nullopt, 0, false));
  EXPECT_EQ(counted.total, 4);
  EXPECT_TRUE(counted.emails.empty());
}

TEST_P(MarketingStoreTest, PersistAcrossReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "in-memory backend";
  ASSERT_OK_AND_ASSIGN(OwnerRecord o, owners().CreateOwner(a_.id, Owner("p@x.io"), kT0));
  ASSERT_OK(forms().CreateForm(a_.id, "persisted-form", Form("f"), kT0));
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord e, emails().CreateEmail(a_.id, Email("e"), kT0));
  store_.reset();
  Open();
  ASSERT_OK(store_->Migrate());
  ASSERT_OK(owners().GetOwner(a_.id, o.id));
  ASSERT_OK(forms().GetForm(a_.id, "persisted-form"));
  ASSERT_OK(emails().GetEmail(a_.id, e.id));
  // Ids are not reused after a reopen.
  ASSERT_OK_AND_ASSIGN(MarketingEmailRecord e2, emails().CreateEmail(a_.id, Email("e2"), kT0));
  EXPECT_GT(e2.id, e.id);
}

FLOWD_INSTANTIATE_CONFORMANCE(MarketingStoreTest);

}  // namespace
}  // namespace flowd::store
