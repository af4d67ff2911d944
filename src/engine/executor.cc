// Execution: due jobs claimed under a lease, each action run (engine/actions/), and the step, its
// internal effects and what follows committed in one transaction per step (engine.h).
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <future>
#include <set>
#include <tuple>

#include "common/log.h"
#include "crm/list_context.h"
#include "crm/object_service.h"
#include "engine/action.h"
#include "engine/engine.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

std::string StringOf(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                  : std::string();
}

// Actions that wait on the outside world run on the external pool.
bool IsExternal(const json::object& action, bool has_mailer) {
  const std::string type = StringOf(action, "type");
  if (type == "WEBHOOK" || type == "CUSTOM_CODE") return true;
  if (type != "SINGLE_CONNECTION") return false;
  const std::string id = StringOf(action, "actionTypeId");
  if (id.starts_with("1-")) return true;  // app actions call the app's actionUrl
  return has_mailer && (id == "0-4" || id == "0-8");
}

// Delays decide their own time; every other action waits for the flow's time windows.
bool FollowsTimeWindows(const json::object& action) {
  const std::string id = StringOf(action, "actionTypeId");
  const std::string type = StringOf(action, "type");
  return !(type == "SINGLE_CONNECTION" && (id == "0-1" || id == "0-35")) &&
         type.find("BRANCH") == std::string::npos;
}

std::string ActionTypeId(const json::object& action) {
  std::string id = StringOf(action, "actionTypeId");
  return id.empty() ? StringOf(action, "type") : id;
}

// External steps queued for the pool per thread: a pass gives the jobs past that back to the
// queue, due again after kReleasedRetryMs, rather than holding them (for minutes, when each
// waits on a slow receiver) while another process could run them. The pool wakes the executor
// when its queue runs low (ExternalLoop).
constexpr size_t kExternalBacklogPerThread = 16;
constexpr int64_t kReleasedRetryMs = 25;

// Backoff of a step whose environment failed (store unavailable): 1 s, 2 s, 4 s … 10 min.
int64_t EnvBackoffMs(int64_t attempt) {
  return std::min<int64_t>(int64_t{1000} << std::min<int64_t>(attempt, 20), 600'000);
}

}  // namespace

struct Engine::Execution {
  store::JobRecord job;
  store::EnrollmentRecord enrollment;
  std::shared_ptr<const json::object> flow;
  const json::object* action = nullptr;
  json::object data;
  bool external = false;
};

// What one executor pass knows of the records its steps read: values read once for the whole
// claimed batch, and the records that steps run in this pass but not yet committed will write.
// A step must not read such a record (it would see the value before that write: an INCREMENT
// would be lost), so the pass commits what it holds first (ExecuteDue).
struct Engine::BatchView {
  using Key = std::tuple<int64_t, std::string, int64_t>;  // account, object type, id
  std::map<Key, std::optional<std::map<std::string, std::string>>> values;
  std::set<Key> dirty;
  // The batch's steps run so far, not yet committed.
  std::vector<store::StepCommit> commits;
  std::vector<int64_t> run_at;
};

// One executor pass: successive claimed batches, each batch's commit running on its own thread
// while the next batch's steps run (SQLite commits and steps then use both cores). The records a
// batch's uncommitted steps write stay dirty until that commit is done, so a later step that
// reads one waits for it (BatchView).
struct Engine::Pass {
  BatchView view;
  std::future<Status> inflight;  // the previous batch's commit
  std::vector<store::StepCommit> inflight_commits;
  std::vector<int64_t> inflight_run_at;
  std::set<BatchView::Key> inflight_dirty;
  size_t released = 0;  // external jobs given back (the pool was full)

  Pass() = default;
  Pass(const Pass&) = delete;
  Pass& operator=(const Pass&) = delete;
  ~Pass() {
    if (inflight.valid()) inflight.wait();  // the thread uses inflight_commits
  }

  // Waits for the previous batch's commit; its records are then read afresh.
  Status Settle() {
    if (!inflight.valid()) return Status::Ok();
    Status st = inflight.get();
    inflight_commits.clear();
    inflight_run_at.clear();
    for (const auto& key : inflight_dirty) view.values.erase(key);
    inflight_dirty.clear();
    return st;
  }
};

