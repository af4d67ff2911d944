// flowd_load: an HTTP/1.1 keep-alive load generator for a flowd on this machine (loopback only).
//
//   flowd_load --url http://127.0.0.1:8080 --token T --scenario get --connections 32
//              --duration 10 --warmup 2 --threads 2 [--json] [--server-pid PID]
//
// Scenarios: get (GET one flow of a pool created first), list (GET ?limit=100), create (POST),
// put (each connection PUTs its own flow with the current revisionId), mixed (90 % get, 10 % put);
// CRM contacts: crm-batch-create (100 per request), crm-get (a pool created first), crm-search
// (EQ on email over a population seeded once per database, --crm-population).
// Prints one human line, and one JSON line with --json. Throughput counts 2xx responses only.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "load/crm_workload.h"
#include "load/driver.h"
#include "load/http_client.h"
#include "load/workload.h"

namespace flowd::bench {
namespace {

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string token;
  std::string scenario = "get";
  size_t connections = 32;
  double duration_s = 10;
  double warmup_s = 2;
  size_t threads = 2;
  std::string io = "epoll";
  size_t pool = 1000;
  size_t crm_population = 1000000;
  int server_pid = 0;
  bool json = false;
};

// CPU seconds (user + system) of this process.
double SelfCpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of another process from /proc/PID/stat; negative when unreadable.
double ProcessCpuSeconds(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  // After the command: state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void SleepUntil(uint64_t t_ns) {
  const uint64_t now = NowNs();
  if (t_ns > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t_ns - now));
}

std::string Ms(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string Fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string JsonQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int Run(const Options& o) {
  Endpoint ep;
  std::string error;
  if (!ParseLoopbackUrl(o.url, &ep, &error)) {
    std::cerr << "flowd_load: " << error << "\n";
    return 2;
  }
  Scenario scenario;
  if (!ParseScenario(o.scenario, &scenario)) {
    std::cerr << "flowd_load: unknown scenario '" << o.scenario << "'\n";
    return 2;
  }
  const IoModel io = o.io == "blocking" ? IoModel::kBlocking : IoModel::kEpoll;
  RequestWriter writer(ep, o.token);

  // Setup: the flows the scenario reads or updates.
  const size_t setup_parallel = std::min<size_t>(o.connections, 4);
  std::vector<FlowRef> pool, owned;
  Workload probe(scenario, writer, {});
  if (probe.NeedsPool() && !CreateFlows(ep, writer, o.pool, setup_parallel, &pool, &error)) {
    std::cerr << "flowd_load: setup failed: " << error << "\n";
    return 1;
  }
  if (probe.NeedsOwnedFlows() &&
      !CreateFlows(ep, writer, o.connections, setup_parallel, &owned, &error)) {
    std::cerr << "flowd_load: setup failed: " << error << "\n";
    return 1;
  }
  std::shared_ptr<const CrmWorkload> crm;
  if (IsCrmScenario(scenario)) {
    CrmOptions co;
    co.population = o.crm_population;
    co.pool = o.pool;
    // Seeding is itself a batch-create load: as many connections as the run, up to 8.
    co.parallel = std::min<size_t>(o.connections, 8);
    if (!PrepareCrm(scenario, ep, writer, co, &crm, &error)) {
      std::cerr << "flowd_load: setup failed: " << error << "\n";
      return 1;
    }
  }
  Workload workload(scenario, writer, std::move(pool), crm);
  std::vector<ConnState> states;
  for (size_t i = 0; i < o.connections; ++i) {
    states.push_back(workload.NewConn(i, i < owned.size() ? owned[i] : FlowRef{}));
  }

  Window window;
  const uint64_t start = NowNs();
  window.warm_end_ns = start + static_cast<uint64_t>(o.warmup_s * 1e9);
  window.end_ns = window.warm_end_ns + static_cast<uint64_t>(o.duration_s * 1e9);

  // CPU use over the measurement window, sampled from this thread.
  double self_cpu = 0, server_cpu = -1;
  std::thread sampler([&] {
    SleepUntil(window.warm_end_ns);
    const double self0 = SelfCpuSeconds(), server0 = ProcessCpuSeconds(o.server_pid);
    SleepUntil(window.end_ns);
    self_cpu = SelfCpuSeconds() - self0;
    if (server0 >= 0) server_cpu = ProcessCpuSeconds(o.server_pid) - server0;
  });
  LoadStats stats = RunLoad(io, o.threads, ep, workload, std::move(states), window);
  sampler.join();

  const double secs = o.duration_s;
  const uint64_t requests = stats.ok + stats.non_2xx;
  const uint64_t errors = stats.non_2xx + stats.broken;
  const double rps = static_cast<double>(stats.ok) / secs;
  const size_t per_request = workload.RecordsPerRequest();
  const double records_ps = rps * static_cast<double>(per_request);
  const auto& h = stats.latency_ns;
  const std::string io_name = io == IoModel::kBlocking ? "blocking" : "epoll";
  char records[64] = "";
  if (per_request > 1) std::snprintf(records, sizeof(records), " (%.0f records/s)", records_ps);
  char line[600];
  std::snprintf(line, sizeof(line),
                "%s: %zu connections, %zu threads (%s), %.1f s: %llu requests, %llu errors "
                "(%llu non-2xx, %llu broken), %.0f req/s%s, latency p50 %s ms, p90 %s ms, "
                "p99 %s ms, max %s ms; cpu load generator %.0f%%",
                std::string(ScenarioName(scenario)).c_str(), o.connections,
                io == IoModel::kBlocking ? o.connections : o.threads, io_name.c_str(), secs,
                static_cast<unsigned long long>(requests), static_cast<unsigned long long>(errors),
                static_cast<unsigned long long>(stats.non_2xx),
                static_cast<unsigned long long>(stats.broken), rps, records,
                Ms(h.Quantile(0.5)).c_str(), Ms(h.Quantile(0.9)).c_str(),
                Ms(h.Quantile(0.99)).c_str(), Ms(h.max()).c_str(), 100 * self_cpu / secs);
  std::cout << line;
  if (server_cpu >= 0) std::printf(", server %.0f%%", 100 * server_cpu / secs);
  std::cout << "\n";
  if (!stats.first_error.empty())
    std::cerr << "flowd_load: first error: " << stats.first_error << "\n";
  if (o.json) {
    std::ostringstream js;
    js << "{\"scenario\":\"" << ScenarioName(scenario) << "\",\"connections\":" << o.connections
       << ",\"threads\":" << o.threads << ",\"io\":\"" << io_name << "\",\"duration_s\":" << secs
       << ",\"requests\":" << requests << ",\"ok\":" << stats.ok << ",\"errors\":" << errors
       << ",\"non_2xx\":" << stats.non_2xx << ",\"broken\":" << stats.broken
       << ",\"throughput_rps\":" << static_cast<uint64_t>(rps + 0.5);
    if (per_request > 1) {
      js << ",\"records_per_request\":" << per_request
         << ",\"records_per_s\":" << static_cast<uint64_t>(records_ps + 0.5);
    }
    js << ",\"latency_ms\":{\"p50\":" << Ms(h.Quantile(0.5)) << ",\"p90\":" << Ms(h.Quantile(0.9))
       << ",\"p99\":" << Ms(h.Quantile(0.99)) << ",\"max\":" << Ms(h.max()) << "}"
       << ",\"client_cpu_pct\":" << static_cast<int>(100 * self_cpu / secs + 0.5);
    // CPU time per 2xx response: steadier than req/s when other processes take the CPUs.
    const double per_req_us = stats.ok ? 1e6 / static_cast<double>(stats.ok) : 0;
    js << ",\"client_cpu_us_per_req\":" << Fixed1(self_cpu * per_req_us);
    if (server_cpu >= 0) {
      js << ",\"server_cpu_pct\":" << static_cast<int>(100 * server_cpu / secs + 0.5)
         << ",\"server_cpu_us_per_req\":" << Fixed1(server_cpu * per_req_us);
    }
    if (!stats.first_error.empty()) js << ",\"first_error\":" << JsonQuoted(stats.first_error);
    js << "}";
    std::cout << js.str() << std::endl;
  }
  return stats.ok == 0 ? 1 : 0;
}

}  // namespace
}  // namespace flowd::bench

