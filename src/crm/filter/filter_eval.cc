// Evaluating compiled filter branches and filters for one record through a FilterContext.
//
// Branch semantics: AND accepts when every filter and sub-branch does (vacuously true when
// empty), OR when any does (false when empty), NOT_ALL = not AND, NOT_ANY = not OR.
// UNIFIED_EVENTS and ASSOCIATION branches combine their own children by filterBranchOperator.
// Occurrence-counting filters (FORM_SUBMISSION, UNIFIED_EVENTS, EVENT, ASSOCIATION) count the
// occurrences inside every time window of their refine-bys and accept when the count lies in
// [minOccurrences (default 1), maxOccurrences]; their negative operators negate that.
#include "crm/filter/filter_eval.h"

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

#include "common/time_format.h"
#include "crm/filter/eval_internal.h"
#include "crm/filter/values.h"

namespace flowd::crm::filter {
namespace {

using internal::Subject;
using internal::TimeEnv;
using Values = std::optional<std::map<std::string, std::string>>;

class Evaluator;

class RecordSubject final : public Subject {
 public:
  RecordSubject(Evaluator& e, RecordRef r) : e_(e), r_(std::move(r)) {}
  Result<std::string> Value(const std::string& name) override;
  Result<std::vector<store::ValueVersion>> History(const std::string& name) override;
  Result<std::optional<int64_t>> UpdatedAt(const std::string& name) override;

 private:
  Evaluator& e_;
  RecordRef r_;
};

class EventSubject final : public Subject {
 public:
  explicit EventSubject(const store::CrmEvent& ev) : ev_(ev) {}
  Result<std::string> Value(const std::string& name) override {
    auto it = ev_.properties.find(name);
    if (it != ev_.properties.end()) return it->second;
    // The occurrence time is readable like a property.
    if (name == "hs_timestamp" || name == "hs_occurred_at") {
      return FormatIso8601Ms(ev_.occurred_at_ms);
    }
    return std::string();
  }
  // Events have no history; the compiler refuses operations that would ask.
  Result<std::vector<store::ValueVersion>> History(const std::string&) override {
    return std::vector<store::ValueVersion>{};
  }
  Result<std::optional<int64_t>> UpdatedAt(const std::string&) override {
    return std::optional<int64_t>();
  }

 private:
  const store::CrmEvent& ev_;
};

class Evaluator {
 public:
  Evaluator(FilterContext& ctx, TimeEnv env) : ctx_(ctx), env_(std::move(env)) {}

  Result<const Values*> ValuesOf(const RecordRef& r) {
    auto key = std::make_pair(r.object_type_id, r.id);
    auto it = values_.find(key);
    if (it == values_.end()) {
      FLOWD_ASSIGN_OR_RETURN(Values v, ctx_.Values(r));
      it = values_.emplace(key, std::move(v)).first;
    }
    return &it->second;
  }

  Result<const std::vector<store::ValueVersion>*> HistoryOf(const RecordRef& r,
                                                            const std::string& name) {
    auto key = std::make_tuple(r.object_type_id, r.id, name);
    auto it = history_.find(key);
    if (it == history_.end()) {
      FLOWD_ASSIGN_OR_RETURN(auto h, ctx_.History(r, name));
      it = history_.emplace(key, std::move(h)).first;
    }
    return &it->second;
  }

  Result<bool> Root(const Branch& b, const RecordRef& r) {
    FLOWD_ASSIGN_OR_RETURN(const Values* v, ValuesOf(r));
    if (!*v) return false;
    return EvalBranch(b, r);
  }

 private:
  // AND (or OR when `any`) over n children.
  template <typename F>
  static Result<bool> Combine(size_t n, bool any, F&& child) {
    for (size_t i = 0; i < n; ++i) {
      FLOWD_ASSIGN_OR_RETURN(bool v, child(i));
      if (v == any) return any;
    }
    return !any;
  }

  // A branch's children (filters, then branches) combined with AND or OR.
  template <typename FF, typename BF>
  static Result<bool> Children(const Branch& b, bool any, FF&& filter, BF&& branch) {
    const size_t nf = b.filters.size();
    return Combine(nf + b.branches.size(), any, [&](size_t i) -> Result<bool> {
      return i < nf ? filter(b.filters[i]) : branch(b.branches[i - nf]);
    });
  }

