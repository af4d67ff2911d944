#include "store/sqlite/connection.h"

#include <utility>

namespace flowd::store::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = "storage error while ";
  msg += what;
  msg += ": ";
  // sqlite3_errmsg describes the most recent failure on the connection; fall back to the generic
  // text for the code when there is no connection (open failures) or it was reset meanwhile.
  msg +=
      db != nullptr && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::kUnavailable, std::move(msg), {}, {}, std::nullopt};
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error::Conflict(std::move(msg));
      }
      return Error::Internal(std::move(msg));
    default:
      return Error::Internal(std::move(msg));
  }
}

// ---------------------------------------------------------------- Stmt

Stmt::Stmt(Stmt&& other) noexcept
    : stmt_(other.stmt_), conn_(other.conn_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Stmt::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Stmt& Stmt::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so callers may pass temporaries.
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::BindOpt(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Stmt& Stmt::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteError(conn_->raw(), bind_rc_, "binding a parameter");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(conn_->raw(), rc, "executing a statement");
}

Status Stmt::Run() {
  FLOWD_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;  // RETURNING-less statements yield no row; one that does is still fine
  return Status::Ok();
}

Result<std::vector<int64_t>> Stmt::Ids() {
  std::vector<int64_t> out;
  while (true) {
    FLOWD_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return out;
    out.push_back(Int(0));
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> Stmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

// ---------------------------------------------------------------- Connection

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool file_backed) {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (see header), so SQLite's own
  // per-connection mutex would only cost time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error err = SqliteError(db, rc, "opening database '" + path + "'");
    err.code = ErrorCode::kUnavailable;
    sqlite3_close_v2(db);
    return err;
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db));

  if (file_backed) {
    // WAL: readers never block the writer nor each other. It is a property of the file, so
    // asking again on every connection is a no-op after the first.
    FLOWD_ASSIGN_OR_RETURN(Stmt wal, conn->Prepare("PRAGMA journal_mode=WAL"));
    FLOWD_ASSIGN_OR_RETURN(bool row, wal.Step());
    if (!row || wal.Text(0) != "wal") {
      return Error{ErrorCode::kUnavailable,
                   "cannot switch '" + path + "' to WAL mode",
                   {},
                   {},
                   std::nullopt};
    }
  }
  // synchronous=NORMAL in WAL mode: a commit is written to the WAL but not fsynced; the WAL is
  // fsynced at checkpoints. A crash of the *process* (kill -9, abort) loses nothing that was
  // committed, because the OS still holds the written pages. A power loss or kernel crash may
  // roll the database back to the last checkpoint, losing the most recent commits but never
  // corrupting it. FULL would fsync every commit and cap writes at the disk's fsync rate; the
  // throughput targets (DESIGN.md §5) assume NORMAL.
  // busy_timeout: BEGIN IMMEDIATE waits for another process's writer (e.g. `flowd token create`
  // next to a running server) instead of failing at once; after it expires → kUnavailable.
  FLOWD_TRY(
      conn->Exec("PRAGMA synchronous=NORMAL;"
                 "PRAGMA foreign_keys=ON;"
                 "PRAGMA busy_timeout=5000;"
                 "PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-16384;"
                 // Reads through a memory map of the database file share the OS page cache
                 // across all reader connections instead of pread-ing into each one's private
                 // cache: about twice the GetFlow rate once the flows outgrow that cache.
                 // (WAL pages not yet checkpointed are still read with pread.)
                 "PRAGMA mmap_size=268435456;"
                 // After a checkpoint lets the WAL restart, truncate it to this size instead of
                 // keeping the high-water mark on disk.
                 "PRAGMA journal_size_limit=67108864;"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Stmt> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second, this);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Error err = SqliteError(db_, rc, "preparing a statement");
    sqlite3_finalize(stmt);
    return err;
  }
  cache_.emplace(sql, stmt);
  return Stmt(stmt, this);
}

Status Connection::Exec(const char* sql) {
  char* errmsg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &errmsg);
  if (rc == SQLITE_OK) return Status::Ok();
  Error err = SqliteError(db_, rc, "executing SQL");
  if (errmsg != nullptr) {
    err.message += " (";
    err.message += errmsg;
    err.message += ")";
    sqlite3_free(errmsg);
  }
  return err;
}

Status Connection::Run(const char* sql) {
  FLOWD_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  return stmt.Run();
}

// ---------------------------------------------------------------- Transaction

Result<Transaction> Transaction::Begin(Connection& conn, bool immediate) {
  FLOWD_TRY(conn.Run(immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr && !sqlite3_get_autocommit(conn_->raw())) {
    sqlite3_exec(conn_->raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status Transaction::Commit() {
  Connection* conn = conn_;
  conn_ = nullptr;
  Status st = conn->Run("COMMIT");
  // A failed COMMIT can leave the transaction open (e.g. SQLITE_BUSY); do not leave it dangling
  // on a connection that the next caller will reuse.
  if (!st.ok() && !sqlite3_get_autocommit(conn->raw())) {
    sqlite3_exec(conn->raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return st;
}

}  // namespace flowd::store::sqlite