int main(int argc, char** argv) {
  flowd::bench::Options o;
  CLI::App app{"flowd_load — HTTP/1.1 keep-alive load generator for a local flowd"};
  app.add_option("--url", o.url, "http://HOST:PORT, HOST in 127.0.0.0/8 or [::1]")
      ->capture_default_str();
  app.add_option("--token", o.token,
                 "Bearer token (scope automation; crm.objects.contacts.read/write for crm-*)");
  app.add_option("--scenario", o.scenario,
                 "get | list | create | put | mixed | crm-batch-create | crm-get | crm-search")
      ->check(CLI::IsMember(
          {"get", "list", "create", "put", "mixed", "crm-batch-create", "crm-get", "crm-search"}))
      ->capture_default_str();
  app.add_option("--connections,-c", o.connections, "Keep-alive connections")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--duration,-d", o.duration_s, "Measured seconds")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "Seconds of load before measuring")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--threads,-t", o.threads, "epoll threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--io", o.io, "epoll (few threads) | blocking (one thread per connection)")
      ->check(CLI::IsMember({"epoll", "blocking"}))
      ->capture_default_str();
  app.add_option("--pool", o.pool,
                 "Flows (contacts for crm-get) created first for get / list / mixed")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--crm-population", o.crm_population,
                 "crm-search: contacts seeded once per database before measuring")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "Also report this process's CPU use");
  app.add_flag("--json", o.json, "Also print one JSON line");
  CLI11_PARSE(app, argc, argv);
  return flowd::bench::Run(o);
}
