#include "engine/flow_index.h"

#include <boost/json/parse.hpp>

#include "crm/filter/filter_eval.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

const json::value* Member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

std::string StringOf(const json::object& o, std::string_view key) {
  const json::value* v = Member(o, key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool BoolOf(const json::object& o, std::string_view key) {
  const json::value* v = Member(o, key);
  return v && v->is_bool() && v->as_bool();
}

std::string PropertyKey(std::string_view property) {
  return std::string(store::kEventPropertyChanged) + ":" + std::string(property);
}

std::string MembershipKey(std::string_view list_id) {
  return std::string(store::kEventListMembership) + ":" + std::string(list_id);
}

std::string AssociationKey(std::string_view to_type) {
  return std::string(store::kEventAssociationChanged) + ":" + std::string(to_type);
}

// The keys of what `deps` reads of a record itself (its properties, event types and list
// memberships).
void AddOwnKeys(const crm::filter::FilterDependencies& deps, std::set<std::string>& keys) {
  for (const auto& p : deps.properties) keys.insert(PropertyKey(p));
  for (const auto& e : deps.event_type_ids) keys.insert(e);
  for (const auto& l : deps.list_ids) keys.insert(MembershipKey(l));
}

// Files the keys of what `branch` reads: of the record itself in `f.keys`; through ASSOCIATION
// branches and filters, the associations to each type in `f.keys` and what is read on the
// associated records in `f.associated_keys`.
void AddDependencies(const json::value* branch, IndexedFlow& f) {
  if (!branch || !branch->is_object()) return;
  auto deps = crm::filter::DependenciesOf(*branch, f.object_type_id);
  if (!deps.ok()) return;
  AddOwnKeys(*deps, f.keys);
  for (const auto& a : deps->associations) {
    if (a.object_type_id.empty()) continue;  // a list's type, known when evaluated only
    f.keys.insert(AssociationKey(a.object_type_id));
    std::set<std::string> reads;
    AddOwnKeys(a.reads, reads);
    for (const auto& k : reads) f.associated_keys.insert({a.object_type_id, k});
  }
}

// The keys an event is looked up under.
std::vector<std::string> KeysOf(const store::CrmEvent& event) {
  std::vector<std::string> keys = {event.event_type_id};
  auto property = [&](std::string_view name) -> const std::string* {
    auto it = event.properties.find(std::string(name));
    return it == event.properties.end() ? nullptr : &it->second;
  };
  if (event.event_type_id == store::kEventPropertyChanged) {
    if (const auto* name = property("hs_name")) keys.push_back(PropertyKey(*name));
  } else if (event.event_type_id == store::kEventListMembership) {
    if (const auto* list = property(store::kListIdProperty)) keys.push_back(MembershipKey(*list));
  } else if (event.event_type_id == store::kEventAssociationChanged) {
    if (const auto* to = property(store::kToObjectTypeProperty)) {
      keys.push_back(AssociationKey(*to));
    }
  }
  return keys;
}

}  // namespace

FlowSnapshot IndexFlow(const store::FlowRecord& flow) {
  auto f = std::make_shared<IndexedFlow>();
  f->account_id = flow.account_id;
  f->flow_id = flow.id;
  f->revision_id = flow.revision_id;
  f->object_type_id = flow.object_type_id;
  boost::system::error_code ec;
  json::value parsed = json::parse(flow.content_json, ec);
  auto content = std::make_shared<json::object>(!ec && parsed.is_object() ? parsed.as_object()
                                                                          : json::object());
  f->content = content;
  const json::object& c = *content;
  f->start_action_id = StringOf(c, "startActionId");
  f->goal = Member(c, "goalFilterBranch");
  f->suppression = Member(c, "suppressionFilterBranch");
  if (const json::value* ids = Member(c, "suppressionListIds"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array()) {
      if (id.is_int64()) f->suppression_list_ids.push_back(id.as_int64());
      if (id.is_uint64()) f->suppression_list_ids.push_back(static_cast<int64_t>(id.as_uint64()));
      if (id.is_string()) {
        try {
          f->suppression_list_ids.push_back(std::stoll(std::string(id.as_string())));
        } catch (...) {  // not a list id: nothing to suppress by
        }
      }
    }
  }
  const json::value* criteria = Member(c, "enrollmentCriteria");
  if (criteria && criteria->is_object()) {
    const json::object& crit = criteria->as_object();
    f->criteria = criteria;
    f->criteria_type = StringOf(crit, "type");
    f->should_re_enroll = BoolOf(crit, "shouldReEnroll");
    f->unenroll_not_meeting = BoolOf(crit, "unEnrollObjectsNotMeetingCriteria");
    if (f->criteria_type == "EVENT_BASED") {
      if (const json::value* branches = Member(crit, "eventFilterBranches");
          branches && branches->is_array()) {
        for (const auto& b : branches->as_array()) {
          if (b.is_object()) {
            std::string type = StringOf(b.as_object(), "eventTypeId");
            // flowd's internal events trigger only through their own criteria.
            if (!type.empty() && !store::IsInternalEventType(type)) f->keys.insert(type);
          }
        }
      }
      // Added to / removed from a list: the lists a branch reads are what can fire it.
      if (const json::value* branches = Member(crit, "listMembershipFilterBranches");
          branches && branches->is_array()) {
        for (const auto& b : branches->as_array()) {
          if (!b.is_object()) continue;
          auto deps = crm::filter::DependenciesOf(b, flow.object_type_id);
          if (!deps.ok() || deps->list_ids.empty()) continue;
          for (const auto& l : deps->list_ids) f->keys.insert(MembershipKey(l));
          f->membership_branches.push_back(MembershipBranch{&b, deps->list_ids});
        }
      }
      // A refinement read at event time needs no key of its own.
    } else if (f->criteria_type == "LIST_BASED") {
      f->keys.insert(std::string(store::kEventObjectCreated));
      AddDependencies(Member(crit, "listFilterBranch"), *f);
      if (const json::value* schedule = Member(c, "enrollmentSchedule")) {
        f->date_schedule = flows::DateScheduleOf(*schedule);
        if (f->date_schedule) f->keys.insert(PropertyKey(f->date_schedule->property));
      }
      if (const json::value* re = Member(crit, "reEnrollmentTriggersFilterBranches");
          re && re->is_array()) {
        for (const auto& b : re->as_array()) AddDependencies(&b, *f);
      }
    }
  }
  // A goal is checked when what it reads changes.
  AddDependencies(f->goal, *f);
  if (const json::value* actions = Member(c, "actions"); actions && actions->is_array()) {
    for (const auto& a : actions->as_array()) {
      if (a.is_object() && StringOf(a.as_object(), "actionTypeId") == "0-29") {
        f->keys.insert(std::string(kDelayUntilEventKey));
        break;
      }
    }
  }
  return f;
}

bool FlowIndex::HasKey(int64_t account_id, const std::string& object_type_id,
                       std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_key_.find({account_id, object_type_id, std::string(key)});
  return it != by_key_.end() && !it->second.empty();
}

bool FlowIndex::Watches(int64_t account_id, const std::string& object_type_id) const {
  const Key first{account_id, object_type_id, ""};
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto* index : {&by_key_, &by_associated_key_}) {
    auto it = index->lower_bound(first);  // sets are never empty (Unfile erases empty ones)
    if (it != index->end() && std::get<0>(it->first) == account_id &&
        std::get<1>(it->first) == object_type_id) {
      return true;
    }
  }
  return false;
}

