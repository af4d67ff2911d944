// Enrollment: the CRM event log read in seq order, each event matched against the flows the
// trigger index files it under, goals and unenrollment criteria checked for the records already
// enrolled, and the enrollments committed with the new log position (engine.h).
#include <boost/json/serialize.hpp>
#include <set>

#include "common/log.h"
#include "crm/filter/filter_eval.h"
#include "crm/list_context.h"
#include "engine/engine.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;
using crm::filter::RecordRef;

const json::value* Member(const json::value* o, std::string_view key) {
  if (!o || !o->is_object()) return nullptr;
  auto it = o->as_object().find(key);
  return it == o->as_object().end() || it->value().is_null() ? nullptr : &it->value();
}

// The store's view, except that the record's events are only the one being matched: a trigger
// branch (UNIFIED_EVENTS, HAS_COMPLETED, filters on the event's properties) then asks "does this
// event match", through the same evaluator lists use. For a list membership change, the record's
// events are the stored ones and its membership of the changed list is the one AssumeMember
// sets (the change's outcome, or the state before it).
class OneEventContext final : public crm::filter::FilterContext {
 public:
  OneEventContext(crm::filter::FilterContext& inner, const store::CrmEvent& event)
      : inner_(inner), event_(event) {
    if (event.event_type_id == store::kEventListMembership) {
      auto list = event.properties.find(std::string(store::kListIdProperty));
      if (list != event.properties.end()) list_id_ = list->second;
    }
  }
  void AssumeMember(bool member) { member_ = member; }
  int64_t NowMs() override { return inner_.NowMs(); }
  std::string TimeZoneId() override { return inner_.TimeZoneId(); }
  Result<std::shared_ptr<const crm::PropertySet>> Properties(const std::string& type) override {
    return inner_.Properties(type);
  }
  Result<std::optional<std::map<std::string, std::string>>> Values(const RecordRef& r) override {
    return inner_.Values(r);
  }
  Result<std::vector<store::ValueVersion>> History(const RecordRef& r,
                                                   const std::string& p) override {
    return inner_.History(r, p);
  }
  Result<bool> IsMember(const std::string& list_id, const RecordRef& r) override {
    if (list_id_ && list_id == *list_id_ && IsEventRecord(r)) return member_;
    return inner_.IsMember(list_id, r);
  }
  Result<std::optional<std::string>> ListObjectType(const std::string& list_id) override {
    return inner_.ListObjectType(list_id);
  }
  Result<std::vector<int64_t>> Associated(const RecordRef& from, const std::string& to,
                                          const std::string& category, int64_t type_id) override {
    return inner_.Associated(from, to, category, type_id);
  }
  Result<std::vector<store::CrmEvent>> Events(const RecordRef& r,
                                              const std::string& type) override {
    if (list_id_) return inner_.Events(r, type);
    if (IsEventRecord(r) && type == event_.event_type_id) {
      return std::vector<store::CrmEvent>{event_};
    }
    return std::vector<store::CrmEvent>{};
  }

 private:
  bool IsEventRecord(const RecordRef& r) const {
    return r.object_type_id == event_.object_type_id && r.id == event_.object_id;
  }

  crm::filter::FilterContext& inner_;
  const store::CrmEvent& event_;
  std::optional<std::string> list_id_;  // a list membership change's list
  bool member_ = false;
};

// A filter the evaluator refuses (a type whose data flowd does not hold) matches nothing; the
// flow's author was told so when the flow was saved or the list was created.
Result<bool> Accepts(const json::value& branch, const RecordRef& record,
                     crm::filter::FilterContext& ctx) {
  auto r = crm::filter::Evaluate(branch, record, ctx);
  if (!r.ok() && r.error().code == ErrorCode::kInvalidArgument) return false;
  return r;
}

// A list membership change fires a listMembershipFilterBranch that reads the list when the
// change made the branch accept the record: it accepts with the membership the change left and
// rejects with the one before (so IN_LIST fires on an addition, NOT_IN_LIST on a removal, and a
// branch that holds either way does not fire).
Result<bool> MembershipFired(const IndexedFlow& flow, const store::CrmEvent& event,
                             OneEventContext& ctx) {
  auto list = event.properties.find(std::string(store::kListIdProperty));
  auto change = event.properties.find(std::string(store::kMembershipChangeProperty));
  if (list == event.properties.end() || change == event.properties.end()) return false;
  const bool added = change->second == store::kMembershipAdded;
  const RecordRef record{flow.object_type_id, event.object_id};
  for (const MembershipBranch& b : flow.membership_branches) {
    if (!b.list_ids.count(list->second)) continue;
    ctx.AssumeMember(added);
    FLOWD_ASSIGN_OR_RETURN(bool after, Accepts(*b.branch, record, ctx));
    if (!after) continue;
    ctx.AssumeMember(!added);
    FLOWD_ASSIGN_OR_RETURN(bool before, Accepts(*b.branch, record, ctx));
    if (!before) return true;
  }
  return false;
}

}  // namespace

