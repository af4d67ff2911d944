#include "store/sqlite/database.h"

#include <chrono>
#include <system_error>

namespace flowd::store::sqlite {

namespace {
// Idle readers kept for reuse. Readers are opened on demand when all are busy, so this bounds
// memory (each holds its page cache and prepared statements), not concurrency.
constexpr size_t kMaxIdleReaders = 32;
// A checkpoint is requested once the WAL holds this many pages (SQLite's own default for its
// inline auto-checkpoint), and attempted at least this often while anything is pending.
constexpr int kCheckpointPages = 1000;
constexpr auto kCheckpointInterval = std::chrono::seconds(1);
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  bool memory = path == ":memory:";
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, Connection::Open(path, !memory));
  std::unique_ptr<Database> db(new Database(path, memory, std::move(writer)));
  if (!memory) {
    FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> checkpoint_conn,
                           Connection::Open(path, /*file_backed=*/true));
    // Installing a WAL hook replaces SQLite's inline auto-checkpoint on this connection.
    sqlite3_wal_hook(db->writer_->raw(), &Database::OnWalCommit, db.get());
    try {
      db->checkpointer_ =
          std::thread(&Database::RunCheckpointer, db.get(), std::move(checkpoint_conn));
    } catch (const std::system_error& e) {
      return Error::Internal(std::string("cannot start the checkpoint thread: ") + e.what());
    }
  }
  return db;
}

Database::~Database() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(checkpoint_mu_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_one();
    checkpointer_.join();
  }
  // The connections close after this; the last one to close checkpoints what is left.
}

void Database::Submit(WriteTask& task) {
  {
    std::lock_guard<std::mutex> queue(queue_mu_);
    write_queue_.push_back(&task);
  }
  std::lock_guard<std::mutex> writer(writer_mu_);
  // A caller that held the writer before us may have taken our task into its batch: it marks the
  // task done before it lets the writer go, so this check under writer_mu_ sees it.
  if (task.done) return;
  std::vector<WriteTask*> batch;
  {
    std::lock_guard<std::mutex> queue(queue_mu_);
    batch.swap(write_queue_);
  }
  RunBatch(batch);  // our task is in it: it was queued before we took the writer
}

void Database::RunBatch(const std::vector<WriteTask*>& batch) {
  Connection& conn = *writer_;
  auto finish = [&batch] {
    for (WriteTask* t : batch) t->done = true;
  };
  auto fail_all = [&](const Error& error) {
    for (WriteTask* t : batch) t->fail(error);
    finish();
  };
  if (Status begun = conn.Run("BEGIN IMMEDIATE"); !begun.ok()) {
    fail_all(begun.error());
    return;
  }
  conn.TakeChanges();
  if (batch.size() == 1) {
    if (!batch[0]->run(conn)) {
      (void)conn.Exec("ROLLBACK");
      finish();
      return;
    }
  } else {
    for (WriteTask* t : batch) {
      if (Status sp = conn.Run("SAVEPOINT flowd_write"); !sp.ok()) {
        t->fail(sp.error());
        continue;
      }
      if (!t->run(conn)) (void)conn.Run("ROLLBACK TO SAVEPOINT flowd_write");
      (void)conn.Run("RELEASE SAVEPOINT flowd_write");
    }
  }
  if (Status committed = conn.Run("COMMIT"); !committed.ok()) {
    (void)conn.Exec("ROLLBACK");
    fail_all(committed.error());
    return;
  }
  signal_.Notify(conn.TakeChanges());
  finish();
}

int Database::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int wal_pages) {
  if (wal_pages >= kCheckpointPages) {
    auto* db = static_cast<Database*>(self);
    {
      std::lock_guard<std::mutex> lock(db->checkpoint_mu_);
      db->checkpoint_wanted_ = true;
    }
    db->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void Database::RunCheckpointer(std::unique_ptr<Connection> conn) {
  std::unique_lock<std::mutex> lock(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, kCheckpointInterval,
                            [this] { return stopping_ || checkpoint_wanted_; });
    if (stopping_) break;
    checkpoint_wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, never blocks the writer or readers. Errors
    // (e.g. SQLITE_BUSY while another process checkpoints) just mean "try again later"; the
    // timed wait above comes back every interval anyway (a no-op when the WAL is empty), so pages
    // that readers held back or a failed attempt are retried without a new request.
    int log_pages = 0;
    int done_pages = 0;
    sqlite3_wal_checkpoint_v2(conn->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages,
                              &done_pages);
    lock.lock();
  }
}

Result<std::unique_ptr<Connection>> Database::CheckOut() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
  }
  // Opening outside the lock: it touches the file system.
  return Connection::Open(path_, /*file_backed=*/true);
}

void Database::CheckIn(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(conn));
}

}  // namespace flowd::store::sqlite
