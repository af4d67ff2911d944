// Date-based enrollment: a LIST_BASED flow with a PROPERTY_BASED enrollmentSchedule enrolls each
// record at its own time, `dateProperty + daysDelta` days at `timeOfDay` (and yearly, when set).
// The store keeps one entry per (flow, record) with that record's next due time
// (store::DateDueRecord), indexed by due time:
//   * the trigger consumer recomputes a record's entry when its date property changes or it is
//     created (NoteDateChange), and drops its entries when it is archived (triggers.cc);
//   * enabling the flow fills the entries of existing records through its "enroll existing
//     records" pass (DatePage, called from backfills.cc), a page per transaction;
//   * the trigger thread enrolls the due ones (RunDateDues): a record enrolls when the flow's
//     listFilterBranch accepts it and it is not suppressed at that moment, and its entry moves to
//     its next date (yearly) or is removed, with the enrollments, in one transaction guarded by
//     the due time it read (so a property change or another process in between wins).
// Disabling or deleting the flow drops its entries; a PUT that changes the schedule drops them
// and refills them (engine.cc).
#include "common/log.h"
#include "common/time_format.h"
#include "crm/filter/filter_eval.h"
#include "engine/engine.h"

namespace flowd::engine {
namespace {

using crm::filter::RecordRef;

Result<bool> Accepts(const boost::json::value& branch, const RecordRef& record,
                     crm::filter::FilterContext& ctx) {
  auto r = crm::filter::Evaluate(branch, record, ctx);
  if (!r.ok() && r.error().code == ErrorCode::kInvalidArgument) return false;
  return r;
}

}  // namespace

Result<std::optional<int64_t>> Engine::DateValueOf(const IndexedFlow& flow, int64_t object_id,
                                                   crm::filter::FilterContext& ctx) {
  const std::string& name = flow.date_schedule->property;
  FLOWD_ASSIGN_OR_RETURN(auto values, ctx.Values(RecordRef{flow.object_type_id, object_id}));
  if (!values) return std::optional<int64_t>();  // gone
  auto it = values->find(name);
  if (it == values->end() || it->second.empty()) return std::optional<int64_t>();
  FLOWD_ASSIGN_OR_RETURN(auto properties, ctx.Properties(flow.object_type_id));
  const store::PropertyRecord* p = properties->Find(name);
  if (!p || (p->type != "date" && p->type != "datetime")) return std::optional<int64_t>();
  std::optional<double> ms = crm::NumericValue(*p, it->second);
  if (!ms) return std::optional<int64_t>();
  return std::optional<int64_t>(static_cast<int64_t>(*ms));
}

Result<store::DateDueWrite> Engine::DateDueOf(const IndexedFlow& flow, int64_t object_id,
                                              int64_t after_ms, crm::filter::FilterContext& ctx) {
  store::DateDueWrite w;
  w.account_id = flow.account_id;
  w.flow_id = flow.flow_id;
  w.object_type_id = flow.object_type_id;
  w.object_id = object_id;
  FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> date, DateValueOf(flow, object_id, ctx));
  if (date) {
    FLOWD_ASSIGN_OR_RETURN(
        w.due_at_ms, flows::NextDateDue(*flow.date_schedule, *date, after_ms, ctx.TimeZoneId()));
  }
  return w;
}

Status Engine::NoteDateChange(const IndexedFlow& flow, const store::CrmEvent& event,
                              crm::filter::FilterContext& ctx,
                              std::vector<store::DateDueWrite>& out) {
  if (!flow.date_schedule || event.object_type_id != flow.object_type_id) return Status::Ok();
  if (event.event_type_id == store::kEventPropertyChanged) {
    auto name = event.properties.find("hs_name");
    if (name == event.properties.end() || name->second != flow.date_schedule->property) {
      return Status::Ok();
    }
  } else if (event.event_type_id != store::kEventObjectCreated) {
    return Status::Ok();
  }
  // The record's value when the event is read, as for every trigger: a later change's own event
  // recomputes it again, so the last write follows the last value.
  FLOWD_ASSIGN_OR_RETURN(store::DateDueWrite w,
                         DateDueOf(flow, event.object_id, clock_.NowMs(), ctx));
  out.push_back(std::move(w));
  return Status::Ok();
}

