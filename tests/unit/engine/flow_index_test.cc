#include "engine/flow_index.h"

#include <gtest/gtest.h>

namespace flowd::engine {
namespace {

store::FlowRecord Flow(int64_t account, int64_t id, bool enabled, std::string content,
                       std::string type = "0-1") {
  store::FlowRecord f;
  f.account_id = account;
  f.id = id;
  f.revision_id = 1;
  f.is_enabled = enabled;
  f.object_type_id = std::move(type);
  f.content_json = std::move(content);
  return f;
}

const char* kFormFlow = R"({"startActionId":"1","enrollmentCriteria":{"type":"EVENT_BASED",
  "shouldReEnroll":false,"eventFilterBranches":[{"filterBranchType":"UNIFIED_EVENTS",
  "filterBranchOperator":"AND","eventTypeId":"4-1639801","operator":"HAS_COMPLETED",
  "filterBranches":[],"filters":[]}],"listMembershipFilterBranches":[]}})";

const char* kStageFlow = R"({"startActionId":"1","enrollmentCriteria":{"type":"LIST_BASED",
  "shouldReEnroll":true,"unEnrollObjectsNotMeetingCriteria":true,"reEnrollmentTriggersFilterBranches":[],
  "listFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
  "filterBranches":[{"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
  "filters":[{"filterType":"PROPERTY","property":"dealstage","operation":{"operationType":
  "ENUMERATION","operator":"IS_ANY_OF","values":["won"],"includeObjectsWithNoValueSet":false}}]}]}},
  "goalFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
  "filterBranches":[{"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
  "filters":[{"filterType":"PROPERTY","property":"amount","operation":{"operationType":
  "NUMBER","operator":"IS_GREATER_THAN","value":10,"includeObjectsWithNoValueSet":false}}]}]}})";

store::CrmEvent Event(int64_t account, std::string type, std::string object_type,
                      std::string property = "") {
  store::CrmEvent e;
  e.account_id = account;
  e.event_type_id = std::move(type);
  e.object_type_id = std::move(object_type);
  e.object_id = 1;
  if (!property.empty()) e.properties["hs_name"] = property;
  return e;
}

std::vector<int64_t> Ids(const std::vector<FlowSnapshot>& flows) {
  std::vector<int64_t> ids;
  for (const auto& f : flows) ids.push_back(f->flow_id);
  return ids;
}

TEST(FlowIndex, WatchesTheAccountsAndObjectTypesOfEnabledFlows) {
  FlowIndex index;
  index.Reset({Flow(1, 10, true, kFormFlow), Flow(2, 11, false, kFormFlow),
               Flow(3, 12, true, kStageFlow, "0-3")});
  EXPECT_TRUE(index.Watches(1, "0-1"));
  EXPECT_FALSE(index.Watches(1, "0-3"));  // another object type
  EXPECT_FALSE(index.Watches(2, "0-1"));  // disabled
  EXPECT_TRUE(index.Watches(3, "0-3"));
  EXPECT_FALSE(index.Watches(4, "0-1"));  // no flows
  index.Remove(1, 10);
  EXPECT_FALSE(index.Watches(1, "0-1"));
  index.Put(Flow(2, 11, true, kFormFlow));
  EXPECT_TRUE(index.Watches(2, "0-1"));
}

TEST(FlowIndex, EventFlowsAreFiledUnderTheirEventType) {
  FlowIndex index;
  index.Reset(
      {Flow(1, 10, true, kFormFlow), Flow(1, 11, false, kFormFlow), Flow(2, 12, true, kFormFlow)});
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(Ids(index.Candidates(Event(1, "4-1639801", "0-1"))), (std::vector<int64_t>{10}));
  EXPECT_TRUE(index.Candidates(Event(1, "4-1463224", "0-1")).empty());
  EXPECT_TRUE(index.Candidates(Event(1, "4-1639801", "0-3")).empty());  // other object type
  EXPECT_EQ(Ids(index.Candidates(Event(2, "4-1639801", "0-1"))), (std::vector<int64_t>{12}));
  auto f = index.Find(1, 10);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->criteria_type, "EVENT_BASED");
  EXPECT_EQ(f->start_action_id, "1");
  EXPECT_FALSE(f->should_re_enroll);
}

TEST(FlowIndex, ListFlowsAreFiledUnderWhatTheyRead) {
  FlowIndex index;
  index.Put(Flow(1, 20, true, kStageFlow, "0-3"));
  auto changed = [&](std::string p) {
    return Ids(index.Candidates(Event(1, "4-655002", "0-3", std::move(p))));
  };
  EXPECT_EQ(changed("dealstage"), (std::vector<int64_t>{20}));
  EXPECT_EQ(changed("amount"), (std::vector<int64_t>{20}));  // the goal reads it
  EXPECT_TRUE(changed("dealname").empty());
  EXPECT_EQ(Ids(index.Candidates(Event(1, "4-1463224", "0-3"))), (std::vector<int64_t>{20}));
  auto f = index.Find(1, 20);
  ASSERT_TRUE(f && f->goal);
  EXPECT_TRUE(f->should_re_enroll);
  EXPECT_TRUE(f->unenroll_not_meeting);
}

