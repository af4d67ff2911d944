// ListService and ListProcessor over an in-memory store with the real property catalog, type
// resolver and object service (whose writes fill the CRM event log the processor reads).
#include "crm/list_service.h"

#include <gtest/gtest.h>

#include <set>

#include "crm/list_processor.h"
#include "crm/object_service.h"
#include "crm/property_service.h"
#include "crm/schema_service.h"
#include "crm_test_util.h"

namespace flowd::crm {
namespace {

using testing::CodeOf;
using testing::Json;

std::string NameIs(const std::string& value, const std::string& property = "firstname") {
  return R"({"filterBranchType":"OR","filters":[],"filterBranches":[{"filterBranchType":"AND",
    "filters":[{"filterType":"PROPERTY","property":")" +
         property + R"(","operation":{"operationType":"STRING","operator":"IS_EQUAL_TO",
    "value":")" +
         value + R"("}}],"filterBranches":[]}]})";
}

class ListServiceTest : public testing::CrmStoreTest {
 protected:
  void SetUp() override {
    CrmStoreTest::SetUp();
    properties_ = std::make_unique<PropertyService>(store_->properties(), clock_);
    schemas_ = std::make_unique<SchemaService>(store_->properties(), *properties_, clock_);
    objects_ = std::make_unique<ObjectService>(*store_, *schemas_, *properties_, clock_);
    ListProcessorOptions o;
    o.backfill_batch = 2;  // several passes per backfill
    o.event_batch = 3;
    processor_ = std::make_unique<ListProcessor>(store_->lists(), store_->objects(), nullptr,
                                                 *properties_, clock_, o);
    lists_ = std::make_unique<ListService>(store_->lists(), store_->objects(), nullptr, *schemas_,
                                           *properties_, clock_, processor_.get());
    caller_.account_id = a_;
    contacts_ = *FindStandardObjectType("contacts");
    deals_ = *FindStandardObjectType("deals");
  }

  int64_t Contact(std::map<std::string, std::string> props, int64_t account = 0) {
    Caller c = caller_;
    if (account) c.account_id = account;
    auto r = objects_->Create(c, contacts_, ObjectInput{std::move(props)});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->record.id : 0;
  }
  void Update(int64_t id, std::map<std::string, std::string> props) {
    auto r = objects_->Update(caller_, contacts_, ObjectRef{std::to_string(id), ""},
                              ObjectInput{std::move(props)});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  store::ListRecord MustCreate(const std::string& body, int64_t account = 0) {
    auto r = lists_->Create(ListActor{account ? account : a_, "1"}, Json(body));
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(r).value() : store::ListRecord{};
  }
  store::ListRecord Dynamic(const std::string& name, const std::string& filter,
                            const std::string& type = "0-1", const std::string& kind = "DYNAMIC") {
    return MustCreate(R"({"name":")" + name + R"(","objectTypeId":")" + type +
                      R"(","processingType":")" + kind + R"(","filterBranch":)" + filter + "}");
  }
  store::ListRecord Manual(const std::string& name) {
    return MustCreate(R"({"name":")" + name +
                      R"(","objectTypeId":"0-1","processingType":"MANUAL"})");
  }
  void Process() {
    auto s = processor_->RunUntilIdle();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  std::set<int64_t> Members(int64_t list_id) {
    auto page = lists_->Members(a_, std::to_string(list_id), ListService::Order::kById, nullptr,
                                nullptr, 250);
    EXPECT_TRUE(page.ok());
    std::set<int64_t> out;
    if (page.ok()) {
      for (const auto& m : page->members) out.insert(m.object_id);
    }
    return out;
  }
  std::string L(int64_t id) { return std::to_string(id); }

  std::unique_ptr<PropertyService> properties_;
  std::unique_ptr<SchemaService> schemas_;
  std::unique_ptr<ObjectService> objects_;
  std::unique_ptr<ListProcessor> processor_;
  std::unique_ptr<ListService> lists_;
  Caller caller_;
  ObjectTypeInfo contacts_, deals_;
};

