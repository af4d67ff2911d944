// The flow, account and token parts of the Store contract (src/store/store.h).
#include <algorithm>
#include <atomic>
#include <barrier>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

// ---------------------------------------------------------------- migrations

TEST_P(StoreConformanceTest, MigrateIsIdempotent) {
  ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
  EXPECT_GE(version, 1);
  ASSERT_OK(store_->Migrate());
  ASSERT_OK(store_->Migrate());
  ASSERT_OK_AND_ASSIGN(int again, store_->SchemaVersion());
  EXPECT_EQ(again, version);
  // Data survives a re-run.
  ASSERT_OK_AND_ASSIGN(Account a, store_->accounts().GetAccount(a_.id));
  EXPECT_EQ(a.name, "Account A");
}

// ---------------------------------------------------------------- accounts

TEST_P(StoreConformanceTest, Accounts) {
  EXPECT_GE(a_.id, 1'000'000);
  EXPECT_GT(b_.id, a_.id);
  EXPECT_EQ(a_.created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(Account got, store_->accounts().GetAccount(b_.id));
  EXPECT_EQ(got.id, b_.id);
  EXPECT_EQ(got.name, "Account B");
  EXPECT_EQ(got.created_at_ms, kT0);
  EXPECT_ERROR_CODE(store_->accounts().GetAccount(b_.id + 1000), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(store_->accounts().GetAccount(-1), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(std::vector<Account> all, store_->accounts().ListAccounts());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a_.id);
  EXPECT_EQ(all[1].id, b_.id);
}

TEST_P(StoreConformanceTest, AccountTimeZone) {
  EXPECT_EQ(a_.time_zone, "UTC");
  ASSERT_OK_AND_ASSIGN(Account fresh, store_->accounts().GetAccount(a_.id));
  EXPECT_EQ(fresh.time_zone, "UTC") << "UTC until set";
  ASSERT_OK(store_->accounts().SetTimeZone(a_.id, "Europe/Paris", kT0));
  ASSERT_OK_AND_ASSIGN(Account got, store_->accounts().GetAccount(a_.id));
  EXPECT_EQ(got.time_zone, "Europe/Paris");
  // The change records the engine's pass that re-times the account's flows, with it; setting the
  // zone the account already has records none.
  ASSERT_OK(store_->accounts().SetTimeZone(a_.id, "Europe/Paris", kT0 + 1));
  ASSERT_OK_AND_ASSIGN(auto passes, store_->engine().DueBackfills(kT0 + 1, 10));
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].kind, kBackfillZone);
  EXPECT_EQ(passes[0].account_id, a_.id);
  EXPECT_EQ(passes[0].flow_id, 0);
  EXPECT_EQ(passes[0].created_at_ms, kT0);
  ASSERT_OK_AND_ASSIGN(std::vector<Account> all, store_->accounts().ListAccounts());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].time_zone, "Europe/Paris");
  EXPECT_EQ(all[1].time_zone, "UTC") << "the other account keeps its own";
  EXPECT_ERROR_CODE(store_->accounts().SetTimeZone(b_.id + 1000, "UTC", kT0), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------- tokens

TEST_P(StoreConformanceTest, Tokens) {
  TokenRecord t;
  t.account_id = a_.id;
  t.name = "ci";
  t.token_hash = std::string(64, 'a');
  t.scopes = {"automation", "crm.objects.contacts.read"};
  t.rate_limit_ten_secondly = 190;
  t.rate_limit_daily = 1'000'000;
  t.created_at_ms = kT0;
  ASSERT_OK_AND_ASSIGN(TokenRecord created, store_->tokens().CreateToken(t));
  EXPECT_GE(created.id, 1);
  EXPECT_EQ(created.token_hash, t.token_hash);

  ASSERT_OK_AND_ASSIGN(TokenRecord found, store_->tokens().FindTokenByHash(t.token_hash));
  EXPECT_EQ(found.id, created.id);
  EXPECT_EQ(found.account_id, a_.id);
  EXPECT_EQ(found.name, "ci");
  EXPECT_EQ(found.scopes, t.scopes);
  EXPECT_EQ(found.rate_limit_ten_secondly, 190);
  EXPECT_EQ(found.rate_limit_daily, 1'000'000);
  EXPECT_EQ(found.created_at_ms, kT0);
  EXPECT_FALSE(found.revoked_at_ms.has_value());

  EXPECT_ERROR_CODE(store_->tokens().CreateToken(t), ErrorCode::kConflict);  // same hash
  EXPECT_ERROR_CODE(store_->tokens().FindTokenByHash(std::string(64, 'b')), ErrorCode::kNotFound);
  TokenRecord orphan = t;
  orphan.token_hash = std::string(64, 'c');
  orphan.account_id = b_.id + 12345;
  EXPECT_ERROR_CODE(store_->tokens().CreateToken(orphan), ErrorCode::kNotFound);

  TokenRecord tb = t;
  tb.account_id = b_.id;
  tb.token_hash = std::string(64, 'd');
  tb.scopes = {};
  ASSERT_OK_AND_ASSIGN(TokenRecord created_b, store_->tokens().CreateToken(tb));
  EXPECT_NE(created_b.id, created.id);

  ASSERT_OK_AND_ASSIGN(std::vector<TokenRecord> all, store_->tokens().ListTokens(std::nullopt));
  EXPECT_EQ(all.size(), 2u);
  ASSERT_OK_AND_ASSIGN(std::vector<TokenRecord> of_b, store_->tokens().ListTokens(b_.id));
  ASSERT_EQ(of_b.size(), 1u);
  EXPECT_EQ(of_b[0].id, created_b.id);
  EXPECT_TRUE(of_b[0].scopes.empty());

  ASSERT_OK(store_->tokens().RevokeToken(created.id, kT0 + 5));
  ASSERT_OK(store_->tokens().RevokeToken(created.id, kT0 + 9));  // the first time is kept
  ASSERT_OK_AND_ASSIGN(TokenRecord revoked, store_->tokens().FindTokenByHash(t.token_hash));
  ASSERT_TRUE(revoked.revoked_at_ms.has_value());
  EXPECT_EQ(*revoked.revoked_at_ms, kT0 + 5);
  EXPECT_ERROR_CODE(store_->tokens().RevokeToken(created_b.id + 1000, kT0), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------- flows

TEST_P(StoreConformanceTest, FlowCrud) {
  FlowWrite w = Write("first", {}, "uuid-1");
  w.is_enabled = true;
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, w, kT0));
  EXPECT_GE(f.id, 100'000'000);
  EXPECT_GE(f.workflow_id, 1);
  EXPECT_LE(f.workflow_id, std::numeric_limits<int32_t>::max());
  EXPECT_NE(f.workflow_id, f.id);
  EXPECT_EQ(f.account_id, a_.id);
  EXPECT_EQ(f.revision_id, 1);
  EXPECT_EQ(f.created_at_ms, kT0);
  EXPECT_EQ(f.updated_at_ms, kT0);
  EXPECT_EQ(f.uuid, std::optional<std::string>("uuid-1"));
  EXPECT_TRUE(f.is_enabled);

  ASSERT_OK_AND_ASSIGN(FlowRecord got, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got.id, f.id);
  EXPECT_EQ(got.workflow_id, f.workflow_id);
  EXPECT_EQ(got.revision_id, 1);
  EXPECT_EQ(got.name, "first");
  EXPECT_TRUE(got.is_enabled);
  EXPECT_EQ(got.flow_type, "WORKFLOW");
  EXPECT_EQ(got.object_type_id, "0-1");
  EXPECT_EQ(got.content_json, w.content_json);
  EXPECT_EQ(got.uuid, f.uuid);

  FlowWrite w2 = Write("renamed");
  w2.flow_type = "ACTION_SET";
  w2.object_type_id = "0-3";
  ASSERT_OK_AND_ASSIGN(FlowRecord u, flows().UpdateFlow(a_.id, f.id, 1, w2, kT0 + 1000));
  EXPECT_EQ(u.id, f.id);
  EXPECT_EQ(u.revision_id, 2);
  EXPECT_EQ(u.created_at_ms, kT0);
  EXPECT_EQ(u.updated_at_ms, kT0 + 1000);
  EXPECT_EQ(u.workflow_id, f.workflow_id);
  EXPECT_FALSE(u.uuid.has_value());
  ASSERT_OK_AND_ASSIGN(FlowRecord got2, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got2.revision_id, 2);
  EXPECT_EQ(got2.name, "renamed");
  EXPECT_FALSE(got2.is_enabled);
  EXPECT_EQ(got2.flow_type, "ACTION_SET");
  EXPECT_EQ(got2.object_type_id, "0-3");
  EXPECT_EQ(got2.content_json, w2.content_json);
  EXPECT_EQ(got2.created_at_ms, kT0);
  EXPECT_EQ(got2.updated_at_ms, kT0 + 1000);

  ASSERT_OK(flows().DeleteFlow(a_.id, f.id));
  EXPECT_ERROR_CODE(flows().GetFlow(a_.id, f.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().DeleteFlow(a_.id, f.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().UpdateFlow(a_.id, f.id, 2, w2, kT0), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, IdsAreUniqueAndNotReused) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, Write("1"), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f2, flows().CreateFlow(b_.id, Write("2"), kT0));
  EXPECT_NE(f1.id, f2.id);  // flow ids are global
  EXPECT_NE(f1.workflow_id, f2.workflow_id);
  ASSERT_OK(flows().DeleteFlow(b_.id, f2.id));
  ASSERT_OK_AND_ASSIGN(FlowRecord f3, flows().CreateFlow(b_.id, Write("3"), kT0));
  EXPECT_GT(f3.id, f2.id);
  EXPECT_GT(f3.workflow_id, f2.workflow_id);
}

TEST_P(StoreConformanceTest, OddInputsAreDataNotErrors) {
  FlowWrite w = Write("it's \"quoted\"; DROP TABLE flows; -- ünïcødé ✓");
  w.content_json = R"({"s":"a'b\"c\\d","emoji":"😀","nul":"\u0000"})";
  w.uuid = "'; DELETE FROM flows; --";
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, w, kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord got, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got.name, w.name);
  EXPECT_EQ(got.content_json, w.content_json);
  EXPECT_EQ(got.uuid, w.uuid);

  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  for (int64_t id : {kMax, kMin, int64_t{-1}, int64_t{0}}) {
    EXPECT_ERROR_CODE(flows().GetFlow(a_.id, id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(flows().GetFlow(id, f.id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(flows().DeleteFlow(a_.id, id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(flows().UpdateFlow(a_.id, id, 1, w, kT0), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(flows().GetRevision(a_.id, f.id, id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(flows().FlowIdForWorkflowId(a_.id, id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(store_->accounts().GetAccount(id), ErrorCode::kNotFound);
    EXPECT_ERROR_CODE(store_->tokens().RevokeToken(id, kT0), ErrorCode::kNotFound);
  }
  EXPECT_ERROR_CODE(flows().UpdateFlow(a_.id, f.id, kMax, w, kT0), ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(auto found, flows().GetFlows(a_.id, {kMax, kMin, f.id}));
  ASSERT_EQ(found.size(), 1u);
  ASSERT_OK_AND_ASSIGN(FlowPage page, flows().ListFlows(a_.id, kMax, 10));
  EXPECT_TRUE(page.flows.empty());
  ASSERT_OK_AND_ASSIGN(FlowPage huge,
                       flows().ListFlows(a_.id, kMin, std::numeric_limits<size_t>::max()));
  EXPECT_EQ(huge.flows.size(), 1u);
  ASSERT_OK_AND_ASSIGN(FlowPage none, flows().ListFlows(a_.id, std::nullopt, 0));
  EXPECT_TRUE(none.flows.empty());
  ASSERT_OK_AND_ASSIGN(auto e1, flows().ListEmailCampaigns(a_.id, {}, kMax, std::nullopt, 10));
  EXPECT_TRUE(e1.items.empty());
  ASSERT_OK_AND_ASSIGN(auto e2, flows().ListEmailCampaigns(a_.id, {kMin}, std::nullopt, kMin, 10));
  EXPECT_TRUE(e2.items.empty());
  ASSERT_OK_AND_ASSIGN(auto e3, flows().ListEmailCampaigns(a_.id, {}, kMin, kMax,
                                                           std::numeric_limits<size_t>::max()));
  EXPECT_TRUE(e3.items.empty());
}

// ---------------------------------------------------------------- accounts are walls

TEST_P(StoreConformanceTest, AccountIsolation) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, Write("a's", {"c1"}), kT0));
  const int64_t b = b_.id;

  EXPECT_ERROR_CODE(flows().GetFlow(b, f.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().UpdateFlow(b, f.id, 1, Write("hijack"), kT0), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().DeleteFlow(b, f.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().GetRevision(b, f.id, 1), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().FlowIdForWorkflowId(b, f.workflow_id), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(FlowPage page, flows().ListFlows(b, std::nullopt, 100));
  EXPECT_TRUE(page.flows.empty());
  ASSERT_OK_AND_ASSIGN(auto many, flows().GetFlows(b, {f.id}));
  EXPECT_TRUE(many.empty());
  ASSERT_OK_AND_ASSIGN(auto emails,
                       flows().ListEmailCampaigns(b, {}, std::nullopt, std::nullopt, 100));
  EXPECT_TRUE(emails.items.empty());
  ASSERT_OK_AND_ASSIGN(auto filtered,
                       flows().ListEmailCampaigns(b, {f.id}, std::nullopt, std::nullopt, 100));
  EXPECT_TRUE(filtered.items.empty());

  // A's flow is untouched by B's attempts.
  ASSERT_OK_AND_ASSIGN(FlowRecord still, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(still.revision_id, 1);
  EXPECT_EQ(still.name, "a's");
  ASSERT_OK_AND_ASSIGN(auto a_emails,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 100));
  EXPECT_EQ(a_emails.items.size(), 1u);
}

// ---------------------------------------------------------------- revisions

TEST_P(StoreConformanceTest, StaleRevisionIsAConflictNamingTheCurrentOne) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, Write("v1"), kT0));
  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 1, Write("v2"), kT0 + 1));
  auto stale = flows().UpdateFlow(a_.id, f.id, 1, Write("v2'"), kT0 + 2);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_NE(stale.error().message.find("revision 2"), std::string::npos) << stale.error().message;
  EXPECT_NE(stale.error().message.find(std::to_string(f.id)), std::string::npos);
  EXPECT_ERROR_CODE(flows().UpdateFlow(a_.id, f.id, 3, Write("future"), kT0), ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(FlowRecord got, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got.revision_id, 2);
  EXPECT_EQ(got.name, "v2");
  EXPECT_ERROR_CODE(flows().GetRevision(a_.id, f.id, 3), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, ConcurrentUpdatesWithSameRevisionExactlyOneWins) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 5;
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, Write("race"), kT0));
  for (int round = 0; round < kRounds; ++round) {
    const int64_t expected = round + 1;
    std::atomic<int> ok{0}, conflict{0}, other{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        auto r = flows().UpdateFlow(a_.id, f.id, expected,
                                    Write("r" + std::to_string(round) + "t" + std::to_string(i)),
                                    kT0 + round + 1);
        if (r.ok()) {
          ++ok;
        } else if (r.error().code == ErrorCode::kConflict) {
          ++conflict;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(conflict.load(), kThreads - 1) << "round " << round;
    EXPECT_EQ(other.load(), 0) << "round " << round;
  }
  ASSERT_OK_AND_ASSIGN(FlowRecord got, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got.revision_id, kRounds + 1);
  for (int64_t rev = 1; rev <= kRounds + 1; ++rev) {
    ASSERT_OK(flows().GetRevision(a_.id, f.id, rev));
  }
}

TEST_P(StoreConformanceTest, RevisionsAreImmutableSnapshots) {
  FlowWrite w1 = Write("one", {}, "u");
  w1.is_enabled = true;
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, w1, kT0));
  FlowWrite w2 = Write("two");
  w2.object_type_id = "0-3";
  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 1, w2, kT0 + 10));
  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 2, Write("three"), kT0 + 20));

  ASSERT_OK_AND_ASSIGN(FlowRevision r1, flows().GetRevision(a_.id, f.id, 1));
  EXPECT_EQ(r1.flow_id, f.id);
  EXPECT_EQ(r1.revision_id, 1);
  EXPECT_EQ(r1.created_at_ms, kT0);
  EXPECT_EQ(r1.flow.id, f.id);
  EXPECT_EQ(r1.flow.account_id, a_.id);
  EXPECT_EQ(r1.flow.workflow_id, f.workflow_id);
  EXPECT_EQ(r1.flow.revision_id, 1);
  EXPECT_EQ(r1.flow.name, "one");
  EXPECT_TRUE(r1.flow.is_enabled);
  EXPECT_EQ(r1.flow.uuid, std::optional<std::string>("u"));
  EXPECT_EQ(r1.flow.content_json, w1.content_json);
  EXPECT_EQ(r1.flow.created_at_ms, kT0);
  EXPECT_EQ(r1.flow.updated_at_ms, kT0);

  ASSERT_OK_AND_ASSIGN(FlowRevision r2, flows().GetRevision(a_.id, f.id, 2));
  EXPECT_EQ(r2.created_at_ms, kT0 + 10);
  EXPECT_EQ(r2.flow.name, "two");
  EXPECT_EQ(r2.flow.object_type_id, "0-3");
  EXPECT_FALSE(r2.flow.is_enabled);
  EXPECT_FALSE(r2.flow.uuid.has_value());
  EXPECT_EQ(r2.flow.created_at_ms, kT0);
  EXPECT_EQ(r2.flow.updated_at_ms, kT0 + 10);

  ASSERT_OK_AND_ASSIGN(FlowRevision r3, flows().GetRevision(a_.id, f.id, 3));
  EXPECT_EQ(r3.flow.name, "three");
  ASSERT_OK_AND_ASSIGN(FlowRecord current, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(current.content_json, r3.flow.content_json);
  EXPECT_EQ(current.revision_id, 3);
}

// ---------------------------------------------------------------- uuid

TEST_P(StoreConformanceTest, UuidIsUniquePerAccount) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, Write("1", {}, "same"), kT0));
  auto clash = flows().CreateFlow(a_.id, Write("2", {}, "same"), kT0);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_NE(clash.error().message.find("same"), std::string::npos) << clash.error().message;
  ASSERT_OK(flows().CreateFlow(b_.id, Write("b", {}, "same"), kT0));  // other account: fine
  ASSERT_OK(flows().CreateFlow(a_.id, Write("no uuid 1"), kT0));      // absent uuids never clash
  ASSERT_OK(flows().CreateFlow(a_.id, Write("no uuid 2"), kT0));

  ASSERT_OK_AND_ASSIGN(FlowRecord f2, flows().CreateFlow(a_.id, Write("3", {}, "other"), kT0));
  EXPECT_ERROR_CODE(flows().UpdateFlow(a_.id, f2.id, 1, Write("3", {}, "same"), kT0),
                    ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(FlowRecord unchanged, flows().GetFlow(a_.id, f2.id));
  EXPECT_EQ(unchanged.revision_id, 1);
  ASSERT_OK(flows().UpdateFlow(a_.id, f1.id, 1, Write("1b", {}, "same"), kT0));  // keeps its own
  // A uuid freed by a delete can be used again.
  ASSERT_OK(flows().DeleteFlow(a_.id, f1.id));
  ASSERT_OK(flows().CreateFlow(a_.id, Write("4", {}, "same"), kT0));
}

// ---------------------------------------------------------------- listing

TEST_P(StoreConformanceTest, ListFlowsPagesInIdOrder) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    ASSERT_OK_AND_ASSIGN(FlowRecord f,
                         flows().CreateFlow(a_.id, Write("f" + std::to_string(i)), kT0));
    ids.push_back(f.id);
    ASSERT_OK(flows().CreateFlow(b_.id, Write("noise"), kT0));
  }
  std::vector<int64_t> seen;
  std::optional<int64_t> after;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(FlowPage page, flows().ListFlows(a_.id, after, 3));
    ASSERT_LE(page.flows.size(), 3u);
    for (const FlowRecord& f : page.flows) {
      EXPECT_EQ(f.account_id, a_.id);
      seen.push_back(f.id);
    }
    if (page.next_after) {
      EXPECT_EQ(*page.next_after, page.flows.back().id);
    }
    after = page.next_after;
    ASSERT_LT(++pages, 10);
  } while (after);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, ids);

  // Exactly one full page: no next_after.
  ASSERT_OK_AND_ASSIGN(FlowPage all, flows().ListFlows(a_.id, std::nullopt, 7));
  EXPECT_EQ(all.flows.size(), 7u);
  EXPECT_FALSE(all.next_after.has_value());
  ASSERT_OK_AND_ASSIGN(FlowPage tail, flows().ListFlows(a_.id, ids[5], 100));
  ASSERT_EQ(tail.flows.size(), 1u);
  EXPECT_EQ(tail.flows[0].id, ids[6]);
}

