// The app part of the Store contract (src/store/app_store.h) and the engine's callback
// completion (EngineStore::CompleteCallback), on every backend.
#include <string>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";

class AppStoreTest : public StoreConformanceTest {
 protected:
  AppStore& apps() { return store_->apps(); }
  AppRecord MustApp(int64_t account, const std::string& name = "App") {
    auto r = apps().CreateApp(account, name, kSecret, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : AppRecord{};
  }
};

TEST_P(AppStoreTest, AppsCreateListSecretDelete) {
  AppRecord a = MustApp(a_.id, "First");
  AppRecord b = MustApp(a_.id, "Second");
  EXPECT_GT(a.app_id, 0);
  EXPECT_GT(b.app_id, a.app_id);
  ASSERT_OK_AND_ASSIGN(auto list, apps().ListApps(a_.id));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "First");
  EXPECT_EQ(list[0].created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(auto secret, apps().GetAppSecret(a_.id, a.app_id));
  EXPECT_EQ(secret, std::optional<std::string>(kSecret));
  ASSERT_OK_AND_ASSIGN(AppRecord got, apps().GetApp(a_.id, b.app_id));
  EXPECT_EQ(got.name, "Second");
  ASSERT_OK(apps().DeleteApp(a_.id, a.app_id));
  EXPECT_ERROR_CODE(apps().DeleteApp(a_.id, a.app_id), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(secret, apps().GetAppSecret(a_.id, a.app_id));
  EXPECT_FALSE(secret);
}

TEST_P(AppStoreTest, AppValidationAndBounds) {
  EXPECT_ERROR_CODE(apps().CreateApp(a_.id, "", kSecret, kT0), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(apps().CreateApp(a_.id, std::string(kMaxAppNameLength + 1, 'n'), kSecret, kT0),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(apps().CreateApp(a_.id, "x", "short", kT0), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(apps().CreateApp(999999, "x", kSecret, kT0), ErrorCode::kNotFound);
  for (size_t i = 0; i < kMaxAppsPerAccount; ++i) MustApp(b_.id);
  EXPECT_ERROR_CODE(apps().CreateApp(b_.id, "one too many", kSecret, kT0),
                    ErrorCode::kInvalidArgument);
}

TEST_P(AppStoreTest, AccountsAreWalls) {
  AppRecord a = MustApp(a_.id);
  ASSERT_OK_AND_ASSIGN(auto secret, apps().GetAppSecret(b_.id, a.app_id));
  EXPECT_FALSE(secret);
  EXPECT_ERROR_CODE(apps().GetApp(b_.id, a.app_id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(apps().DeleteApp(b_.id, a.app_id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(apps().CreateDefinition(b_.id, a.app_id, "{}", kT0), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto d, apps().CreateDefinition(a_.id, a.app_id, R"({"x":1})", kT0));
  EXPECT_ERROR_CODE(apps().FindDefinition(b_.id, d.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(apps().GetDefinition(b_.id, a.app_id, d.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(apps().ListDefinitions(b_.id, a.app_id, false, std::nullopt, 10),
                    ErrorCode::kNotFound);
}

TEST_P(AppStoreTest, DefinitionsRevisionsArchive) {
  AppRecord app = MustApp(a_.id);
  ASSERT_OK_AND_ASSIGN(auto d, apps().CreateDefinition(a_.id, app.app_id, R"({"v":1})", kT0));
  EXPECT_EQ(d.revision_id, 1);
  EXPECT_TRUE(d.requires_object);
  EXPECT_FALSE(d.archived_at_ms);
  EXPECT_EQ(d.body_json, R"({"v":1})");
  ASSERT_OK_AND_ASSIGN(auto u,
                       apps().UpdateDefinition(a_.id, app.app_id, d.id, R"({"v":2})", kT0 + 5));
  EXPECT_EQ(u.revision_id, 2);
  EXPECT_EQ(u.updated_at_ms, kT0 + 5);
  EXPECT_EQ(u.created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(auto revs, apps().ListRevisions(a_.id, app.app_id, d.id, std::nullopt, 1));
  ASSERT_EQ(revs.revisions.size(), 1u);
  EXPECT_EQ(revs.revisions[0].body_json, R"({"v":1})");
  ASSERT_TRUE(revs.next_after);
  ASSERT_OK_AND_ASSIGN(revs, apps().ListRevisions(a_.id, app.app_id, d.id, revs.next_after, 1));
  ASSERT_EQ(revs.revisions.size(), 1u);
  EXPECT_EQ(revs.revisions[0].revision_id, 2);
  EXPECT_FALSE(revs.next_after);
  ASSERT_OK_AND_ASSIGN(auto r2, apps().GetRevision(a_.id, app.app_id, d.id, 2));
  EXPECT_EQ(r2.created_at_ms, kT0 + 5);
  EXPECT_ERROR_CODE(apps().GetRevision(a_.id, app.app_id, d.id, 3), ErrorCode::kNotFound);

  ASSERT_OK(apps().SetRequiresObject(a_.id, app.app_id, d.id, false));
  ASSERT_OK_AND_ASSIGN(auto found, apps().FindDefinition(a_.id, d.id));
  EXPECT_FALSE(found.requires_object);
  EXPECT_EQ(found.revision_id, 2);  // not a revision

  ASSERT_OK_AND_ASSIGN(auto d2, apps().CreateDefinition(a_.id, app.app_id, "{}", kT0));
  ASSERT_OK_AND_ASSIGN(auto page,
                       apps().ListDefinitions(a_.id, app.app_id, false, std::nullopt, 1));
  ASSERT_EQ(page.definitions.size(), 1u);
  EXPECT_EQ(page.definitions[0].id, d.id);
  ASSERT_OK(apps().ArchiveDefinition(a_.id, app.app_id, d.id, kT0 + 9));
  EXPECT_ERROR_CODE(apps().ArchiveDefinition(a_.id, app.app_id, d.id, kT0 + 9),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(apps().UpdateDefinition(a_.id, app.app_id, d.id, "{}", kT0),
                    ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(page, apps().ListDefinitions(a_.id, app.app_id, false, std::nullopt, 10));
  ASSERT_EQ(page.definitions.size(), 1u);
  EXPECT_EQ(page.definitions[0].id, d2.id);
  ASSERT_OK_AND_ASSIGN(page, apps().ListDefinitions(a_.id, app.app_id, true, std::nullopt, 10));
  ASSERT_EQ(page.definitions.size(), 1u);
  EXPECT_EQ(page.definitions[0].archived_at_ms, std::optional<int64_t>(kT0 + 9));

  // Deleting the app removes its definitions.
  ASSERT_OK(apps().DeleteApp(a_.id, app.app_id));
  EXPECT_ERROR_CODE(apps().FindDefinition(a_.id, d2.id), ErrorCode::kNotFound);
}

TEST_P(AppStoreTest, CompleteCallbackNeedsTheBlockedExecution) {
  NewEnrollment n;
  n.enrollment.account_id = a_.id;
  n.enrollment.flow_id = 77;
  n.enrollment.revision_id = 1;
  n.enrollment.object_type_id = "0-1";
  n.enrollment.object_id = 5;
  n.enrollment.source = "API";
  n.enrollment.data_json =
      R"({"1":{"hs_execution_state":"BLOCK","hs_callback_id":"ap-1-2-1-0","hs_block_expires_at":9}})";
  n.first_action_id = "1";
  n.first_run_at_ms = kT0 + 1'000'000;
  ASSERT_OK_AND_ASSIGN(auto enrolled, store_->engine().Enroll({n}, std::nullopt, kT0));
  ASSERT_EQ(enrolled.size(), 1u);
  const int64_t eid = enrolled[0].enrollment.id;
  EngineStore& e = store_->engine();
  EXPECT_ERROR_CODE(e.CompleteCallback(a_.id, eid, "1", "ap-other", R"({"a":"b"})", kT0),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(e.CompleteCallback(a_.id, eid, "2", "ap-1-2-1-0", R"({"a":"b"})", kT0),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(e.CompleteCallback(b_.id, eid, "1", "ap-1-2-1-0", R"({"a":"b"})", kT0),
                    ErrorCode::kNotFound);
  ASSERT_OK(e.CompleteCallback(a_.id, eid, "1", "ap-1-2-1-0",
                               R"({"hs_execution_state":"SUCCESS","a":"b"})", kT0 + 10));
  ASSERT_OK_AND_ASSIGN(auto job, e.JobOfEnrollment(a_.id, eid));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->run_at_ms, kT0 + 10);
  ASSERT_OK_AND_ASSIGN(auto got, e.GetEnrollment(a_.id, eid));
  EXPECT_NE(got.data_json.find(R"("a":"b")"), std::string::npos);
  EXPECT_NE(got.data_json.find("ap-1-2-1-0"), std::string::npos);
  // Completed once: a second completion finds no block.
  EXPECT_ERROR_CODE(e.CompleteCallback(a_.id, eid, "1", "ap-1-2-1-0", R"({})", kT0 + 11),
                    ErrorCode::kNotFound);
}

FLOWD_INSTANTIATE_CONFORMANCE(AppStoreTest);

}  // namespace
}  // namespace flowd::store