TEST_F(ListServiceTest, CreateValidatesEveryField) {
  auto r = lists_->Create(ListActor{a_, "1"}, Json(R"({"name":"  ","objectTypeId":"0-99",
    "processingType":"SOMETIMES","listFolderId":"x","customProperties":{"a":1}})"));
  ASSERT_EQ(CodeOf(r), ErrorCode::kInvalidArgument);
  std::set<std::string> in;
  for (const auto& d : r.error().details) in.insert(d.in);
  EXPECT_EQ(in, (std::set<std::string>{"name", "objectTypeId", "processingType", "listFolderId",
                                       "customProperties.a"}));
  r = lists_->Create(ListActor{a_, "1"},
                     Json(R"({"name":"M","objectTypeId":"0-1","processingType":"MANUAL",
                       "filterBranch":{"filterBranchType":"OR"}})"));
  ASSERT_EQ(CodeOf(r), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().details.at(0).in, "filterBranch");
  r = lists_->Create(ListActor{a_, "1"},
                     Json(R"({"name":"D","objectTypeId":"0-1","processingType":"DYNAMIC"})"));
  ASSERT_EQ(CodeOf(r), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(lists_->Create(ListActor{a_, "1"}, Json("[]"))), ErrorCode::kInvalidArgument);
  std::string long_name(ListService::kMaxNameLength + 1, 'x');
  EXPECT_EQ(CodeOf(lists_->Create(ListActor{a_, "1"},
                                  Json(R"({"name":")" + long_name +
                                       R"(","objectTypeId":"0-1","processingType":"MANUAL"})"))),
            ErrorCode::kInvalidArgument);
}

TEST_F(ListServiceTest, FiltersAreCheckedWithTheSharedEvaluator) {
  auto page_view = lists_->Create(
      ListActor{a_, "1"},
      Json(R"({"name":"P","objectTypeId":"0-1","processingType":"DYNAMIC","filterBranch":
        {"filterBranchType":"OR","filterBranches":[{"filterBranchType":"AND","filters":[
          {"filterType":"PAGE_VIEW","pageUrl":"https://x","operator":"HAS_PAGEVIEW_EQ"},
          {"filterType":"PROPERTY","property":"nope","operation":{"operationType":"ALL_PROPERTY","operator":"IS_KNOWN"}},
          {"filterType":"IN_LIST","listId":"999999","operator":"IN_LIST"}]}]}})"));
  ASSERT_EQ(CodeOf(page_view), ErrorCode::kInvalidArgument);
  ASSERT_EQ(page_view.error().details.size(), 2u) << page_view.error().message;
  EXPECT_EQ(page_view.error().details[0].code, "UNSUPPORTED_FILTER_TYPE");
  EXPECT_EQ(page_view.error().details[0].in,
            "filterBranch.filterBranches[0].filters[0].filterType");
  EXPECT_EQ(page_view.error().details[1].code, "UNKNOWN_PROPERTY");
  // Once the filter compiles, the lists it names must exist.
  auto missing_list = lists_->Create(
      ListActor{a_, "1"},
      Json(R"({"name":"P","objectTypeId":"0-1","processingType":"DYNAMIC","filterBranch":
        {"filterBranchType":"AND","filters":[{"filterType":"IN_LIST","listId":"999999","operator":"IN_LIST"}]}})"));
  ASSERT_EQ(CodeOf(missing_list), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing_list.error().details.at(0).code, "INVALID_LIST_REFERENCE");
  // Without an associations store, association filters are refused, not evaluated as false.
  auto assoc = lists_->Create(
      ListActor{a_, "1"},
      Json(R"({"name":"A","objectTypeId":"0-1","processingType":"DYNAMIC","filterBranch":
        {"filterBranchType":"AND","filterBranches":[{"filterBranchType":"ASSOCIATION","objectTypeId":"0-2",
         "associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filters":[]}]}})"));
  ASSERT_EQ(CodeOf(assoc), ErrorCode::kInvalidArgument);
  EXPECT_EQ(assoc.error().details.at(0).code, "UNSUPPORTED_FILTER");
  // The stored filter is completed with the spec's required fields.
  store::ListRecord ok = Dynamic("Ok", NameIs("Ann"));
  auto f = Json(*ok.filter_json);
  EXPECT_EQ(f.at("filterBranchOperator"), "OR");
  EXPECT_EQ(f.at("filterBranches")
                .at(0)
                .at("filters")
                .at(0)
                .at("operation")
                .at("includeObjectsWithNoValueSet"),
            false);
}