// Added to list 7, or removed from list 8 while in list 9; an event branch naming flowd's
// internal event type (which the flows API refuses to enable) and a branch that reads no list.
const char* kMembershipFlow = R"({"startActionId":"1","enrollmentCriteria":{"type":"EVENT_BASED",
  "shouldReEnroll":false,"eventFilterBranches":[{"filterBranchType":"UNIFIED_EVENTS",
  "filterBranchOperator":"AND","eventTypeId":"flowd.list_membership_changed",
  "operator":"HAS_COMPLETED","filterBranches":[],"filters":[]}],
  "listMembershipFilterBranches":[
   {"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
    "filters":[{"filterType":"IN_LIST","listId":"7","operator":"IN_LIST"}]},
   {"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
    "filters":[{"filterType":"IN_LIST","listId":"8","operator":"NOT_IN_LIST"},
               {"filterType":"IN_LIST","listId":"9","operator":"IN_LIST"}]},
   {"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],"filters":[]}]}})";

store::CrmEvent MembershipEvent(int64_t account, std::string list_id) {
  store::CrmEvent e = Event(account, std::string(store::kEventListMembership), "0-1");
  e.properties[std::string(store::kListIdProperty)] = std::move(list_id);
  e.properties[std::string(store::kMembershipChangeProperty)] = "ADDED";
  return e;
}

TEST(FlowIndex, MembershipFlowsAreFiledUnderTheListsTheyRead) {
  FlowIndex index;
  index.Put(Flow(1, 30, true, kMembershipFlow));
  EXPECT_EQ(Ids(index.Candidates(MembershipEvent(1, "7"))), (std::vector<int64_t>{30}));
  EXPECT_EQ(Ids(index.Candidates(MembershipEvent(1, "8"))), (std::vector<int64_t>{30}));
  EXPECT_EQ(Ids(index.Candidates(MembershipEvent(1, "9"))), (std::vector<int64_t>{30}));
  EXPECT_TRUE(index.Candidates(MembershipEvent(1, "10")).empty());
  EXPECT_TRUE(index.Candidates(MembershipEvent(2, "7")).empty());  // other account
  store::CrmEvent no_list = MembershipEvent(1, "7");
  no_list.properties.clear();
  EXPECT_TRUE(index.Candidates(no_list).empty()) << "not filed under the bare internal type";
  auto f = index.Find(1, 30);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->membership_branches.size(), 2u) << "the branch reading no list is left out";
  EXPECT_EQ(f->membership_branches[0].list_ids, (std::set<std::string>{"7"}));
  EXPECT_EQ(f->membership_branches[1].list_ids, (std::set<std::string>{"8", "9"}));
  EXPECT_EQ(f->keys.count(std::string(store::kEventListMembership)), 0u);
}

TEST(FlowIndex, ListFiltersReadingMembershipAreFiledUnderTheList) {
  const char* flow = R"({"startActionId":"1","enrollmentCriteria":{"type":"LIST_BASED",
    "shouldReEnroll":false,"unEnrollObjectsNotMeetingCriteria":true,
    "reEnrollmentTriggersFilterBranches":[],
    "listFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
    "filterBranches":[{"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],
    "filters":[{"filterType":"IN_LIST","listId":"5","operator":"IN_LIST"}]}]}}})";
  FlowIndex index;
  index.Put(Flow(1, 40, true, flow));
  EXPECT_EQ(Ids(index.Candidates(MembershipEvent(1, "5"))), (std::vector<int64_t>{40}));
  EXPECT_TRUE(index.Candidates(MembershipEvent(1, "6")).empty());
  EXPECT_TRUE(index.Find(1, 40)->membership_branches.empty());
}

// Contacts associated (279) with a company of more than 50 employees.
const char* kBigCompanyFlow = R"({"startActionId":"1","enrollmentCriteria":{"type":"LIST_BASED",
  "shouldReEnroll":false,"unEnrollObjectsNotMeetingCriteria":true,"reEnrollmentTriggersFilterBranches":[],
  "listFilterBranch":{"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],
  "filterBranches":[{"filterBranchType":"AND","filterBranchOperator":"AND","filters":[],
  "filterBranches":[{"filterBranchType":"ASSOCIATION","filterBranchOperator":"AND","objectTypeId":"0-2",
  "associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","operator":"IN_LIST","filterBranches":[],
  "filters":[{"filterType":"PROPERTY","property":"numberofemployees","operation":{"operationType":
  "NUMBER","operator":"IS_GREATER_THAN","value":50,"includeObjectsWithNoValueSet":false}}]}]}]}}})";

