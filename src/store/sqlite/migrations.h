// The SQLite schema as numbered migrations, embedded in the binary.
//
// Rules: never edit or renumber a migration that has shipped; add a new one with the next
// version. Each runs in its own transaction together with its schema_migrations row.
#pragma once

#include <vector>

namespace flowd::store::sqlite {

struct Migration {
  int version;
  const char* sql;  // one or more statements
};

// In strictly increasing version order, starting at 1.
const std::vector<Migration>& Migrations();

}  // namespace flowd::store::sqlite
