// The ListStore part of the Store contract (src/store/list_store.h).
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

class ListStoreTest : public StoreConformanceTest {
 protected:
  ListStore& lists() { return store_->lists(); }

  static ListRecord List(std::string name, std::string type = "MANUAL",
                         std::string object_type = "0-1") {
    ListRecord l;
    l.name = std::move(name);
    l.object_type_id = std::move(object_type);
    l.processing_type = std::move(type);
    l.processing_status = "COMPLETE";
    l.created_by_id = "7";
    return l;
  }

  Result<ListRecord> Create(int64_t account, std::string name, std::string type = "MANUAL") {
    return lists().CreateList(account, List(std::move(name), std::move(type)), kT0);
  }

  static std::vector<int64_t> Ids(const MemberPage& page) {
    std::vector<int64_t> out;
    for (const auto& m : page.members) out.push_back(m.object_id);
    return out;
  }
};

TEST_P(ListStoreTest, CreateGetFindAndAccountWalls) {
  ListRecord in = List("Leads", "DYNAMIC");
  in.filter_json = R"({"filterBranchType":"OR"})";
  in.custom_properties_json = R"({"a":"b"})";
  in.backfill_after = 0;
  in.processing_status = "PROCESSING";
  ASSERT_OK_AND_ASSIGN(ListRecord l, lists().CreateList(a_.id, in, kT0));
  EXPECT_GT(l.id, 0);
  EXPECT_EQ(l.account_id, a_.id);
  EXPECT_EQ(l.name, "Leads");
  EXPECT_EQ(l.list_version, 1);
  EXPECT_EQ(l.processing_type, "DYNAMIC");
  EXPECT_EQ(l.processing_status, "PROCESSING");
  EXPECT_EQ(l.filter_json, in.filter_json);
  EXPECT_EQ(l.custom_properties_json, R"({"a":"b"})");
  EXPECT_EQ(l.created_at_ms, kT0);
  EXPECT_EQ(l.filters_updated_at_ms, kT0);
  EXPECT_EQ(l.backfill_after, 0);
  EXPECT_EQ(l.size, 0);
  EXPECT_EQ(l.created_by_id, "7");

  ASSERT_OK_AND_ASSIGN(ListRecord got, lists().GetList(a_.id, l.id, false));
  EXPECT_EQ(got.name, "Leads");
  EXPECT_ERROR_CODE(lists().GetList(b_.id, l.id, false), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(lists().GetList(a_.id, l.id + 1000, false), ErrorCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto found, lists().FindListByName(a_.id, "0-1", "lEaDs"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, l.id);
  ASSERT_OK_AND_ASSIGN(auto other_type, lists().FindListByName(a_.id, "0-2", "Leads"));
  EXPECT_FALSE(other_type.has_value());
  ASSERT_OK_AND_ASSIGN(auto other_acct, lists().FindListByName(b_.id, "0-1", "Leads"));
  EXPECT_FALSE(other_acct.has_value());

  // Names are unique per account, without case, across object types.
  EXPECT_ERROR_CODE(lists().CreateList(a_.id, List("LEADS", "MANUAL", "0-2"), kT0),
                    ErrorCode::kConflict);
  ASSERT_OK(lists().CreateList(b_.id, List("Leads"), kT0));
  ASSERT_OK_AND_ASSIGN(ListRecord second, Create(a_.id, "Customers"));
  ASSERT_OK_AND_ASSIGN(auto all, lists().GetLists(a_.id, {}));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, l.id);
  EXPECT_EQ(all[1].id, second.id);
  ASSERT_OK_AND_ASSIGN(auto some, lists().GetLists(a_.id, {second.id, 999999}));
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].id, second.id);
}