Result<bool> Engine::ConsumeEvents() {
  std::lock_guard<std::mutex> pass(trigger_mu_);
  FLOWD_ASSIGN_OR_RETURN(int64_t seq, store_.engine().EventSeq());
  // Events that no enabled flow can concern are read without their properties (records created
  // or changed in bulk in an account without flows cost little); one that a flow enabled since
  // does concern is read again, whole.
  std::set<int64_t> bare;
  auto needs = [this](const store::CrmEvent& e) {
    return e.event_type_id != store::kEventObjectArchived &&
           index_.Watches(e.account_id, e.object_type_id);
  };
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<store::CrmEvent> events,
      store_.objects().ReadEvents(seq, options_.event_batch, [&](const store::CrmEvent& e) {
        if (needs(e)) return true;
        bare.insert(e.seq);
        return false;
      }));
  std::vector<store::NewEnrollment> items;
  std::vector<store::DateDueWrite> dues;
  for (auto& e : events) {
    if (bare.count(e.seq) && needs(e)) {
      FLOWD_ASSIGN_OR_RETURN(auto whole, store_.objects().ReadEvents(e.seq - 1, 1));
      if (!whole.empty() && whole.front().seq == e.seq) e = std::move(whole.front());
    }
    FLOWD_TRY(HandleEvent(e, items, dues));
    counters_.events++;
  }
  FLOWD_TRY(store_.engine().WriteDateDues(dues));
  bool consumed = true;
  if (!events.empty()) {
    FLOWD_ASSIGN_OR_RETURN(consumed,
                           CommitEnrollments(items, store::EventAdvance{seq, events.back().seq}));
  }
  FLOWD_ASSIGN_OR_RETURN(bool backfilling, RunBackfills());
  FLOWD_ASSIGN_OR_RETURN(bool dating, RunDateDues());
  return !consumed || events.size() == options_.event_batch || backfilling || dating;
}

Status Engine::HandleEvent(const store::CrmEvent& event, std::vector<store::NewEnrollment>& out,
                           std::vector<store::DateDueWrite>& dues) {
  if (event.event_type_id == store::kEventObjectArchived) {
    // Its dates go, including those noted earlier in this batch (not yet written).
    std::erase_if(dues, [&](const store::DateDueWrite& w) {
      return w.account_id == event.account_id && w.object_type_id == event.object_type_id &&
             w.object_id == event.object_id;
    });
    FLOWD_TRY(store_.engine()
                  .DropObjectDateDues(event.account_id, event.object_type_id, event.object_id)
                  .status());
    return store_.engine()
        .EndObjectEnrollments(event.account_id, event.object_type_id, event.object_id,
                              std::string(store::kEnrollmentUnenrolled), "OBJECT_DELETED",
                              clock_.NowMs())
        .status();
  }
  std::vector<FlowSnapshot> flows = index_.Candidates(event);
  std::vector<FlowSnapshot> via = index_.AssociatedCandidates(event);
  const bool waits = !store::IsInternalEventType(event.event_type_id) &&
                     index_.HasKey(event.account_id, event.object_type_id, kDelayUntilEventKey);
  if (flows.empty() && via.empty() && !waits) return Status::Ok();
  auto owned = FilterContextOf(event.account_id);
  crm::StoreFilterContext& ctx = *owned;
  if (waits) FLOWD_TRY(WakeEventDelays(event, ctx));
  for (const FlowSnapshot& flow : flows) {
    FLOWD_TRY(NoteDateChange(*flow, event, ctx, dues));
    FLOWD_TRY(EvaluateRecord(*flow, event, event.object_id, /*direct=*/true, ctx, out));
  }
  // A change of an associated record: the flows' records associated with it are re-evaluated.
  for (const FlowSnapshot& flow : via) {
    FLOWD_ASSIGN_OR_RETURN(
        auto ids, crm::AssociatedIds(store_.associations(), event.account_id, event.object_type_id,
                                     event.object_id, flow->object_type_id, "", 0));
    for (int64_t id : ids) {
      FLOWD_TRY(EvaluateRecord(*flow, event, id, /*direct=*/false, ctx, out));
    }
  }
  return Status::Ok();
}