  static Result<bool> Plain(const Branch& b, const std::function<Result<bool>(bool)>& children) {
    switch (b.kind) {
      case Branch::Kind::kAnd:
        return children(false);
      case Branch::Kind::kOr:
        return children(true);
      case Branch::Kind::kNotAll: {
        FLOWD_ASSIGN_OR_RETURN(bool all, children(false));
        return !all;
      }
      case Branch::Kind::kNotAny: {
        FLOWD_ASSIGN_OR_RETURN(bool any, children(true));
        return !any;
      }
      default:
        return Error::Internal("branch kind not evaluable here");
    }
  }

  Result<bool> EvalBranch(const Branch& b, const RecordRef& r) {
    auto filter = [&](const Filter& f) { return EvalFilter(f, r); };
    auto branch = [&](const Branch& c) { return EvalBranch(c, r); };
    switch (b.kind) {
      case Branch::Kind::kUnifiedEvents:
        return EvalEventsBranch(b, r);
      case Branch::Kind::kAssociation:
        return EvalAssociationBranch(b, r);
      default:
        return Plain(b, [&](bool any) { return Children(b, any, filter, branch); });
    }
  }

  // A branch inside a UNIFIED_EVENTS branch: its PROPERTY filters read the event.
  Result<bool> EvalEventBranch(const Branch& b, Subject& ev, bool any) {
    auto filter = [&](const Filter& f) {
      return internal::EvalOperation(f.line.operation, f.line.property, ev, env_);
    };
    auto branch = [&](const Branch& c) -> Result<bool> {
      return Plain(c, [&](bool a) { return EvalEventBranch(c, ev, a); });
    };
    return Children(b, any, filter, branch);
  }

  // A branch without children accepts every occurrence / associated record, whatever its
  // filterBranchOperator.
  static bool Empty(const Branch& b) { return b.filters.empty() && b.branches.empty(); }

  bool CountAccepted(int64_t count, const Refinement& r) const {
    return count >= r.min_occurrences && (!r.max_occurrences || count <= *r.max_occurrences);
  }

  Result<bool> EvalEventsBranch(const Branch& b, const RecordRef& r) {
    FLOWD_ASSIGN_OR_RETURN(auto events, ctx_.Events(r, b.event_type_id));
    RecordSubject record(*this, r);
    int64_t count = 0;
    for (const store::CrmEvent& ev : events) {
      FLOWD_ASSIGN_OR_RETURN(
          bool in, internal::InWindows(b.refinement.windows, ev.occurred_at_ms, &record, env_));
      if (!in) continue;
      EventSubject subject(ev);
      FLOWD_ASSIGN_OR_RETURN(bool ok, EvalEventBranch(b, subject, b.combine_or && !Empty(b)));
      if (ok) ++count;
    }
    const bool done = CountAccepted(count, b.refinement);
    return b.negate ? !done : done;
  }

  Result<bool> EvalAssociationBranch(const Branch& b, const RecordRef& r) {
    FLOWD_ASSIGN_OR_RETURN(auto ids, ctx_.Associated(r, b.object_type_id, b.association_category,
                                                     b.association_type_id));
    bool matched = false;
    for (int64_t id : ids) {
      const RecordRef other{b.object_type_id, id};
      FLOWD_ASSIGN_OR_RETURN(const Values* v, ValuesOf(other));
      if (!*v) continue;
      auto filter = [&](const Filter& f) { return EvalFilter(f, other); };
      auto branch = [&](const Branch& c) { return EvalBranch(c, other); };
      FLOWD_ASSIGN_OR_RETURN(bool ok, Children(b, b.combine_or && !Empty(b), filter, branch));
      if (ok) {
        matched = true;
        break;
      }
    }
    return b.negate ? !matched : matched;
  }