// ActionEnv over the store and the delivery clients, for one execution.
class Engine::Env final : public ActionEnv {
 public:
  Env(Engine& engine, int64_t account_id, Pass* pass)
      : e_(engine),
        account_id_(account_id),
        pass_(pass),
        filters_(account_id, engine.store_.objects(), engine.store_.lists(),
                 &engine.store_.associations(), engine.properties_, engine.clock_,
                 engine.zones_.ZoneOf(account_id)) {}

  // Set when the step asked for a record that an uncommitted step of the pass writes: the
  // step's result is void, and it runs again once the pass has committed.
  bool conflict() const { return conflict_; }

  Result<std::optional<std::map<std::string, std::string>>> Values(const std::string& type,
                                                                   int64_t id) override {
    using Found = std::optional<std::map<std::string, std::string>>;
    if (pass_) {
      BatchView::Key key{account_id_, type, id};
      if (pass_->view.dirty.count(key) || pass_->inflight_dirty.count(key)) {
        conflict_ = true;
        return Error::Unavailable("record " + type + "/" + std::to_string(id) +
                                  " has an uncommitted write");
      }
      auto it = pass_->view.values.find(key);
      if (it != pass_->view.values.end()) return it->second;
    }
    FLOWD_ASSIGN_OR_RETURN(auto found, e_.store_.objects().GetObjects(account_id_, type, {id},
                                                                      /*archived=*/false));
    Found values = found.empty() ? Found{} : Found(std::move(found[0].properties));
    if (pass_) pass_->view.values[BatchView::Key{account_id_, type, id}] = values;
    return values;
  }
  Result<std::shared_ptr<const crm::PropertySet>> Properties(const std::string& type) override {
    return e_.properties_.PropertiesOf(account_id_, type);
  }
  Result<std::vector<int64_t>> Associated(const std::string& from_type, int64_t from_id,
                                          const std::string& to_type, const std::string& category,
                                          int64_t type_id) override {
    return filters_.Associated({from_type, from_id}, to_type, category, type_id);
  }
  crm::filter::FilterContext& Filters() override { return filters_; }
  std::string TimeZoneId() override { return filters_.TimeZoneId(); }
  Result<std::optional<store::OwnerRecord>> OwnerByUserId(int64_t user_id) override {
    return Optional(e_.store_.owners().GetOwnerByUserId(account_id_, user_id));
  }
  Result<std::optional<store::OwnerRecord>> Owner(int64_t owner_id) override {
    return Optional(e_.store_.owners().GetOwner(account_id_, owner_id));
  }
  Result<std::optional<store::MarketingEmailRecord>> MarketingEmail(
      const std::string& content_id) override {
    int64_t id = 0;
    try {
      size_t used = 0;
      id = std::stoll(content_id, &used);
      if (used != content_id.size()) return std::optional<store::MarketingEmailRecord>{};
    } catch (...) {
      return std::optional<store::MarketingEmailRecord>{};
    }
    return Optional(e_.store_.marketing_emails().GetEmail(account_id_, id));
  }
  Result<std::map<std::string, std::string>> Secrets(
      const std::vector<std::string>& names) override {
    return e_.store_.secrets().GetSecrets(account_id_, names);
  }
  Result<std::optional<std::string>> AppSecret(int64_t app_id) override {
    return e_.store_.apps().GetAppSecret(account_id_, app_id);
  }
  Result<std::optional<store::ActionDefinitionRecord>> ActionDefinition(
      int64_t definition_id) override {
    return Optional(e_.store_.apps().FindDefinition(account_id_, definition_id));
  }
  Result<FlowEnrollment> EnrollmentIn(int64_t flow_id, const std::string& object_type_id,
                                      int64_t object_id, const std::string& reason) override {
    FlowEnrollment out;
    auto stored = Optional(e_.store_.flows().GetFlow(account_id_, flow_id));
    if (!stored.ok()) return std::move(stored).error();
    if (!*stored) return out;  // kNoSuchFlow
    out.object_type_id = (*stored)->object_type_id;
    if (out.object_type_id != object_type_id) {
      out.kind = FlowEnrollment::Kind::kOtherObjectType;
      return out;
    }
    // The trigger index holds the enabled flows as the engine runs them (the enrollment API
    // reads it the same way).
    FlowSnapshot flow = e_.index_.Find(account_id_, flow_id);
    if (!(*stored)->is_enabled || !flow) {
      out.kind = FlowEnrollment::Kind::kDisabled;
      return out;
    }
    FLOWD_ASSIGN_OR_RETURN(bool suppressed, e_.Suppressed(*flow, object_id, filters_));
    if (suppressed) {
      out.kind = FlowEnrollment::Kind::kSuppressed;
      return out;
    }
    out.kind = FlowEnrollment::Kind::kReady;
    out.enrollment =
        e_.MakeEnrollment(*flow, object_id, "WORKFLOW", reason, nullptr, !flow->should_re_enroll);
    return out;
  }
  WebhookResponse SendWebhook(const WebhookRequest& request) override {
    if (!e_.clients_.webhooks) {
      WebhookResponse r;
      r.transport = WebhookResponse::Transport::kInvalidRequest;
      r.error = "this flowd has no webhook client";
      return r;
    }
    return e_.clients_.webhooks->Send(request);
  }
  bool HasSmtp() override { return e_.clients_.mailer != nullptr; }
  SendResult SendEmail(const Email& email) override {
    if (!e_.clients_.mailer) return {SendResult::Kind::kPermanent, 0, "no SMTP server configured"};
    return e_.clients_.mailer->Send(email);
  }
  Result<CodeExecution> RunCode(const CodeRequest& request) override {
    if (!e_.clients_.code) return Error::Unavailable("this flowd cannot run custom code");
    return e_.clients_.code->Run(request);
  }

