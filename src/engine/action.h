// One action execution: what an action type sees (ActionInput, ActionEnv) and what it decides
// (ActionResult). Each action type lives in its own file under engine/actions/ and is reached
// through RunAction (actions/registry.cc), which dispatches on the action's `type` and, for
// SINGLE_CONNECTION actions, on `actionTypeId`.
//
// Actions do not write: internal effects (CRM writes, list membership, messages) are returned and
// committed by the executor together with the step, so a crash never applies them twice.
// External effects (webhook, SMTP email, custom code) are performed through ActionEnv while the
// executor holds the job's lease, with ActionInput::idempotency_key; the action classifies the
// outcome (done, retry at a time, failed).
//
// Thread safety: RunAction is reentrant; an ActionEnv serves one execution at a time.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crm/filter/filter_context.h"
#include "crm/property_value.h"
#include "engine/code_runner.h"
#include "engine/mailer.h"
#include "engine/webhook.h"
#include "store/app_store.h"
#include "store/engine_store.h"
#include "store/marketing_email_store.h"
#include "store/owner_store.h"

namespace flowd::engine {

struct ActionInput {
  const boost::json::object* flow = nullptr;    // the enrolled revision's content (ApiFlow fields)
  const boost::json::object* action = nullptr;  // the action to run, an element of flow.actions
  const store::EnrollmentRecord* enrollment = nullptr;
  // The enrollment's data: {"<actionId>": {output fields}} of earlier actions, and "enrollment"
  // {"eventProperties": {…}} with the properties of the event that enrolled it, when any.
  const boost::json::object* data = nullptr;
  int64_t now_ms = 0;
  int64_t attempt = 0;  // 0 on the first try of this execution
  // When attempt 0 of this execution ran (external effects' 3-day retry cap is measured from
  // it). The executor keeps it (every RETRYING step's detail carries it as "firstAttemptAtMs").
  // 0 = unknown: now_ms on attempt 0, else estimated from `attempt` (see RetryPolicy).
  int64_t first_attempt_ms = 0;
  std::string idempotency_key;  // enrollmentId:actionId:executionIndex
  std::string portal_id;        // the account id as text (webhook signatures, custom code)
};

// Enrolling the enrolled record in another flow of the account (enroll in another workflow,
// 0-15), checked as the enrollment API checks it.
struct FlowEnrollment {
  enum class Kind {
    kReady,            // `enrollment` is what to enroll (the flow's re-enrollment rule in `once`)
    kNoSuchFlow,       // the account has no flow with that id
    kDisabled,         // the flow is not enabled
    kOtherObjectType,  // the flow enrolls records of `object_type_id`, not the enrolled record's
    kSuppressed,       // a suppression list or filter of the flow excludes the record
  };
  Kind kind = Kind::kNoSuchFlow;
  std::string object_type_id;  // the flow's object type (when it exists)
  store::NewEnrollment enrollment;
};

// What an action may read and call. Implemented by the executor over the store and the delivery
// clients; by fakes in unit tests.
class ActionEnv {
 public:
  virtual ~ActionEnv() = default;
  // The enrolled record (or any record of the account): its non-empty values, nullopt when it is
  // not a live record.
  virtual Result<std::optional<std::map<std::string, std::string>>> Values(
      const std::string& object_type_id, int64_t id) = 0;
  virtual Result<std::shared_ptr<const crm::PropertySet>> Properties(
      const std::string& object_type_id) = 0;
  // Ids of live records of `to_type` associated with the record (category "" / type_id <= 0: any).
  virtual Result<std::vector<int64_t>> Associated(const std::string& from_type, int64_t from_id,
                                                  const std::string& to_type,
                                                  const std::string& category, int64_t type_id) = 0;
  // The filter evaluator's view of the account (LIST_BRANCH), bound to the execution's time.
  virtual crm::filter::FilterContext& Filters() = 0;
  // The account's time zone id (time windows, time-of-day delays).
  virtual std::string TimeZoneId() = 0;
  virtual Result<std::optional<store::OwnerRecord>> OwnerByUserId(int64_t user_id) = 0;
  virtual Result<std::optional<store::OwnerRecord>> Owner(int64_t owner_id) = 0;
  virtual Result<std::optional<store::MarketingEmailRecord>> MarketingEmail(
      const std::string& content_id) = 0;
  virtual Result<std::map<std::string, std::string>> Secrets(
      const std::vector<std::string>& names) = 0;
  // The client secret of the account's app `app_id` (SIGNATURE webhooks, app actions); nullopt
  // when the account has no such app. Never log it.
  virtual Result<std::optional<std::string>> AppSecret(int64_t app_id) = 0;
  // The account's app action definition (archived ones too); nullopt when it has none.
  virtual Result<std::optional<store::ActionDefinitionRecord>> ActionDefinition(
      int64_t definition_id) = 0;
  // The enrollment of record `object_id` of `object_type_id` in the account's flow `flow_id`
  // (`reason` is the new enrollment's), or why there is none.
  virtual Result<FlowEnrollment> EnrollmentIn(int64_t flow_id, const std::string& object_type_id,
                                              int64_t object_id, const std::string& reason) = 0;