TEST_F(ListServiceTest, NamesAreUniqueWithoutCaseAndAccountsAreWalls) {
  store::ListRecord l = Manual("Leads");
  EXPECT_EQ(CodeOf(lists_->Create(
                ListActor{a_, "1"},
                Json(R"({"name":"LEADS","objectTypeId":"0-2","processingType":"MANUAL"})"))),
            ErrorCode::kConflict);
  auto by_name = lists_->GetByName(a_, "0-1", "lEaDs");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, l.id);
  EXPECT_EQ(CodeOf(lists_->GetByName(a_, "0-2", "Leads")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(lists_->Get(b_, L(l.id))), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(lists_->Get(a_, "abc")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(lists_->Delete(b_, L(l.id))), ErrorCode::kNotFound);
  auto renamed = lists_->Rename(ListActor{a_, "2"}, L(l.id), nullptr);
  EXPECT_EQ(CodeOf(renamed), ErrorCode::kInvalidArgument);
  const std::string name = "Hot leads";
  renamed = lists_->Rename(ListActor{a_, "2"}, L(l.id), &name);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->list_version, 2);
  EXPECT_EQ(renamed->updated_by_id, "2");
}

TEST_F(ListServiceTest, DynamicMembershipFollowsRecordChanges) {
  const int64_t ann = Contact({{"firstname", "Ann"}});
  const int64_t bob = Contact({{"firstname", "Bob"}});
  store::ListRecord l = Dynamic("Anns", NameIs("ann"));
  EXPECT_EQ(l.processing_status, "PROCESSING");
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann}));
  EXPECT_EQ(lists_->Get(a_, L(l.id))->processing_status, "COMPLETE");
  // Created, changed, archived.
  const int64_t ann2 = Contact({{"firstname", "ANN"}});
  Update(bob, {{"firstname", "Ann"}});
  Update(ann, {{"firstname", "Annie"}});
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann2, bob}));
  ASSERT_TRUE(objects_->Archive(caller_, contacts_, {bob}).ok());
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann2}));
  EXPECT_EQ(lists_->Get(a_, L(l.id))->size, 1);
  // Other accounts' records never join.
  Contact({{"firstname", "Ann"}}, b_);
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann2}));
  // Manual changes are refused for DYNAMIC lists.
  EXPECT_EQ(CodeOf(lists_->AddMembers(a_, L(l.id), Json(R"([")" + L(ann) + R"("])"))),
            ErrorCode::kInvalidArgument);
}

TEST_F(ListServiceTest, ProcessingResumesAfterARestart) {
  store::ListRecord l = Dynamic("Anns", NameIs("Ann"));
  const int64_t ann = Contact({{"firstname", "Ann"}});
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann}));
  // A new processor (a restarted process) picks up from the stored position.
  Update(ann, {{"firstname", "Zed"}});
  const int64_t ann2 = Contact({{"firstname", "Ann"}});
  processor_ = std::make_unique<ListProcessor>(store_->lists(), store_->objects(), nullptr,
                                               *properties_, clock_);
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann2}));
  auto seq = store_->lists().ProcessedSeq();
  auto events = store_->objects().ReadEvents(*seq, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty()) << "every event was consumed";
}