 private:
  template <typename T>
  static Result<std::optional<T>> Optional(Result<T> r) {
    if (r.ok()) return std::optional<T>(std::move(r).value());
    if (r.error().code == ErrorCode::kNotFound) return std::optional<T>{};
    return std::move(r).error();
  }

  Engine& e_;
  const int64_t account_id_;
  Pass* pass_;  // null outside a batch (external steps)
  bool conflict_ = false;
  crm::StoreFilterContext filters_;
};

Result<std::shared_ptr<const json::object>> Engine::Revision(int64_t account_id, int64_t flow_id,
                                                             int64_t revision_id) {
  const auto key = std::make_tuple(account_id, flow_id, revision_id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = revisions_.find(key);
    if (it != revisions_.end()) return it->second;
  }
  FLOWD_ASSIGN_OR_RETURN(store::FlowRevision rev,
                         store_.flows().GetRevision(account_id, flow_id, revision_id));
  boost::system::error_code ec;
  json::value parsed = json::parse(rev.flow.content_json, ec);
  if (ec || !parsed.is_object()) {
    return Error::Internal("flow " + std::to_string(flow_id) + " revision " +
                           std::to_string(revision_id) + " is not JSON");
  }
  auto content = std::make_shared<const json::object>(std::move(parsed.as_object()));
  std::lock_guard<std::mutex> lock(mu_);
  if (revisions_.size() >= 4096) revisions_.clear();  // revisions are immutable: refetching is safe
  revisions_[key] = content;
  return content;
}

Result<std::optional<Engine::Execution>> Engine::Prepare(const store::JobRecord& job) {
  auto enrollment = store_.engine().GetEnrollment(job.account_id, job.enrollment_id);
  if (!enrollment.ok()) {
    if (enrollment.error().code == ErrorCode::kNotFound) return std::optional<Execution>{};
    return std::move(enrollment).error();
  }
  return Prepare(job, std::move(enrollment).value());
}

Result<std::optional<Engine::Execution>> Engine::Prepare(const store::JobRecord& job,
                                                         store::EnrollmentRecord enrollment) {
  Execution exec;
  exec.job = job;
  exec.enrollment = std::move(enrollment);
  if (exec.enrollment.status != store::kEnrollmentActive ||
      exec.enrollment.account_id != job.account_id) {
    return std::optional<Execution>{};
  }
  FLOWD_ASSIGN_OR_RETURN(
      exec.flow, Revision(job.account_id, exec.enrollment.flow_id, exec.enrollment.revision_id));
  auto actions = exec.flow->find("actions");
  if (actions != exec.flow->end() && actions->value().is_array()) {
    for (const auto& a : actions->value().as_array()) {
      if (a.is_object() && StringOf(a.as_object(), "actionId") == job.action_id) {
        exec.action = &a.as_object();
        break;
      }
    }
  }
  if (exec.enrollment.data_json.size() > 2) {  // "{}" is the common case
    boost::system::error_code ec;
    json::value data = json::parse(exec.enrollment.data_json, ec);
    if (!ec && data.is_object()) exec.data = std::move(data.as_object());
  }
  exec.external = exec.action && IsExternal(*exec.action, clients_.mailer != nullptr);
  return std::optional<Execution>(std::move(exec));
}

