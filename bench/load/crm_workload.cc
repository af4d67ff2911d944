#include "load/crm_workload.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "contact_values.h"
#include "load/driver.h"

namespace flowd::bench {
namespace {

constexpr std::string_view kContacts = "/crm/v3/objects/contacts";
constexpr std::string_view kBatchCreate = "/crm/v3/objects/contacts/batch/create";
constexpr std::string_view kBatchUpsert = "/crm/v3/objects/contacts/batch/upsert";
constexpr std::string_view kSearch = "/crm/v3/objects/contacts/search";
// A search body is kSearchHead + email + kSearchTail.
constexpr std::string_view kSearchHead =
    R"({"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":")";
constexpr std::string_view kSearchTail = R"("}]}],"limit":10})";

uint64_t NextRandom(uint64_t& s) {  // xorshift64, as the flow scenarios
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// `"properties":{…}` of one contact: the email and the five properties of ContactFor(n).
void AppendProperties(std::string& out, std::string_view email, uint64_t n) {
  const ContactValues v = ContactFor(n);
  out.append(R"("properties":{"email":")").append(email);
  out.append(R"(","firstname":")").append(v.firstname);
  out.append(R"(","lastname":")").append(v.lastname);
  out.append(R"(","phone":")").append(v.phone);
  out.append(R"(","company":")").append(v.company);
  out.append(R"(","lifecyclestage":")").append(v.lifecyclestage).append("\"}");
}

// A batch/create (or, with `upsert`, batch/upsert by email) body of `count` contacts.
template <typename EmailFn>
std::string BatchBody(size_t count, uint64_t salt, bool upsert, EmailFn email) {
  std::string out = R"({"inputs":[)";
  out.reserve(count * 200 + 16);
  for (size_t k = 0; k < count; ++k) {
    const std::string e = email(k);
    out.append(k == 0 ? "{" : ",{");
    if (upsert) out.append(R"("idProperty":"email","id":")").append(e).append("\",");
    AppendProperties(out, e, salt + k);
    out.append("}");
  }
  return out.append("]}");
}

// The `"total"` of a search response; nullopt when absent.
std::optional<int64_t> SearchTotal(std::string_view body) {
  const size_t at = body.find("\"total\":");
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = body.data() + at + 8;
  const char* end = body.data() + body.size();
  while (p < end && *p == ' ') ++p;
  int64_t v = 0;
  auto [q, ec] = std::from_chars(p, end, v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// Every `"id":"…"` value of a batch response, in order.
std::vector<std::string> ResultIds(std::string_view body) {
  std::vector<std::string> out;
  constexpr std::string_view kKey = R"("id":")";
  for (size_t at = body.find(kKey); at != std::string_view::npos; at = body.find(kKey, at)) {
    at += kKey.size();
    const size_t end = body.find('"', at);
    if (end == std::string_view::npos) break;
    out.emplace_back(body.substr(at, end - at));
  }
  return out;
}

std::string RunNonce() {
  const auto ns = std::chrono::system_clock::now().time_since_epoch().count();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%llx%x", static_cast<unsigned long long>(ns) & 0xFFFFFFFFFFFull,
                static_cast<unsigned>(::getpid()) & 0xFFFFu);
  return buf;
}

// One blocking keep-alive connection for the setup requests.
class SetupConn {
 public:
  SetupConn(const Endpoint& ep, const RequestWriter& writer)
      : fd_(ConnectTo(ep, /*nonblocking=*/false)), writer_(writer) {}
  ~SetupConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  SetupConn(const SetupConn&) = delete;
  SetupConn& operator=(const SetupConn&) = delete;

  bool connected() const { return fd_ >= 0; }
  int status() const { return reader_.status(); }
  std::string_view body() const { return reader_.body(); }