TEST_F(ListServiceTest, FilterUpdatesReevaluateEveryRecord) {
  std::vector<int64_t> ids;
  for (const char* n : {"Ann", "Bob", "Ann", "Cy", "Bob"})
    ids.push_back(Contact({{"firstname", n}}));
  store::ListRecord l = Dynamic("People", NameIs("Ann"));
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ids[0], ids[2]}));
  auto self = lists_->UpdateFilters(ListActor{a_, "1"}, L(l.id),
                                    Json(R"({"filterBranch":{"filterBranchType":"AND","filters":[
                                      {"filterType":"IN_LIST","listId":")" +
                                         L(l.id) + R"(","operator":"IN_LIST"}]}})"));
  ASSERT_EQ(CodeOf(self), ErrorCode::kInvalidArgument);
  EXPECT_EQ(self.error().details.at(0).code, "INVALID_LIST_REFERENCE");
  auto updated = lists_->UpdateFilters(ListActor{a_, "1"}, L(l.id),
                                       Json(R"({"filterBranch":)" + NameIs("Bob") + "}"));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->list_version, 2);
  EXPECT_EQ(updated->processing_status, "PROCESSING");
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ids[1], ids[4]}));
  store::ListRecord m = Manual("Manual");
  EXPECT_EQ(CodeOf(lists_->UpdateFilters(ListActor{a_, "1"}, L(m.id),
                                         Json(R"({"filterBranch":)" + NameIs("Bob") + "}"))),
            ErrorCode::kInvalidArgument);
}

TEST_F(ListServiceTest, SnapshotListsAreEvaluatedOnce) {
  const int64_t ann = Contact({{"firstname", "Ann"}});
  const int64_t bob = Contact({{"firstname", "Bob"}});
  store::ListRecord s = Dynamic("Snap", NameIs("Ann"), "0-1", "SNAPSHOT");
  Process();
  EXPECT_EQ(Members(s.id), (std::set<int64_t>{ann}));
  Update(ann, {{"firstname", "Zed"}});
  Contact({{"firstname", "Ann"}});
  Process();
  EXPECT_EQ(Members(s.id), (std::set<int64_t>{ann})) << "snapshots do not follow changes";
  auto added = lists_->AddMembers(a_, L(s.id), Json(R"([")" + L(bob) + R"("])"));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(Members(s.id), (std::set<int64_t>{ann, bob}));
}