TEST_P(StoreConformanceTest, GetFlowsKeepsOrderAndSkipsMissing) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, Write("1"), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f2, flows().CreateFlow(a_.id, Write("2"), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f3, flows().CreateFlow(a_.id, Write("3"), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord fb, flows().CreateFlow(b_.id, Write("b"), kT0));
  ASSERT_OK_AND_ASSIGN(auto got,
                       flows().GetFlows(a_.id, {f3.id, 999'999'999'999, f1.id, fb.id, f2.id}));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].id, f3.id);
  EXPECT_EQ(got[0].name, "3");
  EXPECT_EQ(got[1].id, f1.id);
  EXPECT_EQ(got[2].id, f2.id);
  ASSERT_OK_AND_ASSIGN(auto none, flows().GetFlows(a_.id, {}));
  EXPECT_TRUE(none.empty());
  // An id asked for twice comes back once, at its first position.
  ASSERT_OK_AND_ASSIGN(auto dup, flows().GetFlows(a_.id, {f2.id, f1.id, f2.id}));
  ASSERT_EQ(dup.size(), 2u);
  EXPECT_EQ(dup[0].id, f2.id);
  EXPECT_EQ(dup[1].id, f1.id);
}

TEST_P(StoreConformanceTest, EnabledFlowsOfEveryAccountInOrder) {
  FlowWrite on = Write("on");
  on.is_enabled = true;
  ASSERT_OK_AND_ASSIGN(FlowRecord fb, flows().CreateFlow(b_.id, on, kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, on, kT0));
  ASSERT_OK(flows().CreateFlow(a_.id, Write("off"), kT0).status());
  ASSERT_OK_AND_ASSIGN(FlowRecord f3, flows().CreateFlow(a_.id, Write("later"), kT0));
  ASSERT_OK(flows().UpdateFlow(a_.id, f3.id, f3.revision_id, on, kT0 + 1).status());
  ASSERT_OK_AND_ASSIGN(auto got, flows().EnabledFlows());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].account_id, std::min(a_.id, b_.id));
  std::vector<int64_t> a_ids;
  for (const auto& f : got) {
    EXPECT_TRUE(f.is_enabled);
    if (f.account_id == a_.id) a_ids.push_back(f.id);
  }
  EXPECT_EQ(a_ids, (std::vector<int64_t>{f1.id, f3.id}));
  EXPECT_NE(std::find_if(got.begin(), got.end(), [&](const auto& f) { return f.id == fb.id; }),
            got.end());
}

TEST_P(StoreConformanceTest, WorkflowIdMapping) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, Write("1"), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f2, flows().CreateFlow(a_.id, Write("2"), kT0));
  EXPECT_NE(f1.workflow_id, f2.workflow_id);
  ASSERT_OK_AND_ASSIGN(int64_t id1, flows().FlowIdForWorkflowId(a_.id, f1.workflow_id));
  EXPECT_EQ(id1, f1.id);
  ASSERT_OK(flows().UpdateFlow(a_.id, f2.id, 1, Write("2b"), kT0));
  ASSERT_OK_AND_ASSIGN(int64_t id2, flows().FlowIdForWorkflowId(a_.id, f2.workflow_id));
  EXPECT_EQ(id2, f2.id);
  ASSERT_OK_AND_ASSIGN(FlowRecord after_update, flows().GetFlow(a_.id, f2.id));
  EXPECT_EQ(after_update.workflow_id, f2.workflow_id);
  EXPECT_ERROR_CODE(flows().FlowIdForWorkflowId(a_.id, f1.id), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------- email campaigns

// Walks every page forwards from the start, then backwards from the end, and checks that both
// walks see the same items and that the cursors say exactly when more pages exist.
void CheckBothWays(FlowStore& flows, int64_t account, const std::vector<int64_t>& filter,
                   size_t limit, const std::vector<std::string>& expected_content_ids) {
  SCOPED_TRACE("limit " + std::to_string(limit));
  std::vector<EmailCampaignRef> forward;
  std::optional<int64_t> after;
  std::optional<int64_t> last_next;
  bool first_page = true;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = flows.ListEmailCampaigns(account, filter, after, std::nullopt, limit);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_LE(page->items.size(), limit);
    EXPECT_EQ(page->prev_before.has_value(), !first_page && !page->items.empty());
    if (page->prev_before) {
      EXPECT_EQ(*page->prev_before, page->items.front().cursor);
    }
    for (auto& item : page->items) forward.push_back(item);
    first_page = false;
    last_next = page->next_after;
    if (!page->next_after) break;
    EXPECT_EQ(*page->next_after, page->items.back().cursor);
    after = page->next_after;
  }
  std::vector<std::string> content_ids;
  for (size_t i = 0; i < forward.size(); ++i) {
    content_ids.push_back(forward[i].email_content_id);
    if (i > 0) {
      EXPECT_LT(forward[i - 1].cursor, forward[i].cursor);
    }
  }
  EXPECT_EQ(content_ids, expected_content_ids);
  if (forward.empty()) return;

  // Backwards, starting just past the last item.
  std::vector<EmailCampaignRef> backward;
  std::optional<int64_t> before = forward.back().cursor + 1;
  bool last_page = true;
  for (int guard = 0; guard < 100 && before; ++guard) {
    auto page = flows.ListEmailCampaigns(account, filter, std::nullopt, before, limit);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_LE(page->items.size(), limit);
    ASSERT_FALSE(page->items.empty());
    EXPECT_EQ(page->next_after.has_value(), !last_page);
    if (page->next_after) {
      EXPECT_EQ(*page->next_after, page->items.back().cursor);
    }
    for (size_t i = 1; i < page->items.size(); ++i) {
      EXPECT_LT(page->items[i - 1].cursor, page->items[i].cursor) << "pages are ascending";
    }
    backward.insert(backward.begin(), page->items.begin(), page->items.end());
    if (page->prev_before) {
      EXPECT_EQ(*page->prev_before, page->items.front().cursor);
    }
    before = page->prev_before;
    last_page = false;
  }
  ASSERT_EQ(backward.size(), forward.size());
  for (size_t i = 0; i < forward.size(); ++i) {
    EXPECT_EQ(backward[i].cursor, forward[i].cursor);
    EXPECT_EQ(backward[i].flow_id, forward[i].flow_id);
    EXPECT_EQ(backward[i].email_campaign_id, forward[i].email_campaign_id);
  }
}

