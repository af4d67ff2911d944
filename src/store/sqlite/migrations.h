// The SQLite schema as numbered migrations, embedded in the binary.
//
// Rules: never edit or renumber a migration that has shipped; add a new one with the next
// version. Each runs in its own transaction together with its schema_migrations row. Every
// version without a schema_migrations row is applied, in version order, even one below the
// highest applied (a number reserved by a branch merged later): so a migration must not depend
// on one with a higher number.
#pragma once

#include <vector>

namespace flowd::store::sqlite {

struct Migration {
  int version;
  const char* sql;  // one or more statements
};

// In strictly increasing version order, starting at 1 (gaps allowed: see above).
const std::vector<Migration>& Migrations();

}  // namespace flowd::store::sqlite
