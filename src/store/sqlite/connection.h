// A thin RAII layer over one sqlite3 connection: a per-connection cache of prepared statements,
// typed binding/reading, and SQLite result codes turned into flowd Errors.
//
// Thread safety: none. A Connection is used by one thread at a time (the Database hands it out
// under a mutex or through a checkout pool). This is the only header that includes sqlite3.h.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"

namespace flowd::store::sqlite {

// The flowd error for a failed SQLite call: SQLITE_BUSY/LOCKED → kUnavailable, unique-key
// clashes → kConflict, everything else → kInternal. `what` says what was being done.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

class Connection;

// A cached prepared statement borrowed from its Connection for one execution. Binding errors are
// remembered and reported by the next Step()/Run(). The destructor resets the statement, which
// also ends the implicit read transaction of an autocommit SELECT.
class Stmt {
 public:
  Stmt(sqlite3_stmt* stmt, Connection* conn) : stmt_(stmt), conn_(conn) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite.
  Stmt& Bind(int index, int64_t value);
  Stmt& Bind(int index, std::string_view value);
  Stmt& BindOpt(int index, const std::optional<std::string>& value);
  Stmt& BindNull(int index);

  // true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps once, expecting no row (INSERT/UPDATE/DELETE).
  Status Run();
  // Steps to the end, collecting column 0 of every row as an integer (a query of ids).
  Result<std::vector<int64_t>> Ids();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  void NoteBind(int rc);

  sqlite3_stmt* stmt_;
  Connection* conn_;
  int bind_rc_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens `path` (a file name, or ":memory:") and applies the per-connection pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool file_backed);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // A cached statement for `sql`. The cache is keyed by the pointer, so `sql` must have static
  // storage duration (a literal or a never-destroyed string); each distinct text is prepared once
  // per connection with SQLITE_PREPARE_PERSISTENT.
  Result<Stmt> Prepare(const char* sql);
  // Runs one or more statements without caching (DDL, pragmas).
  Status Exec(const char* sql);
  // Runs one statement through the cache (BEGIN, COMMIT, SAVEPOINT …: run once per write, so
  // not parsed each time). `sql` as for Prepare.
  Status Run(const char* sql);

  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() const { return db_; }

  // What the open transaction changed that the engine waits for (store::kEventsAppended, …):
  // marked by the writers, taken by the Database around BEGIN and COMMIT.
  void MarkChanged(uint32_t kinds) { changes_ |= kinds; }
  uint32_t TakeChanges() { return std::exchange(changes_, 0); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
  uint32_t changes_ = 0;
};

// BEGIN … COMMIT on one connection; rolls back in the destructor unless committed.
class Transaction {
 public:
  // `immediate`: BEGIN IMMEDIATE (take the write lock now); otherwise a deferred read snapshot.
  static Result<Transaction> Begin(Connection& conn, bool immediate);
  Transaction(Transaction&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace flowd::store::sqlite