Result<store::StepCommit> Engine::Run(Execution& exec, Pass* pass, bool* conflict) {
  const int64_t now = clock_.NowMs();
  store::StepCommit c;
  c.job_id = exec.job.id;
  c.lease_owner = exec.job.lease_owner;
  c.now_ms = now;
  c.step.enrollment_id = exec.enrollment.id;
  c.step.execution_index = exec.job.execution_index;
  c.step.attempt = exec.job.attempt;
  c.step.action_id = exec.job.action_id;
  c.step.started_at_ms = now;
  auto finish = [&](std::string outcome, const json::object& detail) {
    c.step.outcome = std::move(outcome);
    c.step.detail_json = json::serialize(detail);
    c.step.finished_at_ms = clock_.NowMs();
  };
  if (exec.job.action_id.empty()) {
    // The path ended in a delay: the enrollment completes when it is over.
    c.step.action_type_id = "END";
    finish("SUCCEEDED", json::object{{"reason", "the path's last delay is over"}});
    c.end_status = std::string(store::kEnrollmentCompleted);
    c.end_reason = "COMPLETED";
    return c;
  }
  if (!exec.action) {
    c.step.action_type_id = "";
    json::object detail{{"error", "action " + exec.job.action_id + " is not in revision " +
                                      std::to_string(exec.enrollment.revision_id)}};
    finish("FAILED", detail);
    c.end_status = std::string(store::kEnrollmentFailed);
    c.end_reason = detail["error"].as_string().c_str();
    return c;
  }
  const json::object& action = *exec.action;
  c.step.action_type_id = ActionTypeId(action);
  Env env(*this, exec.enrollment.account_id, pass);

  if (FollowsTimeWindows(action)) {
    FLOWD_ASSIGN_OR_RETURN(int64_t allowed, NextAllowedMoment(*exec.flow, now, env.TimeZoneId()));
    if (allowed > now) {
      finish("DELAYED", json::object{{"reason",
                                      "outside the flow's time windows or on a blocked "
                                      "date"},
                                     {"until", allowed}});
      c.next = store::StepCommit::Next{exec.job.action_id, exec.job.execution_index,
                                       exec.job.attempt, allowed};
      return c;
    }
  }

  ActionInput input;
  input.flow = exec.flow.get();
  input.action = exec.action;
  input.enrollment = &exec.enrollment;
  input.data = &exec.data;
  input.now_ms = now;
  input.attempt = exec.job.attempt;
  input.first_attempt_ms = now;
  if (exec.job.attempt > 0) {
    // Retries are measured from the first attempt of this execution (the 3-day webhook cap).
    input.first_attempt_ms = 0;
    FLOWD_ASSIGN_OR_RETURN(
        auto steps, store_.engine().ListSteps(exec.enrollment.account_id, exec.enrollment.id));
    for (const auto& s : steps) {
      if (s.execution_index == exec.job.execution_index && s.attempt == 0) {
        input.first_attempt_ms = s.started_at_ms;
        break;
      }
    }
  }
  input.idempotency_key = std::to_string(exec.enrollment.id) + ":" + exec.job.action_id + ":" +
                          std::to_string(exec.job.execution_index);
  input.portal_id = std::to_string(exec.enrollment.account_id);
  Result<ActionResult> ran = RunAction(input, env);
  if (env.conflict()) {
    *conflict = true;
    return c;
  }
  if (!ran.ok()) {
    // The environment failed, not the flow: the same execution is tried again, a few times.
    json::object detail{{"error", ran.error().message}};
    if (exec.job.attempt + 1 < options_.max_env_retries) {
      finish("RETRYING", detail);
      c.retry_at_ms = now + EnvBackoffMs(exec.job.attempt);
    } else {
      finish("FAILED", detail);
      c.end_status = std::string(store::kEnrollmentFailed);
      c.end_reason = ran.error().message;
    }
    return c;
  }
  ActionResult& r = *ran;
  finish(r.outcome, r.detail);
  const store::ChangeSource source{"WORKFLOW", std::to_string(exec.enrollment.flow_id)};
  for (auto& u : r.updates) {
    u.account_id = exec.enrollment.account_id;
    FLOWD_ASSIGN_OR_RETURN(auto props, properties_.PropertiesOf(u.account_id, u.object_type_id));
    u.options = crm::WriteOptionsFor(*props, source);
  }
  for (auto& k : r.creates) {
    k.account_id = exec.enrollment.account_id;
    FLOWD_ASSIGN_OR_RETURN(auto props, properties_.PropertiesOf(k.account_id, k.object_type_id));
    k.options = crm::WriteOptionsFor(*props, source);
  }
  for (auto& m : r.memberships) m.account_id = exec.enrollment.account_id;
  for (auto& k : r.rotations) {
    k.account_id = exec.enrollment.account_id;
    FLOWD_ASSIGN_OR_RETURN(auto props, properties_.PropertiesOf(k.account_id, k.object_type_id));
    k.options = crm::WriteOptionsFor(*props, source);
  }
  for (auto& m : r.messages) {
    m.account_id = exec.enrollment.account_id;
    m.enrollment_id = exec.enrollment.id;
  }
  for (auto& d : r.deliveries) {
    d.account_id = exec.enrollment.account_id;
    d.enrollment_id = exec.enrollment.id;
  }
  c.updates = std::move(r.updates);
  c.creates = std::move(r.creates);
  c.memberships = std::move(r.memberships);
  c.rotations = std::move(r.rotations);
  c.enrollments = std::move(r.enrollments);
  c.messages = std::move(r.messages);
  c.deliveries = std::move(r.deliveries);
  if (r.outputs) {
    exec.data[exec.job.action_id] = std::move(*r.outputs);
    c.data_json = json::serialize(exec.data);
  }
  // A created record's id becomes its action's output: the store merges it into the data.
  for (const auto& k : c.creates) {
    if (!k.output_action_id.empty() && !c.data_json) c.data_json = json::serialize(exec.data);
  }
  if (r.failed) {
    c.end_status = std::string(store::kEnrollmentFailed);
    c.end_reason = r.error;
  } else if (r.retry_at_ms) {
    c.retry_at_ms = std::max(*r.retry_at_ms, now);
  } else if (r.next_action_id) {
    c.next = store::StepCommit::Next{*r.next_action_id, exec.job.execution_index + 1, 0,
                                     std::max(r.next_run_at_ms, now)};
  } else if (r.next_run_at_ms > now) {
    // A delay that ends the path: the enrollment stays ACTIVE until it is over ("" = the end).
    c.next = store::StepCommit::Next{"", exec.job.execution_index + 1, 0, r.next_run_at_ms};
  } else {
    c.end_status = std::string(store::kEnrollmentCompleted);
    c.end_reason = "COMPLETED";
  }
  return c;
}

