// SQLite-specific behaviour of the store: URL handling, files on disk, the migration list.
// The Store contract itself is tested once for every backend in tests/conformance/.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/migrations.h"
#include "store/store.h"

namespace flowd::store {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("flowd-sqlite-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(SqliteStoreOpen, RejectsUnknownSchemes) {
  for (const char* url : {"", "mysql://x", "sqlite", "file:x.db", "SQLITE:x.db"}) {
    auto r = Store::Open(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(r.error().message.find("sqlite:"), std::string::npos) << r.error().message;
  }
  auto empty = Store::Open("sqlite:");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

// Both spellings reach the PostgreSQL backend, which connects eagerly: nothing listens on port 1,
// so Open fails at once, naming the server and never the password.
TEST(SqliteStoreOpen, PostgresUrlsReachThePostgresBackend) {
  for (const char* url :
       {"postgres://u:pw-secret@127.0.0.1:1/flowd", "postgresql://127.0.0.1:1/flowd"}) {
    auto r = Store::Open(url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message.find("cannot connect to PostgreSQL at 127.0.0.1:1"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("pw-secret"), std::string::npos) << r.error().message;
  }
}

TEST(SqliteStoreOpen, CreatesParentDirectoriesAndUsesWal) {
  TempDir tmp;
  fs::path db = tmp.path() / "a" / "b" / "flowd.db";
  auto store = Store::Open("sqlite:" + db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_TRUE(fs::exists(db));
  ASSERT_TRUE((*store)->accounts().CreateAccount("x", 1).ok());
  // WAL mode keeps a -wal file next to the database while connections are open.
  EXPECT_TRUE(fs::exists(db.string() + "-wal"));
}

TEST(SqliteStoreOpen, NotADatabaseIsAnErrorNotACrash) {
  TempDir tmp;
  fs::path junk = tmp.path() / "junk.db";
  FILE* f = std::fopen(junk.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string garbage(8192, 'x');
  std::fwrite(garbage.data(), 1, garbage.size(), f);
  std::fclose(f);
  auto store = Store::Open("sqlite:" + junk.string());
  if (store.ok()) {
    EXPECT_FALSE((*store)->Migrate().ok());
  } else {
    EXPECT_NE(store.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(SqliteStoreOpen, UnmigratedStoreAnswersErrors) {
  auto store = Store::Open("sqlite::memory:");
  ASSERT_TRUE(store.ok());
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 0);
  auto flow = (*store)->flows().GetFlow(1, 1);
  ASSERT_FALSE(flow.ok());
  EXPECT_EQ(flow.error().code, ErrorCode::kInternal);
}

// Numbers may be reserved for changes on other branches (7 is), so gaps are allowed.
TEST(SqliteMigrations, AreNumberedFromOneInIncreasingOrder) {
  const auto& migrations = sqlite::Migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, 1);
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(migrations[i].version, migrations[i - 1].version);
    }
    EXPECT_NE(migrations[i].sql, nullptr);
  }
  auto store = Store::Open("sqlite::memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, migrations.back().version);
}

// A database that has a higher version than a migration it lacks (a lower number merged later)
// still gets that migration: here the secrets table (8) is missing below a recorded 99.
TEST(SqliteMigrations, ApplyAVersionBelowTheHighestApplied) {
  TempDir tmp;
  const std::string file = (tmp.path() / "gap.db").string();
  {
    auto store = Store::Open("sqlite:" + file);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db,
                         "DROP TABLE secrets; DELETE FROM schema_migrations WHERE version = 8; "
                         "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (99, 0);",
                         nullptr, nullptr, &err),
            SQLITE_OK)
      << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);

  auto store = Store::Open("sqlite:" + file);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 99);
  auto account = (*store)->accounts().CreateAccount("A", 1);
  ASSERT_TRUE(account.ok());
  auto set = (*store)->secrets().SetSecret(account->id, "API_KEY", "v", 1);
  EXPECT_TRUE(set.ok()) << set.error().message;
}

// Two stores on one file (like `flowd token create` next to a running server): both write.
TEST(SqliteStoreOpen, TwoStoresShareOneFile) {
  TempDir tmp;
  std::string url = "sqlite:" + (tmp.path() / "shared.db").string();
  auto s1 = Store::Open(url);
  auto s2 = Store::Open(url);
  ASSERT_TRUE(s1.ok() && s2.ok());
  ASSERT_TRUE((*s1)->Migrate().ok());
  ASSERT_TRUE((*s2)->Migrate().ok());
  auto a = (*s1)->accounts().CreateAccount("one", 1);
  ASSERT_TRUE(a.ok());
  auto b = (*s2)->accounts().CreateAccount("two", 1);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->id, a->id + 1);
  auto seen = (*s1)->accounts().GetAccount(b->id);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->name, "two");
}

// Group commit: concurrent writes share transactions, yet each one succeeds or fails on its own.
// Every third create reuses a uuid (a conflict, rolled back alone inside the shared transaction);
// afterwards exactly the acknowledged flows exist, each with its revision-1 snapshot.
TEST(SqliteGroupCommit, ConcurrentWritesSucceedOrFailOneByOne) {
  TempDir tmp;
  auto s = Store::Open("sqlite:" + (tmp.path() / "group.db").string());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Migrate().ok());
  int64_t account = (*s)->accounts().CreateAccount("a", 1)->id;
  FlowWrite taken;
  taken.uuid = "taken";
  taken.name = "first";
  taken.flow_type = "WORKFLOW";
  taken.object_type_id = "0-1";
  taken.content_json = "{}";
  ASSERT_TRUE((*s)->flows().CreateFlow(account, taken, 1).ok());