TEST_P(StoreConformanceTest, EmailCampaignsPageBothWays) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f1, flows().CreateFlow(a_.id, Write("1", {"c1", "c2"}), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f2, flows().CreateFlow(a_.id, Write("2", {"c3"}), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord fb, flows().CreateFlow(b_.id, Write("b", {"c1", "c9"}), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord f3,
                       flows().CreateFlow(a_.id, Write("3", {"c1", "c4", "c4", "c5"}), kT0));

  ASSERT_OK_AND_ASSIGN(auto all,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 100));
  ASSERT_EQ(all.items.size(), 6u);  // duplicate c4 in f3 counted once
  EXPECT_FALSE(all.next_after.has_value());
  EXPECT_FALSE(all.prev_before.has_value());
  EXPECT_EQ(all.items[0].flow_id, f1.id);
  EXPECT_EQ(all.items[0].email_content_id, "c1");
  EXPECT_EQ(all.items[2].flow_id, f2.id);
  EXPECT_EQ(all.items[3].flow_id, f3.id);
  // Campaign ids: stable per (account, content id), distinct per content id and per account.
  EXPECT_EQ(all.items[0].email_campaign_id, all.items[3].email_campaign_id);  // c1 in f1 and f3
  std::set<int64_t> distinct;
  for (const auto& item : all.items) distinct.insert(item.email_campaign_id);
  EXPECT_EQ(distinct.size(), 5u);  // c1..c5
  ASSERT_OK_AND_ASSIGN(auto of_b,
                       flows().ListEmailCampaigns(b_.id, {}, std::nullopt, std::nullopt, 100));
  ASSERT_EQ(of_b.items.size(), 2u);
  EXPECT_EQ(of_b.items[0].flow_id, fb.id);
  EXPECT_NE(of_b.items[0].email_campaign_id, all.items[0].email_campaign_id);

  const std::vector<std::string> all_ids = {"c1", "c2", "c3", "c1", "c4", "c5"};
  for (size_t limit : {1u, 2u, 4u, 5u, 6u, 7u}) {
    CheckBothWays(flows(), a_.id, {}, limit, all_ids);
  }
  for (size_t limit : {1u, 2u, 3u, 10u}) {
    CheckBothWays(flows(), a_.id, {f1.id, f3.id, fb.id, 12345}, limit,
                  {"c1", "c2", "c1", "c4", "c5"});
    CheckBothWays(flows(), a_.id, {f2.id}, limit, {"c3"});
  }
  CheckBothWays(flows(), a_.id, {fb.id}, 3, {});

  // `before` in the middle: the `limit` items just before it, ascending.
  ASSERT_OK_AND_ASSIGN(auto mid,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, all.items[4].cursor, 2));
  ASSERT_EQ(mid.items.size(), 2u);
  EXPECT_EQ(mid.items[0].cursor, all.items[2].cursor);
  EXPECT_EQ(mid.items[1].cursor, all.items[3].cursor);
  ASSERT_TRUE(mid.prev_before.has_value());
  ASSERT_TRUE(mid.next_after.has_value());
  EXPECT_EQ(*mid.next_after, all.items[3].cursor);
  // `after` in the middle.
  ASSERT_OK_AND_ASSIGN(auto mid2,
                       flows().ListEmailCampaigns(a_.id, {}, all.items[1].cursor, std::nullopt, 2));
  ASSERT_EQ(mid2.items.size(), 2u);
  EXPECT_EQ(mid2.items[0].cursor, all.items[2].cursor);
  EXPECT_EQ(mid2.prev_before, std::optional<int64_t>(all.items[2].cursor));
  EXPECT_EQ(mid2.next_after, std::optional<int64_t>(all.items[3].cursor));
}