TEST(FlowIndex, AssociationFiltersAreFiledUnderAssociationsAndAssociatedProperties) {
  FlowIndex index;
  index.Reset({Flow(1, 20, true, kBigCompanyFlow), Flow(1, 21, true, kStageFlow, "0-3")});
  // The contact's associations to companies changed: the contact's flow.
  store::CrmEvent assoc = Event(1, std::string(store::kEventAssociationChanged), "0-1");
  assoc.properties[std::string(store::kToObjectTypeProperty)] = "0-2";
  EXPECT_EQ(Ids(index.Candidates(assoc)), (std::vector<int64_t>{20}));
  EXPECT_TRUE(index.AssociatedCandidates(assoc).empty());
  assoc.properties[std::string(store::kToObjectTypeProperty)] = "0-3";
  EXPECT_TRUE(index.Candidates(assoc).empty());
  // A company's employee count changed: the contact flow, through its associations only.
  store::CrmEvent employees = Event(1, "4-655002", "0-2", "numberofemployees");
  EXPECT_TRUE(index.Candidates(employees).empty());
  EXPECT_EQ(Ids(index.AssociatedCandidates(employees)), (std::vector<int64_t>{20}));
  EXPECT_TRUE(index.AssociatedCandidates(Event(1, "4-655002", "0-2", "name")).empty());
  EXPECT_TRUE(index.AssociatedCandidates(Event(2, "4-655002", "0-2", "numberofemployees")).empty());
  // Companies' events can concern it (through associations), deals' only the deal flow.
  EXPECT_TRUE(index.Watches(1, "0-2"));
  EXPECT_TRUE(index.Watches(1, "0-3"));
  EXPECT_FALSE(index.Watches(1, "0-5"));
  // Unfiled with the flow.
  assoc.properties[std::string(store::kToObjectTypeProperty)] = "0-2";
  index.Remove(1, 20);
  EXPECT_FALSE(index.Watches(1, "0-2"));
  // Reset forgets what it filed before.
  index.Put(Flow(1, 20, true, kBigCompanyFlow));
  index.Reset({});
  EXPECT_FALSE(index.Watches(1, "0-2"));
  EXPECT_TRUE(index.AssociatedCandidates(employees).empty());
  EXPECT_TRUE(index.AssociatedCandidates(employees).empty());
  EXPECT_TRUE(index.Candidates(assoc).empty());
}

TEST(FlowIndex, DisablingOrRemovingUnfiles) {
  FlowIndex index;
  index.Put(Flow(1, 20, true, kStageFlow, "0-3"));
  index.Put(Flow(1, 20, false, kStageFlow, "0-3"));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.Candidates(Event(1, "4-655002", "0-3", "dealstage")).empty());
  index.Put(Flow(1, 21, true, kFormFlow));
  index.Remove(1, 21);
  EXPECT_FALSE(index.Find(1, 21));
  EXPECT_TRUE(index.Candidates(Event(1, "4-1639801", "0-1")).empty());
}

TEST(FlowIndex, MalformedContentIsIndexedWithoutTriggers) {
  FlowIndex index;
  index.Put(Flow(1, 30, true, "not json"));
  index.Put(Flow(1, 31, true, R"({"enrollmentCriteria":{"type":"MANUAL","shouldReEnroll":true}})"));
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find(1, 31)->criteria_type, "MANUAL");
  EXPECT_TRUE(index.Find(1, 30)->keys.empty());
}

TEST(FlowIndex, APropertyBasedScheduleFilesTheFlowUnderItsDateProperty) {
  std::string flow = kStageFlow;
  flow.pop_back();
  const std::string dated = flow +
                            R"(,"enrollmentSchedule":{"type":"PROPERTY_BASED","dateProperty":
    "renewal_date","daysDelta":-3,"yearly":true,"timeOfDay":{"hour":9,"minute":0}}})";
  const std::string daily =
      flow + R"(,"enrollmentSchedule":{"type":"DAILY","timeOfDay":{"hour":9,"minute":0}}})";
  FlowIndex index;
  index.Reset({Flow(1, 10, true, dated), Flow(1, 11, true, daily)});
  EXPECT_EQ(Ids(index.Candidates(Event(1, "4-655002", "0-1", "renewal_date"))),
            (std::vector<int64_t>{10}));
  FlowSnapshot f = index.Find(1, 10);
  ASSERT_TRUE(f && f->date_schedule);
  EXPECT_EQ(f->date_schedule->property, "renewal_date");
  EXPECT_EQ(f->date_schedule->days_delta, -3);
  EXPECT_TRUE(f->date_schedule->yearly);
  EXPECT_FALSE(index.Find(1, 11)->date_schedule);
}

}  // namespace
}  // namespace flowd::engine
