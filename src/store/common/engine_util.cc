#include "store/common/engine_util.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace flowd::store::internal {

BackfillRecord PassOf(int64_t account_id, int64_t flow_id, std::string_view kind) {
  BackfillRecord pass;
  pass.account_id = account_id;
  pass.flow_id = flow_id;
  pass.kind = std::string(kind);
  return pass;
}

Error EnrollmentNotFound(int64_t enrollment_id) {
  return Error::NotFound("enrollment " + std::to_string(enrollment_id) + " not found");
}

Error BackfillMoved(int64_t backfill_id) {
  return Error::Conflict("backfill " + std::to_string(backfill_id) +
                         " was dropped or advanced by another worker");
}

Error EventRangeTaken(int64_t from) {
  return Error::Conflict("the event log after " + std::to_string(from) +
                         " was consumed by another process");
}

bool HoldsJob(const StepCommit& step, const std::string& lease_owner, int64_t execution_index,
              int64_t attempt) {
  return lease_owner == step.lease_owner && execution_index == step.step.execution_index &&
         attempt == step.step.attempt;
}

Status ValidateStepCommit(const StepCommit& step, int64_t account_id) {
  const int transitions = (step.next ? 1 : 0) + (step.end_status ? 1 : 0);
  if (transitions > 1 || (transitions == 0 && !step.retry_at_ms)) {
    return Error::Invalid("a step commit needs exactly one of next, end_status or retry_at_ms");
  }
  auto foreign = [&](int64_t effect_account) { return effect_account != account_id; };
  bool bad = false;
  for (const auto& u : step.updates) bad = bad || foreign(u.account_id);
  for (const auto& c : step.creates) bad = bad || foreign(c.account_id);
  for (const auto& m : step.memberships) bad = bad || foreign(m.account_id);
  for (const auto& r : step.rotations) bad = bad || foreign(r.account_id);
  for (const auto& e : step.enrollments) bad = bad || foreign(e.enrollment.account_id);
  if (bad) return Error::Invalid("a step's effects must belong to the enrollment's account");
  for (const auto& c : step.creates) {
    if (!c.output_action_id.empty() && !step.data_json) {
      return Error::Invalid("a create with an output_action_id needs the commit's data_json");
    }
  }
  for (const auto& r : step.rotations) {
    if (r.values.empty()) return Error::Invalid("a rotation needs at least one value");
  }
  return Status::Ok();
}

Status MergeCreatedIds(StepCommit& step, const std::vector<int64_t>& created) {
  bool any = false;
  for (const auto& c : step.creates) any = any || !c.output_action_id.empty();
  if (!any) return Status::Ok();
  boost::system::error_code ec;
  boost::json::value data = boost::json::parse(step.data_json.value_or("{}"), ec);
  if (ec || !data.is_object()) return Error::Invalid("a step's data_json is not a JSON object");
  for (size_t i = 0; i < step.creates.size() && i < created.size(); ++i) {
    const ObjectCreateEffect& c = step.creates[i];
    if (c.output_action_id.empty()) continue;
    boost::json::value& out = data.as_object()[c.output_action_id];
    if (!out.is_object()) out = boost::json::object();
    out.as_object()["hs_object_id"] = std::to_string(created[i]);
    out.as_object()["objectTypeId"] = c.object_type_id;
  }
  step.data_json = boost::json::serialize(data);
  return Status::Ok();
}

ObjectUpdate RotationUpdate(const RotationEffect& rotation, int64_t slot) {
  const auto n = static_cast<int64_t>(rotation.values.size());
  const std::string& value = rotation.values[static_cast<size_t>(((slot % n) + n) % n)];
  return ObjectUpdate{rotation.object_id, {PropertyWrite{rotation.property, value}}};
}

namespace {

std::string_view OutcomeName(EnrollOutcome outcome) {
  switch (outcome) {
    case EnrollOutcome::kEnrolled:
      return "ENROLLED";
    case EnrollOutcome::kAlreadyActive:
      return "ALREADY_ACTIVE";
    case EnrollOutcome::kAlreadyEnrolled:
      return "ALREADY_ENROLLED";
  }
  return "UNKNOWN";
}

}  // namespace

Status MergeFlowOutcomes(StepCommit& step, const std::vector<int64_t>& slots,
                         const std::vector<EnrollResult>& enrolled) {
  if (slots.empty() && enrolled.empty()) return Status::Ok();
  boost::system::error_code ec;
  boost::json::value detail =
      boost::json::parse(step.step.detail_json.empty() ? "{}" : step.step.detail_json, ec);
  if (ec || !detail.is_object()) return Error::Invalid("a step's detail_json is not a JSON object");
  boost::json::object& d = detail.as_object();
  for (size_t i = 0; i < slots.size() && i < step.rotations.size(); ++i) {
    // One rotation per step is what the actions make; a second would overwrite the first here.
    d["slot"] = slots[i];
    d["value"] = RotationUpdate(step.rotations[i], slots[i]).properties.at(0).value;
  }
  if (!enrolled.empty()) {
    boost::json::array list;
    for (const EnrollResult& r : enrolled) {
      list.push_back(boost::json::object{{"flowId", std::to_string(r.enrollment.flow_id)},
                                         {"outcome", OutcomeName(r.outcome)},
                                         {"enrollmentId", std::to_string(r.enrollment.id)}});
    }
    d["enrollments"] = std::move(list);
    // Enrolling nothing is not a failure of this enrollment: the step is recorded SKIPPED.
    bool any = false;
    for (const EnrollResult& r : enrolled) any = any || r.outcome == EnrollOutcome::kEnrolled;
    if (!any) step.step.outcome = "SKIPPED";
  }
  step.step.detail_json = boost::json::serialize(detail);
  return Status::Ok();
}

bool IsStorageError(const Error& error) {
  return error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable;
}

Error AssociationRefused(AssociateOutcome outcome, const AssociationWrite& write) {
  switch (outcome) {
    case AssociateOutcome::kFromMissing:
      return Error::NotFound(write.from_type + " " + std::to_string(write.from_id) +
                             " not found for association");
    case AssociateOutcome::kToMissing:
      return Error::NotFound(write.to_type + " " + std::to_string(write.to_id) +
                             " not found for association");
    case AssociateOutcome::kTypeMissing:
      return Error::Invalid("association type not defined between " + write.from_type + " and " +
                            write.to_type);
    case AssociateOutcome::kDone:
      break;
  }
  return Error::Internal("association refused without a reason");
}

Status ValidateEdges(const std::vector<int64_t>& edges) {
  if (edges.size() < 2) return Error::Invalid("performance needs at least two bucket edges");
  for (size_t i = 1; i < edges.size(); ++i) {
    if (edges[i] <= edges[i - 1]) return Error::Invalid("bucket edges must ascend");
  }
  return Status::Ok();
}

void SortClaimed(std::vector<JobRecord>& jobs) {
  std::sort(jobs.begin(), jobs.end(), [](const JobRecord& a, const JobRecord& b) {
    return a.run_at_ms != b.run_at_ms ? a.run_at_ms < b.run_at_ms : a.id < b.id;
  });
}

}  // namespace flowd::store::internal