TEST_P(StoreConformanceTest, EmailRefsFollowUpdatesAndCampaignIdsAreStable) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, Write("1", {"c1", "c2"}), kT0));
  ASSERT_OK_AND_ASSIGN(auto before,
                       flows().ListEmailCampaigns(a_.id, {f.id}, std::nullopt, std::nullopt, 10));
  ASSERT_EQ(before.items.size(), 2u);
  const int64_t c1_campaign = before.items[0].email_campaign_id;
  const int64_t c2_campaign = before.items[1].email_campaign_id;

  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 1, Write("1", {"c3", "c1"}), kT0));
  ASSERT_OK_AND_ASSIGN(auto after,
                       flows().ListEmailCampaigns(a_.id, {f.id}, std::nullopt, std::nullopt, 10));
  ASSERT_EQ(after.items.size(), 2u);
  std::set<std::string> now;
  for (const auto& item : after.items) {
    now.insert(item.email_content_id);
    if (item.email_content_id == "c1") {
      EXPECT_EQ(item.email_campaign_id, c1_campaign);
    }
  }
  EXPECT_EQ(now, (std::set<std::string>{"c1", "c3"}));

  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 2, Write("1", {"c2"}), kT0));
  ASSERT_OK_AND_ASSIGN(auto again,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 10));
  ASSERT_EQ(again.items.size(), 1u);
  EXPECT_EQ(again.items[0].email_content_id, "c2");
  EXPECT_EQ(again.items[0].email_campaign_id, c2_campaign);  // same id as on first sight

  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 3, Write("1", {}), kT0));
  ASSERT_OK_AND_ASSIGN(auto empty,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 10));
  EXPECT_TRUE(empty.items.empty());
}