Status Engine::Commit(std::vector<store::StepCommit>& commits, const std::vector<int64_t>& run_at) {
  if (commits.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::CommitResult> results,
                         store_.engine().CommitSteps(commits));
  std::vector<store::StepCommit> failures;
  const int64_t now = clock_.NowMs();
  for (size_t i = 0; i < results.size(); ++i) {
    switch (results[i].outcome) {
      case store::CommitOutcome::kCommitted:
        counters_.steps++;
        if (commits[i].end_status == store::kEnrollmentFailed) counters_.step_failures++;
        RecordLatency(now - run_at[i]);
        AfterStepEnrolled(results[i].enrolled);
        break;
      case store::CommitOutcome::kLeaseLost:
        counters_.lease_lost++;
        break;
      case store::CommitOutcome::kFailed: {
        // An internal effect was refused (record gone, unique value taken …): the step is
        // recorded as failed, without its effects, and the enrollment ends.
        store::StepCommit f;
        f.job_id = commits[i].job_id;
        f.lease_owner = commits[i].lease_owner;
        f.now_ms = now;
        f.step = commits[i].step;
        f.step.outcome = "FAILED";
        const std::string why = results[i].error ? results[i].error->message : "effect failed";
        f.step.detail_json = json::serialize(json::object{{"error", why}});
        f.end_status = std::string(store::kEnrollmentFailed);
        f.end_reason = why;
        failures.push_back(std::move(f));
        break;
      }
    }
  }
  if (!failures.empty()) {
    FLOWD_ASSIGN_OR_RETURN(auto again, store_.engine().CommitSteps(failures));
    for (const auto& r : again) {
      if (r.outcome == store::CommitOutcome::kCommitted) {
        counters_.steps++;
        counters_.step_failures++;
      }
    }
  }
  return Status::Ok();
}

