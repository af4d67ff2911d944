#include "flows/flow_service.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "common/time_format.h"
#include "crm/filter/filter_eval.h"
#include "flows/action_definitions.h"
#include "flows/action_targets.h"
#include "flows/schedule.h"
#include "store/object_store.h"

namespace flowd::flows {

std::optional<int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

namespace {

store::FlowWrite ToWrite(const model::DecodedFlow& decoded, const boost::json::object& content) {
  store::FlowWrite w;
  w.uuid = decoded.uuid;
  if (const auto* n = content.if_contains("name"); n && n->is_string()) {
    w.name = std::string(n->get_string());
  }
  w.is_enabled = decoded.is_enabled;
  if (const auto* t = content.if_contains("flowType"); t && t->is_string()) {
    w.flow_type = std::string(t->get_string());
  }
  w.object_type_id = decoded.object_type_id;
  w.content_json = boost::json::serialize(content);
  w.email_content_ids = decoded.email_content_ids;
  // Enabling a LIST_BASED flow enrolls the records that already match: the pass is recorded with
  // the flow's write (the engine runs it), so a crash right after the commit cannot lose it.
  if (const auto* c = content.if_contains("enrollmentCriteria"); c && c->is_object()) {
    const auto* type = c->get_object().if_contains("type");
    w.enroll_existing = type && type->is_string() && type->get_string() == "LIST_BASED";
  }
  return w;
}

ErrorDetail Problem(std::string message, std::string in, std::string code) {
  ErrorDetail d;
  d.message = std::move(message);
  d.in = std::move(in);
  d.code = std::move(code);
  return d;
}

// EVENT_BASED triggers that could never fire: a list membership branch must read the membership
// of a list (an IN_LIST filter) and compile; flowd's internal event types are not triggers.
void CheckEventTriggers(const boost::json::object& c, const std::string& object_type_id,
                        std::vector<ErrorDetail>& problems) {
  if (const auto* events = c.if_contains("eventFilterBranches"); events && events->is_array()) {
    for (size_t i = 0; i < events->as_array().size(); ++i) {
      const auto& b = events->as_array()[i];
      const auto* id = b.is_object() ? b.as_object().if_contains("eventTypeId") : nullptr;
      if (id && id->is_string() && store::IsInternalEventType(id->as_string())) {
        problems.push_back(
            Problem("Event type " + std::string(id->as_string()).substr(0, 100) +
                        " is flowd's internal bookkeeping, not an event: use "
                        "listMembershipFilterBranches for list membership changes",
                    "enrollmentCriteria.eventFilterBranches[" + std::to_string(i) + "].eventTypeId",
                    "UNSUPPORTED_EVENT_TYPE"));
      }
    }
  }
  const auto* lists = c.if_contains("listMembershipFilterBranches");
  if (!lists || !lists->is_array()) return;
  for (size_t i = 0; i < lists->as_array().size(); ++i) {
    const std::string at =
        "enrollmentCriteria.listMembershipFilterBranches[" + std::to_string(i) + "]";
    auto deps = crm::filter::DependenciesOf(lists->as_array()[i], object_type_id);
    if (!deps.ok()) {
      if (deps.error().details.empty()) {
        problems.push_back(Problem(deps.error().message, at, "INVALID_FILTER"));
      }
      for (const ErrorDetail& d : deps.error().details) {
        problems.push_back(Problem(d.message, d.in.empty() ? at : at + "." + d.in, d.code));
      }
    } else if (deps->list_ids.empty()) {
      problems.push_back(
          Problem("A list membership branch must read a list's membership (an IN_LIST filter "
                  "with the list's listId): this one could never fire",
                  at, "INVALID_LIST_MEMBERSHIP_BRANCH"));
    }
  }
}

// An enrollmentSchedule re-evaluates the flow's filter at each occurrence, so it needs one (a
// LIST_BASED flow), and a schedule flowd can compute (flows/schedule.h).
void CheckSchedule(const boost::json::object& content, std::string_view criteria_type,
                   std::vector<ErrorDetail>& problems) {
  const auto* schedule = content.if_contains("enrollmentSchedule");
  if (!schedule || schedule->is_null()) return;
  if (criteria_type != "LIST_BASED") {
    problems.push_back(
        Problem("An enrollmentSchedule re-evaluates the flow's filter "
                "(listFilterBranch): it needs LIST_BASED enrollment criteria",
                "enrollmentSchedule", "UNSUPPORTED_ENROLLMENT_SCHEDULE"));
  }
  for (const ScheduleProblem& p : ScheduleProblems(*schedule)) {
    problems.push_back(Problem(p.message, p.field, "INVALID_ENROLLMENT_SCHEDULE"));
  }
}

// A PROPERTY_BASED schedule's dateProperty must be a date or datetime property of the flow's
// object type that automation may read (not highly sensitive).
Status CheckDateProperty(crm::PropertyCatalog& catalog, int64_t account_id,
                         const model::DecodedFlow& decoded, std::vector<ErrorDetail>& problems) {
  // Read from the JSON rather than DateScheduleOf, so that it is checked even when the
  // schedule's other fields are wrong (every problem at once).
  const auto* schedule = decoded.content.if_contains("enrollmentSchedule");
  if (!schedule || !schedule->is_object()) return Status::Ok();
  const auto* type = schedule->as_object().if_contains("type");
  const auto* date = schedule->as_object().if_contains("dateProperty");
  if (!type || !type->is_string() || type->as_string() != "PROPERTY_BASED" || !date ||
      !date->is_string() || date->as_string().empty()) {
    return Status::Ok();
  }
  FLOWD_ASSIGN_OR_RETURN(auto properties, catalog.PropertiesOf(account_id, decoded.object_type_id));
  const store::PropertyRecord* p = properties->Find(date->as_string());
  const std::string at = "enrollmentSchedule.dateProperty";
  const std::string name = std::string(date->as_string()).substr(0, 100);
  if (!p) {
    problems.push_back(
        Problem("Property " + name + " is not a property of object type " + decoded.object_type_id,
                at, "UNKNOWN_PROPERTY"));
    return Status::Ok();
  }
  if (p->type != "date" && p->type != "datetime") {
    problems.push_back(Problem("Property " + name + " is a " + p->type +
                                   " property: a PROPERTY_BASED schedule needs a date or "
                                   "datetime property",
                               at, "INVALID_DATE_PROPERTY"));
  }
  if (p->data_sensitivity == "highly_sensitive") {
    problems.push_back(
        Problem("Property " + name + " holds highly sensitive data, which workflows cannot use", at,
                "HIGHLY_SENSITIVE_PROPERTY"));
  }
  return Status::Ok();
}

}  // namespace

// What an enabled flow needs to be able to run; a draft (disabled) may lack it, so a GET body
// round-trips. flowd holds no datasets, so a DATASET-enrolled flow could never enroll anything.
Status FlowService::CheckRunnable(int64_t account_id, const model::DecodedFlow& decoded) {
  if (!decoded.is_enabled) return Status::Ok();
  auto criteria = decoded.content.find("enrollmentCriteria");
  if (criteria == decoded.content.end() || !criteria->value().is_object()) return Status::Ok();
  const auto& c = criteria->value().as_object();
  auto type = c.find("type");
  if (type == c.end() || !type->value().is_string()) return Status::Ok();
  std::vector<ErrorDetail> problems;
  if (type->value().as_string() == "DATASET") {
    problems.push_back(Problem(
        "DATASET enrollment criteria are not supported: flowd holds no datasets, so the flow can "
        "be saved disabled but not enabled",
        "enrollmentCriteria.type", "UNSUPPORTED_ENROLLMENT_CRITERIA"));
  } else if (type->value().as_string() == "EVENT_BASED") {
    CheckEventTriggers(c, decoded.object_type_id, problems);
  }
  CheckSchedule(decoded.content, type->value().as_string(), problems);
  if (properties_) FLOWD_TRY(CheckDateProperty(*properties_, account_id, decoded, problems));
  if (problems.empty()) return Status::Ok();
  return Error::InvalidList(std::move(problems));
}

Status FlowService::CheckAppReferences(int64_t account_id, const model::DecodedFlow& decoded) {
  if (!apps_ || !decoded.is_enabled) return Status::Ok();
  const auto* actions = decoded.content.if_contains("actions");
  if (!actions || !actions->is_array()) return Status::Ok();
  std::vector<ErrorDetail> problems;
  const auto& list = actions->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const auto* a = list[i].if_object();
    if (!a) continue;
    const std::string at = "actions[" + std::to_string(i) + "]";
    const auto* type_id = a->if_contains("actionTypeId");
    if (type_id && type_id->is_string() && type_id->get_string().starts_with("1-")) {
      auto id = DefinitionIdOfActionType(type_id->get_string());
      auto found = id ? apps_->FindDefinition(account_id, *id)
                      : Result<store::ActionDefinitionRecord>(Error::NotFound(""));
      if (!found.ok() && found.error().code != ErrorCode::kNotFound) return found.error();
      if (!found.ok()) {
        problems.push_back(Problem("App action " + std::string(type_id->get_string()) +
                                       " does not name an action definition of this account",
                                   at + ".actionTypeId", "UNKNOWN_ACTION_DEFINITION"));
      } else if (found->archived_at_ms) {
        problems.push_back(Problem("App action " + std::string(type_id->get_string()) +
                                       " names an archived action definition",
                                   at + ".actionTypeId", "ARCHIVED_ACTION_DEFINITION"));
      }
    }
    const auto* type = a->if_contains("type");
    const auto* auth = a->if_contains("authSettings");
    if (type && type->is_string() && type->get_string() == "WEBHOOK" && auth && auth->is_object()) {
      const auto* kind = auth->get_object().if_contains("type");
      const auto* app = auth->get_object().if_contains("appId");
      if (kind && kind->is_string() && kind->get_string() == "SIGNATURE" && app &&
          app->is_int64()) {
        FLOWD_ASSIGN_OR_RETURN(auto secret, apps_->GetAppSecret(account_id, app->get_int64()));
        if (!secret) {
          problems.push_back(Problem("Webhook SIGNATURE authentication names app " +
                                         std::to_string(app->get_int64()) +
                                         ", which this account does not have (flowd app create)",
                                     at + ".authSettings.appId", "UNKNOWN_APP"));
        }
      }
    }
  }
  if (problems.empty()) return Status::Ok();
  return Error::InvalidList(std::move(problems));
}

