// flowd_store_bench: ObjectStore::CreateObjects alone (no HTTP, no JSON, no validation), to tell
// the store's share of a batch create from the server's.
//
//   flowd_store_bench [--db sqlite:/tmp/flowd-store-bench.db] [--records 200000] [--batch 100]
//                     [--writers 2] [--report-every 100000]
//
// Writes contacts shaped as flowd_load's crm-batch-create ones (email, unique as for contacts,
// plus firstname, lastname, phone, company, lifecyclestage) in batches of --batch from --writers
// threads (concurrent writes share a transaction through the SQLite store's group commit). Prints,
// per --report-every records, the records/s and the process's CPU time per record (the writer
// threads plus the store's checkpoint thread). The database grows across runs: run it again on
// the same --db to measure at a larger size.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "contact_values.h"
#include "store/store.h"

namespace flowd::bench {
namespace {

struct Options {
  std::string db = "sqlite:/tmp/flowd-store-bench.db";
  size_t records = 200000;
  size_t batch = 100;
  size_t writers = 2;
  size_t report_every = 100000;
};

double CpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Bytes this process has written through write/pwrite so far (/proc/self/io `wchar`): the WAL
// frames of the commits plus the checkpoints' copies into the database file.
double WrittenBytes() {
  FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return 0;
  char key[64];
  unsigned long long value = 0;
  double out = 0;
  while (std::fscanf(f, "%63s %llu", key, &value) == 2) {
    if (std::string(key) == "wchar:") out = static_cast<double>(value);
  }
  std::fclose(f);
  return out;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<store::PropertyWrite> Contact(const std::string& nonce, uint64_t i) {
  ContactValues v = ContactFor(i);
  return {{"email", "s" + nonce + "-" + std::to_string(i) + "@store.flowd-bench.test"},
          {"firstname", std::move(v.firstname)},
          {"lastname", std::move(v.lastname)},
          {"phone", std::move(v.phone)},
          {"company", std::move(v.company)},
          {"lifecyclestage", std::move(v.lifecyclestage)}};
}

int Run(const Options& o) {
  auto opened = store::Store::Open(o.db);
  if (!opened.ok()) {
    std::fprintf(stderr, "flowd_store_bench: %s\n", opened.error().message.c_str());
    return 1;
  }
  std::unique_ptr<store::Store> db = std::move(opened).value();
  if (Status s = db->Migrate(); !s.ok()) {
    std::fprintf(stderr, "flowd_store_bench: migrate: %s\n", s.error().message.c_str());
    return 1;
  }
  auto before = db->objects().CountObjects(1, "0-1");
  const std::string nonce =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000007);
  store::ObjectWriteOptions options;
  options.unique_properties = {"email"};
  options.source = store::ChangeSource{"API", "flowd_store_bench"};

  const size_t batches = (o.records + o.batch - 1) / o.batch;
  std::atomic<size_t> next{0}, done{0};
  std::mutex mu;
  std::string failure;
  double chunk_wall = WallSeconds(), chunk_cpu = CpuSeconds(), chunk_written = WrittenBytes();
  const double wall0 = chunk_wall, cpu0 = chunk_cpu, written0 = chunk_written;
  size_t chunk_from = 0;
  std::printf("# %s: %lld contacts before; %zu records, batches of %zu, %zu writer threads\n",
              o.db.c_str(), static_cast<long long>(before.ok() ? *before : -1), o.records, o.batch,
              o.writers);
  auto report = [&](size_t upto) {  // under mu
    const double wall = WallSeconds(), cpu = CpuSeconds(), written = WrittenBytes();
    const double n = static_cast<double>(upto - chunk_from);
    std::printf(
        "records %zu-%zu: %.0f records/s, CPU %.1f us/record, written %.1f KB/record, "
        "wall %.1f s\n",
        chunk_from, upto, n / (wall - chunk_wall), 1e6 * (cpu - chunk_cpu) / n,
        (written - chunk_written) / 1024 / n, wall - chunk_wall);
    std::fflush(stdout);
    chunk_from = upto;
    chunk_wall = wall;
    chunk_cpu = cpu;
    chunk_written = written;
  };
  auto writer = [&] {
    for (size_t b = next++; b < batches; b = next++) {
      const size_t first = b * o.batch, count = std::min(o.batch, o.records - first);
      std::vector<std::vector<store::PropertyWrite>> inputs;
      for (size_t k = 0; k < count; ++k) inputs.push_back(Contact(nonce, first + k));
      auto created = db->objects().CreateObjects(1, "0-1", inputs, options, 1764190000000);
      std::lock_guard lock(mu);
      if (!created.ok()) {
        if (failure.empty()) failure = created.error().message;
        next = batches;
        return;
      }
      const size_t total = done += count;
      if (total / o.report_every != (total - count) / o.report_every) report(total);
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < o.writers; ++t) threads.emplace_back(writer);
  for (auto& t : threads) t.join();
  if (!failure.empty()) {
    std::fprintf(stderr, "flowd_store_bench: create failed: %s\n", failure.c_str());
    return 1;
  }
  if (chunk_from != done) report(done);
  const double wall = WallSeconds() - wall0, cpu = CpuSeconds() - cpu0;
  const double n = static_cast<double>(done);
  std::printf(
      "total: %zu records in %.1f s: %.0f records/s, CPU %.1f us/record, written %.1f "
      "KB/record\n",
      done.load(), wall, n / wall, 1e6 * cpu / n, (WrittenBytes() - written0) / 1024 / n);
  return 0;
}

}  // namespace
}  // namespace flowd::bench

int main(int argc, char** argv) {
  flowd::bench::Options o;
  CLI::App app{"flowd_store_bench — ObjectStore::CreateObjects without HTTP"};
  app.add_option("--db", o.db, "Store URL (sqlite:PATH or postgres://…)")->capture_default_str();
  app.add_option("--records", o.records, "Contacts to create")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  app.add_option("--batch", o.batch, "Contacts per CreateObjects call")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--writers", o.writers, "Threads calling CreateObjects")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--report-every", o.report_every, "Records per progress line")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return flowd::bench::Run(o);
}