TEST_P(ListStoreTest, UpdateDeleteRestore) {
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "One"));
  ASSERT_OK_AND_ASSIGN(ListRecord two, Create(a_.id, "Two"));
  ListUpdate rename;
  rename.name = "Uno";
  rename.updated_by_id = "9";
  ASSERT_OK_AND_ASSIGN(ListRecord u, lists().UpdateList(a_.id, l.id, rename, kT0 + 5));
  EXPECT_EQ(u.name, "Uno");
  EXPECT_EQ(u.list_version, 2);
  EXPECT_EQ(u.updated_at_ms, kT0 + 5);
  EXPECT_EQ(u.updated_by_id, "9");
  rename.name = "two";
  EXPECT_ERROR_CODE(lists().UpdateList(a_.id, l.id, rename, kT0), ErrorCode::kConflict);
  rename.name = "UNO";  // its own name in another case
  ASSERT_OK(lists().UpdateList(a_.id, l.id, rename, kT0));

  ListUpdate filters;
  filters.filter_json = "{}";
  filters.backfill_after = std::optional<int64_t>(0);
  filters.processing_status = "PROCESSING";
  ASSERT_OK_AND_ASSIGN(u, lists().UpdateList(a_.id, l.id, filters, kT0 + 9));
  EXPECT_EQ(u.list_version, 4);
  EXPECT_EQ(u.filter_json, "{}");
  EXPECT_EQ(u.filters_updated_at_ms, kT0 + 9);
  EXPECT_EQ(u.backfill_after, 0);
  EXPECT_EQ(u.processing_status, "PROCESSING");
  ListUpdate stop;
  stop.backfill_after = std::optional<int64_t>();
  stop.folder_id = 0;
  ASSERT_OK_AND_ASSIGN(u, lists().UpdateList(a_.id, l.id, stop, kT0 + 10));
  EXPECT_FALSE(u.backfill_after.has_value());
  EXPECT_EQ(u.list_version, 4) << "neither folder nor processing state changes the version";
  EXPECT_EQ(u.updated_at_ms, kT0 + 10) << "moving to a folder is an update";
  ListUpdate processing;
  processing.backfill_after = std::optional<int64_t>(0);
  ASSERT_OK_AND_ASSIGN(u, lists().UpdateList(a_.id, l.id, processing, kT0 + 11));
  EXPECT_EQ(u.updated_at_ms, kT0 + 10) << "processing state is not";
  EXPECT_ERROR_CODE(lists().UpdateList(b_.id, l.id, stop, kT0), ErrorCode::kNotFound);

  ASSERT_OK(lists().DeleteList(a_.id, two.id, kT0 + 20));
  EXPECT_ERROR_CODE(lists().DeleteList(a_.id, two.id, kT0), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(lists().GetList(a_.id, two.id, false), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(ListRecord deleted, lists().GetList(a_.id, two.id, true));
  EXPECT_EQ(deleted.deleted_at_ms, kT0 + 20);
  ASSERT_OK_AND_ASSIGN(auto live, lists().GetLists(a_.id, {}));
  EXPECT_EQ(live.size(), 1u);
  // The name is free again; restoring then clashes.
  ASSERT_OK_AND_ASSIGN(ListRecord again, Create(a_.id, "TWO"));
  EXPECT_ERROR_CODE(lists().RestoreList(a_.id, two.id, kT0), ErrorCode::kConflict);
  ASSERT_OK(lists().DeleteList(a_.id, again.id, kT0));
  ASSERT_OK_AND_ASSIGN(ListRecord restored, lists().RestoreList(a_.id, two.id, kT0 + 30));
  EXPECT_FALSE(restored.deleted_at_ms.has_value());
  EXPECT_ERROR_CODE(lists().RestoreList(a_.id, two.id, kT0), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(lists().RestoreList(b_.id, again.id, kT0), ErrorCode::kNotFound);
}

TEST_P(ListStoreTest, MembersAddRemoveAndCounters) {
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "M"));
  ASSERT_OK_AND_ASSIGN(MembershipResult r,
                       lists().ChangeMembers(a_.id, {l.id, {30, 10, 20, 10}, {}}, kT0 + 1));
  EXPECT_EQ(r.added, (std::vector<int64_t>{10, 20, 30}));
  EXPECT_TRUE(r.removed.empty());
  ASSERT_OK_AND_ASSIGN(r, lists().ChangeMembers(a_.id, {l.id, {10, 40}, {20, 50, 40}}, kT0 + 2));
  EXPECT_EQ(r.added, (std::vector<int64_t>{40})) << "members already in are not added again";
  EXPECT_EQ(r.removed, (std::vector<int64_t>{20})) << "an id both added and removed is added";
  ASSERT_OK_AND_ASSIGN(ListRecord after, lists().GetList(a_.id, l.id, false));
  EXPECT_EQ(after.size, 3);
  EXPECT_EQ(after.last_added_at_ms, kT0 + 2);
  EXPECT_EQ(after.last_removed_at_ms, kT0 + 2);
  ASSERT_OK_AND_ASSIGN(auto members, lists().FilterMembers(a_.id, l.id, {5, 10, 20, 30, 40}));
  EXPECT_EQ(members, (std::vector<int64_t>{10, 30, 40}));
  ASSERT_OK_AND_ASSIGN(auto none, lists().FilterMembers(b_.id, l.id, {10}));
  EXPECT_TRUE(none.empty());
  EXPECT_ERROR_CODE(lists().ChangeMembers(b_.id, {l.id, {1}, {}}, kT0), ErrorCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(int64_t cleared, lists().ClearMembers(a_.id, l.id, kT0 + 3));
  EXPECT_EQ(cleared, 3);
  ASSERT_OK_AND_ASSIGN(after, lists().GetList(a_.id, l.id, false));
  EXPECT_EQ(after.size, 0);
}

// Every membership change is one kEventListMembership event in the CRM event log, written with
// the change: removals then additions, in id order; no-op changes write none.
TEST_P(ListStoreTest, MembershipChangesAreLoggedAsEvents) {
  ASSERT_OK_AND_ASSIGN(auto before, store_->objects().ReadEvents(0, 1000));
  const int64_t start = before.empty() ? 0 : before.back().seq;
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "Logged"));
  ListRecord in = List("Dyn", "DYNAMIC", "0-2");
  in.filter_json = "{}";
  ASSERT_OK_AND_ASSIGN(ListRecord d, lists().CreateList(a_.id, in, kT0));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {20, 10}, {}}, kT0 + 1));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {10, 30}, {20, 99}}, kT0 + 2));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {10}, {99}}, kT0 + 3));  // no change
  ASSERT_OK(lists().ApplyEvaluations(a_.id, {{d.id, 1, {5}, {}, false, std::nullopt}}, kT0 + 4));
  ASSERT_OK(lists().ApplyEvaluations(a_.id, {{d.id, 9, {6}, {}, false, std::nullopt}}, kT0 + 4));
  ASSERT_OK_AND_ASSIGN(int64_t cleared, lists().ClearMembers(a_.id, l.id, kT0 + 5));
  EXPECT_EQ(cleared, 2);
  // Archival removes a record from its lists without membership events (the archive event
  // stands for them).
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {77}, {}}, kT0 + 6));
  ASSERT_OK(lists().RemoveFromAllLists(a_.id, 77, kT0 + 7));

  ASSERT_OK_AND_ASSIGN(auto feed, store_->objects().ReadEvents(start, 1000));
  struct Seen {
    int64_t list_id;
    std::string type;
    int64_t object_id;
    std::string change;
    int64_t at;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  int64_t last = start;
  for (const CrmEvent& e : feed) {
    EXPECT_GT(e.seq, last);
    last = e.seq;
    EXPECT_EQ(e.event_type_id, kEventListMembership);
    EXPECT_EQ(e.account_id, a_.id);
    EXPECT_TRUE(IsInternalEventType(e.event_type_id));
    seen.push_back({std::stoll(e.properties.at(std::string(kListIdProperty))), e.object_type_id,
                    e.object_id, e.properties.at(std::string(kMembershipChangeProperty)),
                    e.occurred_at_ms});
  }
  const std::vector<Seen> want = {
      {l.id, "0-1", 10, "ADDED", kT0 + 1},   {l.id, "0-1", 20, "ADDED", kT0 + 1},
      {l.id, "0-1", 20, "REMOVED", kT0 + 2}, {l.id, "0-1", 30, "ADDED", kT0 + 2},
      {d.id, "0-2", 5, "ADDED", kT0 + 4},    {l.id, "0-1", 10, "REMOVED", kT0 + 5},
      {l.id, "0-1", 30, "REMOVED", kT0 + 5}, {l.id, "0-1", 77, "ADDED", kT0 + 6},
  };
  ASSERT_EQ(seen.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(seen[i] == want[i]) << "event " << i << ": list " << seen[i].list_id << " object "
                                    << seen[i].object_id << " " << seen[i].change;
  }
  // A record's own events include them (the feed filters read by type never name them).
  ASSERT_OK_AND_ASSIGN(auto mine,
                       store_->objects().ObjectEvents(a_.id, "0-1", 20, kEventListMembership));
  EXPECT_EQ(mine.size(), 2u);
}