Result<store::FlowRecord> FlowService::Create(int64_t account_id, const boost::json::value& body,
                                              const std::vector<std::string>& scopes) {
  FLOWD_ASSIGN_OR_RETURN(
      model::DecodedFlow decoded,
      model::DecodeFlowRequest(body, model::FlowRequestKind::kCreate, std::nullopt, limits_));
  FLOWD_TRY(CheckRunnable(account_id, decoded));
  FLOWD_TRY(CheckAppReferences(account_id, decoded));
  FLOWD_TRY(CheckActionTargets(account_id, decoded, flows_, owners_, properties_));
  if (sensitivity_) {
    FLOWD_TRY(sensitivity_->CheckFlowWrite(account_id, decoded.object_type_id,
                                           decoded.referenced_properties, scopes));
  }
  const int64_t now = clock_.NowMs();
  boost::json::object& content = decoded.content;
  if (!decoded.name || decoded.name->empty()) {
    // HubSpot names unnamed flows itself; so do we, so that listings always show something.
    std::string stamp = FormatIso8601Ms(now);
    content["name"] = "Unnamed workflow - " + stamp.substr(0, 10) + " " + stamp.substr(11, 8);
  }
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord created,
                         flows_.CreateFlow(account_id, ToWrite(decoded, content), now));
  if (sink_) sink_->FlowSaved(created, /*was_enabled=*/false);
  return created;
}

