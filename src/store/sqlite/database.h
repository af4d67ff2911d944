// One SQLite database as the store uses it: a single writer connection with group commit, and a
// pool of reader connections so that concurrent reads run in parallel (WAL lets readers proceed
// while the writer commits).
//
// Group commit: concurrent Write() calls queue their work; whichever caller takes the writer
// first runs everything queued in ONE transaction, each piece of work inside its own SAVEPOINT (a
// piece that fails is rolled back alone and reports its own error; the others still commit), and
// commits once. Pages that several writes touch (the same table leaf, the same index pages) then
// reach the WAL once per batch instead of once per write. A lone write runs in a plain
// transaction, with no added latency. Every caller returns only after the commit that holds its
// work (or with the error that prevented it).
//
// Checkpoints (copying the WAL back into the database file, with an fsync) run on a background
// thread with its own connection rather than inside a writer's COMMIT, so a write request never
// pays for one: they are the only fsyncs under synchronous=NORMAL, and cost milliseconds.
//
// Wake-ups: after a COMMIT, the kinds of change its work marked on the writer connection
// (Connection::MarkChanged) are reported to the listener, if one is set.
//
// An in-memory database (":memory:") lives inside one connection, so there it is the only
// connection: reads then share the writer's mutex. That mode exists for tests.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/status.h"
#include "store/change_listener.h"
#include "store/sqlite/connection.h"

namespace flowd::store::sqlite {

class Database {
 public:
  // `path` is a file name or ":memory:".
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  void SetChangeListener(ChangeListener* listener) { signal_.Set(listener); }

  // Runs `fn(Connection&)` on the writer connection inside a write transaction (possibly shared
  // with other callers' work, see above) and returns its Result/Status once committed. If `fn`
  // fails, everything it wrote is rolled back and its error returned; if the commit fails, the
  // commit's error is returned. `fn` may run on another caller's thread, and must not call back
  // into the Database.
  template <typename F>
  std::invoke_result_t<F&, Connection&> Write(F&& fn) {
    using R = std::invoke_result_t<F&, Connection&>;
    std::optional<R> result;
    WriteTask task;
    task.run = [&](Connection& conn) {
      result.emplace(fn(conn));
      return result->ok();
    };
    task.fail = [&](Error error) { result.emplace(std::move(error)); };
    Submit(task);
    return std::move(*result);
  }

  // Runs `fn(Connection&)` on a reader connection. With `snapshot`, inside BEGIN … COMMIT so that
  // several statements see one consistent state; a single SELECT does not need it.
  template <typename F>
  std::invoke_result_t<F&, Connection&> Read(bool snapshot, F&& fn) {
    if (memory_) {
      std::lock_guard<std::mutex> lock(writer_mu_);
      return snapshot ? InTransaction(*writer_, /*immediate=*/false, fn) : fn(*writer_);
    }
    auto conn = CheckOut();
    if (!conn.ok()) return std::move(conn).error();
    auto result = snapshot ? InTransaction(**conn, /*immediate=*/false, fn) : fn(**conn);
    CheckIn(std::move(*conn));
    return result;
  }

  // Exclusive use of the writer connection without a transaction (migrations manage their own).
  template <typename F>
  std::invoke_result_t<F&, Connection&> WithWriter(F&& fn) {
    std::lock_guard<std::mutex> lock(writer_mu_);
    return fn(*writer_);
  }

 private:
  Database(std::string path, bool memory, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), memory_(memory), writer_(std::move(writer)) {}

  template <typename F>
  static std::invoke_result_t<F&, Connection&> InTransaction(Connection& conn, bool immediate,
                                                             F& fn) {
    auto txn = Transaction::Begin(conn, immediate);
    if (!txn.ok()) return std::move(txn).error();
    auto result = fn(conn);
    if (!result.ok()) return result;  // the Transaction's destructor rolls back
    Status committed = txn->Commit();
    if (!committed.ok()) return std::move(committed).error();
    return result;
  }

  // One caller's piece of work in the write queue; lives on the caller's stack until `done`.
  struct WriteTask {
    std::function<bool(Connection&)> run;  // runs the work, stores its result; true when ok
    std::function<void(Error)> fail;       // replaces the stored result with an error
    bool done = false;                     // written and read under writer_mu_
  };
  // Queues `task` and returns once it has run and its transaction has ended.
  void Submit(WriteTask& task);
  // Runs `batch` in one transaction (savepoint per task when more than one) and marks it done.
  void RunBatch(const std::vector<WriteTask*>& batch);

  static int OnWalCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void RunCheckpointer(std::unique_ptr<Connection> conn);

  Result<std::unique_ptr<Connection>> CheckOut();
  void CheckIn(std::unique_ptr<Connection> conn);

  const std::string path_;
  const bool memory_;
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex queue_mu_;  // guards write_queue_ only (never held while running work)
  std::vector<WriteTask*> write_queue_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool stopping_ = false;
  std::thread checkpointer_;  // file databases only
  ChangeSignal signal_;
};

}  // namespace flowd::store::sqlite
