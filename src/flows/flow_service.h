// The flows use cases of the v4 API: create, read, list, replace, delete, batch read, revisions,
// email campaigns, legacy workflow-id mappings. Pure logic over store::FlowStore; HTTP-free.
// Thread-safe (the store is).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/data_sensitivity.h"
#include "model/flow_codec.h"
#include "store/app_store.h"
#include "store/store.h"

namespace flowd::flows {

inline constexpr size_t kMaxPageSize = 100;
inline constexpr size_t kMaxBatchInputs = 100;

// Parses a decimal flow/revision id ("585051946"). nullopt for anything else (signs, spaces,
// leading zeros beyond "0", overflow of int64).
std::optional<int64_t> ParseId(std::string_view text);

struct BatchReadResult {
  std::vector<store::FlowRecord> found;
  std::vector<std::string> missing;  // ids as the caller wrote them
};

// One FLOW_ID / WORKFLOW_ID coordinate of workflow-id-mappings/batch/read.
struct MappingInput {
  enum class Kind { kFlowId, kWorkflowId } kind = Kind::kFlowId;
  std::string id;  // as written by the caller
};
struct Mapping {
  int64_t flow_id = 0;
  int64_t workflow_id = 0;
};
struct MappingResult {
  std::vector<Mapping> found;
  std::vector<std::string> missing;
};

// Told of every committed flow change (the engine's trigger index, pausing and resuming).
// Called on the request's thread after the store committed; must not block for long.
class FlowChangeSink {
 public:
  virtual ~FlowChangeSink() = default;
  // Created (was_enabled = false) or replaced; `flow` is the stored new revision.
  virtual void FlowSaved(const store::FlowRecord& flow, bool was_enabled) = 0;
  virtual void FlowDeleted(int64_t account_id, int64_t flow_id) = 0;
};

class FlowService {
 public:
  FlowService(store::FlowStore& flows, const Clock& clock, model::FlowLimits limits = {})
      : flows_(flows), clock_(clock), limits_(limits) {}

  // Enforces the data-sensitivity rules (crm/data_sensitivity.h) on create, replace, delete and
  // ReferencesSensitiveData when set; `scopes` are the caller's.
  void set_sensitivity(crm::DataSensitivity* sensitivity) { sensitivity_ = sensitivity; }
  // When set, enabling a flow checks its app references: app actions ("1-<definitionId>") must
  // name a live definition of the account, SIGNATURE webhooks an app of the account (400 listing
  // every problem otherwise). Without it those are checked only when the step runs.
  void set_apps(store::AppStore* apps) { apps_ = apps; }
  void set_change_sink(FlowChangeSink* sink) { sink_ = sink; }
  // The properties a PROPERTY_BASED enrollmentSchedule's dateProperty is checked against when
  // the flow is enabled (unknown, not a date, highly sensitive: 400). Unchecked when unset.
  void set_properties(crm::PropertyCatalog* properties) { properties_ = properties; }
  // The owners that rotate record to owner (0-11) names are checked against when the flow is
  // enabled (flows/action_targets.h). Unchecked when unset.
  void set_owners(store::OwnerStore* owners) { owners_ = owners; }

  Result<store::FlowRecord> Create(int64_t account_id, const boost::json::value& body,
                                   const std::vector<std::string>& scopes = {});
  Result<store::FlowRecord> Get(int64_t account_id, int64_t flow_id);
  Result<store::FlowPage> List(int64_t account_id, std::optional<int64_t> after, size_t limit);
  // Full replacement guarded by body.revisionId (kConflict when stale).
  Result<store::FlowRecord> Replace(int64_t account_id, int64_t flow_id,
                                    const boost::json::value& body,
                                    const std::vector<std::string>& scopes = {});
  Status Delete(int64_t account_id, int64_t flow_id, const std::vector<std::string>& scopes = {});
  // 403 unless the caller may read the flow's enrollment and performance data.
  Status CheckDataReadable(const store::FlowRecord& flow, const std::vector<std::string>& scopes);
  // 403 unless the caller may change the flow or its enrollments (the sensitive-data write rule
  // applied to what the stored flow references).
  Status CheckDataWritable(const store::FlowRecord& flow, const std::vector<std::string>& scopes);
  // The flow of a legacy workflow id; kNotFound when unknown in the account.
  Result<int64_t> MapWorkflowId(int64_t account_id, int64_t workflow_id) {
    return flows_.FlowIdForWorkflowId(account_id, workflow_id);
  }
  // Ids that are not decimal ids are reported missing, like unknown ones. Duplicates read once.
  Result<BatchReadResult> BatchRead(int64_t account_id, const std::vector<std::string>& ids);
  Result<store::FlowRevision> GetRevision(int64_t account_id, int64_t flow_id, int64_t revision_id);
  Result<MappingResult> MapIds(int64_t account_id, const std::vector<MappingInput>& inputs);
  Result<store::EmailCampaignPage> EmailCampaigns(int64_t account_id,
                                                  const std::vector<int64_t>& flow_ids,
                                                  std::optional<int64_t> after,
                                                  std::optional<int64_t> before, size_t limit);

 private:
  // 400 listing every reason an enabled flow could not run (a draft may lack them).
  Status CheckRunnable(int64_t account_id, const model::DecodedFlow& decoded);
  // The property names a stored flow references.
  Result<std::set<std::string>> StoredReferences(const store::FlowRecord& flow);

  store::FlowStore& flows_;
  const Clock& clock_;
  model::FlowLimits limits_;
  crm::DataSensitivity* sensitivity_ = nullptr;
  store::AppStore* apps_ = nullptr;
  Status CheckAppReferences(int64_t account_id, const model::DecodedFlow& decoded);
  crm::PropertyCatalog* properties_ = nullptr;
  store::OwnerStore* owners_ = nullptr;
  FlowChangeSink* sink_ = nullptr;
};

}  // namespace flowd::flows