void Engine::AfterStepEnrolled(const std::vector<store::EnrollResult>& results) {
  for (const store::EnrollResult& r : results) {
    if (r.outcome != store::EnrollOutcome::kEnrolled) continue;
    counters_.enrollments++;
    // The target flow's unEnrollmentSetting, as for an enrollment through the API (it may end
    // the enrollment whose step enrolled the record, when the setting names its flow). The
    // enrollment is committed: a failure here must not keep the batch's other outcomes (the
    // refused steps' FAILED records) from being written, so it is logged, as a lost wake-up is.
    FlowSnapshot flow = index_.Find(r.enrollment.account_id, r.enrollment.flow_id);
    if (!flow) continue;
    Status st = UnenrollElsewhere(*flow, {r.enrollment.object_id});
    if (!st.ok()) {
      log::Write(log::Level::kWarn, "unenrollment from other flows failed",
                 {{"flow", r.enrollment.flow_id}, {"error", st.error().message}});
    }
  }
}

void Engine::RecordLatency(int64_t ms) {
  ms = std::max<int64_t>(ms, 0);
  size_t b = 0;
  while (b < std::size(EngineCounters::kBucketsMs) && ms > EngineCounters::kBucketsMs[b]) ++b;
  counters_.latency_buckets[b]++;
  counters_.latency_sum_ms += ms;
}

Result<bool> Engine::ExecuteDue() {
  std::lock_guard<std::mutex> lock(executor_mu_);
  // Bounded, so that the executor loop renews external leases and notices a stop in time.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  Pass pass;
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::JobRecord> jobs, ClaimDue());
  bool more = false;
  while (!jobs.empty()) {
    more = jobs.size() == options_.claim_batch;
    FLOWD_TRY(RunBatch(jobs, pass));
    // Jobs given back are due again soon; claiming them now would only give them back again.
    if (pass.released > 0) more = false;
    jobs.clear();
    if (more && std::chrono::steady_clock::now() < until) {
      FLOWD_ASSIGN_OR_RETURN(jobs, ClaimDue());
    }
    // The batch's commit runs beside the next batch (the claim above came first: it is a write
    // too, and would otherwise wait behind it).
    FLOWD_TRY(pass.Settle());
    if (jobs.empty()) {
      FLOWD_TRY(Commit(pass.view.commits, pass.view.run_at));
      break;
    }
    pass.inflight_commits = std::move(pass.view.commits);
    pass.inflight_run_at = std::move(pass.view.run_at);
    pass.inflight_dirty = std::move(pass.view.dirty);
    pass.view.commits.clear();
    pass.view.run_at.clear();
    pass.view.dirty.clear();
    pass.inflight = std::async(std::launch::async, [this, &pass] {
      return Commit(pass.inflight_commits, pass.inflight_run_at);
    });
  }
  return more;
}

Result<std::vector<store::JobRecord>> Engine::ClaimDue() {
  return store_.engine().ClaimJobs(options_.worker_id, clock_.NowMs(), options_.lease_ms,
                                   options_.claim_batch);
}

