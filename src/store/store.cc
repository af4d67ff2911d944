// Store::Open: the only place that maps a URL to a backend.
#include "store/store.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace flowd::store {

std::string RedactedUrl(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?#", start);
    if (end == std::string::npos) end = out.size();
    size_t at = out.rfind('@', end);
    if (at != std::string::npos && at > start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    size_t value = pos + 9;
    size_t end = out.find('&', value);
    if (end == std::string::npos) end = out.size();
    out.replace(value, end - value, "***");
  }
  return out;
}

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