Result<store::FlowRecord> FlowService::Get(int64_t account_id, int64_t flow_id) {
  return flows_.GetFlow(account_id, flow_id);
}

Result<store::FlowPage> FlowService::List(int64_t account_id, std::optional<int64_t> after,
                                          size_t limit) {
  return flows_.ListFlows(account_id, after, limit);
}

Result<store::FlowRecord> FlowService::Replace(int64_t account_id, int64_t flow_id,
                                               const boost::json::value& body,
                                               const std::vector<std::string>& scopes) {
  FLOWD_ASSIGN_OR_RETURN(store::FlowRecord current, flows_.GetFlow(account_id, flow_id));
  FLOWD_ASSIGN_OR_RETURN(model::DecodedFlow decoded,
                         model::DecodeFlowRequest(body, model::FlowRequestKind::kPut,
                                                  current.object_type_id, limits_));
  FLOWD_TRY(CheckRunnable(account_id, decoded));
  FLOWD_TRY(CheckAppReferences(account_id, decoded));
  FLOWD_TRY(CheckActionTargets(account_id, decoded, flows_, owners_, properties_));
  if (sensitivity_) {
    // Both what the flow references now and what it referenced before: replacing a flow that
    // uses sensitive data with one that does not still changes a sensitive flow.
    FLOWD_TRY(CheckDataWritable(current, scopes));
    FLOWD_TRY(sensitivity_->CheckFlowWrite(account_id, current.object_type_id,
                                           decoded.referenced_properties, scopes));
  }
  auto expected = ParseId(decoded.revision_id.value_or(""));
  if (!expected) {
    return Error::Invalid("revisionId must be the decimal revision id returned by GET",
                          {ErrorDetail{"revisionId must be a decimal string such as \"" +
                                           std::to_string(current.revision_id) + "\"",
                                       "revisionId",
                                       "INVALID_REVISION_ID",
                                       {}}});
  }
  boost::json::object& content = decoded.content;
  // Read-only on PUT: kept from the stored flow.
  content["objectTypeId"] = current.object_type_id;
  content["flowType"] = current.flow_type;
  // Stored content was accepted by the strict request parser; parse it back with a depth limit
  // at least as high as the one the request had.
  boost::json::parse_options opts;
  opts.max_depth = 1024;
  boost::system::error_code ec;
  boost::json::value stored = boost::json::parse(current.content_json, ec, {}, opts);
  if (ec || !stored.is_object()) return Error::Internal("stored flow content is corrupt");
  if (const auto* ds = stored.get_object().if_contains("dataSources")) {
    content["dataSources"] = *ds;
  } else {
    content["dataSources"] = boost::json::array();
  }
  if (!decoded.name || decoded.name->empty()) {
    // A PUT replaces everything, but a flow never loses its name by omission.
    content["name"] = current.name;
  }
  decoded.object_type_id = current.object_type_id;
  FLOWD_ASSIGN_OR_RETURN(
      store::FlowRecord updated,
      flows_.UpdateFlow(account_id, flow_id, *expected, ToWrite(decoded, content), clock_.NowMs()));
  if (sink_) sink_->FlowSaved(updated, current.is_enabled);
  return updated;
}