Status Engine::RunBatch(std::vector<store::JobRecord>& jobs, Pass& pass) {
  BatchView& view = pass.view;
  // One read for the batch's enrollments and one per (account, object type) for their records.
  std::vector<int64_t> enrollment_ids;
  enrollment_ids.reserve(jobs.size());
  for (const auto& job : jobs) enrollment_ids.push_back(job.enrollment_id);
  FLOWD_ASSIGN_OR_RETURN(std::vector<store::EnrollmentRecord> enrollments,
                         store_.engine().EnrollmentsById(enrollment_ids));
  std::map<int64_t, store::EnrollmentRecord*> by_id;
  for (auto& e : enrollments) by_id[e.id] = &e;
  std::vector<Execution> execs;
  execs.reserve(jobs.size());
  for (const auto& job : jobs) {
    auto it = by_id.find(job.enrollment_id);
    if (it == by_id.end()) continue;  // ended meanwhile: the store dropped its job
    // One job per enrollment: each record is used once, so it moves.
    FLOWD_ASSIGN_OR_RETURN(std::optional<Execution> exec, Prepare(job, std::move(*it->second)));
    if (exec) execs.push_back(std::move(*exec));
  }
  // Values are read afresh for each batch; those an earlier batch's commit still writes are
  // dirty, so the read below is never used for them.
  view.values.clear();
  FLOWD_TRY(ReadRecords(execs, view));

  std::vector<int64_t> released;  // external jobs the pool has no room for
  // Commits what the pass holds: the previous batch's, then this one's so far.
  auto flush = [&]() -> Status {
    FLOWD_TRY(pass.Settle());
    FLOWD_TRY(Commit(view.commits, view.run_at));
    view.commits.clear();
    view.run_at.clear();
    for (const auto& key : view.dirty) view.values.erase(key);
    view.dirty.clear();
    return Status::Ok();
  };
  for (Execution& exec : execs) {
    if (exec.external) {
      bool pooled = false;
      bool full = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!threads_.empty()) {
          full = external_queue_.size() >=
                 kExternalBacklogPerThread * std::max<size_t>(options_.external_threads, 1);
          if (!full) {
            external_queue_.push_back(exec.job);
            ++external_running_;
          }
          pooled = true;
        }
      }
      if (full) {
        released.push_back(exec.job.id);
        continue;
      }
      if (pooled) {
        external_cv_.notify_one();
        continue;
      }
      // Run here: it sees only committed state, and never runs twice for a conflict.
      FLOWD_TRY(flush());
    }
    const BatchView::Key enrolled{exec.enrollment.account_id, exec.enrollment.object_type_id,
                                  exec.enrollment.object_id};
    if (view.dirty.count(enrolled) || pass.inflight_dirty.count(enrolled)) FLOWD_TRY(flush());
    bool conflict = false;
    FLOWD_ASSIGN_OR_RETURN(store::StepCommit c, Run(exec, &pass, &conflict));
    if (conflict) {
      FLOWD_TRY(flush());
      FLOWD_ASSIGN_OR_RETURN(c, Run(exec, &pass, &conflict));
      if (conflict) return Error::Internal("a step conflicted with an empty batch");
    }
    for (const auto& u : c.updates) {
      for (const auto& w : u.updates) view.dirty.insert({u.account_id, u.object_type_id, w.id});
    }
    for (const auto& k : c.rotations) {
      view.dirty.insert({k.account_id, k.object_type_id, k.object_id});
    }
    view.commits.push_back(std::move(c));
    view.run_at.push_back(exec.job.run_at_ms);
  }
  if (!released.empty()) {
    // Back to the queue, due again shortly: another process may take them meanwhile.
    FLOWD_TRY(store_.engine()
                  .RenewLeases(options_.worker_id, released, clock_.NowMs() + kReleasedRetryMs)
                  .status());
    pass.released += released.size();
  }
  return Status::Ok();
}

Status Engine::ReadRecords(const std::vector<Execution>& execs, BatchView& view) {
  std::map<std::pair<int64_t, std::string>, std::vector<int64_t>> wanted;
  for (const Execution& e : execs) {
    if (!e.external) {
      wanted[{e.enrollment.account_id, e.enrollment.object_type_id}].push_back(
          e.enrollment.object_id);
    }
  }
  for (auto& [key, ids] : wanted) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    FLOWD_ASSIGN_OR_RETURN(auto found, store_.objects().GetObjects(key.first, key.second, ids,
                                                                   /*archived=*/false));
    for (int64_t id : ids) view.values[{key.first, key.second, id}] = std::nullopt;  // gone
    for (auto& r : found) view.values[{key.first, key.second, r.id}] = std::move(r.properties);
  }
  return Status::Ok();
}

void Engine::RunExternal(store::JobRecord job) {
  auto exec = Prepare(job);
  Status st = Status::Ok();
  if (!exec.ok()) {
    st = std::move(exec).error();
  } else if (*exec) {
    bool conflict = false;  // no batch view: never set
    auto c = Run(**exec, nullptr, &conflict);
    if (!c.ok()) {
      st = std::move(c).error();
    } else {
      std::vector<store::StepCommit> commits;
      commits.push_back(std::move(c).value());
      st = Commit(commits, {job.run_at_ms});
    }
  }
  if (!st.ok()) {
    // The lease runs out and the job is claimed again: at least once, with the same key.
    log::Write(log::Level::kWarn, "external step not committed",
               {{"job", job.id}, {"error", st.error().message}});
  }
}

}  // namespace flowd::engine