  // One round trip; false with `*error` when the connection broke.
  bool Call(std::string_view method, std::string_view target, std::string_view body,
            std::string* error) {
    if (pending_) reader_.Consume();
    pending_ = false;
    request_.clear();
    writer_.Append(request_, method, target, body);
    if (!SendAll(fd_, request_)) {
      *error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    if (!ReadResponse(fd_, reader_, error)) return false;
    pending_ = true;
    return true;
  }

  // `Call` expecting `want`; otherwise `*error` names the answer.
  bool Expect(std::string_view method, std::string_view target, std::string_view body, int want,
              std::string* error) {
    if (!Call(method, target, body, error)) return false;
    if (status() == want) return true;
    *error = std::string(method) + " " + std::string(target) + " answered " +
             std::to_string(status()) + ": " + std::string(this->body().substr(0, 600));
    return false;
  }

 private:
  int fd_;
  const RequestWriter& writer_;
  ResponseReader reader_;
  std::string request_;
  bool pending_ = false;
};

// Runs task(conn, i, error) for i in [0, tasks) over `parallel` connections; stops at the first
// failure.
template <typename Task>
bool RunTasks(const Endpoint& ep, const RequestWriter& writer, size_t tasks, size_t parallel,
              Task task, std::string* error) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  auto worker = [&] {
    SetupConn conn(ep, writer);
    std::string err;
    if (!conn.connected()) {
      err = std::string("connect: ") + std::strerror(errno);
    } else {
      for (size_t i = next++; i < tasks && !failed; i = next++) {
        if (!task(conn, i, &err)) break;
      }
    }
    if (!err.empty()) {
      std::lock_guard lock(mu);
      if (!failed.exchange(true)) *error = err;
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::max<size_t>(1, std::min(parallel, tasks)); ++t)
    threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return !failed;
}

// crm-get's pool: `count` new contacts; their ids.
bool CreatePool(const Endpoint& ep, const RequestWriter& writer, const CrmOptions& o,
                const std::string& nonce, std::vector<std::string>* ids, std::string* error) {
  const size_t batches = (o.pool + kCrmBatch - 1) / kCrmBatch;
  std::vector<std::vector<std::string>> per_batch(batches);
  auto task = [&](SetupConn& conn, size_t b, std::string* err) {
    const size_t first = b * kCrmBatch, count = std::min(kCrmBatch, o.pool - first);
    const std::string body = BatchBody(count, first, false, [&](size_t k) {
      return "g" + nonce + "-" + std::to_string(first + k) + "@pool.flowd-bench.test";
    });
    if (!conn.Expect("POST", kBatchCreate, body, 201, err)) return false;
    per_batch[b] = ResultIds(conn.body());
    if (per_batch[b].size() != count) {
      *err = "batch create returned " + std::to_string(per_batch[b].size()) + " ids for " +
             std::to_string(count) + " contacts";
      return false;
    }
    return true;
  };
  if (!RunTasks(ep, writer, batches, o.parallel, task, error)) return false;
  for (auto& b : per_batch) ids->insert(ids->end(), b.begin(), b.end());
  return true;
}

// The search's total for one email, or nullopt with `*error`.
std::optional<int64_t> CountEmail(SetupConn& conn, const std::string& email, std::string* error) {
  const std::string body = std::string(kSearchHead) + email + std::string(kSearchTail);
  if (!conn.Expect("POST", kSearch, body, 200, error)) return std::nullopt;
  auto total = SearchTotal(conn.body());
  if (!total) *error = "search response without total: " + std::string(conn.body().substr(0, 300));
  return total;
}

// crm-search's population: SeedEmail(N, i) for i < N, then a marker contact. Batches that fail
// with 409 (a previous seeding was interrupted after them) are replayed as upserts by email.
bool EnsurePopulation(const Endpoint& ep, const RequestWriter& writer, const CrmOptions& o,
                      std::string* error) {
  const size_t n = o.population;
  const std::string marker = "p" + std::to_string(n) + "-complete@seed.flowd-bench.test";
  {
    SetupConn conn(ep, writer);
    if (!conn.connected()) {
      *error = std::string("connect: ") + std::strerror(errno);
      return false;
    }
    auto found = CountEmail(conn, marker, error);
    if (!found) return false;
    if (*found > 0) {
      std::fprintf(stderr, "flowd_load: population of %zu contacts found (marker %s): not seeded\n",
                   n, marker.c_str());
      return true;
    }
  }
  std::fprintf(stderr, "flowd_load: seeding %zu contacts (%zu per batch/create, %zu connections)\n",
               n, kCrmBatch, o.parallel);
  const uint64_t start = NowNs();
  std::atomic<size_t> done{0}, replayed{0};
  const size_t report_every = std::max<size_t>(kCrmBatch, n / 10);
  auto task = [&](SetupConn& conn, size_t b, std::string* err) {
    const size_t first = b * kCrmBatch, count = std::min(kCrmBatch, n - first);
    auto email = [&](size_t k) { return SeedEmail(n, first + k); };
    if (!conn.Call("POST", kBatchCreate, BatchBody(count, first, false, email), err)) return false;
    if (conn.status() == 409) {
      replayed += count;
      if (!conn.Expect("POST", kBatchUpsert, BatchBody(count, first, true, email), 200, err))
        return false;
    } else if (conn.status() != 201) {
      *err = "seeding batch/create answered " + std::to_string(conn.status()) + ": " +
             std::string(conn.body().substr(0, 600));
      return false;
    }
    const size_t before = done.fetch_add(count);
    if ((before + count) / report_every != before / report_every) {
      const double s = static_cast<double>(NowNs() - start) / 1e9;
      std::fprintf(stderr, "flowd_load: seeded %zu / %zu in %.1f s (%.0f records/s)\n",
                   before + count, n, s, static_cast<double>(before + count) / s);
    }
    return true;
  };
  if (!RunTasks(ep, writer, (n + kCrmBatch - 1) / kCrmBatch, o.parallel, task, error)) return false;
  const double secs = static_cast<double>(NowNs() - start) / 1e9;
  std::fprintf(
      stderr,
      "flowd_load: seeded %zu contacts in %.1f s: %.0f records/s (%zu replayed as upserts)\n", n,
      secs, static_cast<double>(n) / secs, replayed.load());
  SetupConn conn(ep, writer);
  std::string body = "{";
  AppendProperties(body, marker, n);
  body += "}";
  return conn.Expect("POST", kContacts, body, 201, error);
}

}  // namespace

