// The store backends every conformance suite runs against: SQLite in a file, SQLite in memory,
// and PostgreSQL where FLOWD_TEST_POSTGRES_URL names a reachable server (skipped otherwise).
// Header-only so that each suite's executable instantiates its tests over the same list.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "store/store.h"

namespace flowd::store::conformance {

namespace fs = std::filesystem;

struct Backend {
  std::string name;
  bool persistent;  // survives closing and reopening
  // Opens the store kept in `dir` (a fresh directory per test, the same one on reopen).
  std::function<Result<std::unique_ptr<Store>>(const fs::path& dir)> open;
  // When set, the backend needs this environment variable (read when each test starts, not when
  // ctest lists the tests) and its tests are skipped without it.
  const char* needs_env = nullptr;
};

// gtest prints parameters in test listings (and ctest shows them); the name is enough.
inline void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

inline constexpr const char* kPostgresEnv = "FLOWD_TEST_POSTGRES_URL";

// The test URL with a schema unique to the test owning `dir` (kept in the directory so that
// reopening finds the same data; random because earlier runs may have used the same pid).
inline std::string PostgresUrlFor(const std::string& url, const fs::path& dir) {
  const fs::path name_file = dir / "postgres-schema";
  std::string schema;
  if (std::ifstream in(name_file); in) std::getline(in, schema);
  if (schema.empty()) {
    std::random_device random;
    schema = "t_" + std::to_string(::getpid()) + "_" + std::to_string(random());
    std::ofstream(name_file) << schema << "\n";
  }
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
}

inline std::vector<Backend> Backends() {
  std::vector<Backend> backends = {
      {"sqlite_file", true,
       [](const fs::path& dir) {
         return Store::Open("sqlite:" + (dir / "db" / "flowd.db").string());
       }},
      {"sqlite_memory", false, [](const fs::path&) { return Store::Open("sqlite::memory:"); }},
  };
  // Always listed, so that ctest's test list does not depend on the environment of the build
  // that discovered it; skipped at run time without the variable.
  backends.push_back({"postgres", true,
                      [](const fs::path& dir) {
                        return Store::Open(PostgresUrlFor(std::getenv(kPostgresEnv), dir));
                      },
                      kPostgresEnv});
  return backends;
}

}  // namespace flowd::store::conformance
