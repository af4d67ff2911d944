// Passes over a flow's records: "enroll existing records" when a LIST_BASED flow is enabled, and
// each occurrence of its enrollmentSchedule. The store holds each pending pass with its cursor;
// a page's enrollments and the cursor's move commit together (EnrollBackfillPage), so a crash
// neither skips nor repeats a page and a restart resumes where the last commit left off. A page
// whose pass was dropped meanwhile (the flow disabled, deleted or rescheduled) or advanced by
// another process writes nothing.
#include "common/log.h"
#include "crm/filter/filter_eval.h"
#include "engine/engine.h"
#include "flows/schedule.h"

namespace flowd::engine {
namespace {

using crm::filter::CompiledFilter;
using crm::filter::RecordRef;

// A filter branch compiled once for a page rather than once per record. As in triggers.cc, a
// branch the compiler or evaluator refuses (kInvalidArgument) accepts nothing.
class PageFilter {
 public:
  static Result<PageFilter> Of(const boost::json::value* branch, const std::string& type,
                               crm::filter::FilterContext& ctx) {
    PageFilter f;
    if (!branch) return f;
    f.present_ = true;
    crm::filter::PropertyLookup lookup = [&ctx](const std::string& t) { return ctx.Properties(t); };
    auto compiled = crm::filter::CompileFilterBranch(*branch, type, lookup);
    if (!compiled.ok() && compiled.error().code != ErrorCode::kInvalidArgument) {
      return std::move(compiled).error();
    }
    if (compiled.ok()) f.compiled_ = std::move(compiled).value();
    return f;
  }
  bool present() const { return present_; }
  Result<bool> Accepts(const RecordRef& record, crm::filter::FilterContext& ctx) const {
    if (!compiled_) return false;
    auto r = crm::filter::Evaluate(*compiled_, record, ctx);
    if (!r.ok() && r.error().code == ErrorCode::kInvalidArgument) return false;
    return r;
  }