Status FlowService::Delete(int64_t account_id, int64_t flow_id,
                           const std::vector<std::string>& scopes) {
  if (sensitivity_) {
    FLOWD_ASSIGN_OR_RETURN(store::FlowRecord current, flows_.GetFlow(account_id, flow_id));
    FLOWD_TRY(CheckDataWritable(current, scopes));
  }
  FLOWD_TRY(flows_.DeleteFlow(account_id, flow_id));
  if (sink_) sink_->FlowDeleted(account_id, flow_id);
  return Status::Ok();
}

Result<std::set<std::string>> FlowService::StoredReferences(const store::FlowRecord& flow) {
  // Stored content was accepted by the strict parser once; read it back generously.
  boost::json::parse_options opts;
  opts.max_depth = 1024;
  boost::system::error_code ec;
  boost::json::value content = boost::json::parse(flow.content_json, ec, {}, opts);
  if (ec) return Error::Internal("stored flow " + std::to_string(flow.id) + " is not JSON");
  auto decoded = model::DecodeFlowRequest(content, model::FlowRequestKind::kCreate, std::nullopt,
                                          model::FlowLimits{});
  // A stored flow that no longer decodes (a stricter build) is judged by nothing it references.
  if (!decoded.ok()) return std::set<std::string>{};
  return std::move(decoded->referenced_properties);
}