Status Engine::EvaluateRecord(const IndexedFlow& flow, const store::CrmEvent& event,
                              int64_t object_id, bool direct, crm::filter::FilterContext& ctx,
                              std::vector<store::NewEnrollment>& out) {
  const RecordRef record{flow.object_type_id, object_id};
  FLOWD_ASSIGN_OR_RETURN(
      auto active, store_.engine().ActiveEnrollments(event.account_id, flow.flow_id, {object_id}));
  if (!active.empty()) {
    std::vector<int64_t> ids;
    for (const auto& a : active) ids.push_back(a.id);
    if (flow.goal) {
      FLOWD_ASSIGN_OR_RETURN(bool met, Accepts(*flow.goal, record, ctx));
      if (met) {
        return store_.engine()
            .EndEnrollments(event.account_id, ids, std::string(store::kEnrollmentGoalMet),
                            "GOAL_MET", clock_.NowMs())
            .status();
      }
    }
    if (flow.criteria_type == "LIST_BASED" && flow.unenroll_not_meeting) {
      FLOWD_ASSIGN_OR_RETURN(bool matches, MatchesEnrollment(flow, &event, object_id, ctx));
      if (!matches) {
        return store_.engine()
            .EndEnrollments(event.account_id, ids, std::string(store::kEnrollmentUnenrolled),
                            "CRITERIA_NOT_MET", clock_.NowMs())
            .status();
      }
    }
    return Status::Ok();
  }
  // A date-scheduled flow enrolls its records on their dates (date_schedules.cc), not on changes.
  if (flow.date_schedule) return Status::Ok();
  // An associated record's change enrolls through list filters only: event triggers are about
  // the record's own events.
  const bool list_based = flow.criteria_type == "LIST_BASED";
  if (!list_based && (!direct || flow.criteria_type != "EVENT_BASED")) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(bool matches, MatchesEnrollment(flow, &event, object_id, ctx));
  if (!matches) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(bool suppressed, Suppressed(flow, object_id, ctx));
  if (suppressed) return Status::Ok();
  // Re-enrollment: EVENT_BASED flows re-enroll on every matching event when allowed;
  // LIST_BASED ones only when a re-enrollment trigger holds as well.
  bool once = !flow.should_re_enroll;
  if (flow.should_re_enroll && list_based) {
    once = true;
    const json::value* re = Member(flow.criteria, "reEnrollmentTriggersFilterBranches");
    if (re && re->is_array()) {
      for (const auto& b : re->as_array()) {
        FLOWD_ASSIGN_OR_RETURN(bool fired, Accepts(b, record, ctx));
        if (fired) {
          once = false;
          break;
        }
      }
    }
  }
  std::string reason = "event " + event.event_type_id + " #" + std::to_string(event.seq);
  if (!direct) {
    reason =
        "associated " + event.object_type_id + " " + std::to_string(event.object_id) + " " + reason;
  }
  out.push_back(MakeEnrollment(flow, object_id, list_based ? "LIST" : "EVENT", reason,
                               direct ? &event : nullptr, once));
  return Status::Ok();
}