 private:
  bool present_ = false;
  std::optional<CompiledFilter> compiled_;
};

const boost::json::value* Member(const boost::json::value* o, std::string_view key) {
  if (!o || !o->is_object()) return nullptr;
  const boost::json::value* v = o->as_object().if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

}  // namespace

Result<bool> Engine::RunBackfills() {
  const int64_t now = clock_.NowMs();
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::BackfillRecord> due,
                         store_.engine().DueBackfills(now, 1));
  if (due.empty()) return false;
  const store::BackfillRecord& pass = due.front();
  if (pass.kind == store::kBackfillZone) {
    FLOWD_TRY(RetimeAccount(pass));
    return true;
  }
  const bool scheduled = pass.kind == store::kBackfillSchedule;
  // DATES: a PROPERTY_BASED flow's dates recomputed (the zone changed); it enrolls nobody.
  const bool dates_only = pass.kind == store::kBackfillDates;
  store::BackfillAdvance advance;
  advance.backfill_id = pass.id;
  advance.expected_after = pass.after_id;
  std::vector<store::NewEnrollment> items;
  // A flow that is gone or no longer LIST_BASED ends the pass with nothing enrolled.
  FlowSnapshot flow = index_.Find(pass.account_id, pass.flow_id);
  if (!flow) {
    // The pass commits with the flow's write, before the request thread files the flow in the
    // index (and another process's index learns of it later still): the store settles it.
    auto stored = store_.flows().GetFlow(pass.account_id, pass.flow_id);
    if (!stored.ok() && stored.error().code != ErrorCode::kNotFound) {
      return std::move(stored).error();
    }
    if (stored.ok() && stored->is_enabled) flow = IndexFlow(*stored);
  }
  if (flow && flow->criteria_type == "LIST_BASED" && (!dates_only || flow->date_schedule)) {
    FLOWD_ASSIGN_OR_RETURN(
        store::ObjectPage page,
        store_.objects().ListObjects(flow->account_id, flow->object_type_id, pass.after_id,
                                     options_.backfill_batch, false));
    // One view for the page, holding the values the listing already read.
    auto ctx = FilterContextOf(flow->account_id);
    std::vector<int64_t> ids;
    for (const auto& record : page.objects) ids.push_back(record.id);
    ctx->Prefetch(flow->object_type_id, page.objects, ids);
    // A date-scheduled flow's existing records get their dates, not an enrollment.
    if (flow->date_schedule) {
      if (!scheduled) FLOWD_TRY(DatePage(*flow, page.objects, *ctx, dates_only, advance.date_dues));
      page.objects.clear();
    }
    // Existing records enroll once: re-enabling the flow does not enroll a record again. A
    // schedule occurrence follows the flow's re-enrollment setting.
    const bool once = !scheduled || !flow->should_re_enroll;
    const std::string reason = scheduled
                                   ? "schedule occurrence " + std::to_string(pass.occurrence_ms)
                                   : "enroll existing records";
    FLOWD_ASSIGN_OR_RETURN(
        PageFilter enroll,
        PageFilter::Of(Member(flow->criteria, "listFilterBranch"), flow->object_type_id, *ctx));
    FLOWD_ASSIGN_OR_RETURN(PageFilter suppression,
                           PageFilter::Of(flow->suppression, flow->object_type_id, *ctx));
    for (const auto& record : page.objects) {
      const RecordRef ref{flow->object_type_id, record.id};
      FLOWD_ASSIGN_OR_RETURN(bool matches, enroll.Accepts(ref, *ctx));
      if (!matches) continue;
      bool suppressed = false;
      for (int64_t list_id : flow->suppression_list_ids) {
        FLOWD_ASSIGN_OR_RETURN(suppressed, ctx->IsMember(std::to_string(list_id), ref));
        if (suppressed) break;
      }
      if (!suppressed && suppression.present()) {
        FLOWD_ASSIGN_OR_RETURN(suppressed, suppression.Accepts(ref, *ctx));
      }
      if (suppressed) continue;
      items.push_back(
          MakeEnrollment(*flow, record.id, scheduled ? "SCHEDULE" : "LIST", reason, nullptr, once));
    }
    advance.next_after = page.next_after;
  }
  if (!advance.next_after && scheduled && flow) {
    // Occurrences missed while flowd was down collapse into the one that ran.
    advance.then = NextSchedulePass(*flow, std::max(now, pass.occurrence_ms));
  }
  auto results = store_.engine().EnrollBackfillPage(items, advance, now);
  if (!results.ok() && results.error().code == ErrorCode::kConflict) return true;
  if (!results.ok()) return std::move(results).error();
  FLOWD_TRY(AfterEnrolled(items, *results));
  return true;
}

std::optional<store::BackfillRecord> Engine::NextSchedulePass(const IndexedFlow& flow,
                                                              int64_t after_ms) {
  const boost::json::value* schedule = flow.content->if_contains("enrollmentSchedule");
  if (!schedule || schedule->is_null() || flow.criteria_type != "LIST_BASED") return std::nullopt;
  // PROPERTY_BASED: a date per record (date_schedules.cc), no occurrences.
  if (flow.date_schedule) return std::nullopt;
  auto at =
      flows::NextOccurrence(*schedule, after_ms, FilterContextOf(flow.account_id)->TimeZoneId());
  if (!at.ok()) {
    // Enabling refuses such a schedule; a flow enabled before that check runs unscheduled.
    log::Write(log::Level::kWarn, "flow schedule ignored",
               {{"flow", flow.flow_id}, {"error", at.error().message}});
    return std::nullopt;
  }
  store::BackfillRecord pass;
  pass.account_id = flow.account_id;
  pass.flow_id = flow.flow_id;
  pass.kind = std::string(store::kBackfillSchedule);
  pass.occurrence_ms = *at;
  return pass;
}

Status Engine::RetimeAccount(const store::BackfillRecord& pass) {
  zones_.Forget(pass.account_id);
  const int64_t now = clock_.NowMs();
  for (const FlowSnapshot& f : index_.All()) {
    if (f->account_id != pass.account_id || f->criteria_type != "LIST_BASED") continue;
    if (f->date_schedule) {
      // One DATES pass per flow: a repeated ZONE pass (after a crash) replaces its own.
      store::BackfillRecord dates;
      dates.account_id = f->account_id;
      dates.flow_id = f->flow_id;
      dates.kind = std::string(store::kBackfillDates);
      FLOWD_TRY(store_.engine().DropBackfills(f->account_id, f->flow_id, dates.kind).status());
      FLOWD_TRY(store_.engine().AddBackfill(dates, now).status());
    } else if (f->content->contains("enrollmentSchedule")) {
      FLOWD_TRY(Reschedule(*f));
    }
  }
  store::BackfillAdvance end;
  end.backfill_id = pass.id;
  auto ended = store_.engine().EnrollBackfillPage({}, end, now);
  if (!ended.ok() && ended.error().code != ErrorCode::kConflict) return std::move(ended).error();
  return Status::Ok();
}

Status Engine::Reschedule(const IndexedFlow& flow) {
  const int64_t now = clock_.NowMs();
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::BackfillRecord> passes,
                         store_.engine().FlowBackfills(flow.account_id, flow.flow_id));
  std::optional<store::BackfillRecord> pending;
  for (const auto& p : passes) {
    if (p.kind != store::kBackfillSchedule) continue;
    if (p.after_id || p.occurrence_ms <= now) return Status::Ok();  // due or running
    pending = p;
  }
  std::optional<store::BackfillRecord> next = NextSchedulePass(flow, now);
  if (pending && next && pending->occurrence_ms == next->occurrence_ms) return Status::Ok();
  if (pending) {
    FLOWD_TRY(
        store_.engine()
            .DropBackfills(flow.account_id, flow.flow_id, std::string(store::kBackfillSchedule))
            .status());
  }
  if (next) FLOWD_TRY(store_.engine().AddBackfill(*next, now).status());
  return Status::Ok();
}

}  // namespace flowd::engine