  constexpr int kThreads = 8, kPerThread = 60;
  std::mutex mu;
  std::vector<int64_t> created;
  std::atomic<int> conflicts{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        FlowWrite w = taken;
        w.name = "t" + std::to_string(t) + "-" + std::to_string(i);
        w.uuid = i % 3 == 0 ? std::optional<std::string>("taken") : std::nullopt;
        w.email_content_ids = {"c" + std::to_string(i)};
        auto r = (*s)->flows().CreateFlow(account, w, 2);
        if (r.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          created.push_back(r->id);
        } else if (r.error().code == ErrorCode::kConflict) {
          ++conflicts;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(conflicts.load(), kThreads * kPerThread / 3);
  ASSERT_EQ(created.size(), static_cast<size_t>(kThreads * kPerThread * 2 / 3));
  std::sort(created.begin(), created.end());
  EXPECT_EQ(std::adjacent_find(created.begin(), created.end()), created.end());
  auto all = (*s)->flows().ListFlows(account, std::nullopt, 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->flows.size(), created.size() + 1);
  for (int64_t id : created) {
    auto rev = (*s)->flows().GetRevision(account, id, 1);
    ASSERT_TRUE(rev.ok()) << id;
    EXPECT_EQ(rev->flow.name, (*s)->flows().GetFlow(account, id)->name);
  }
}

// Invariant 1 (DESIGN.md §2) for the process-crash case: every write acknowledged before a
// kill -9 is there after reopening. The child reports each acknowledged flow id through a pipe
// and then SIGKILLs itself without closing the store (no final checkpoint, WAL left behind).
TEST(SqliteStoreDurability, AcknowledgedWritesSurviveKill9) {
  TempDir tmp;
  const std::string url = "sqlite:" + (tmp.path() / "crash.db").string();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto store = Store::Open(url);
    if (!store.ok() || !(*store)->Migrate().ok()) ::_exit(2);
    auto account = (*store)->accounts().CreateAccount("crash", 1);
    if (!account.ok()) ::_exit(3);
    FlowWrite w;
    w.name = "survivor";
    w.flow_type = "WORKFLOW";
    w.object_type_id = "0-1";
    w.content_json = "{\"pad\":\"" + std::string(3000, 'x') + "\"}";
    for (int i = 0; i < 3000; ++i) {
      auto f = (*store)->flows().CreateFlow(account->id, w, i);
      if (!f.ok()) ::_exit(4);
      int64_t ids[2] = {account->id, f->id};
      if (::write(fds[1], ids, sizeof ids) != sizeof ids) ::_exit(5);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(6);
  }
  ::close(fds[1]);
  std::vector<std::pair<int64_t, int64_t>> acked;
  int64_t ids[2];
  while (::read(fds[0], ids, sizeof ids) == static_cast<ssize_t>(sizeof ids)) {
    acked.emplace_back(ids[0], ids[1]);
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  ASSERT_EQ(acked.size(), 3000u);

  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->Migrate().ok());
  for (const auto& [account, flow] : acked) {
    auto f = (*store)->flows().GetFlow(account, flow);
    ASSERT_TRUE(f.ok()) << "flow " << flow << ": " << f.error().message;
    ASSERT_TRUE((*store)->flows().GetRevision(account, flow, 1).ok());
  }
}

// A rough throughput probe, not a benchmark (bench/ owns those). Run with
//   unit_store --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST(SqliteStoreThroughput, DISABLED_GetAndCreate) {
  TempDir tmp;
  auto opened = Store::Open("sqlite:" + (tmp.path() / "perf.db").string());
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  auto account = store.accounts().CreateAccount("perf", 1);
  ASSERT_TRUE(account.ok());
  const int64_t acct = account->id;

  FlowWrite w;
  w.name = "perf";
  w.flow_type = "WORKFLOW";
  w.object_type_id = "0-1";
  w.content_json = "{\"actions\":[" + std::string(2000, ' ') + "]}";  // ~2 KB, a typical flow
  w.email_content_ids = {"123456"};

  using Clock = std::chrono::steady_clock;
  auto per_second = [](int n, Clock::duration d) {
    return n / std::chrono::duration<double>(d).count();
  };

  // CPU time as well as wall time: on a shared, loaded machine the former is the steadier figure.
  auto cpu_us = [](int who) {
    rusage ru{};
    getrusage(who, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
  };

  constexpr int kCreates = 5000;
  std::vector<int64_t> ids;
  auto t0 = Clock::now();
  double thread_cpu0 = cpu_us(RUSAGE_THREAD), process_cpu0 = cpu_us(RUSAGE_SELF);
  for (int i = 0; i < kCreates; ++i) {
    auto f = store.flows().CreateFlow(acct, w, i);
    ASSERT_TRUE(f.ok());
    ids.push_back(f->id);
  }
  std::printf("CreateFlow (1 thread):  %.0f /s; CPU per create %.0f us (caller), %.0f us (all)\n",
              per_second(kCreates, Clock::now() - t0),
              (cpu_us(RUSAGE_THREAD) - thread_cpu0) / kCreates,
              (cpu_us(RUSAGE_SELF) - process_cpu0) / kCreates);

  t0 = Clock::now();
  for (int i = 0; i < 2000; ++i) {
    auto f = store.flows().UpdateFlow(acct, ids[i], 1, w, i);
    ASSERT_TRUE(f.ok());
  }
  std::printf("UpdateFlow (1 thread):  %.0f /s\n", per_second(2000, Clock::now() - t0));

  if (std::getenv("FLOWD_PROBE_SKIP_GETS") != nullptr) return;
  for (int threads : {1, 2, 4}) {
    constexpr int kGetsPerThread = 100000;
    std::vector<std::thread> pool;
    std::atomic<int> failures{0};
    t0 = Clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = 0; i < kGetsPerThread; ++i) {
          if (!store.flows().GetFlow(acct, ids[(i * 7 + t) % ids.size()]).ok()) ++failures;
        }
      });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(failures.load(), 0);
    std::printf("GetFlow (%d threads):    %.0f /s\n", threads,
                per_second(threads * kGetsPerThread, Clock::now() - t0));
  }
}

}  // namespace
}  // namespace flowd::store

namespace flowd::store {
namespace {

TEST(RedactedUrlTest, HidesPasswordsOnly) {
  EXPECT_EQ(RedactedUrl("postgres://flowd:s3cret@db.local:5432/flowd"),
            "postgres://flowd:***@db.local:5432/flowd");
  EXPECT_EQ(RedactedUrl("postgresql://u:p%40ss@h/db?sslmode=require&password=x&schema=s"),
            "postgresql://u:***@h/db?sslmode=require&password=***&schema=s");
  EXPECT_EQ(RedactedUrl("postgres://flowd@h/db"), "postgres://flowd@h/db");
  EXPECT_EQ(RedactedUrl("sqlite:data/flowd.db"), "sqlite:data/flowd.db");
}

}  // namespace
}  // namespace flowd::store