TEST_P(ListStoreTest, MemberPagingByIdAndJoinTime) {
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "P"));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {50, 40}, {}}, kT0 + 1));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {10, 30}, {}}, kT0 + 2));
  ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {20}, {}}, kT0 + 3));
  ASSERT_OK_AND_ASSIGN(MemberPage p,
                       lists().ListMembers(a_.id, l.id, MemberOrder::kById, {}, {}, 2));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{10, 20}));
  EXPECT_TRUE(p.has_more);
  EXPECT_EQ(p.total, 5);
  ASSERT_OK_AND_ASSIGN(
      p, lists().ListMembers(a_.id, l.id, MemberOrder::kById, ListMember{20, 0}, {}, 10));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{30, 40, 50}));
  EXPECT_FALSE(p.has_more);
  ASSERT_OK_AND_ASSIGN(
      p, lists().ListMembers(a_.id, l.id, MemberOrder::kById, {}, ListMember{40, 0}, 2));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{30, 20})) << "before: descending";
  EXPECT_TRUE(p.has_more);
  ASSERT_OK_AND_ASSIGN(p, lists().ListMembers(a_.id, l.id, MemberOrder::kByJoinTime, {}, {}, 10));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{40, 50, 10, 30, 20}));
  EXPECT_EQ(p.members[0].added_at_ms, kT0 + 1);
  ASSERT_OK_AND_ASSIGN(p, lists().ListMembers(a_.id, l.id, MemberOrder::kByJoinTime,
                                              ListMember{50, kT0 + 1}, {}, 2));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{10, 30}));
  EXPECT_TRUE(p.has_more);
  ASSERT_OK_AND_ASSIGN(p, lists().ListMembers(a_.id, l.id, MemberOrder::kByJoinTime, {},
                                              ListMember{10, kT0 + 2}, 5));
  EXPECT_EQ(Ids(p), (std::vector<int64_t>{50, 40}));
  EXPECT_FALSE(p.has_more);
  EXPECT_ERROR_CODE(lists().ListMembers(b_.id, l.id, MemberOrder::kById, {}, {}, 2),
                    ErrorCode::kNotFound);
}