// ---------------------------------------------------------------- delete

TEST_P(StoreConformanceTest, DeleteCascades) {
  ASSERT_OK_AND_ASSIGN(FlowRecord f, flows().CreateFlow(a_.id, Write("doomed", {"c1"}), kT0));
  ASSERT_OK_AND_ASSIGN(FlowRecord keep, flows().CreateFlow(a_.id, Write("kept", {"c2"}), kT0));
  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 1, Write("doomed", {"c1", "c3"}), kT0));
  ASSERT_OK_AND_ASSIGN(auto listed,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 10));
  int64_t c1_campaign = listed.items[0].email_campaign_id;

  ASSERT_OK(flows().DeleteFlow(a_.id, f.id));
  EXPECT_ERROR_CODE(flows().GetFlow(a_.id, f.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().GetRevision(a_.id, f.id, 1), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().GetRevision(a_.id, f.id, 2), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(flows().FlowIdForWorkflowId(a_.id, f.workflow_id), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto left,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 10));
  ASSERT_EQ(left.items.size(), 1u);
  EXPECT_EQ(left.items[0].flow_id, keep.id);
  ASSERT_OK_AND_ASSIGN(auto filtered,
                       flows().ListEmailCampaigns(a_.id, {f.id}, std::nullopt, std::nullopt, 10));
  EXPECT_TRUE(filtered.items.empty());
  ASSERT_OK_AND_ASSIGN(FlowPage page, flows().ListFlows(a_.id, std::nullopt, 10));
  ASSERT_EQ(page.flows.size(), 1u);
  EXPECT_EQ(page.flows[0].id, keep.id);
  ASSERT_OK(flows().GetRevision(a_.id, keep.id, 1));

  // The campaign id of a content id outlives the flows that used it.
  ASSERT_OK_AND_ASSIGN(FlowRecord reborn, flows().CreateFlow(a_.id, Write("new", {"c1"}), kT0));
  ASSERT_OK_AND_ASSIGN(
      auto re, flows().ListEmailCampaigns(a_.id, {reborn.id}, std::nullopt, std::nullopt, 10));
  ASSERT_EQ(re.items.size(), 1u);
  EXPECT_EQ(re.items[0].email_campaign_id, c1_campaign);
}