std::string SeedEmail(size_t population, size_t i) {
  return "p" + std::to_string(population) + "-c" + std::to_string(i) + "@seed.flowd-bench.test";
}

CrmWorkload::CrmWorkload(Scenario scenario, const RequestWriter& writer, CrmOptions options,
                         std::vector<std::string> ids)
    : scenario_(scenario), writer_(writer), options_(options), nonce_(RunNonce()) {
  get_targets_.reserve(ids.size());
  for (const auto& id : ids) get_targets_.push_back(std::string(kContacts) + "/" + id);
}

size_t CrmWorkload::RecordsPerRequest() const {
  return scenario_ == Scenario::kCrmBatchCreate ? kCrmBatch : 1;
}

void CrmWorkload::NextRequest(ConnState& c, std::string& out) const {
  ++c.sequence;
  switch (scenario_) {
    case Scenario::kCrmBatchCreate: {
      // r<nonce>-<connection>-<request>-<k>: unique across connections, requests and runs.
      const std::string prefix =
          "r" + nonce_ + "-" + std::to_string(c.index) + "-" + std::to_string(c.sequence) + "-";
      const std::string body = BatchBody(
          kCrmBatch, c.rng + c.sequence * kCrmBatch, false,
          [&](size_t k) { return prefix + std::to_string(k) + "@load.flowd-bench.test"; });
      return writer_.Append(out, "POST", kBatchCreate, body);
    }
    case Scenario::kCrmGet:
      return writer_.Append(out, "GET", get_targets_[NextRandom(c.rng) % get_targets_.size()]);
    case Scenario::kCrmSearch: {
      const std::string email =
          SeedEmail(options_.population, NextRandom(c.rng) % options_.population);
      return writer_.Append(out, "POST", kSearch, kSearchHead, email, kSearchTail);
    }
    default:
      return;
  }
}

bool CrmWorkload::OnResponse(ConnState&, int status, std::string_view body) const {
  switch (scenario_) {
    case Scenario::kCrmBatchCreate:
      return status == 201;
    case Scenario::kCrmSearch:
      return status == 200 && SearchTotal(body) == 1;
    default:
      return status == 200;
  }
}

bool PrepareCrm(Scenario scenario, const Endpoint& ep, const RequestWriter& writer,
                const CrmOptions& options, std::shared_ptr<const CrmWorkload>* out,
                std::string* error) {
  std::vector<std::string> ids;
  if (scenario == Scenario::kCrmGet) {
    if (!CreatePool(ep, writer, options, RunNonce(), &ids, error)) return false;
  }
  if (scenario == Scenario::kCrmSearch && !EnsurePopulation(ep, writer, options, error)) {
    return false;
  }
  *out = std::make_shared<const CrmWorkload>(scenario, writer, options, std::move(ids));
  return true;
}

}  // namespace flowd::bench