TEST_F(ListServiceTest, ManualMembershipsAndPaging) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Contact({{"firstname", "P" + std::to_string(i)}}));
  const int64_t other = Contact({{"firstname", "Other"}}, b_);
  store::ListRecord l = Manual("M");
  auto r = lists_->AddMembers(a_, L(l.id),
                              Json("[\"" + L(ids[0]) + "\",\"" + L(ids[1]) + "\"," + L(ids[2]) +
                                   ",\"nope\",\"" + L(other) + "\",\"" + L(ids[0]) + "\"]"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->added, (std::vector<int64_t>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(r->missing, (std::vector<std::string>{"nope", L(other)}));
  r = lists_->AddAndRemove(a_, L(l.id),
                           Json(R"({"recordIdsToAdd":[")" + L(ids[3]) + R"(",")" + L(ids[0]) +
                                R"("],"recordIdsToRemove":[")" + L(ids[1]) + R"(","999"]})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->added, (std::vector<int64_t>{ids[3]}));
  EXPECT_EQ(r->removed, (std::vector<int64_t>{ids[1]}));
  EXPECT_EQ(r->missing, (std::vector<std::string>{"999"}));
  EXPECT_EQ(CodeOf(lists_->AddMembers(a_, L(l.id), Json(R"({"ids":[]})"))),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(lists_->AddMembers(a_, L(l.id), Json("[1, true]"))),
            ErrorCode::kInvalidArgument);
  boost::json::array many;
  for (size_t i = 0; i <= ListService::kMaxMembershipIds; ++i) many.emplace_back("1");
  EXPECT_EQ(CodeOf(lists_->AddMembers(a_, L(l.id), boost::json::value(many))),
            ErrorCode::kInvalidArgument);

  // Paging by id, both ways, and by join order.
  auto p = lists_->Members(a_, L(l.id), ListService::Order::kById, nullptr, nullptr, 2);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->total, 3);
  ASSERT_EQ(p->members.size(), 2u);
  ASSERT_TRUE(p->next_after.has_value());
  EXPECT_FALSE(p->prev_before.has_value());
  auto p2 = lists_->Members(a_, L(l.id), ListService::Order::kById, &*p->next_after, nullptr, 2);
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->members.size(), 1u);
  EXPECT_EQ(p2->members[0].object_id, ids[3]);
  EXPECT_FALSE(p2->next_after.has_value());
  ASSERT_TRUE(p2->prev_before.has_value());
  auto back =
      lists_->Members(a_, L(l.id), ListService::Order::kById, nullptr, &*p2->prev_before, 5);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->members.size(), 2u);
  EXPECT_EQ(back->members[0].object_id, ids[2]) << "before: descending";
  auto joined = lists_->Members(a_, L(l.id), ListService::Order::kByJoinTime, nullptr, nullptr, 1);
  ASSERT_TRUE(joined.ok());
  ASSERT_TRUE(joined->next_after.has_value());
  EXPECT_NE(joined->next_after->find('_'), std::string::npos);
  auto joined2 = lists_->Members(a_, L(l.id), ListService::Order::kByJoinTime, &*joined->next_after,
                                 nullptr, 5);
  ASSERT_TRUE(joined2.ok());
  EXPECT_EQ(joined2->members.size(), 2u);
  const std::string bad = "x";
  EXPECT_EQ(CodeOf(lists_->Members(a_, L(l.id), ListService::Order::kById, &bad, nullptr, 5)),
            ErrorCode::kInvalidArgument);

  // Copy and clear.
  store::ListRecord copy = Manual("Copy");
  ASSERT_TRUE(lists_->AddFrom(a_, L(copy.id), L(l.id)).ok());
  EXPECT_EQ(Members(copy.id), Members(l.id));
  EXPECT_EQ(CodeOf(lists_->AddFrom(a_, L(copy.id), L(copy.id))), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(lists_->ClearMembers(a_, L(copy.id)).ok());
  EXPECT_TRUE(Members(copy.id).empty());

  // A record's memberships.
  auto of = lists_->MembershipsOf(a_, "contacts", L(ids[0]));
  ASSERT_TRUE(of.ok());
  EXPECT_EQ(of->memberships.size(), 1u);
  EXPECT_EQ(CodeOf(lists_->MembershipsOf(a_, "0-1", "42")), ErrorCode::kNotFound);
  auto batch = lists_->BatchMembershipsOf(
      a_, Json(R"({"inputs":[{"objectTypeId":"0-1","recordId":")" + L(ids[0]) +
               R"("},{"objectTypeId":"0-1","recordId":"42"}]})"));
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->results.size(), 1u);
  EXPECT_EQ(batch->errors.size(), 1u);
}