// ---------------------------------------------------------------- durability and threads

TEST_P(StoreConformanceTest, PersistsAcrossReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "backend does not persist";
  TokenRecord t;
  t.account_id = a_.id;
  t.name = "t";
  t.token_hash = std::string(64, 'e');
  t.scopes = {"automation"};
  t.created_at_ms = kT0;
  ASSERT_OK(store_->tokens().CreateToken(t));
  ASSERT_OK_AND_ASSIGN(FlowRecord f,
                       flows().CreateFlow(a_.id, Write("durable", {"c1"}, "u1"), kT0));
  ASSERT_OK(flows().UpdateFlow(a_.id, f.id, 1, Write("durable v2", {"c1"}, "u1"), kT0 + 1));

  store_.reset();
  Open();
  ASSERT_OK(store_->Migrate());  // start-up always migrates; a no-op here
  ASSERT_OK_AND_ASSIGN(Account a, store_->accounts().GetAccount(a_.id));
  EXPECT_EQ(a.name, "Account A");
  ASSERT_OK_AND_ASSIGN(TokenRecord tok, store_->tokens().FindTokenByHash(t.token_hash));
  EXPECT_EQ(tok.scopes, t.scopes);
  ASSERT_OK_AND_ASSIGN(FlowRecord got, flows().GetFlow(a_.id, f.id));
  EXPECT_EQ(got.revision_id, 2);
  EXPECT_EQ(got.name, "durable v2");
  ASSERT_OK_AND_ASSIGN(FlowRevision r1, flows().GetRevision(a_.id, f.id, 1));
  EXPECT_EQ(r1.flow.name, "durable");
  ASSERT_OK_AND_ASSIGN(auto emails,
                       flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 10));
  EXPECT_EQ(emails.items.size(), 1u);
  EXPECT_ERROR_CODE(flows().CreateFlow(a_.id, Write("x", {}, "u1"), kT0), ErrorCode::kConflict);
  // Sequences continue where they were.
  ASSERT_OK_AND_ASSIGN(FlowRecord next, flows().CreateFlow(a_.id, Write("next"), kT0));
  EXPECT_GT(next.id, f.id);
  EXPECT_GT(next.workflow_id, f.workflow_id);
  ASSERT_OK_AND_ASSIGN(Account c, store_->accounts().CreateAccount("C", kT0));
  EXPECT_GT(c.id, b_.id);
}

