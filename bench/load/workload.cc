#include "load/workload.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include "flow_bodies.h"
#include "load/crm_workload.h"

namespace flowd::bench {
namespace {

constexpr std::string_view kFlowsPath = "/automation/v4/flows";
constexpr std::string_view kNameMarker = "@@NAME@@";

}  // namespace

bool ParseScenario(std::string_view text, Scenario* out) {
  for (Scenario s :
       {Scenario::kGet, Scenario::kList, Scenario::kCreate, Scenario::kPut, Scenario::kMixed,
        Scenario::kCrmBatchCreate, Scenario::kCrmGet, Scenario::kCrmSearch}) {
    if (text == ScenarioName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string_view ScenarioName(Scenario s) {
  switch (s) {
    case Scenario::kGet:
      return "get";
    case Scenario::kList:
      return "list";
    case Scenario::kCreate:
      return "create";
    case Scenario::kPut:
      return "put";
    case Scenario::kMixed:
      return "mixed";
    case Scenario::kCrmBatchCreate:
      return "crm-batch-create";
    case Scenario::kCrmGet:
      return "crm-get";
    case Scenario::kCrmSearch:
      return "crm-search";
  }
  return "?";
}

bool IsCrmScenario(Scenario s) {
  return s == Scenario::kCrmBatchCreate || s == Scenario::kCrmGet || s == Scenario::kCrmSearch;
}

bool CreateFlows(const Endpoint& ep, const RequestWriter& writer, size_t count, size_t parallel,
                 std::vector<FlowRef>* out, std::string* error) {
  out->assign(count, FlowRef{});
  if (count == 0) return true;
  parallel = std::max<size_t>(1, std::min(parallel, count));
  std::mutex mu;
  std::string first_error;
  auto worker = [&](size_t first) {
    int fd = ConnectTo(ep, /*nonblocking=*/false);
    if (fd < 0) {
      std::lock_guard lock(mu);
      if (first_error.empty()) first_error = std::string("connect: ") + std::strerror(errno);
      return;
    }
    ResponseReader reader;
    std::string request;
    for (size_t i = first; i < count; i += parallel) {
      const std::string body = ContactFlowCreateBody("Webinar follow-up #" + std::to_string(i));
      request.clear();
      writer.Append(request, "POST", kFlowsPath, body);
      std::string err;
      if (!SendAll(fd, request)) err = std::string("send: ") + std::strerror(errno);
      if (err.empty()) ReadResponse(fd, reader, &err);
      if (err.empty() && reader.status() != 201 && reader.status() != 200) {
        err = "create answered " + std::to_string(reader.status()) + ": " +
              std::string(reader.body().substr(0, 600));
      }
      if (err.empty()) {
        (*out)[i].id = std::string(FindJsonString(reader.body(), "id"));
        (*out)[i].revision = std::string(FindJsonString(reader.body(), "revisionId"));
        if ((*out)[i].id.empty()) err = "create response without an id";
      }
      if (!err.empty()) {
        std::lock_guard lock(mu);
        if (first_error.empty()) first_error = err;
        break;
      }
      reader.Consume();
    }
    ::close(fd);
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < parallel; ++t) threads.emplace_back(worker, t);
  for (auto& t : threads) t.join();
  if (!first_error.empty()) {
    *error = first_error;
    return false;
  }
  return true;
}

Workload::Workload(Scenario scenario, const RequestWriter& writer, std::vector<FlowRef> pool,
                   std::shared_ptr<const CrmWorkload> crm)
    : scenario_(scenario), writer_(writer), pool_(std::move(pool)), crm_(std::move(crm)) {
  get_targets_.reserve(pool_.size());
  for (const FlowRef& f : pool_) get_targets_.push_back(std::string(kFlowsPath) + "/" + f.id);
  const std::string create = ContactFlowCreateBody(kNameMarker);
  const size_t at = create.find(kNameMarker);
  create_head_ = create.substr(0, at);
  create_tail_ = create.substr(at + kNameMarker.size());
  put_tail_ = PutBodyTail("Webinar follow-up (updated by flowd_load)");
}

bool Workload::NeedsPool() const {
  return scenario_ == Scenario::kGet || scenario_ == Scenario::kList ||
         scenario_ == Scenario::kMixed;
}

bool Workload::NeedsOwnedFlows() const {
  return scenario_ == Scenario::kPut || scenario_ == Scenario::kMixed;
}

size_t Workload::RecordsPerRequest() const { return crm_ ? crm_->RecordsPerRequest() : 1; }

ConnState Workload::NewConn(size_t index, FlowRef own) const {
  ConnState c;
  c.index = index;
  c.rng = 0x9E3779B97F4A7C15ull * (index + 1) ^ 0xD1B54A32D192ED03ull;
  c.own = std::move(own);
  return c;
}

uint64_t Workload::NextRandom(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

void Workload::AppendGet(const std::string& target, std::string& out) const {
  writer_.Append(out, "GET", target);
}

void Workload::AppendPut(ConnState& c, std::string& out) const {
  const std::string target = std::string(kFlowsPath) + "/" + c.own.id;
  writer_.Append(out, "PUT", target, PutBodyHead(), c.own.revision, put_tail_);
}

void Workload::NextRequest(ConnState& c, std::string& out) const {
  if (crm_) return crm_->NextRequest(c, out);
  ++c.sequence;
  c.pending = ConnState::Pending::kOther;
  if (c.needs_resync) {
    c.pending = ConnState::Pending::kResync;
    return AppendGet(std::string(kFlowsPath) + "/" + c.own.id, out);
  }
  switch (scenario_) {
    case Scenario::kGet:
      return AppendGet(get_targets_[NextRandom(c.rng) % get_targets_.size()], out);
    case Scenario::kList:
      return writer_.Append(out, "GET", "/automation/v4/flows?limit=100");
    case Scenario::kCreate: {
      const std::string name =
          "Load flow " + std::to_string(c.rng % 100000) + "-" + std::to_string(c.sequence);
      return writer_.Append(out, "POST", kFlowsPath, create_head_, name, create_tail_);
    }
    case Scenario::kPut:
      c.pending = ConnState::Pending::kPut;
      return AppendPut(c, out);
    case Scenario::kMixed:
      if (NextRandom(c.rng) % 10 == 0) {
        c.pending = ConnState::Pending::kPut;
        return AppendPut(c, out);
      }
      return AppendGet(get_targets_[NextRandom(c.rng) % get_targets_.size()], out);
    case Scenario::kCrmBatchCreate:
    case Scenario::kCrmGet:
    case Scenario::kCrmSearch:
      return;  // handled by crm_ (load.cc always provides it for these)
  }
}

bool Workload::OnResponse(ConnState& c, int status, std::string_view body) const {
  if (crm_) return crm_->OnResponse(c, status, body);
  const bool ok = status >= 200 && status < 300;
  if (c.pending == ConnState::Pending::kPut || c.pending == ConnState::Pending::kResync) {
    std::string_view rev = ok ? FindJsonString(body, "revisionId") : std::string_view{};
    if (!rev.empty()) {
      c.own.revision.assign(rev);
      c.needs_resync = false;
    } else {
      c.needs_resync = true;
    }
  }
  return ok;
}

}  // namespace flowd::bench