Status Engine::DatePage(const IndexedFlow& flow, const std::vector<store::ObjectRecord>& records,
                        crm::filter::FilterContext& ctx, bool refresh,
                        std::vector<store::DateDueWrite>& out) {
  const int64_t now = clock_.NowMs();
  for (const auto& record : records) {
    FLOWD_ASSIGN_OR_RETURN(store::DateDueWrite w, DateDueOf(flow, record.id, now, ctx));
    // A record without a coming date has no entry to write when the flow is enabled (the table
    // holds none yet for it); a refresh removes the one it may have.
    if (w.due_at_ms || refresh) out.push_back(std::move(w));
  }
  return Status::Ok();
}

Result<bool> Engine::RunDateDues() {
  const int64_t now = clock_.NowMs();
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::DateDueRecord> due,
                         store_.engine().DueDates(now, options_.backfill_batch));
  if (due.empty()) return false;
  std::map<int64_t, std::unique_ptr<crm::StoreFilterContext>> contexts;  // per account
  std::vector<store::NewEnrollment> items;
  std::vector<store::DateDueWrite> writes;
  for (const store::DateDueRecord& d : due) {
    store::DateDueWrite w;
    w.account_id = d.account_id;
    w.flow_id = d.flow_id;
    w.object_type_id = d.object_type_id;
    w.object_id = d.object_id;
    w.expected_due_ms = d.due_at_ms;
    FlowSnapshot flow = index_.Find(d.account_id, d.flow_id);
    // A flow that is gone, disabled or no longer date-scheduled keeps no entries.
    if (!flow || !flow->date_schedule || flow->object_type_id != d.object_type_id) {
      writes.push_back(std::move(w));
      continue;
    }
    auto& ctx = contexts[d.account_id];
    if (!ctx) ctx = FilterContextOf(d.account_id);
    FLOWD_ASSIGN_OR_RETURN(std::optional<int64_t> date, DateValueOf(*flow, d.object_id, *ctx));
    if (date) {
      const std::string zone = ctx->TimeZoneId();
      // Still a date of the record's value (a change not yet consumed may have moved it: then its
      // entry moves without enrolling, and the change's event settles it).
      FLOWD_ASSIGN_OR_RETURN(
          std::optional<int64_t> current,
          flows::NextDateDue(*flow->date_schedule, *date, d.due_at_ms - 1, zone));
      if (current == d.due_at_ms) {
        const RecordRef ref{flow->object_type_id, d.object_id};
        bool enroll = true;
        if (const boost::json::value* criteria = flow->criteria;
            criteria && criteria->is_object()) {
          const boost::json::value* branch = criteria->as_object().if_contains("listFilterBranch");
          if (branch && !branch->is_null()) {
            FLOWD_ASSIGN_OR_RETURN(enroll, Accepts(*branch, ref, *ctx));
          } else {
            enroll = false;
          }
        }
        if (enroll) {
          FLOWD_ASSIGN_OR_RETURN(bool suppressed, Suppressed(*flow, d.object_id, *ctx));
          enroll = !suppressed;
        }
        if (enroll) {
          // As at a schedule occurrence: re-enrollment follows shouldReEnroll alone.
          items.push_back(MakeEnrollment(
              *flow, d.object_id, "SCHEDULE",
              "date " + flow->date_schedule->property + " " + FormatIso8601Ms(d.due_at_ms), nullptr,
              !flow->should_re_enroll));
        }
      }
      // Occurrences missed while flowd was down collapse into this one.
      FLOWD_ASSIGN_OR_RETURN(w.due_at_ms, flows::NextDateDue(*flow->date_schedule, *date,
                                                             std::max(now, d.due_at_ms), zone));
    }
    writes.push_back(std::move(w));
  }
  auto results = store_.engine().EnrollDateDues(items, writes, now);
  if (!results.ok() && results.error().code == ErrorCode::kConflict) return true;
  if (!results.ok()) return std::move(results).error();
  FLOWD_TRY(AfterEnrolled(items, *results));
  return due.size() == options_.backfill_batch;
}

}  // namespace flowd::engine
