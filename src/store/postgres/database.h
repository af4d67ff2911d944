// One PostgreSQL database as the store uses it: a small pool of connections, opened lazily up to
// a limit and shared by all threads, and helpers that run a function inside a transaction.
//
// Connections whose server link broke are discarded when they come back to the pool (and
// replaced on demand). Transactions that fail with a serialization failure or a deadlock
// (SQLSTATE 40001/40P01) are retried a few times from the start.
//
// Wake-ups: a write transaction whose work marked its connection (Connection::MarkChanged) sends
// `NOTIFY flowd[_<schema>]` with the kinds before COMMIT, so every process LISTENing on the
// database learns of it at commit, and tells this process's listener after COMMIT. With a
// listener set, a thread holds one more connection that LISTENs and forwards the other
// processes' notifications (its own ones skipped; re-connecting after a loss, and then reporting
// every kind: some may have been missed).
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/status.h"
#include "store/change_listener.h"
#include "store/postgres/connection.h"

namespace flowd::store::postgres {

class Database;

// A connection borrowed from the pool; returns it (or discards it, if broken) on destruction.
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> conn, bool reused)
      : db_(db), conn_(std::move(conn)), reused_(reused) {}
  Lease(Lease&& other) noexcept = default;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  // Whether the connection had been used before (and so may have gone stale while idle).
  bool reused() const { return reused_; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
  bool reused_;
};

class Database {
 public:
  // Connects once, eagerly, so that a wrong URL fails here with a clear message.
  static Result<std::unique_ptr<Database>> Open(std::string conninfo, std::string schema,
                                                size_t max_connections);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Starts (listener set) or silences (null) the wake-ups described above.
  void SetChangeListener(ChangeListener* listener);

  // Runs `fn(Connection&)` inside BEGIN … COMMIT and returns its Result/Status; rolls back if `fn`
  // fails. Retried from the start on serialization failures and deadlocks (and when BEGIN finds a
  // pooled connection dead), so `fn` must have no effects outside the database. A connection lost
  // after BEGIN is kUnavailable: the outcome of an interrupted COMMIT is unknown.
  template <typename F>
  std::invoke_result_t<F&, Connection&> Write(F&& fn) {
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
      auto lease = CheckOut();
      if (!lease.ok()) return std::move(lease).error();
      Connection& conn = **lease;
      Status begun = conn.Exec("BEGIN");
      conn.TakeChanges();  // marks of an earlier, failed attempt
      if (!begun.ok()) {
        // A pooled connection whose server went away fails here, before anything was written:
        // safe to try again on a fresh one.
        if (attempt < kAttempts && lease->reused() && !conn.healthy()) continue;
        return std::move(begun).error();
      }
      auto result = fn(conn);
      if (result.ok()) {
        const uint32_t changes = conn.TakeChanges();
        Status committed = Announce(conn, changes);
        if (committed.ok()) committed = conn.Exec("COMMIT");
        if (committed.ok()) {
          signal_.Notify(changes & ~kFlowsChanged);  // this process's own flow writes
          return result;
        }
        if (attempt == kAttempts || !IsRetryable(conn.last_sqlstate())) {
          return std::move(committed).error();
        }
      } else if (attempt == kAttempts || !IsRetryable(conn.last_sqlstate())) {
        return result;
      }
      // The Lease rolls back; wait a little (more each time) before trying again.
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt * attempt));
    }
  }

  // Runs `fn(Connection&)` on a pooled connection in autocommit mode (each statement sees the
  // latest committed data). With `snapshot`, inside a REPEATABLE READ READ ONLY transaction so
  // that several statements see one consistent state. Retried once on a fresh connection when a
  // pooled one turns out to have lost its server.
  template <typename F>
  std::invoke_result_t<F&, Connection&> Read(bool snapshot, F&& fn) {
    for (int attempt = 1;; ++attempt) {
      auto lease = CheckOut();
      if (!lease.ok()) return std::move(lease).error();
      Connection& conn = **lease;
      auto result = snapshot
                        ? InTransaction(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn)
                        : fn(conn);
      if (result.ok() || attempt == 2 || !lease->reused() || conn.healthy()) return result;
    }
  }

  // `fn(Connection&)` on a pooled connection, without a transaction (migrations manage theirs).
  template <typename F>
  std::invoke_result_t<F&, Connection&> WithConnection(F&& fn) {
    auto lease = CheckOut();
    if (!lease.ok()) return std::move(lease).error();
    return fn(**lease);
  }

 private:
  friend class Lease;
  Database(std::string conninfo, std::string schema, size_t max_connections)
      : conninfo_(std::move(conninfo)),
        schema_(std::move(schema)),
        max_connections_(max_connections) {}

  template <typename F>
  static std::invoke_result_t<F&, Connection&> InTransaction(Connection& conn, const char* begin,
                                                             F& fn) {
    Status begun = conn.Exec(begin);
    if (!begun.ok()) return std::move(begun).error();
    auto result = fn(conn);
    if (!result.ok()) return result;  // the Lease rolls back
    Status committed = conn.Exec("COMMIT");
    if (!committed.ok()) return std::move(committed).error();
    return result;
  }

  Result<Lease> CheckOut();
  void CheckIn(std::unique_ptr<Connection> conn);
  static std::string OriginId();
  // The NOTIFY of a transaction's changes (nothing when none).
  Status Announce(Connection& conn, uint32_t changes);
  void RunListener();

  const std::string conninfo_;
  const std::string schema_;
  const size_t max_connections_;

  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;  // idle + leased + being opened

  const std::string channel_ = ("flowd" + (schema_.empty() ? "" : "_" + schema_)).substr(0, 63);
  // Sent with each NOTIFY ("<kinds> <origin>"), so that the listener skips this process's own
  // (they were reported at commit already).
  const std::string origin_ = OriginId();
  ChangeSignal signal_;
  std::mutex listen_mu_;  // guards what follows
  std::thread listener_;
  int stop_pipe_[2] = {-1, -1};  // written to stop the listener's poll
};

}  // namespace flowd::store::postgres
