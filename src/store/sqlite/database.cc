#include "store/sqlite/database.h"

namespace flowd::store::sqlite {

namespace {
// Idle readers kept for reuse. Readers are opened on demand when all are busy, so this bounds
// memory (each holds its page cache and prepared statements), not concurrency.
constexpr size_t kMaxIdleReaders = 16;
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  bool memory = path == ":memory:";
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, Connection::Open(path, !memory));
  return std::unique_ptr<Database>(new Database(path, memory, std::move(writer)));
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
