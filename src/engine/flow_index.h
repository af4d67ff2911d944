// The trigger index: which enabled flows care about a CRM change. Built from every enabled flow
// at start-up and kept current by the flows service's change notifications, so one change costs
// work proportional to the flows that read what changed, not to all flows.
//
// Keys, per (account, object type):
//   * an event type id ("4-1639801", "4-1463224", custom event names): EVENT_BASED flows whose
//     eventFilterBranches name it, and LIST_BASED flows whose filters read such events;
//   * "4-655002:<property>": flows whose enrollment (LIST_BASED), goal, suppression or
//     re-enrollment filters read the property, and EVENT_BASED flows triggered by 4-655002;
//   * "4-1463224" also for every LIST_BASED flow (a new record may match at once);
//   * "4-655002:<dateProperty>" for a flow with a PROPERTY_BASED enrollmentSchedule (the record's
//     due time follows the property);
//   * "flowd.list_membership_changed:<listId>": EVENT_BASED flows whose
//     listMembershipFilterBranches read the list's membership (IN_LIST), and flows whose
//     enrollment (LIST_BASED), goal or re-enrollment filters read it;
//   * "flowd.association_changed:<toObjectType>": flows whose enrollment (LIST_BASED), goal or
//     re-enrollment filters read associations to records of that type (ASSOCIATION branches and
//     filters).
//   * kDelayUntilEventKey: flows with a 0-29 action (delay until an event): the events of their
//     object type may end a wait (triggers.cc).
// A second index files flows under what those filters read on the associated records, per
// (account, associated object type, key as above): a change of an associated record's property
// (or events, or list membership) is followed to the flows' records associated with it
// (AssociatedCandidates).
// Lookups return snapshots (shared_ptr to immutable entries): a flow changed meanwhile is seen in
// its old form until the next lookup.
//
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"
#include "flows/schedule.h"
#include "store/object_store.h"
#include "store/store.h"

namespace flowd::engine {

// One of an EVENT_BASED flow's listMembershipFilterBranches and the lists whose membership it
// reads: a change of one of those lists' members is what can fire it.
struct MembershipBranch {
  const boost::json::value* branch = nullptr;  // inside the flow's content
  std::set<std::string> list_ids;
};

// The key of flows with a "delay until an event occurs" (0-29) action: no event has this type.
inline constexpr std::string_view kDelayUntilEventKey = "flowd.delay_until_event";

struct IndexedFlow {
  int64_t account_id = 0;
  int64_t flow_id = 0;
  int64_t revision_id = 0;
  std::string object_type_id;
  std::shared_ptr<const boost::json::object> content;  // the flow's stored content
  std::string criteria_type;  // EVENT_BASED | LIST_BASED | MANUAL | DATASET | "" (none)
  bool should_re_enroll = false;
  bool unenroll_not_meeting = false;                // LIST_BASED unEnrollObjectsNotMeetingCriteria
  const boost::json::value* criteria = nullptr;     // enrollmentCriteria (inside content)
  const boost::json::value* goal = nullptr;         // goalFilterBranch, when set
  const boost::json::value* suppression = nullptr;  // suppressionFilterBranch, when set
  std::vector<int64_t> suppression_list_ids;
  std::vector<MembershipBranch> membership_branches;  // EVENT_BASED only
  std::string start_action_id;
  // A valid PROPERTY_BASED enrollmentSchedule of a LIST_BASED flow: its records enroll on their
  // dates (backfills.cc), not when a change makes the filter accept them.
  std::optional<flows::DateSchedule> date_schedule;
  std::set<std::string> keys;  // the index keys it is filed under
  // (associated object type, key): what its filters read on associated records.
  std::set<std::pair<std::string, std::string>> associated_keys;
};

using FlowSnapshot = std::shared_ptr<const IndexedFlow>;

// The index entry of a stored flow. Unknown or malformed parts are left out (a flow the API
// accepted compiles; one it did not is indexed without triggers).
FlowSnapshot IndexFlow(const store::FlowRecord& flow);

class FlowIndex {
 public:
  // Replaces the whole index with these (enabled) flows.
  void Reset(const std::vector<store::FlowRecord>& flows);
  // Files (enabled) or removes (disabled) the flow.
  void Put(const store::FlowRecord& flow);
  void Remove(int64_t account_id, int64_t flow_id);

  // The flows filed under any key of the event, each once, in flow id order.
  std::vector<FlowSnapshot> Candidates(const store::CrmEvent& event) const;
  // The flows whose filters read, through associations, what the event changed on its record:
  // the records they evaluate are the ones associated with the event's record. Flow id order.
  std::vector<FlowSnapshot> AssociatedCandidates(const store::CrmEvent& event) const;
  // Whether any enabled flow is filed under a key of the account and object type, directly or
  // through associations: whether an event of that record type can concern a flow at all.
  bool Watches(int64_t account_id, const std::string& object_type_id) const;
  // Whether an enabled flow of the account and object type is filed under `key`.
  bool HasKey(int64_t account_id, const std::string& object_type_id, std::string_view key) const;
  // An enabled flow, or null.
  FlowSnapshot Find(int64_t account_id, int64_t flow_id) const;
  // Every indexed flow (enabled flows), in (account, flow) order.
  std::vector<FlowSnapshot> All() const;
  size_t size() const;

  using Key = std::tuple<int64_t, std::string, std::string>;  // account, object type, key

 private:
  void FileLocked(const FlowSnapshot& f);
  void UnfileLocked(int64_t account_id, int64_t flow_id);
  std::vector<FlowSnapshot> Lookup(const std::map<Key, std::set<int64_t>>& index,
                                   const store::CrmEvent& event) const;

  mutable std::mutex mu_;
  std::map<std::pair<int64_t, int64_t>, FlowSnapshot> flows_;
  std::map<Key, std::set<int64_t>> by_key_;  // → flow ids
  // (account, associated object type, key) → flow ids (of any object type)
  std::map<Key, std::set<int64_t>> by_associated_key_;
};

}  // namespace flowd::engine