TEST_F(ListServiceTest, ListsThatFilterOnOtherListsFollowThem) {
  const int64_t a = Contact({{"firstname", "A"}});
  const int64_t b = Contact({{"firstname", "B"}});
  store::ListRecord m = Manual("VIPs");
  store::ListRecord d = Dynamic("VIPs named A", R"({"filterBranchType":"AND","filters":[
        {"filterType":"IN_LIST","listId":")" + L(m.id) +
                                                    R"(","operator":"IN_LIST"},
        {"filterType":"PROPERTY","property":"firstname","operation":{"operationType":"STRING","operator":"IS_EQUAL_TO","value":"A"}}]})");
  store::ListRecord not_in = Dynamic("Not VIPs", R"({"filterBranchType":"AND","filters":[
        {"filterType":"IN_LIST","listId":")" + L(m.id) +
                                                     R"(","operator":"NOT_IN_LIST"}]})");
  Process();
  EXPECT_TRUE(Members(d.id).empty());
  EXPECT_EQ(Members(not_in.id), (std::set<int64_t>{a, b}));
  ASSERT_TRUE(lists_->AddMembers(a_, L(m.id), Json("[\"" + L(a) + "\",\"" + L(b) + "\"]")).ok());
  Process();
  EXPECT_EQ(Members(d.id), (std::set<int64_t>{a}));
  EXPECT_TRUE(Members(not_in.id).empty());
  ASSERT_TRUE(lists_->RemoveMembers(a_, L(m.id), Json("[\"" + L(a) + "\"]")).ok());
  Process();
  EXPECT_TRUE(Members(d.id).empty());
  EXPECT_EQ(Members(not_in.id), (std::set<int64_t>{a}));
}

TEST_F(ListServiceTest, TimeRelativeListsAreRefreshed) {
  // Deals closing within the next 7 days: a deal enters as time passes, with no event.
  Caller c = caller_;
  auto deal = objects_->Create(
      c, deals_, ObjectInput{{{"dealname", "D"}, {"closedate", "2023-11-24T00:00:00Z"}}});
  ASSERT_TRUE(deal.ok()) << deal.error().message;  // now is 2023-11-14
  store::ListRecord l = Dynamic(
      "Closing soon",
      R"({"filterBranchType":"AND","filters":[{"filterType":"PROPERTY","property":"closedate",
        "operation":{"operationType":"ROLLING_DATE_RANGE","operator":"IS_LESS_THAN_X_DAYS_FROM_NOW",
        "numberOfDays":7,"requiresTimeZoneConversion":false}}]})",
      "0-3");
  Process();
  EXPECT_TRUE(Members(l.id).empty());
  clock_.AdvanceMs(4LL * 86400000);
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{deal->record.id}));
  clock_.AdvanceMs(11LL * 86400000);
  Process();
  EXPECT_TRUE(Members(l.id).empty()) << "it left once the date had passed";
}

TEST_F(ListServiceTest, DeleteAndRestore) {
  const int64_t ann = Contact({{"firstname", "Ann"}});
  store::ListRecord l = Dynamic("Anns", NameIs("Ann"));
  Process();
  ASSERT_TRUE(lists_->Delete(a_, L(l.id)).ok());
  EXPECT_EQ(CodeOf(lists_->Get(a_, L(l.id))), ErrorCode::kNotFound);
  const int64_t ann2 = Contact({{"firstname", "Ann"}});
  Process();
  ASSERT_TRUE(lists_->Restore(a_, L(l.id)).ok());
  EXPECT_EQ(CodeOf(lists_->Restore(a_, L(l.id))), ErrorCode::kNotFound);
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann, ann2})) << "re-evaluated on restore";
}