Status Engine::WakeEventDelays(const store::CrmEvent& event, crm::filter::FilterContext& ctx) {
  const int64_t now = clock_.NowMs();
  FLOWD_ASSIGN_OR_RETURN(
      auto enrollments,
      store_.engine().EnrollmentsOfObject(event.account_id, event.object_type_id, event.object_id));
  for (const store::EnrollmentRecord& e : enrollments) {
    if (e.status != store::kEnrollmentActive) continue;
    FlowSnapshot flow = index_.Find(e.account_id, e.flow_id);
    if (!flow || !flow->keys.count(std::string(kDelayUntilEventKey))) continue;
    FLOWD_ASSIGN_OR_RETURN(auto job, store_.engine().JobOfEnrollment(e.account_id, e.id));
    if (!job || job->paused || job->run_at_ms <= now) continue;
    // Waiting in a 0-29 action: its step is the last one, and the job is the step after it.
    FLOWD_ASSIGN_OR_RETURN(auto steps, store_.engine().ListSteps(e.account_id, e.id));
    if (steps.empty()) continue;
    const store::StepRecord& last = steps.back();
    if (last.action_type_id != "0-29" || last.outcome != "DELAYED" ||
        last.execution_index + 1 != job->execution_index) {
      continue;
    }
    // Only events that happened while it waited.
    if (event.occurred_at_ms < last.finished_at_ms) continue;
    auto content = Revision(e.account_id, e.flow_id, e.revision_id);
    // A flow deleted meanwhile: its enrollments are ending, nothing to wake.
    if (!content.ok() && content.error().code == ErrorCode::kNotFound) continue;
    if (!content.ok()) return std::move(content).error();
    const json::value* branches = nullptr;
    if (const json::value* actions = (*content)->if_contains("actions");
        actions && actions->is_array()) {
      for (const auto& a : actions->as_array()) {
        const json::value* id = Member(&a, "actionId");
        if (id && id->is_string() && id->as_string() == last.action_id) {
          branches = Member(Member(&a, "fields"), "event_filter_branches");
          break;
        }
      }
    }
    if (!branches || !branches->is_array()) continue;
    OneEventContext one(ctx, event);
    const RecordRef record{e.object_type_id, e.object_id};
    for (const auto& b : branches->as_array()) {
      const json::value* type = Member(&b, "eventTypeId");
      if (!type || !type->is_string() || type->as_string() != event.event_type_id) continue;
      FLOWD_ASSIGN_OR_RETURN(bool hit, Accepts(b, record, one));
      if (!hit) continue;
      FLOWD_TRY(store_.engine().WakeJob(e.account_id, job->id, job->execution_index, now).status());
      break;
    }
  }
  return Status::Ok();
}

std::unique_ptr<crm::StoreFilterContext> Engine::FilterContextOf(int64_t account_id) {
  return std::make_unique<crm::StoreFilterContext>(account_id, store_.objects(), store_.lists(),
                                                   &store_.associations(), properties_, clock_,
                                                   zones_.ZoneOf(account_id));
}

Result<bool> Engine::MatchesEnrollment(const IndexedFlow& flow, const store::CrmEvent* event,
                                       int64_t object_id, crm::filter::FilterContext& ctx) {
  const RecordRef record{flow.object_type_id, object_id};
  if (flow.criteria_type == "LIST_BASED") {
    const json::value* branch = Member(flow.criteria, "listFilterBranch");
    if (!branch) return false;
    return Accepts(*branch, record, ctx);
  }
  if (flow.criteria_type != "EVENT_BASED" || !event) return false;
  OneEventContext one(ctx, *event);
  bool any = false;
  if (event->event_type_id == store::kEventListMembership) {
    FLOWD_ASSIGN_OR_RETURN(any, MembershipFired(flow, *event, one));
  } else if (const json::value* branches = Member(flow.criteria, "eventFilterBranches");
             branches && branches->is_array()) {
    for (const auto& b : branches->as_array()) {
      const json::value* type = Member(&b, "eventTypeId");
      if (!type || !type->is_string() || type->as_string() != event->event_type_id) continue;
      FLOWD_ASSIGN_OR_RETURN(bool hit, Accepts(b, record, one));
      if (hit) {
        any = true;
        break;
      }
    }
  }
  if (!any) return false;
  if (const json::value* refinement = Member(flow.criteria, "refinementCriteria")) {
    return Accepts(*refinement, record, ctx);
  }
  return true;
}

Result<bool> Engine::Suppressed(const IndexedFlow& flow, int64_t object_id,
                                crm::filter::FilterContext& ctx) {
  const RecordRef record{flow.object_type_id, object_id};
  for (int64_t list_id : flow.suppression_list_ids) {
    FLOWD_ASSIGN_OR_RETURN(bool member, ctx.IsMember(std::to_string(list_id), record));
    if (member) return true;
  }
  if (flow.suppression) return Accepts(*flow.suppression, record, ctx);
  return false;
}

