// The SQLite backend's factory. Only store.cc (Store::Open) names it.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace flowd::store::sqlite {

// `path`: a file name (its directory must exist) or ":memory:" (a private database that lives as
// long as the Store). Does not migrate.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace flowd::store::sqlite