  Result<bool> EvalFilter(const Filter& f, const RecordRef& r) {
    switch (f.kind) {
      case Filter::Kind::kConstant:
        return f.accept;
      case Filter::Kind::kProperty: {
        RecordSubject s(*this, r);
        return internal::EvalOperation(f.line.operation, f.line.property, s, env_);
      }
      case Filter::Kind::kInList: {
        FLOWD_ASSIGN_OR_RETURN(bool member, ctx_.IsMember(f.list_id, r));
        return f.negate ? !member : member;
      }
      case Filter::Kind::kAssociationInList: {
        std::string to = f.to_object_type_id;
        if (to.empty()) {
          FLOWD_ASSIGN_OR_RETURN(auto type, ctx_.ListObjectType(f.list_id));
          if (type) to = *type;
        }
        int64_t count = 0;
        if (!to.empty()) {
          FLOWD_ASSIGN_OR_RETURN(
              auto ids, ctx_.Associated(r, to, f.association_category, f.association_type_id));
          for (int64_t id : ids) {
            FLOWD_ASSIGN_OR_RETURN(bool member, ctx_.IsMember(f.list_id, RecordRef{to, id}));
            if (member) ++count;
          }
        }
        const bool ok = CountAccepted(count, f.refinement);
        return f.negate ? !ok : ok;
      }
      case Filter::Kind::kFormSubmission:
      case Filter::Kind::kEvents: {
        FLOWD_ASSIGN_OR_RETURN(auto events, ctx_.Events(r, f.event_type_id));
        RecordSubject record(*this, r);
        int64_t count = 0;
        for (const store::CrmEvent& ev : events) {
          if (f.form_id) {
            auto it = ev.properties.find("hs_form_id");
            if (it == ev.properties.end() || AsciiLower(it->second) != AsciiLower(*f.form_id)) {
              continue;
            }
          }
          FLOWD_ASSIGN_OR_RETURN(
              bool in, internal::InWindows(f.refinement.windows, ev.occurred_at_ms, &record, env_));
          if (!in) continue;
          EventSubject subject(ev);
          bool all = true;
          for (const PropertyLine& line : f.lines) {
            FLOWD_ASSIGN_OR_RETURN(
                bool ok, internal::EvalOperation(line.operation, line.property, subject, env_));
            if (!ok) {
              all = false;
              break;
            }
          }
          if (all) ++count;
        }
        const bool ok = CountAccepted(count, f.refinement);
        return f.negate ? !ok : ok;
      }
    }
    return Error::Internal("unknown filter kind");
  }

  FilterContext& ctx_;
  TimeEnv env_;
  std::map<std::pair<std::string, int64_t>, Values> values_;
  std::map<std::tuple<std::string, int64_t, std::string>, std::vector<store::ValueVersion>>
      history_;
};

Result<std::string> RecordSubject::Value(const std::string& name) {
  FLOWD_ASSIGN_OR_RETURN(const Values* v, e_.ValuesOf(r_));
  if (!*v) return std::string();
  auto it = (*v)->find(name);
  return it == (*v)->end() ? std::string() : it->second;
}

Result<std::vector<store::ValueVersion>> RecordSubject::History(const std::string& name) {
  FLOWD_ASSIGN_OR_RETURN(const auto* h, e_.HistoryOf(r_, name));
  return *h;
}

Result<std::optional<int64_t>> RecordSubject::UpdatedAt(const std::string& name) {
  FLOWD_ASSIGN_OR_RETURN(const auto* h, e_.HistoryOf(r_, name));
  std::optional<int64_t> latest;
  for (const auto& v : *h) {
    if (!latest || v.timestamp_ms > *latest) latest = v.timestamp_ms;
  }
  return latest;
}

}  // namespace

Result<bool> Evaluate(const CompiledFilter& filter, const RecordRef& record, FilterContext& ctx) {
  if (record.object_type_id != filter.object_type_id) {
    return Error::Invalid("A filter for object type " + filter.object_type_id +
                          " cannot evaluate a record of type " + record.object_type_id);
  }
  TimeEnv env;
  env.now_ms = ctx.NowMs();
  FLOWD_ASSIGN_OR_RETURN(env.zone, TimeZone::Find(ctx.TimeZoneId()));
  env.fiscal_start_month = std::clamp(ctx.FiscalYearStartMonth(), 1, 12);
  Evaluator e(ctx, std::move(env));
  return e.Root(filter.root, record);
}

Result<bool> Evaluate(const boost::json::value& branch, const RecordRef& record,
                      FilterContext& ctx) {
  PropertyLookup lookup = [&ctx](const std::string& type) { return ctx.Properties(type); };
  FLOWD_ASSIGN_OR_RETURN(CompiledFilter compiled,
                         CompileFilterBranch(branch, record.object_type_id, lookup));
  return Evaluate(compiled, record, ctx);
}

}  // namespace flowd::crm::filter