Status FlowService::CheckDataWritable(const store::FlowRecord& flow,
                                      const std::vector<std::string>& scopes) {
  // Decoding the stored flow costs as much as decoding the request; skip it when nothing of the
  // type is sensitive (the common case).
  FLOWD_ASSIGN_OR_RETURN(
      bool any, sensitivity_->TypeHasSensitiveProperties(flow.account_id, flow.object_type_id));
  if (!any) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(std::set<std::string> refs, StoredReferences(flow));
  return sensitivity_->CheckStoredFlowWrite(flow.account_id, flow.object_type_id, refs, scopes);
}

Status FlowService::CheckDataReadable(const store::FlowRecord& flow,
                                      const std::vector<std::string>& scopes) {
  if (!sensitivity_) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      bool any, sensitivity_->TypeHasSensitiveProperties(flow.account_id, flow.object_type_id));
  if (!any) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(std::set<std::string> refs, StoredReferences(flow));
  return sensitivity_->CheckFlowRead(flow.account_id, flow.object_type_id, refs, scopes);
}

Result<BatchReadResult> FlowService::BatchRead(int64_t account_id,
                                               const std::vector<std::string>& ids) {
  BatchReadResult out;
  std::vector<int64_t> wanted;
  std::unordered_set<int64_t> seen;
  std::unordered_set<std::string> missing_seen;
  for (const auto& text : ids) {
    auto id = ParseId(text);
    if (!id) {
      if (missing_seen.insert(text).second) out.missing.push_back(text);
    } else if (seen.insert(*id).second) {
      wanted.push_back(*id);
    }
  }
  FLOWD_ASSIGN_OR_RETURN(out.found, flows_.GetFlows(account_id, wanted));
  std::unordered_set<int64_t> found_ids;
  for (const auto& f : out.found) found_ids.insert(f.id);
  for (int64_t id : wanted) {
    if (!found_ids.count(id)) out.missing.push_back(std::to_string(id));
  }
  return out;
}

Result<store::FlowRevision> FlowService::GetRevision(int64_t account_id, int64_t flow_id,
                                                     int64_t revision_id) {
  return flows_.GetRevision(account_id, flow_id, revision_id);
}

Result<MappingResult> FlowService::MapIds(int64_t account_id,
                                          const std::vector<MappingInput>& inputs) {
  // Resolve every input to a candidate flow id, then check them all with one read.
  std::vector<std::optional<int64_t>> candidates;
  candidates.reserve(inputs.size());
  std::vector<int64_t> wanted;
  for (const auto& in : inputs) {
    auto id = ParseId(in.id);
    if (id && in.kind == MappingInput::Kind::kWorkflowId) {
      auto r = flows_.FlowIdForWorkflowId(account_id, *id);
      if (r.ok()) {
        id = *r;
      } else if (r.error().code == ErrorCode::kNotFound) {
        id.reset();
      } else {
        return std::move(r).error();
      }
    }
    candidates.push_back(id);
    if (id) wanted.push_back(*id);
  }
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::FlowRecord> flows, flows_.GetFlows(account_id, wanted));
  std::unordered_map<int64_t, int64_t> workflow_of;
  for (const auto& f : flows) workflow_of.emplace(f.id, f.workflow_id);

  MappingResult out;
  std::unordered_set<int64_t> listed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto it = candidates[i] ? workflow_of.find(*candidates[i]) : workflow_of.end();
    if (it == workflow_of.end()) {
      out.missing.push_back(inputs[i].id);
    } else if (listed.insert(it->first).second) {
      out.found.push_back(Mapping{it->first, it->second});
    }
  }
  return out;
}

Result<store::EmailCampaignPage> FlowService::EmailCampaigns(int64_t account_id,
                                                             const std::vector<int64_t>& flow_ids,
                                                             std::optional<int64_t> after,
                                                             std::optional<int64_t> before,
                                                             size_t limit) {
  return flows_.ListEmailCampaigns(account_id, flow_ids, after, before, limit);
}

}  // namespace flowd::flows
