// The PostgreSQL backend's factory. Only store.cc (Store::Open) names it.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace flowd::store::postgres {

// `url`: a libpq URI (postgres://user:password@host:port/db?param=…). One parameter is flowd's own
// and is taken out before the URL reaches libpq: `schema=NAME` keeps every table in that schema
// (created by Migrate), so several stores can share one database. Connects once, eagerly:
// kUnavailable "cannot connect to PostgreSQL at host:port: …" when the server cannot be reached,
// kInvalidArgument for a bad schema name. Does not migrate.
Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view url);

}  // namespace flowd::store::postgres
