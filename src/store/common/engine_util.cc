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
  if (bad) return Error::Invalid("a step's effects must belong to the enrollment's account");
  for (const auto& c : step.creates) {
    if (!c.output_action_id.empty() && !step.data_json) {
      return Error::Invalid("a create with an output_action_id needs the commit's data_json");
    }
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