void FlowIndex::Reset(const std::vector<store::FlowRecord>& flows) {
  std::lock_guard<std::mutex> lock(mu_);
  flows_.clear();
  by_key_.clear();
  by_associated_key_.clear();
  for (const auto& flow : flows) {
    if (flow.is_enabled) FileLocked(IndexFlow(flow));
  }
}

void FlowIndex::Put(const store::FlowRecord& flow) {
  FlowSnapshot f = flow.is_enabled ? IndexFlow(flow) : nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  UnfileLocked(flow.account_id, flow.id);
  if (f) FileLocked(f);
}

void FlowIndex::Remove(int64_t account_id, int64_t flow_id) {
  std::lock_guard<std::mutex> lock(mu_);
  UnfileLocked(account_id, flow_id);
}

void FlowIndex::FileLocked(const FlowSnapshot& f) {
  flows_[{f->account_id, f->flow_id}] = f;
  for (const auto& key : f->keys)
    by_key_[{f->account_id, f->object_type_id, key}].insert(f->flow_id);
  for (const auto& [type, key] : f->associated_keys)
    by_associated_key_[{f->account_id, type, key}].insert(f->flow_id);
}

namespace {

void Unfile(std::map<FlowIndex::Key, std::set<int64_t>>& index, const FlowIndex::Key& key,
            int64_t flow_id) {
  auto k = index.find(key);
  if (k == index.end()) return;
  k->second.erase(flow_id);
  if (k->second.empty()) index.erase(k);
}

}  // namespace

void FlowIndex::UnfileLocked(int64_t account_id, int64_t flow_id) {
  auto it = flows_.find({account_id, flow_id});
  if (it == flows_.end()) return;
  for (const auto& key : it->second->keys) {
    Unfile(by_key_, {account_id, it->second->object_type_id, key}, flow_id);
  }
  for (const auto& [type, key] : it->second->associated_keys) {
    Unfile(by_associated_key_, {account_id, type, key}, flow_id);
  }
  flows_.erase(it);
}

std::vector<FlowSnapshot> FlowIndex::Lookup(const std::map<Key, std::set<int64_t>>& index,
                                            const store::CrmEvent& event) const {
  std::set<int64_t> ids;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& key : KeysOf(event)) {
    auto it = index.find({event.account_id, event.object_type_id, key});
    if (it != index.end()) ids.insert(it->second.begin(), it->second.end());
  }
  std::vector<FlowSnapshot> out;
  out.reserve(ids.size());
  for (int64_t id : ids) out.push_back(flows_.at({event.account_id, id}));
  return out;
}

std::vector<FlowSnapshot> FlowIndex::Candidates(const store::CrmEvent& event) const {
  return Lookup(by_key_, event);
}

std::vector<FlowSnapshot> FlowIndex::AssociatedCandidates(const store::CrmEvent& event) const {
  return Lookup(by_associated_key_, event);
}

FlowSnapshot FlowIndex::Find(int64_t account_id, int64_t flow_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = flows_.find({account_id, flow_id});
  return it == flows_.end() ? nullptr : it->second;
}

std::vector<FlowSnapshot> FlowIndex::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FlowSnapshot> out;
  out.reserve(flows_.size());
  for (const auto& [key, f] : flows_) out.push_back(f);
  return out;
}

size_t FlowIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flows_.size();
}

}  // namespace flowd::engine