TEST_P(StoreConformanceTest, ConcurrentReadersAndWriters) {
  constexpr int kWriters = 4;
  constexpr int kReaders = 4;
  constexpr int kFlowsPerWriter = 50;
  std::atomic<int> errors{0};
  std::atomic<bool> done{false};
  std::atomic<int64_t> last_id{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kFlowsPerWriter; ++i) {
        int64_t account = (i % 2 == 0) ? a_.id : b_.id;
        auto f = flows().CreateFlow(account,
                                    Write("w" + std::to_string(w), {"c" + std::to_string(i)}), kT0);
        if (!f.ok()) {
          ++errors;
          continue;
        }
        last_id = f->id;
        if (!flows().UpdateFlow(account, f->id, 1, Write("w2"), kT0 + 1).ok()) ++errors;
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      while (!done) {
        int64_t id = last_id.load();
        if (id == 0) continue;
        auto a = flows().GetFlow(a_.id, id);
        auto b = flows().GetFlow(b_.id, id);
        // Each flow belongs to exactly one of the two accounts.
        if (a.ok() == b.ok()) ++errors;
        if (!flows().ListFlows(a_.id, std::nullopt, 20).ok()) ++errors;
        if (!flows().ListEmailCampaigns(a_.id, {}, std::nullopt, std::nullopt, 20).ok()) ++errors;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(errors.load(), 0);
  size_t total = 0;
  for (int64_t account : {a_.id, b_.id}) {
    ASSERT_OK_AND_ASSIGN(FlowPage page, flows().ListFlows(account, std::nullopt, 1000));
    total += page.flows.size();
    for (const FlowRecord& f : page.flows) {
      EXPECT_EQ(f.revision_id, 2);
    }
  }
  EXPECT_EQ(total, size_t{kWriters * kFlowsPerWriter});
}

FLOWD_INSTANTIATE_CONFORMANCE(StoreConformanceTest);

}  // namespace
}  // namespace flowd::store