TEST_P(ListStoreTest, MembershipsOfARecordAndRemovalEverywhere) {
  ASSERT_OK_AND_ASSIGN(ListRecord a, Create(a_.id, "A"));
  ASSERT_OK_AND_ASSIGN(ListRecord b, Create(a_.id, "B"));
  ASSERT_OK_AND_ASSIGN(ListRecord c, Create(a_.id, "C"));
  for (const auto& l : {a, b, c}) ASSERT_OK(lists().ChangeMembers(a_.id, {l.id, {7, 8}, {}}, kT0));
  ASSERT_OK(lists().DeleteList(a_.id, c.id, kT0));
  ASSERT_OK_AND_ASSIGN(auto of, lists().MembershipsOf(a_.id, 7));
  ASSERT_EQ(of.size(), 2u) << "deleted lists do not count";
  EXPECT_EQ(of[0].list_id, a.id);
  EXPECT_EQ(of[0].list_version, 1);
  EXPECT_EQ(of[1].list_id, b.id);
  ASSERT_OK_AND_ASSIGN(auto other, lists().MembershipsOf(b_.id, 7));
  EXPECT_TRUE(other.empty());
  ASSERT_OK_AND_ASSIGN(auto left, lists().RemoveFromAllLists(a_.id, 7, kT0 + 1));
  EXPECT_EQ(left, (std::vector<int64_t>{a.id, b.id, c.id}));
  ASSERT_OK_AND_ASSIGN(ListRecord after, lists().GetList(a_.id, a.id, false));
  EXPECT_EQ(after.size, 1);
  ASSERT_OK_AND_ASSIGN(of, lists().MembershipsOf(a_.id, 7));
  EXPECT_TRUE(of.empty());
}

