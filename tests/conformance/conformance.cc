#include "conformance.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace flowd::store {
namespace {

// ---------------------------------------------------------------- backends

constexpr const char* kPostgresEnv = "FLOWD_TEST_POSTGRES_URL";

// The test URL with a schema unique to the test owning `dir`.
std::string PostgresUrlFor(const std::string& url, const fs::path& dir) {
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

}  // namespace

std::vector<Backend> Backends() {
  std::vector<Backend> backends = {
      {"sqlite_file", true,
       [](const fs::path& dir) {
         return Store::Open("sqlite:" + (dir / "db" / "flowd.db").string());
       }},
      {"sqlite_memory", false, [](const fs::path&) { return Store::Open("sqlite::memory:"); }},
  };
  // PostgreSQL runs only where a server is reachable: set FLOWD_TEST_POSTGRES_URL (`make test`
  // starts a throwaway server and sets it). The instance is always listed, so that ctest's test
  // list does not depend on the environment of the build that discovered it. Each test gets an
  // empty database as a schema of its own (the URL's `schema=` parameter; Migrate creates it).
  // The name is kept in the test's directory so that reopening finds the same data, and carries
  // a random part because test processes of earlier runs may have used the same pid.
  backends.push_back({"postgres", true,
                      [](const fs::path& dir) {
                        return Store::Open(PostgresUrlFor(std::getenv(kPostgresEnv), dir));
                      },
                      kPostgresEnv, /*shared=*/true});
  return backends;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

}  // namespace flowd::store