TEST_F(ListServiceTest, Search) {
  Manual("Alpha");
  store::ListRecord beta = Dynamic("Beta customers", NameIs("x"));
  Manual("Gamma customers");
  MustCreate(R"({"name":"Other","objectTypeId":"0-1","processingType":"MANUAL"})", b_);
  auto r = lists_->Search(a_, Json(R"({"query":"CUSTOMERS","offset":0})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 2);
  EXPECT_EQ(r->lists.size(), 2u);
  EXPECT_FALSE(r->has_more);
  EXPECT_EQ(r->additional[0].at("hs_list_size"), "0");
  r = lists_->Search(a_, Json(R"({"processingTypes":["DYNAMIC"]})"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->lists.size(), 1u);
  EXPECT_EQ(r->lists[0].id, beta.id);
  r = lists_->Search(a_, Json(R"({"count":1,"offset":1,"sort":"-name"})"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->lists.size(), 1u);
  EXPECT_EQ(r->lists[0].name, "Beta customers");
  EXPECT_TRUE(r->has_more);
  EXPECT_EQ(r->offset, 2);
  EXPECT_EQ(r->total, 3);
  r = lists_->Search(a_, boost::json::value());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 3);
  auto bad = lists_->Search(a_, Json(R"({"count":501,"sort":"color","processingTypes":["X"]})"));
  ASSERT_EQ(CodeOf(bad), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().details.size(), 3u);
}

TEST_F(ListServiceTest, Folders) {
  auto f = lists_->CreateFolder(a_, Json(R"({"name":"Sales"})"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto sub = lists_->CreateFolder(
      a_, Json(R"({"name":"EMEA","parentFolderId":")" + L(f->folder.id) + "\"}"));
  ASSERT_TRUE(sub.ok());
  store::ListRecord l = Manual("In sales");
  ASSERT_TRUE(lists_
                  ->MoveList(a_, Json(R"({"listId":")" + L(l.id) + R"(","newFolderId":")" +
                                      L(f->folder.id) + "\"}"))
                  .ok());
  auto root = lists_->GetFolder(a_, "0");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->child_lists.empty());
  auto sales = lists_->GetFolder(a_, L(f->folder.id));
  ASSERT_TRUE(sales.ok());
  EXPECT_EQ(sales->child_lists, (std::vector<int64_t>{l.id}));
  EXPECT_EQ(CodeOf(lists_->DeleteFolder(a_, L(f->folder.id))), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf(lists_->MoveFolder(a_, L(f->folder.id), L(sub->folder.id))),
            ErrorCode::kConflict);
  const std::string name = "Sales EU";
  ASSERT_TRUE(lists_->RenameFolder(a_, L(sub->folder.id), &name).ok());
  ASSERT_TRUE(lists_->MoveFolder(a_, L(sub->folder.id), "0").ok());
  EXPECT_EQ(CodeOf(lists_->GetFolder(b_, L(f->folder.id))), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(lists_->CreateFolder(a_, Json(R"({"name":"x","parentFolderId":"424242"})"))),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace flowd::crm

namespace flowd::crm {
namespace {

TEST_F(ListServiceTest, AListWhosePropertyWasArchivedIsSkippedNotFatal) {
  auto prop = properties_->Create(
      a_, contacts_,
      Json(
          R"({"name":"tier","label":"Tier","type":"string","fieldType":"text","groupName":"contactinformation"})"),
      SensitiveAccess{});
  ASSERT_TRUE(prop.ok()) << prop.error().message;
  const int64_t gold = Contact({{"tier", "gold"}, {"firstname", "Ann"}});
  store::ListRecord tiers = Dynamic("Gold", NameIs("gold", "tier"));
  store::ListRecord anns = Dynamic("Anns", NameIs("Ann"));
  Process();
  EXPECT_EQ(Members(tiers.id), (std::set<int64_t>{gold}));
  ASSERT_TRUE(properties_->Archive(a_, contacts_, "tier").ok());
  const int64_t ann = Contact({{"firstname", "Ann"}});
  Process();  // the Gold list no longer compiles: skipped, members kept; the others go on
  EXPECT_EQ(Members(tiers.id), (std::set<int64_t>{gold}));
  EXPECT_EQ(Members(anns.id), (std::set<int64_t>{gold, ann}));
}

}  // namespace
}  // namespace flowd::crm

namespace flowd::crm {
namespace {

// With the association store: ASSOCIATION branches and filters, and changes on associated
// records followed back to the list's records.
class ListAssociationTest : public ListServiceTest {
 protected:
  void SetUp() override {
    ListServiceTest::SetUp();
    processor_ = std::make_unique<ListProcessor>(store_->lists(), store_->objects(),
                                                 &store_->associations(), *properties_, clock_);
    lists_ =
        std::make_unique<ListService>(store_->lists(), store_->objects(), &store_->associations(),
                                      *schemas_, *properties_, clock_, processor_.get());
    companies_ = *FindStandardObjectType("companies");
  }
  int64_t Company(const std::string& name) {
    auto r = objects_->Create(caller_, companies_, ObjectInput{{{"name", name}}});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->record.id : 0;
  }
  void Associate(int64_t contact, int64_t company) {
    store::AssociationWrite w{
        "0-1", contact, "0-2", company, {store::AssociationTypeWrite{"HUBSPOT_DEFINED", 279, 280}}};
    auto r = store_->associations().Associate(a_, {w}, clock_.NowMs());
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->at(0), store::AssociateOutcome::kDone);
  }
  ObjectTypeInfo companies_;
};

TEST_F(ListAssociationTest, AssociationBranchesFollowAssociatedRecords) {
  const int64_t acme = Company("Acme");
  const int64_t beta = Company("Beta");
  const int64_t ann = Contact({{"firstname", "Ann"}});
  const int64_t bob = Contact({{"firstname", "Bob"}});
  Associate(ann, acme);
  Associate(bob, beta);
  store::ListRecord l = Dynamic(
      "Works at Acme", R"({"filterBranchType":"OR","filterBranches":[{"filterBranchType":"AND",
        "filterBranches":[{"filterBranchType":"ASSOCIATION","objectTypeId":"0-2","associationTypeId":279,
          "associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filters":[
          {"filterType":"PROPERTY","property":"name","operation":{"operationType":"STRING",
           "operator":"IS_EQUAL_TO","value":"acme"}}]}]}]})");
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann}));
  // A change on the company reaches its contacts.
  auto renamed = objects_->Update(caller_, companies_, ObjectRef{std::to_string(beta), ""},
                                  ObjectInput{{{"name", "ACME"}}});
  ASSERT_TRUE(renamed.ok());
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann, bob}));
  // A property of the company the list does not read changes nothing, and the wrong property
  // name on the associated type is refused.
  auto bad = lists_->Create(
      ListActor{a_, "1"},
      Json(R"({"name":"Bad","objectTypeId":"0-1","processingType":"DYNAMIC","filterBranch":
        {"filterBranchType":"AND","filterBranches":[{"filterBranchType":"ASSOCIATION","objectTypeId":"0-2",
         "associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filters":[
         {"filterType":"PROPERTY","property":"firstname","operation":{"operationType":"ALL_PROPERTY","operator":"IS_KNOWN"}}]}]}})"));
  ASSERT_EQ(CodeOf(bad), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().details.at(0).code, "UNKNOWN_PROPERTY");
}