TEST_P(ListStoreTest, ProcessorStateAndEvaluations) {
  ListRecord in = List("D", "DYNAMIC");
  in.filter_json = "{}";
  in.backfill_after = 0;
  in.processing_status = "PROCESSING";
  ASSERT_OK_AND_ASSIGN(ListRecord d, lists().CreateList(a_.id, in, kT0));
  ASSERT_OK_AND_ASSIGN(ListRecord m, Create(a_.id, "M"));
  ASSERT_OK_AND_ASSIGN(auto dynamic, lists().DynamicLists());
  ASSERT_EQ(dynamic.size(), 1u);
  EXPECT_EQ(dynamic[0].id, d.id);
  EXPECT_EQ(dynamic[0].account_id, a_.id);
  ASSERT_OK_AND_ASSIGN(auto backfilling, lists().BackfillingLists());
  ASSERT_EQ(backfilling.size(), 1u);

  using E = ListStore::Evaluation;
  E progress{d.id, 1, {1, 2, 3}, {}, true, 100};
  E stale{m.id, 7, {1}, {}, false, std::nullopt};
  ASSERT_OK_AND_ASSIGN(auto applied, lists().ApplyEvaluations(a_.id, {progress, stale}, kT0 + 1));
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].added, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(applied[1].added.empty()) << "a version mismatch skips the delta";
  ASSERT_OK_AND_ASSIGN(ListRecord now, lists().GetList(a_.id, d.id, false));
  EXPECT_EQ(now.backfill_after, 100);
  EXPECT_EQ(now.processing_status, "PROCESSING");
  E done{d.id, 1, {}, {2}, true, std::nullopt};
  ASSERT_OK(lists().ApplyEvaluations(a_.id, {done}, kT0 + 2));
  ASSERT_OK_AND_ASSIGN(now, lists().GetList(a_.id, d.id, false));
  EXPECT_FALSE(now.backfill_after.has_value());
  EXPECT_EQ(now.processing_status, "COMPLETE");
  EXPECT_EQ(now.last_full_evaluation_ms, kT0 + 2);
  EXPECT_EQ(now.size, 2);
  ASSERT_OK_AND_ASSIGN(backfilling, lists().BackfillingLists());
  EXPECT_TRUE(backfilling.empty());
  // Other accounts' evaluations cannot touch the list.
  ASSERT_OK_AND_ASSIGN(applied,
                       lists().ApplyEvaluations(b_.id, {E{d.id, 1, {9}, {}, false, {}}}, kT0));
  EXPECT_TRUE(applied[0].added.empty());

  ASSERT_OK_AND_ASSIGN(int64_t seq, lists().ProcessedSeq());
  EXPECT_EQ(seq, 0);
  ASSERT_OK(lists().SetProcessedSeq(42));
  ASSERT_OK(lists().SetProcessedSeq(17));
  ASSERT_OK_AND_ASSIGN(seq, lists().ProcessedSeq());
  EXPECT_EQ(seq, 42) << "the processed seq never moves backward";
  if (GetParam().persistent) {
    store_.reset();
    Open();
    ASSERT_OK_AND_ASSIGN(seq, lists().ProcessedSeq());
    EXPECT_EQ(seq, 42);
  }
}