store::NewEnrollment Engine::MakeEnrollment(const IndexedFlow& flow, int64_t object_id,
                                            const std::string& source, const std::string& reason,
                                            const store::CrmEvent* event, bool once) const {
  store::NewEnrollment n;
  n.enrollment.account_id = flow.account_id;
  n.enrollment.flow_id = flow.flow_id;
  n.enrollment.revision_id = flow.revision_id;
  n.enrollment.object_type_id = flow.object_type_id;
  n.enrollment.object_id = object_id;
  n.enrollment.source = source;
  n.enrollment.reason = reason;
  n.enrollment.enrolled_at_ms = clock_.NowMs();
  n.enrollment.updated_at_ms = n.enrollment.enrolled_at_ms;
  if (event) {
    json::object props;
    for (const auto& [k, v] : event->properties) props[k] = v;
    json::object enrollment;
    enrollment["eventTypeId"] = event->event_type_id;
    enrollment["eventProperties"] = std::move(props);
    json::object data;
    data["enrollment"] = std::move(enrollment);
    n.enrollment.data_json = json::serialize(data);
  }
  n.first_action_id = flow.start_action_id;
  n.first_run_at_ms = n.enrollment.enrolled_at_ms;
  n.once = once;
  return n;
}

Result<bool> Engine::CommitEnrollments(std::vector<store::NewEnrollment>& items,
                                       const store::EventAdvance& events) {
  // Another process's consumer read the same events (PostgreSQL): the first commit takes the
  // range, the other writes nothing. What both did before committing (ending enrollments whose
  // goal was met or whose record was archived) is idempotent.
  auto taken = [&](const Error& e) {
    if (e.code != ErrorCode::kConflict) return false;
    auto now = store_.engine().EventSeq();
    return now.ok() && *now != events.from;
  };
  if (items.empty()) {
    Status moved = store_.engine().SetEventSeq(events);
    if (!moved.ok() && taken(moved.error())) return false;
    FLOWD_TRY(std::move(moved));
    return true;
  }
  auto results = store_.engine().Enroll(items, events, clock_.NowMs());
  if (!results.ok() && taken(results.error())) return false;
  if (!results.ok()) return std::move(results).error();
  FLOWD_TRY(AfterEnrolled(items, *results));
  return true;
}

Status Engine::AfterEnrolled(const std::vector<store::NewEnrollment>& items,
                             const std::vector<store::EnrollResult>& results) {
  // Unenrollment from other flows follows the enrollments that happened (idempotent: a crash
  // before it leaves the other flows' enrollments running, which their own ends settle).
  std::map<std::pair<int64_t, int64_t>, std::vector<int64_t>> enrolled;  // flow → objects
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].outcome != store::EnrollOutcome::kEnrolled) continue;
    counters_.enrollments++;
    enrolled[{items[i].enrollment.account_id, items[i].enrollment.flow_id}].push_back(
        items[i].enrollment.object_id);
  }
  for (const auto& [key, objects] : enrolled) {
    if (FlowSnapshot flow = index_.Find(key.first, key.second)) {
      FLOWD_TRY(UnenrollElsewhere(*flow, objects));
    }
  }
  if (!enrolled.empty()) Wake();
  return Status::Ok();
}

Status Engine::UnenrollElsewhere(const IndexedFlow& flow, const std::vector<int64_t>& object_ids) {
  auto setting = flow.content->find("unEnrollmentSetting");
  if (setting == flow.content->end() || !setting->value().is_object()) return Status::Ok();
  const json::object& s = setting->value().as_object();
  auto type = s.find("type");
  if (type == s.end() || !type->value().is_string()) return Status::Ok();
  std::set<int64_t> selected;
  const bool all = type->value().as_string() == "ALL";
  if (!all) {
    auto ids = s.find("flowIds");
    if (ids == s.end() || !ids->value().is_array()) return Status::Ok();
    for (const auto& id : ids->value().as_array()) {
      if (id.is_string()) {
        try {
          selected.insert(std::stoll(std::string(id.as_string())));
        } catch (...) {  // not a flow id
        }
      } else if (id.is_int64()) {
        selected.insert(id.as_int64());
      }
    }
  }
  for (int64_t object_id : object_ids) {
    FLOWD_ASSIGN_OR_RETURN(auto theirs, store_.engine().EnrollmentsOfObject(
                                            flow.account_id, flow.object_type_id, object_id));
    std::vector<int64_t> end;
    for (const auto& e : theirs) {
      if (e.flow_id == flow.flow_id || e.status != store::kEnrollmentActive) continue;
      if (all || selected.count(e.flow_id)) end.push_back(e.id);
    }
    if (end.empty()) continue;
    FLOWD_TRY(store_.engine()
                  .EndEnrollments(flow.account_id, end, std::string(store::kEnrollmentUnenrolled),
                                  "UNENROLLED_BY_FLOW " + std::to_string(flow.flow_id),
                                  clock_.NowMs())
                  .status());
  }
  return Status::Ok();
}

}  // namespace flowd::engine
