// Store::Open: the only place that maps a URL to a backend.
#include "store/store.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace flowd::store {

Result<std::unique_ptr<Store>> Store::Open(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return Error::Invalid("store URL '" + std::string(url) +
                            "' names no file; use sqlite:PATH or sqlite::memory:");
    }
    if (path == ":memory:") return sqlite::OpenSqliteStore(path);
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return Error{ErrorCode::kUnavailable,
                     "cannot create directory '" + parent.string() + "': " + ec.message(),
                     {},
                     {},
                     std::nullopt};
      }
    }
    return sqlite::OpenSqliteStore(path);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return postgres::OpenPostgresStore(url);
  }
  return Error::Invalid("unknown store URL '" + std::string(url) +
                        "'; expected sqlite:PATH, sqlite::memory: or postgres://…");
}

}  // namespace flowd::store