TEST_P(ListStoreTest, Folders) {
  ASSERT_OK_AND_ASSIGN(FolderRecord top, lists().CreateFolder(a_.id, "Top", 0, kT0));
  ASSERT_OK_AND_ASSIGN(FolderRecord sub, lists().CreateFolder(a_.id, "Sub", top.id, kT0));
  EXPECT_ERROR_CODE(lists().CreateFolder(a_.id, "X", 987654, kT0), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(lists().CreateFolder(b_.id, "X", top.id, kT0), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto folders, lists().ListFolders(a_.id));
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(folders[1].parent_id, top.id);
  ASSERT_OK_AND_ASSIGN(auto b_folders, lists().ListFolders(b_.id));
  EXPECT_TRUE(b_folders.empty());
  EXPECT_ERROR_CODE(lists().UpdateFolder(a_.id, top.id, std::nullopt, sub.id, kT0),
                    ErrorCode::kConflict);
  EXPECT_ERROR_CODE(lists().UpdateFolder(a_.id, top.id, std::nullopt, top.id, kT0),
                    ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(FolderRecord renamed,
                       lists().UpdateFolder(a_.id, sub.id, "Renamed", 0, kT0 + 1));
  EXPECT_EQ(renamed.name, "Renamed");
  EXPECT_EQ(renamed.parent_id, 0);
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "In folder"));
  ListUpdate move;
  move.folder_id = top.id;
  ASSERT_OK(lists().UpdateList(a_.id, l.id, move, kT0));
  EXPECT_ERROR_CODE(lists().DeleteFolder(a_.id, top.id), ErrorCode::kConflict);
  ASSERT_OK(lists().DeleteList(a_.id, l.id, kT0));
  ASSERT_OK(lists().DeleteFolder(a_.id, top.id));
  EXPECT_ERROR_CODE(lists().DeleteFolder(a_.id, top.id), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(lists().DeleteFolder(a_.id, 0), ErrorCode::kNotFound);
}

TEST_P(ListStoreTest, ConcurrentMembershipChangesKeepTheSizeExact) {
  ASSERT_OK_AND_ASSIGN(ListRecord l, Create(a_.id, "Busy"));
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        // Overlapping ids: every thread adds 0..49 in its own order, and removes a few.
        std::vector<int64_t> add;
        for (int k = 0; k < 5; ++k) add.push_back((i * 5 + k + t * 7) % 50);
        auto r = lists().ChangeMembers(a_.id, {l.id, add, {(i + t) % 50 + 100}}, kT0 + i);
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(ListRecord after, lists().GetList(a_.id, l.id, false));
  ASSERT_OK_AND_ASSIGN(MemberPage all,
                       lists().ListMembers(a_.id, l.id, MemberOrder::kById, {}, {}, 1000));
  EXPECT_EQ(after.size, static_cast<int64_t>(all.members.size()));
  EXPECT_EQ(after.size, 50);
  // Each change logged once, in seq order: one addition event per member (nothing is removed:
  // the removed ids were never members).
  ASSERT_OK_AND_ASSIGN(auto feed, store_->objects().ReadEvents(0, 1000));
  std::set<int64_t> added;
  int64_t last = 0;
  for (const CrmEvent& e : feed) {
    EXPECT_GT(e.seq, last);
    last = e.seq;
    if (e.event_type_id != kEventListMembership) continue;
    EXPECT_EQ(e.properties.at(std::string(kMembershipChangeProperty)), kMembershipAdded);
    EXPECT_TRUE(added.insert(e.object_id).second) << "object " << e.object_id << " added twice";
  }
  EXPECT_EQ(added.size(), 50u);
}

FLOWD_INSTANTIATE_CONFORMANCE(ListStoreTest);

}  // namespace
}  // namespace flowd::store