TEST_F(ListAssociationTest, AssociationFiltersReadAssociatedRecordsMemberships) {
  const int64_t acme = Company("Acme");
  const int64_t ann = Contact({{"firstname", "Ann"}});
  Contact({{"firstname", "Bob"}});
  Associate(ann, acme);
  store::ListRecord key_accounts =
      MustCreate(R"({"name":"Key accounts","objectTypeId":"0-2","processingType":"MANUAL"})");
  store::ListRecord l = Dynamic("At key accounts",
                                R"({"filterBranchType":"AND","filters":[{"filterType":"ASSOCIATION",
        "listId":")" + L(key_accounts.id) +
                                    R"(","operator":"IN_LIST","associationTypeId":279,
        "associationCategory":"HUBSPOT_DEFINED","coalescingRefineBy":{"type":"ALL_HISTORY"}}]})");
  Process();
  EXPECT_TRUE(Members(l.id).empty());
  ASSERT_TRUE(lists_->AddMembers(a_, L(key_accounts.id), Json("[\"" + L(acme) + "\"]")).ok());
  Process();
  EXPECT_EQ(Members(l.id), (std::set<int64_t>{ann})) << "the company's membership reached Ann";
  ASSERT_TRUE(lists_->RemoveMembers(a_, L(key_accounts.id), Json("[\"" + L(acme) + "\"]")).ok());
  Process();
  EXPECT_TRUE(Members(l.id).empty());
}

}  // namespace
}  // namespace flowd::crm
