// What a compiled filter reads: the inputs of a change index.
#include "crm/filter/filter_eval.h"

namespace flowd::crm::filter {
namespace {

bool IsRelative(const TimePoint& p) {
  return p.kind == TimePoint::Kind::kIndexed ||
         (p.kind == TimePoint::Kind::kProperty &&
          (p.parser == Parser::kAnniversary || p.parser == Parser::kAnniversarySameLocal));
}

// A time point read on the filtered record (PROPERTY_REFERENCED) or relative to now.
void CollectPoint(const TimePoint& p, FilterDependencies& d, bool record_scope) {
  if (IsRelative(p)) d.time_dependent = true;
  if (p.kind == TimePoint::Kind::kProperty && record_scope) d.properties.insert(p.property);
}

void CollectWindows(const std::vector<TimeWindow>& windows, FilterDependencies& d) {
  for (const TimeWindow& w : windows) {
    switch (w.kind) {
      case TimeWindow::Kind::kRelativeComparative:
      case TimeWindow::Kind::kRelativeRanged:
        d.time_dependent = true;
        break;
      case TimeWindow::Kind::kTimePoint:
        CollectPoint(w.point1, d, true);
        break;
      case TimeWindow::Kind::kTimeRanged:
        CollectPoint(w.point1, d, true);
        CollectPoint(w.point2, d, true);
        break;
      default:
        break;
    }
  }
}

// `record_scope` is false for operations on event properties: their names are not the record's.
void CollectOperation(const Operation& op, FilterDependencies& d, bool record_scope) {
  switch (op.type) {
    case OperationType::kCalendarDate:
    case OperationType::kRollingDateRange:
    case OperationType::kRollingPropertyUpdated:
      d.time_dependent = true;
      break;
    case OperationType::kComparativeDate:
    case OperationType::kComparativeString:
    case OperationType::kComparativePropertyUpdated:
      if (record_scope) d.properties.insert(op.comparison_property);
      break;
    case OperationType::kTimePoint:
      CollectPoint(op.point, d, record_scope);
      break;
    case OperationType::kTimeRanged:
      CollectPoint(op.lower_point, d, record_scope);
      CollectPoint(op.upper_point, d, record_scope);
      break;
    default:
      break;
  }
  if (op.parser == Parser::kAnniversary || op.parser == Parser::kAnniversarySameLocal) {
    d.time_dependent = true;
  }
}

void CollectBranch(const Branch& b, FilterDependencies& d, bool record_scope);

void CollectFilter(const Filter& f, FilterDependencies& d, bool record_scope) {
  switch (f.kind) {
    case Filter::Kind::kConstant:
      break;
    case Filter::Kind::kProperty:
      if (record_scope) d.properties.insert(f.line.property);
      CollectOperation(f.line.operation, d, record_scope);
      break;
    case Filter::Kind::kInList:
      d.list_ids.insert(f.list_id);
      break;
    case Filter::Kind::kAssociationInList: {
      AssociationDependency a;
      a.object_type_id = f.to_object_type_id;
      a.category = f.association_category;
      a.type_id = f.association_type_id;
      a.reads.list_ids.insert(f.list_id);
      d.associations.push_back(std::move(a));
      break;
    }
    case Filter::Kind::kFormSubmission:
    case Filter::Kind::kEvents:
      d.event_type_ids.insert(f.event_type_id);
      CollectWindows(f.refinement.windows, d);
      for (const PropertyLine& line : f.lines) CollectOperation(line.operation, d, false);
      break;
  }
}

void CollectBranch(const Branch& b, FilterDependencies& d, bool record_scope) {
  switch (b.kind) {
    case Branch::Kind::kUnifiedEvents:
      d.event_type_ids.insert(b.event_type_id);
      CollectWindows(b.refinement.windows, d);
      for (const Filter& f : b.filters) CollectFilter(f, d, false);
      for (const Branch& c : b.branches) CollectBranch(c, d, false);
      return;
    case Branch::Kind::kAssociation: {
      AssociationDependency a;
      a.object_type_id = b.object_type_id;
      a.category = b.association_category;
      a.type_id = b.association_type_id;
      for (const Filter& f : b.filters) CollectFilter(f, a.reads, true);
      for (const Branch& c : b.branches) CollectBranch(c, a.reads, true);
      if (a.reads.time_dependent) d.time_dependent = true;
      d.associations.push_back(std::move(a));
      return;
    }
    default:
      for (const Filter& f : b.filters) CollectFilter(f, d, record_scope);
      for (const Branch& c : b.branches) CollectBranch(c, d, record_scope);
  }
}

}  // namespace

FilterDependencies DependenciesOf(const CompiledFilter& filter) {
  FilterDependencies d;
  CollectBranch(filter.root, d, true);
  return d;
}

Result<FilterDependencies> DependenciesOf(const boost::json::value& branch,
                                          const std::string& object_type_id) {
  CompileOptions options;
  options.check_properties = false;
  FLOWD_ASSIGN_OR_RETURN(CompiledFilter compiled,
                         CompileFilterBranch(branch, object_type_id, nullptr, options));
  return DependenciesOf(compiled);
}

}  // namespace flowd::crm::filter