  // ---- external effects
  virtual WebhookResponse SendWebhook(const WebhookRequest& request) = 0;
  // Whether emails go out over SMTP; when false, emails are only recorded as messages (LOCAL).
  virtual bool HasSmtp() = 0;
  // The From address of emails whose content names none (internal notifications; marketing
  // emails without a replyTo).
  virtual std::string SenderAddress() { return "flowd@localhost"; }
  virtual SendResult SendEmail(const Email& email) = 0;
  virtual Result<CodeExecution> RunCode(const CodeRequest& request) = 0;
};

struct ActionResult {
  // SUCCEEDED | FAILED | RETRYING | BRANCHED | DELAYED | SKIPPED (StepRecord::outcome).
  std::string outcome = "SUCCEEDED";
  boost::json::object detail;  // recorded with the step (never secrets)

  // Where the enrollment goes next, when it neither fails nor retries: the action to run
  // (nullopt: the path ends, the enrollment completes) and when (0: now; delays set it).
  std::optional<std::string> next_action_id;
  int64_t next_run_at_ms = 0;

  bool failed = false;  // the enrollment ends FAILED with `error`
  std::string error;
  std::optional<int64_t> retry_at_ms;  // run this execution again then (attempt + 1)

  // Output fields of this action, stored under data[actionId] for later actions and branches.
  std::optional<boost::json::object> outputs;

  // Internal effects (committed with the step). Effects' account ids are filled in by the action.
  std::vector<store::ObjectUpdateEffect> updates;
  std::vector<store::ObjectCreateEffect> creates;
  std::vector<store::ListMembershipEffect> memberships;
  std::vector<store::RotationEffect> rotations;
  std::vector<store::NewEnrollment> enrollments;  // in other flows
  std::vector<store::MessageRecord> messages;
  std::vector<store::DeliveryRecord> deliveries;
};

// Runs `input.action`. Errors (Result's error) are reserved for failures of the environment
// (store unavailable): the executor retries the step later. A problem of the flow itself (missing
// field, unknown property, record gone) is an ActionResult with failed = true.
Result<ActionResult> RunAction(const ActionInput& input, ActionEnv& env);

// The next action of an action's `connection` (nullopt when it has none).
std::optional<std::string> NextOf(const boost::json::object& action);

// The first moment at or after `t_ms` at which the flow may run actions: inside one of its
// `timeWindows` (when it has any) and not on one of its `blockedDates`, in time zone `tz_id`.
Result<int64_t> NextAllowedMoment(const boost::json::object& flow, int64_t t_ms,
                                  const std::string& tz_id);

}  // namespace flowd::engine
